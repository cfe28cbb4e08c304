"""WeChat Pay (API v3) as a gateway: Native (a QR code on a desk screen), H5 (a phone browser) and
JSAPI (inside WeChat's own browser), refunds, closing unpaid orders and the daily trade bill.

The platform is the merchant of record: one merchant account takes every buyer's money and the
sellers are paid through the seller ledger and payouts. Our ``out_trade_no`` is the transaction
item's token (32 hex characters), kept as the item's PSP reference; the CHARGE_SUCCESS event
carries WeChat Pay's ``transaction_id`` (what the bill lists) and its ``success_time`` as
``settledAt``. Nothing here writes our tables: marketplace.payments.services records the results.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from marketplace.payments.gateways.base import BaseGateway, GatewayError, GatewayResult, voidable_amount
from marketplace.payments.gateways.wechatpay.amounts import from_fen, to_fen
from marketplace.payments.gateways.wechatpay.bill import bill_lines_parse
from marketplace.payments.gateways.wechatpay.client import WechatPayClient, WechatPayError
from marketplace.payments.gateways.wechatpay.config import wechatpay_config, wechatpay_problems
from marketplace.payments.gateways.wechatpay.signing import jsapi_parameters
from marketplace.payments.models import TransactionAction
from marketplace.payments.models import TransactionEventType as T

logger = logging.getLogger("meidu.payments.wechatpay")

WECHATPAY = "meidu.payments.wechatpay"
MODES = ("native", "h5", "jsapi")
PAID_STATES = {"SUCCESS", "REFUND"}  # REFUND: paid, then (partly) refunded
WAITING_STATES = {"NOTPAY", "USERPAYING"}
DESCRIPTION_MAX = 127


class AmountMismatch(GatewayError):
    """WeChat Pay says the buyer paid another amount than the one we asked for."""


def out_trade_no(item) -> str:
    return item.token.hex


def out_refund_no(idempotency_key: str) -> str:
    """A refund number WeChat Pay accepts (at most 64 of [0-9A-Za-z_-|*@]); the same key, the same
    number, so a retried refund is the same refund at WeChat Pay."""
    return "R" + hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:40]


def _description(data: dict) -> str:
    text = str(data.get("description") or "美都集市订单 Meidu Market order")
    return "".join(ch for ch in text if ch.isprintable())[:DESCRIPTION_MAX]


class WeChatPayGateway(BaseGateway):
    id = WECHATPAY
    name = _("WeChat Pay")
    currencies = ("CNY",)
    actions = (TransactionAction.CHARGE,)
    requires_payment_before_order = True
    capture_releases_remainder = False

    def _client(self) -> WechatPayClient:
        config = wechatpay_config()
        if config is None:
            raise GatewayError("WeChat Pay is not configured.")
        return WechatPayClient(config)

    def is_available(self):
        return wechatpay_config() is not None

    def configuration_problems(self, *, production: bool) -> list[str]:
        return wechatpay_problems(production=production)

    def config(self):
        config = wechatpay_config()
        return {"wechatpayAppId": config.appid if config else "", "modes": list(MODES)}

    def initialize_session(self, *, source, amount, data):
        return self.config()

    def initialize(self, item, *, action, amount, data, idempotency_key):
        data = data or {}
        mode = data.get("mode") or "native"
        if mode not in MODES:
            raise GatewayError(f"Unknown WeChat Pay mode {str(mode)[:20]!r}.")
        client = self._client()
        config = client.config
        body: dict = {
            "appid": config.appid,
            "mchid": config.mchid,
            "description": _description(data),
            "out_trade_no": out_trade_no(item),
            "notify_url": config.notify_url,
            "amount": {"total": to_fen(amount), "currency": "CNY"},
            "attach": str(item.checkout_token),
        }
        if mode == "h5":
            body["scene_info"] = {
                "payer_client_ip": str(data.get("clientIp") or "127.0.0.1")[:45],
                "h5_info": {"type": "Wap"},
            }
        if mode == "jsapi":
            openid = str(data.get("openid") or "")
            if not openid:
                raise GatewayError("WeChat Pay inside WeChat needs the buyer's openid.")
            body["payer"] = {"openid": openid[:128]}
        answer = client.call("POST", f"/v3/pay/transactions/{mode}", body=body)
        client_data: dict = {"mode": mode, "outTradeNo": out_trade_no(item)}
        if mode == "native":
            client_data["codeUrl"] = answer.get("code_url", "")
        elif mode == "h5":
            client_data["h5Url"] = answer.get("h5_url", "")
        else:
            client_data["jsapi"] = jsapi_parameters(
                appid=config.appid, prepay_id=str(answer.get("prepay_id", "")), private_key=config.private_key
            )
        if not any(client_data.get(key) for key in ("codeUrl", "h5Url", "jsapi")):
            raise GatewayError("WeChat Pay gave no way to pay.")
        return GatewayResult(T.CHARGE_ACTION_REQUIRED, amount, out_trade_no(item), data={"wechatpay": client_data})

    def query(self, item) -> dict:
        client = self._client()
        return client.call(
            "GET", f"/v3/pay/transactions/out-trade-no/{out_trade_no(item)}", params={"mchid": client.config.mchid}
        )

    def process(self, item, *, data):
        """Ask WeChat Pay (never the browser) whether the buyer paid."""
        expected = item.charge_pending_amount
        order = self.query(item)
        state = order.get("trade_state")
        if state in PAID_STATES:
            paid = from_fen((order.get("amount") or {}).get("total"))
            if expected and paid != expected:
                logger.error(
                    "WeChat Pay order %s paid %s, we asked for %s: not recorded, for an operator",
                    out_trade_no(item),
                    paid,
                    expected,
                )
                raise AmountMismatch("WeChat Pay reports another amount than the order's.")
            return GatewayResult(
                T.CHARGE_SUCCESS,
                paid,
                str(order.get("transaction_id") or ""),
                data={"settledAt": order.get("success_time") or ""},
            )
        if state in WAITING_STATES:
            return GatewayResult(T.CHARGE_REQUEST, expected, out_trade_no(item))
        return GatewayResult(
            T.CHARGE_FAILURE,
            expected,
            f"{out_trade_no(item)}:{state}",
            message=str(order.get("trade_state_desc") or state),
        )

    def charge(self, item, amount, *, idempotency_key=""):
        raise GatewayError("WeChat Pay charges at once; there is no authorisation to capture.")

    def refund(self, item, amount, *, idempotency_key=""):
        client = self._client()
        body = {
            "out_trade_no": out_trade_no(item),
            "out_refund_no": out_refund_no(idempotency_key or f"{item.token}-{amount}"),
            "notify_url": client.config.notify_url,
            "amount": {"refund": to_fen(amount), "total": to_fen(item.charged_amount), "currency": "CNY"},
        }
        answer = client.call("POST", "/v3/refund/domestic/refunds", body=body)
        refunded = from_fen((answer.get("amount") or {}).get("refund", body["amount"]["refund"]))
        reference = str(answer.get("refund_id") or body["out_refund_no"])
        status = answer.get("status")
        if status == "SUCCESS":
            return GatewayResult(
                T.REFUND_SUCCESS, refunded, reference, data={"settledAt": answer.get("success_time") or ""}
            )
        if status == "PROCESSING":
            return GatewayResult(T.REFUND_REQUEST, refunded, reference)
        return GatewayResult(T.REFUND_FAILURE, refunded, reference, message=str(status or "refund failed"))

    def cancel(self, item):
        """Close the unpaid WeChat Pay order, so the buyer can no longer pay it."""
        client = self._client()
        try:
            client.call(
                "POST",
                f"/v3/pay/transactions/out-trade-no/{out_trade_no(item)}/close",
                body={"mchid": client.config.mchid},
            )
        except WechatPayError as exc:
            return GatewayResult(T.CANCEL_FAILURE, Decimal(0), out_trade_no(item), message=str(exc))
        return GatewayResult(T.CANCEL_SUCCESS, voidable_amount(item), f"{out_trade_no(item)}:closed")

    def bill_lines(self, day: date):
        """The day's trade bill (tradebill -> download_url), as BillLines; GatewayError while it is not out yet."""
        client = self._client()
        try:
            answer = client.call("GET", "/v3/bill/tradebill", params={"bill_date": day.isoformat(), "bill_type": "ALL"})
        except WechatPayError as exc:
            if exc.code == "NO_STATEMENT_EXIST":  # no movement that day: an empty bill
                return []
            raise
        content = client.download(str(answer.get("download_url") or ""), sha1=str(answer.get("hash_value") or ""))
        return bill_lines_parse(content)
