"""Reads of payments: a checkout's transactions, its paid totals and Saleor's charge/authorize statuses."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch, Sum

from marketplace.payments.gateways import gateway_get, gateways_all
from marketplace.payments.models import BillRun, BillRunStatus, TransactionEvent, TransactionItem


class CheckoutChargeStatus:
    """Saleor's CheckoutChargeStatusEnum."""

    NONE = "NONE"
    PARTIAL = "PARTIAL"
    FULL = "FULL"
    OVERCHARGED = "OVERCHARGED"


class CheckoutAuthorizeStatus:
    """Saleor's CheckoutAuthorizeStatusEnum."""

    NONE = "NONE"
    PARTIAL = "PARTIAL"
    FULL = "FULL"


def transactions_for_checkout(checkout_token):
    """The checkout's transaction items (oldest first) with their events prefetched: Checkout.transactions."""
    return (
        TransactionItem.objects.filter(checkout_token=checkout_token)
        .order_by("pk")
        .prefetch_related(Prefetch("events", queryset=TransactionEvent.objects.order_by("pk")))
    )


def transaction_get_by_token(token, *, gateway: str | None = None) -> TransactionItem | None:
    """The transaction item with this token (of ``gateway`` when named), else None."""
    qs = TransactionItem.objects.filter(token=token)
    return (qs.filter(gateway=gateway) if gateway else qs).first()


def transaction_list_for_gateway(checkout_token, gateway: str):
    """The checkout's transaction items of one gateway, newest first."""
    return TransactionItem.objects.filter(checkout_token=checkout_token, gateway=gateway).order_by("-pk")


def transaction_event_list_of_types(item: TransactionItem, types):
    """The item's events of these types, newest first."""
    return TransactionEvent.objects.filter(item=item, type__in=types).order_by("-pk")


def checkout_payment_totals(checkout_token) -> tuple[Decimal, Decimal, Decimal]:
    """(authorized, charged, refunded) summed over the checkout's transactions."""
    sums = TransactionItem.objects.filter(checkout_token=checkout_token).aggregate(
        authorized=Sum("authorized_amount"), charged=Sum("charged_amount"), refunded=Sum("refunded_amount")
    )
    return (sums["authorized"] or Decimal(0), sums["charged"] or Decimal(0), sums["refunded"] or Decimal(0))


def payment_totals_of(items) -> tuple[Decimal, Decimal, Decimal]:
    """(authorized, charged, refunded) summed over TransactionItems already read (checkout_payment_totals
    without a statement, for a service that reads the items anyway)."""
    return (
        sum((item.authorized_amount for item in items), Decimal(0)),
        sum((item.charged_amount for item in items), Decimal(0)),
        sum((item.refunded_amount for item in items), Decimal(0)),
    )


def charge_status(charged: Decimal, refunded: Decimal, total: Decimal) -> str:
    """Charged net of refunds against ``total``: NONE, PARTIAL, FULL or OVERCHARGED."""
    net = charged - refunded
    if net <= 0:
        return CheckoutChargeStatus.FULL if total <= 0 else CheckoutChargeStatus.NONE
    if net < total:
        return CheckoutChargeStatus.PARTIAL
    return CheckoutChargeStatus.FULL if net == total else CheckoutChargeStatus.OVERCHARGED


def payment_charge_status(charged: Decimal, refunded: Decimal, total: Decimal) -> str:
    """Saleor's older PaymentChargeStatusEnum of an order (its `paymentStatus`): refunds first,
    then how much of ``total`` is charged."""
    if refunded and refunded >= charged:
        return "fully-refunded"
    if refunded:
        return "partially-refunded"
    if charged >= total:
        return "fully-charged"
    return "partially-charged" if charged else "not-charged"


def authorize_status(authorized: Decimal, charged: Decimal, refunded: Decimal, total: Decimal) -> str:
    """Authorised plus net charged (money the buyer is committed to) against ``total``."""
    covered = authorized + charged - refunded
    if total <= 0 or covered >= total:
        return CheckoutAuthorizeStatus.FULL
    return CheckoutAuthorizeStatus.PARTIAL if covered > 0 else CheckoutAuthorizeStatus.NONE


def checkout_charge_status(checkout_token, total: Decimal) -> str:
    authorized, charged, refunded = checkout_payment_totals(checkout_token)
    return charge_status(charged, refunded, total)


def checkout_authorize_status(checkout_token, total: Decimal) -> str:
    authorized, charged, refunded = checkout_payment_totals(checkout_token)
    return authorize_status(authorized, charged, refunded, total)


def payment_gateways_available(source) -> list:
    """Gateways a checkout can pay with: configured, available (keys set) and taking its currency."""
    currency = getattr(source, "currency", None)
    return [gateway for gateway in gateways_all() if currency is None or currency in gateway.currencies]


def gateway_requires_payment_before_order(gateway_id: str) -> bool:
    """True when checkoutComplete must see the checkout authorised or paid first; unknown gateways: True."""
    gateway = gateway_get(gateway_id)
    return True if gateway is None else bool(gateway.requires_payment_before_order)


def checkout_requires_payment_before_order(checkout_token) -> bool:
    """True unless the checkout's live transactions are all with gateways that take the money later
    (cash on delivery, bank transfer); a checkout with no transaction needs payment."""
    gateways = set(
        TransactionItem.objects.filter(checkout_token=checkout_token)
        .exclude(authorized_amount=0, charged_amount=0, authorize_pending_amount=0, charge_pending_amount=0)
        .values_list("gateway", flat=True)
    )
    return not gateways or any(gateway_requires_payment_before_order(g) for g in gateways)


def bill_runs_to_check():
    """Flagged or failed bill reconciliations no finance operator has acknowledged yet, oldest day first,
    with their differences prefetched."""
    return (
        BillRun.objects.filter(status__in=[BillRunStatus.FLAGGED, BillRunStatus.FAILED], acknowledged_at__isnull=True)
        .order_by("bill_date", "gateway")
        .prefetch_related("differences")
    )


def bill_runs_recent(limit: int = 30) -> list:
    """The latest reconciliations of every gateway (newest day first)."""
    return list(BillRun.objects.order_by("-bill_date", "gateway")[:limit])


def bill_run_get(pk: int):
    return BillRun.objects.filter(pk=pk).first()
