"""The provider-neutral bill reconciliation: normalised bill lines against our recorded payments and refunds."""

import logging
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from marketplace.payments import services
from marketplace.payments.gateways.base import BILL_PAYMENT, BILL_REFUND, BillLine
from marketplace.payments.models import BillRun, TransactionEvent
from marketplace.payments.models import TransactionEventType as T

OFFLINE = "meidu.payments.offline"


def _paid(make_checkout, buyer, quantity=2):
    outcome = services.transaction_initialize(
        checkout_token=make_checkout(buyer, quantity=quantity).token, gateway_id=OFFLINE, action="CHARGE", user=buyer
    )
    return outcome.item, outcome.event


def _line(event, amount=None, kind=BILL_PAYMENT):
    return BillLine(kind, event.psp_reference, event.item.token.hex, Decimal(amount or event.amount))


def test_a_bill_that_matches_every_movement_is_matched(make_checkout, buyer):
    item, charge = _paid(make_checkout, buyer)
    refund = services.transaction_refund(item, "5.00", idempotency_key="r1")
    other, other_charge = _paid(make_checkout, buyer, quantity=1)
    today = timezone.localdate()
    lines = [_line(charge), _line(refund, kind=BILL_REFUND), _line(other_charge)]

    run = services.bill_reconcile(gateway_id=OFFLINE, bill_date=today, lines=iter(lines))

    assert (run.status, run.lines, run.matched, run.differences_count) == ("MATCHED", 3, 3, 0)
    assert run.provider_total == run.our_total == Decimal("32.50")  # 25.00 - 5.00 + 12.50
    assert not run.differences.exists()


def test_every_kind_of_difference_is_flagged_and_logged(make_checkout, buyer, caplog):
    item, charge = _paid(make_checkout, buyer)
    _unbilled_item, unbilled = _paid(make_checkout, buyer, quantity=1)
    today = timezone.localdate()
    lines = [
        _line(charge, amount="24.99"),  # the provider took another amount
        _line(charge, amount="24.99"),  # ... and lists it twice
        BillLine(BILL_PAYMENT, "4200000000-unknown", "no-such-order", Decimal("8.00")),  # money we never recorded
    ]
    with caplog.at_level(logging.WARNING, logger="meidu.payments.reconciliation"):
        run = services.bill_reconcile(gateway_id=OFFLINE, bill_date=today, lines=lines)

    assert run.status == "FLAGGED" and run.differences_count == 4 and run.matched == 0
    found = {(d.kind, d.psp_reference, d.provider_amount, d.our_amount) for d in run.differences.all()}
    assert found == {
        ("AMOUNT_MISMATCH", charge.psp_reference, Decimal("24.99"), Decimal("25.00")),
        ("DUPLICATE_LINE", charge.psp_reference, Decimal("24.99"), None),
        ("MISSING_OURS", "4200000000-unknown", Decimal("8.00"), None),
        ("MISSING_PROVIDER", unbilled.psp_reference, None, Decimal("12.50")),
    }
    assert run.provider_total == Decimal("32.99") and run.our_total == Decimal("37.50")
    assert "finance operators must check it" in caplog.text
    assert run.acknowledged_at is None


def test_a_rerun_replaces_the_differences_and_an_acknowledgement_is_kept_on_record(make_checkout, buyer, operator):
    _item, charge = _paid(make_checkout, buyer)
    today = timezone.localdate()
    flagged = services.bill_reconcile(gateway_id=OFFLINE, bill_date=today, lines=[])
    assert flagged.status == "FLAGGED" and flagged.differences.count() == 1
    services.bill_run_acknowledge(flagged, actor=operator)
    flagged.refresh_from_db()
    assert flagged.acknowledged_by == operator

    again = services.bill_reconcile(gateway_id=OFFLINE, bill_date=today, lines=[_line(charge)])
    assert again.pk == flagged.pk and again.status == "MATCHED" and not again.differences.exists()
    assert BillRun.objects.count() == 1


def test_a_movement_settled_before_midnight_but_recorded_after_belongs_to_the_bill_day(make_checkout, buyer):
    _item, charge = _paid(make_checkout, buyer)
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    settled = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(seconds=1)
    # The provider's settlement time, as a gateway records it with the event (see the WeChat Pay gateway).
    TransactionEvent.objects.filter(pk=charge.pk).update(data={"settledAt": settled.isoformat()})

    assert services.bill_reconcile(gateway_id=OFFLINE, bill_date=yesterday, lines=[_line(charge)]).status == "MATCHED"
    assert services.bill_reconcile(gateway_id=OFFLINE, bill_date=today, lines=[]).status == "MATCHED"


def test_a_bill_line_recorded_days_later_is_found_not_missing(make_checkout, buyer):
    _item, charge = _paid(make_checkout, buyer)
    long_ago = timezone.localdate() - timedelta(days=10)
    run = services.bill_reconcile(gateway_id=OFFLINE, bill_date=long_ago, lines=[_line(charge)])
    assert run.status == "MATCHED" and run.matched == 1


def test_refunds_are_told_apart_from_payments(make_checkout, buyer):
    item, charge = _paid(make_checkout, buyer)
    refund = services.transaction_refund(item, "25.00", idempotency_key="all")
    assert refund.type == T.REFUND_SUCCESS
    # The refund's reference listed as a payment matches nothing.
    run = services.bill_reconcile(
        gateway_id=OFFLINE, bill_date=timezone.localdate(), lines=[_line(charge), _line(refund, kind=BILL_PAYMENT)]
    )
    kinds = sorted((d.kind, d.line_kind) for d in run.differences.all())
    assert kinds == [("MISSING_OURS", "payment"), ("MISSING_PROVIDER", "refund")]
