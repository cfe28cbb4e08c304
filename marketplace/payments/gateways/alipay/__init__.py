"""Alipay (支付宝): wap and page pay, RSA2 both ways, notifications, refunds and the daily bill."""

from marketplace.payments.gateways.alipay.gateway import ALIPAY, AlipayGateway, mode_for_user_agent

__all__ = ["ALIPAY", "AlipayGateway", "mode_for_user_agent"]
