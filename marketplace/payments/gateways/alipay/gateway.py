"""Alipay as a payment gateway: the buyer pays on Alipay's page (phone: wap pay, desk: page pay).

The platform is the merchant of record: one Alipay account takes every checkout's money and
sellers are paid through the seller ledger and payouts. One TransactionItem is one Alipay trade
whose ``out_trade_no`` is the item's token (32 hex digits), so a notification, a query and a bill
line all find the item by it. Alipay only charges (no authorise-then-capture in these products).

``initialize`` calls nobody: it signs the URL the buyer is sent to and records CHARGE_ACTION_REQUIRED.
``process`` asks Alipay (alipay.trade.query) what became of the trade; the browser's return is
never believed. An amount Alipay reports that differs from what we asked for is refused (logged,
nothing recorded): the order is not placed on it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from marketplace.payments.gateways.alipay.amounts import AmountError, from_yuan, to_yuan
from marketplace.payments.gateways.alipay.bill import PAYMENT, bill_rows
from marketplace.payments.gateways.alipay.client import BEIJING, AlipayClient, AlipayConfig, AlipayError
from marketplace.payments.gateways.base import (
    BILL_PAYMENT,
    BILL_REFUND,
    BaseGateway,
    BillLine,
    GatewayError,
    GatewayResult,
    voidable_amount,
)
from marketplace.payments.models import TransactionAction
from marketplace.payments.models import TransactionEventType as T

logger = logging.getLogger("meidu.payments.alipay")

ALIPAY = "meidu.payments.alipay"
WAP, PAGE = "wap", "page"
PRODUCTS = {
    WAP: ("alipay.trade.wap.pay", "QUICK_WAP_WAY"),
    PAGE: ("alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY"),
}
PAID = ("TRADE_SUCCESS", "TRADE_FINISHED")
PHONE_HINTS = ("mobile", "android", "iphone", "ipod", "harmonyos", "windows phone", "micromessenger")
SUBJECT = "美都集市订单"  # what the buyer reads on Alipay's page and in their bill
PAY_WITHIN = "30m"  # Alipay closes an unpaid trade after this


def mode_for_user_agent(user_agent: str) -> str:
    """Wap pay on a phone (it opens the Alipay app or its mobile cashier), page pay on a desk screen
    (a QR code to scan with the phone, or an Alipay login)."""
    agent = (user_agent or "").lower()
    return WAP if any(hint in agent for hint in PHONE_HINTS) else PAGE


def settled_at(beijing_time: str) -> dict:
    """``{"settledAt": ISO 8601}`` from Alipay's "yyyy-MM-dd HH:mm:ss" (Beijing time), for the day a
    movement belongs to in reconciliation; empty when Alipay gave none."""
    try:
        moment = datetime.strptime(beijing_time or "", "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
    except ValueError:
        return {}
    return {"settledAt": moment.isoformat()}


def _web_url(value) -> str:
    """An http(s) URL of at most 400 characters (what Alipay takes as return_url / quit_url), else ""."""
    text = str(value or "")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(text) > 400 or any(ord(c) < 32 for c in text):
        return ""
    return text


def out_trade_no(item) -> str:
    return item.token.hex


def out_request_no(item, idempotency_key: str) -> str:
    """A refund's request number (at most 64 characters): the same key gives the same number, and
    Alipay answers a repeated number with the first refund instead of refunding twice."""
    return "R" + hashlib.sha256(f"{item.token}:{idempotency_key}".encode()).hexdigest()[:40]


class AlipayGateway(BaseGateway):
    id = ALIPAY
    name = _("Alipay")
    currencies = ("CNY",)
    actions = (TransactionAction.CHARGE,)
    requires_payment_before_order = True
    capture_releases_remainder = False

    def __init__(self, client: AlipayClient | None = None):
        self._client = client

    @property
    def client(self) -> AlipayClient:
        return self._client or AlipayClient(AlipayConfig.from_settings())

    def is_available(self):
        return AlipayConfig.from_settings().configured

    def config(self):
        return {"modes": [WAP, PAGE]}

    def initialize_session(self, *, source, amount, data):
        return {"modes": [WAP, PAGE], "amount": to_yuan(amount)}

    def _call(self, method: str, biz: dict) -> dict:
        try:
            return self.client.call(method, biz)
        except AlipayError as exc:
            raise GatewayError(str(exc)) from exc

    def initialize(self, item, *, action, amount, data, idempotency_key):
        data = data or {}
        mode = data.get("mode") if data.get("mode") in PRODUCTS else PAGE
        method, product = PRODUCTS[mode]
        try:
            total = to_yuan(amount)
        except AmountError as exc:
            raise GatewayError(str(exc)) from exc
        biz = {
            "out_trade_no": out_trade_no(item),
            "total_amount": total,
            "subject": SUBJECT,
            "product_code": product,
            "timeout_express": PAY_WITHIN,
        }
        if mode == WAP and _web_url(data.get("quitUrl")):
            biz["quit_url"] = _web_url(data.get("quitUrl"))
        try:
            url = self.client.page_url(method, biz, return_url=_web_url(data.get("returnUrl")))
        except (OSError, ValueError) as exc:  # a key file missing or unreadable
            logger.error("Alipay: cannot sign a payment request: %s", exc)
            raise GatewayError("Alipay is not configured correctly") from exc
        return GatewayResult(
            T.CHARGE_ACTION_REQUIRED,
            amount,
            out_trade_no(item),
            data={"alipay": {"payUrl": url, "mode": mode, "outTradeNo": out_trade_no(item), "totalAmount": total}},
        )

    def process(self, item, *, data):
        """alipay.trade.query: paid (the amount must be the one asked), closed, or still waiting."""
        expected = Decimal(item.charge_pending_amount)
        try:
            trade = self.client.call("alipay.trade.query", {"out_trade_no": out_trade_no(item)})
        except AlipayError as exc:
            if exc.sub_code == "ACQ.TRADE_NOT_EXIST":  # the buyer has not opened Alipay's page yet
                return GatewayResult(T.CHARGE_ACTION_REQUIRED, expected, out_trade_no(item))
            raise GatewayError(str(exc)) from exc
        status = trade.get("trade_status")
        if trade.get("out_trade_no") != out_trade_no(item):
            logger.error("Alipay query for %s answered about %s", out_trade_no(item), trade.get("out_trade_no"))
            raise GatewayError("Alipay answered about another trade")
        if status in PAID:
            try:
                paid = from_yuan(trade.get("total_amount"))
            except AmountError as exc:
                raise GatewayError(str(exc)) from exc
            if paid != expected:
                logger.error(
                    "Alipay trade %s paid %s but %s was asked: not recorded", out_trade_no(item), paid, expected
                )
                raise GatewayError("The amount Alipay reports differs from the order")
            return GatewayResult(
                T.CHARGE_SUCCESS,
                paid,
                str(trade.get("trade_no") or out_trade_no(item)),
                data=settled_at(str(trade.get("send_pay_date") or "")),
            )
        if status == "TRADE_CLOSED":
            return GatewayResult(
                T.CHARGE_FAILURE, expected, f"{out_trade_no(item)}:closed", message=str(_("The Alipay payment closed"))
            )
        return GatewayResult(T.CHARGE_ACTION_REQUIRED, expected, out_trade_no(item))

    def charge(self, item, amount, *, idempotency_key=""):
        raise GatewayError("Alipay charges when the buyer pays; there is nothing to capture")

    def refund(self, item, amount, *, idempotency_key=""):
        """alipay.trade.refund with an out_request_no derived from the idempotency key."""
        request_no = out_request_no(item, idempotency_key or "refund")
        try:
            biz = {
                "out_trade_no": out_trade_no(item),
                "refund_amount": to_yuan(amount),
                "out_request_no": request_no,
                "refund_reason": "退款",
            }
        except AmountError as exc:
            raise GatewayError(str(exc)) from exc
        answer = self._call("alipay.trade.refund", biz)
        if answer.get("out_trade_no") not in (None, out_trade_no(item)):
            raise GatewayError("Alipay answered about another trade")
        return GatewayResult(T.REFUND_SUCCESS, amount, request_no)

    def cancel(self, item):
        """alipay.trade.close: an unpaid trade is closed (one Alipay never created needs nothing)."""
        try:
            self.client.call("alipay.trade.close", {"out_trade_no": out_trade_no(item)})
        except AlipayError as exc:
            if exc.sub_code != "ACQ.TRADE_NOT_EXIST":
                if exc.code:
                    return GatewayResult(T.CANCEL_FAILURE, Decimal(0), f"{out_trade_no(item)}:close", message=str(exc))
                raise GatewayError(str(exc)) from exc
        return GatewayResult(T.CANCEL_SUCCESS, voidable_amount(item), f"{out_trade_no(item)}:close")

    def bill_lines(self, day: date) -> Iterator[BillLine]:
        """The day's Alipay bill as BillLines for reconciliation (services.reconciliation): a payment by
        Alipay's trade_no, a refund by its out_request_no, the numbers our events carry."""
        try:
            rows = bill_rows(self.client, day)
        except AlipayError as exc:
            raise GatewayError(str(exc)) from exc
        for row in rows:
            payment = row.kind == PAYMENT
            yield BillLine(
                kind=BILL_PAYMENT if payment else BILL_REFUND,
                psp_reference=row.trade_no if payment else row.out_request_no,
                our_reference=row.out_trade_no,
                amount=row.amount,
            )
