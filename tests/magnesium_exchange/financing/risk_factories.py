"""Helpers of the risk tests (interest, valuation, margin calls, forced sale): loans made through the
loan services, the day's reference price moved by the operator's service, webhooks the banks' Apps
subscribe to."""

from __future__ import annotations

import json
from decimal import Decimal

from django.utils import timezone

from magnesium_exchange.financing.services.loans import loan_apply, loan_approve, loan_disburse
from magnesium_exchange.marketdata.services import reference_price_set
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.models import EventDelivery
from tests.meidu.integrations.webhook_rows import webhook_row_insert

RISK_EVENTS = [
    WebhookEventType.MARGIN_CALL_OPENED.value,
    WebhookEventType.MARGIN_CALL_RESOLVED.value,
    WebhookEventType.MARGIN_CALL_MISSED.value,
    WebhookEventType.FORCED_SALE_STARTED.value,
    WebhookEventType.LOAN_REPAID.value,
    WebhookEventType.PLEDGE_RELEASED.value,
]


def active_loan(
    lending, *, bank=None, officer=None, net="100.000", principal="144000.00", rate="4.350", term_days=90, receipts=None
):
    """A disbursed loan of ``principal`` on one receipt of ``net`` t (144,000 on 100 t at 3,000: 60%)."""
    bank = bank or lending.ccb
    officer = officer or (lending.ccb_officer if bank == lending.ccb else lending.hxb_officer)
    receipts = receipts or [lending.receipt(net=net)]
    loan = loan_apply(
        member=lending.borrower,
        bank=bank,
        receipts=receipts,
        amount=principal,
        term_days=term_days,
        actor=lending.trader,
    )
    loan = loan_approve(
        loan,
        bank=bank,
        principal=principal,
        annual_rate_percent=rate,
        term_days=term_days,
        registry_filing_no="ZD2026120600123",
        actor=officer,
    )
    loan = loan_disburse(loan, bank=bank, actor=officer)
    return loan, receipts


def price_today(lending, price) -> None:
    """The operator corrects today's reference price of fm-98 (what the daily valuation marks to)."""
    reference_price_set(
        grade=lending.grade, day=timezone.localdate(), price=Decimal(price), reason="test", actor=lending.operator
    )


def subscribe(*apps):
    return [
        webhook_row_insert(app=app, target_url=f"https://bank{app.pk}.example/hooks", events=RISK_EVENTS)
        for app in apps
    ]


def deliveries(event: WebhookEventType) -> list[tuple[int, dict]]:
    """(app id, data) of each delivery of ``event``, oldest first."""
    return [
        (d.webhook.app_id, json.loads(d.payload.payload)["data"])
        for d in EventDelivery.objects.filter(event_type=event.value)
        .select_related("webhook", "payload")
        .order_by("id")
    ]
