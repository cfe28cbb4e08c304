"""WeChat Pay API v3: our own small client over ``cryptography`` and ``requests`` (see signing.py)."""

from marketplace.payments.gateways.wechatpay.gateway import WECHATPAY, WeChatPayGateway

__all__ = ["WECHATPAY", "WeChatPayGateway"]
