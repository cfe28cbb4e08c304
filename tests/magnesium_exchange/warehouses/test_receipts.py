"""Receipt operations through the services: issue, split, merge, lock, transfer, freeze, withdraw,
cancel; every refusal writes nothing, and tonnes are conserved across every operation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.warehouses.error_codes import ExchangeReceiptErrorCode as Code
from magnesium_exchange.warehouses.models import Receipt, ReceiptEvent, ReceiptStatus, WarehouseAlert, WeighbridgeTicket
from magnesium_exchange.warehouses.selectors import tonnes_conservation, tonnes_in_store
from magnesium_exchange.warehouses.services import (
    ReceiptLockPurpose,
    ReceiptTransferReason,
    inbound_ticket_create,
    receipt_cancel,
    receipt_freeze,
    receipt_issue,
    receipt_lock,
    receipt_merge,
    receipt_split,
    receipt_transfer,
    receipt_unfreeze,
    receipt_unlock,
    receipt_withdraw,
)
from magnesium_exchange.warehouses.verification import receipt_verify
from meidu.core.errors import DomainError
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.models import EventPayload
from tests.magnesium_exchange.records_factories import FUSED_97_ASSAY, FUSED_98_ASSAY, issue
from tests.meidu.integrations.webhook_rows import webhook_row_insert


def conserved(warehouse=None):
    weighed_in, on_receipts = tonnes_conservation(warehouse)
    assert weighed_in == on_receipts, (weighed_in, on_receipts)
    return on_receipts


@pytest.fixture
def subscribed(bank_app):
    return webhook_row_insert(
        app=bank_app,
        target_url="https://bank.example/hooks",
        events=[WebhookEventType.RECEIPT_ISSUED.value, WebhookEventType.RECEIPT_STATUS_CHANGED.value],
    )


def events_of(kind: WebhookEventType):
    return list(EventPayload.objects.filter(event_type=kind.value).order_by("id"))


# --- inbound and issue ----------------------------------------------------------------------


def test_inbound_ticket_grades_the_goods_and_issue_carries_every_element(
    warehouse, fused, seller_member, keeper, subscribed
):
    ticket = inbound_ticket_create(
        warehouse,
        commodity=fused,
        depositor=seller_member,
        gross="49.860",
        tare="17.220",
        net="32.640",
        assay=FUSED_98_ASSAY,
        vehicle_plate="辽c88888",
        actor=keeper,
    )
    assert ticket.grade.code == "fm-98" and ticket.vehicle_plate == "辽C88888" and ticket.number.startswith("HC01-IN-")
    receipt = receipt_issue(
        ticket,
        packaging="吨袋",
        pieces=33,
        location="B区1垛",
        insured_value="97920",
        insurer="人保",
        insurance_policy_no="P-1",
        actor=keeper,
    )
    assert receipt.number.startswith("MGHC01") and receipt.quantity == Decimal("32.640")
    assert receipt.holder == receipt.depositor == seller_member and receipt.status == ReceiptStatus.ACTIVE
    assert receipt.keeper == "海城物产仓储有限公司" and receipt.storage_fee_terms and receipt.loss_standard
    issued = ReceiptEvent.objects.get(receipt=receipt)
    assert issued.action == "issued" and issued.actor_user == keeper
    assert issued.data["elements"]["title"] == "仓单" and issued.data["inbound_ticket"]["net"] == "32.640"
    payload = events_of(WebhookEventType.RECEIPT_ISSUED)
    assert len(payload) == 1 and receipt.number in payload[0].payload
    assert receipt_verify(receipt).valid
    conserved()


@pytest.mark.parametrize("gross,tare,net", [("50.000", "20.000", "30.001"), ("50", "20", "29.999")])
def test_net_weight_mismatch_is_refused(warehouse, fused, seller_member, gross, tare, net):
    with pytest.raises(DomainError) as exc:
        inbound_ticket_create(
            warehouse, commodity=fused, depositor=seller_member, gross=gross, tare=tare, net=net, assay=FUSED_98_ASSAY
        )
    assert exc.value.code == Code.NET_WEIGHT_MISMATCH.value
    assert WeighbridgeTicket.objects.count() == 0


@pytest.mark.parametrize("gross,tare,net", [("20", "30", "-10"), ("10.0001", "1", "9.0001"), ("x", "1", "1")])
def test_impossible_weights_are_refused(warehouse, fused, seller_member, gross, tare, net):
    with pytest.raises(DomainError) as exc:
        inbound_ticket_create(
            warehouse, commodity=fused, depositor=seller_member, gross=gross, tare=tare, net=net, assay=FUSED_98_ASSAY
        )
    assert exc.value.code == Code.INVALID_QUANTITY.value
    assert WeighbridgeTicket.objects.count() == 0


def test_goods_outside_every_grade_get_no_ticket(warehouse, fused, seller_member):
    with pytest.raises(DomainError) as exc:
        inbound_ticket_create(
            warehouse, commodity=fused, depositor=seller_member, gross="50", tare="20", net="30", assay={"mgo": "93.0"}
        )
    assert exc.value.code == Code.NO_MATCHING_GRADE.value
    assert WeighbridgeTicket.objects.count() == 0


def test_a_ticket_backs_one_receipt_only(warehouse, fused, seller_member):
    ticket = inbound_ticket_create(
        warehouse, commodity=fused, depositor=seller_member, gross="50", tare="20", net="30", assay=FUSED_98_ASSAY
    )
    receipt_issue(ticket)
    with pytest.raises(DomainError) as exc:
        receipt_issue(ticket)
    assert exc.value.code == Code.TICKET_ALREADY_USED.value
    assert Receipt.objects.count() == 1


# --- split and merge ------------------------------------------------------------------------


def test_split_replaces_the_receipt_by_parts_that_sum_to_it(receipt_factory, seller_member, subscribed):
    receipt = receipt_factory(seller_member, net="100.000")
    parts = receipt_split(receipt, ["60.500", "39.500"])
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.SPLIT
    assert [p.quantity for p in parts] == [Decimal("60.500"), Decimal("39.500")]
    assert all(
        p.split_from == receipt and p.holder == seller_member and p.status == ReceiptStatus.ACTIVE for p in parts
    )
    assert sum(p.insured_value for p in parts) <= receipt.insured_value
    assert parts[0].events.get().data["sources"] == [{"number": receipt.number, "hash": receipt.last_hash}]
    assert all(receipt_verify(r).valid for r in [receipt, *parts])
    assert len(events_of(WebhookEventType.RECEIPT_ISSUED)) == 3
    assert len(events_of(WebhookEventType.RECEIPT_STATUS_CHANGED)) == 1
    assert conserved() == Decimal("100.000")


@pytest.mark.parametrize(
    "quantities,code",
    [
        (["60", "39.999"], Code.SPLIT_QUANTITIES_MISMATCH),
        (["60", "40.001"], Code.SPLIT_QUANTITIES_MISMATCH),
        (["100"], Code.INVALID_QUANTITY),
        (["100.000", "0"], Code.INVALID_QUANTITY),
        (["50.0005", "49.9995"], Code.INVALID_QUANTITY),
    ],
)
def test_split_refusals_write_nothing(receipt_factory, seller_member, quantities, code):
    receipt = receipt_factory(seller_member, net="100.000")
    with pytest.raises(DomainError) as exc:
        receipt_split(receipt, quantities)
    assert exc.value.code == code.value
    assert Receipt.objects.count() == 1 and ReceiptEvent.objects.count() == 1


def test_merge_sums_receipts_of_one_holder_grade_and_warehouse(receipt_factory, seller_member):
    first, second = receipt_factory(seller_member, net="30.250"), receipt_factory(seller_member, net="20.750")
    merged = receipt_merge([first, second])
    assert merged.quantity == Decimal("51.000") and merged.status == ReceiptStatus.ACTIVE and merged.pieces == 50
    first.refresh_from_db()
    assert first.status == ReceiptStatus.MERGED and first.merged_into == merged
    assert [s["number"] for s in merged.events.get().data["sources"]] == [first.number, second.number]
    assert all(receipt_verify(r).valid for r in [first, second, merged])
    assert conserved() == Decimal("51.000")


def test_merging_different_grades_holders_or_warehouses_is_refused(
    receipt_factory, warehouse, other_warehouse, fused, seller_member, buyer_member
):
    fm98 = receipt_factory(seller_member, net="10")
    fm97 = receipt_factory(seller_member, net="10", assay=FUSED_97_ASSAY)
    assert fm97.grade.code == "fm-97"
    theirs = receipt_factory(buyer_member, net="10")
    elsewhere = issue(other_warehouse, fused, seller_member, net="10")
    for pair in ([fm98, fm97], [fm98, theirs], [fm98, elsewhere]):
        with pytest.raises(DomainError) as exc:
            receipt_merge(pair)
        assert exc.value.code == Code.MERGE_MISMATCH.value
    with pytest.raises(DomainError) as exc:
        receipt_merge([fm98, fm98])
    assert exc.value.code == Code.INVALID.value
    receipt_freeze(fm98, reason="法院冻结")
    other = receipt_factory(seller_member, net="5")
    with pytest.raises(DomainError) as exc:
        receipt_merge([fm98, other])
    assert exc.value.code == Code.RECEIPT_FROZEN.value
    assert Receipt.objects.filter(status=ReceiptStatus.MERGED).count() == 0


# --- calls of trading, settlement and financing ---------------------------------------------


def test_listing_lock_and_refusals(receipt_factory, seller_member, buyer_member):
    receipt = receipt_factory(seller_member)
    with pytest.raises(DomainError) as exc:
        receipt_lock(receipt, holder=buyer_member, purpose=ReceiptLockPurpose.LISTING, reference="listing:1")
    assert exc.value.code == Code.RECEIPT_NOT_YOURS.value
    receipt_lock(receipt, holder=seller_member, purpose=ReceiptLockPurpose.LISTING, reference="listing:1")
    for purpose, code in (
        (ReceiptLockPurpose.LISTING, Code.RECEIPT_LISTED),
        (ReceiptLockPurpose.PLEDGE, Code.RECEIPT_LISTED),
    ):
        with pytest.raises(DomainError) as exc:
            receipt_lock(receipt, holder=seller_member, purpose=purpose, reference="x")
        assert exc.value.code == code.value
    receipt_unlock(receipt, purpose=ReceiptLockPurpose.LISTING, reference="listing:1")
    receipt_lock(receipt, holder=seller_member, purpose=ReceiptLockPurpose.PLEDGE, reference="loan:1")
    with pytest.raises(DomainError) as exc:
        receipt_lock(receipt, holder=seller_member, purpose=ReceiptLockPurpose.LISTING, reference="x")
    assert exc.value.code == Code.RECEIPT_PLEDGED.value
    with pytest.raises(DomainError) as exc:
        receipt_unlock(receipt, purpose=ReceiptLockPurpose.LISTING, reference="x")
    assert exc.value.code == Code.RECEIPT_PLEDGED.value
    receipt_freeze(receipt, reason="法院冻结")
    with pytest.raises(DomainError) as exc:
        receipt_unlock(receipt, purpose=ReceiptLockPurpose.PLEDGE, reference="loan:1")
    assert exc.value.code == Code.RECEIPT_FROZEN.value
    receipt_unfreeze(receipt, reason="解除冻结")
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.PLEDGED  # back to where it was
    assert receipt_verify(receipt).valid


def test_transfer_only_by_settlement_or_financing_with_resale_lock(receipt_factory, seller_member, buyer_member):
    receipt = receipt_factory(seller_member)
    for reason in ("settlement", None, "gift"):
        with pytest.raises(DomainError) as exc:
            receipt_transfer(receipt, to_member=buyer_member, reason=reason, reference="settlement:1")
        assert exc.value.code == Code.INVALID_TRANSFER_REASON.value
    with pytest.raises(DomainError) as exc:
        receipt_transfer(receipt, to_member=buyer_member, reason=ReceiptTransferReason.SETTLEMENT, reference=" ")
    assert exc.value.code == Code.REQUIRED.value
    receipt_lock(receipt, holder=seller_member, purpose=ReceiptLockPurpose.LISTING, reference="listing:1")
    with pytest.raises(DomainError) as exc:
        receipt_transfer(
            receipt, to_member=buyer_member, reason=ReceiptTransferReason.FINANCING_ENFORCEMENT, reference="loan:1"
        )
    assert exc.value.code == Code.RECEIPT_LISTED.value
    assert Receipt.objects.get(pk=receipt.pk).holder == seller_member

    lock_until = timezone.now() + timedelta(days=5)
    receipt_transfer(
        receipt,
        to_member=buyer_member,
        reason=ReceiptTransferReason.SETTLEMENT,
        reference="settlement:1",
        lock_until=lock_until,
    )
    receipt.refresh_from_db()
    assert receipt.holder == buyer_member and receipt.status == ReceiptStatus.ACTIVE
    with pytest.raises(DomainError) as exc:
        receipt_lock(receipt, holder=buyer_member, purpose=ReceiptLockPurpose.LISTING, reference="listing:2")
    assert exc.value.code == Code.RESALE_LOCKED.value
    receipt_lock(
        receipt, holder=buyer_member, purpose=ReceiptLockPurpose.PLEDGE, reference="loan:7"
    )  # pledging is allowed
    with pytest.raises(DomainError) as exc:
        receipt_transfer(receipt, to_member=seller_member, reason=ReceiptTransferReason.SETTLEMENT, reference="s")
    assert exc.value.code == Code.RECEIPT_PLEDGED.value
    assert receipt_verify(receipt).valid


def test_partial_pick_splits_a_listed_receipt_and_parts_stay_listed(receipt_factory, seller_member, buyer_member):
    receipt = receipt_factory(seller_member, net="100")
    receipt_lock(receipt, holder=seller_member, purpose=ReceiptLockPurpose.LISTING, reference="listing:1")
    sold, rest = receipt_split(receipt, ["40", "60"])
    assert sold.status == rest.status == ReceiptStatus.LISTED
    receipt_transfer(sold, to_member=buyer_member, reason=ReceiptTransferReason.SETTLEMENT, reference="settlement:2")
    sold.refresh_from_db()
    assert sold.holder == buyer_member and sold.status == ReceiptStatus.ACTIVE
    assert conserved() == Decimal("100.000")


# --- supervision: withdraw, cancel, freeze ---------------------------------------------------


def test_withdraw_within_tolerance(receipt_factory, warehouse, seller_member, subscribed):
    receipt = receipt_factory(seller_member, net="100.000")
    result = receipt_withdraw(
        receipt, gross="117.750", tare="17.950", net="99.800", vehicle_plate="辽C1"
    )  # -0.2 t, tolerance 0.3 t
    assert result.within_tolerance and result.difference == Decimal("-0.200")
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.WITHDRAWN and receipt.outbound_ticket == result.ticket
    assert tonnes_in_store(warehouse) == 0
    assert receipt_verify(receipt).valid
    assert conserved() == Decimal("100.000")
    with pytest.raises(DomainError) as exc:
        receipt_withdraw(receipt, gross="2", tare="1", net="1")
    assert exc.value.code == Code.RECEIPT_CLOSED.value


def test_withdraw_beyond_tolerance_freezes_and_alerts(receipt_factory, warehouse, seller_member, subscribed):
    receipt = receipt_factory(seller_member, net="100.000")
    result = receipt_withdraw(receipt, gross="120.000", tare="19.500", net="100.500")  # +0.5 t, tolerance 0.3 t
    assert not result.within_tolerance
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.FROZEN and receipt.outbound_ticket is None
    alert = WarehouseAlert.objects.get()
    assert alert.receipt == receipt and alert.kind == "withdrawal_weight_mismatch"
    changed = events_of(WebhookEventType.RECEIPT_STATUS_CHANGED)
    assert len(changed) == 1 and '"to":"frozen"' in changed[0].payload
    assert receipt_verify(receipt).valid
    assert conserved() == Decimal("100.000")


def test_withdraw_refusals_write_nothing(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    with pytest.raises(DomainError) as exc:
        receipt_withdraw(receipt, gross="120", tare="20", net="99")
    assert exc.value.code == Code.NET_WEIGHT_MISMATCH.value
    receipt_lock(receipt, holder=seller_member, purpose=ReceiptLockPurpose.PLEDGE, reference="loan:1")
    with pytest.raises(DomainError) as exc:
        receipt_withdraw(receipt, gross="120", tare="20", net="100")
    assert exc.value.code == Code.RECEIPT_PLEDGED.value
    assert WeighbridgeTicket.objects.filter(direction="outbound").count() == 0


def test_cancel_and_frozen_refusals(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    with pytest.raises(DomainError) as exc:
        receipt_cancel(receipt, reason=" ")
    assert exc.value.code == Code.REQUIRED.value
    receipt_freeze(receipt, reason="盘点差异")
    for call in (
        lambda: receipt_cancel(receipt, reason="x"),
        lambda: receipt_split(receipt, ["50", "50"]),
        lambda: receipt_lock(receipt, holder=seller_member, purpose=ReceiptLockPurpose.LISTING, reference="l"),
    ):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == Code.RECEIPT_FROZEN.value
    receipt_unfreeze(receipt, reason="复核无误")
    receipt_cancel(receipt, reason="重复录入")
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.CANCELLED
    assert [e.action for e in receipt.events.order_by("seq")] == ["issued", "freeze", "unfreeze", "cancel"]


def test_tonnes_are_conserved_across_a_day_of_operations(receipt_factory, warehouse, seller_member, buyer_member):
    a, b, c = (receipt_factory(seller_member, net=n) for n in ("120.120", "80.880", "45.000"))
    a1, a2, a3 = receipt_split(a, ["20.120", "50", "50"])
    merged = receipt_merge([a2, b])
    receipt_transfer(a1, to_member=buyer_member, reason=ReceiptTransferReason.SETTLEMENT, reference="s:1")
    m1, m2 = receipt_split(merged, ["100.880", "30"])
    receipt_withdraw(m2, gross="40.010", tare="10", net="30.010")
    receipt_withdraw(c, gross="60", tare="10", net="50")  # beyond tolerance: frozen
    receipt_cancel(a3, reason="更正")
    assert conserved(warehouse) == Decimal("246.000")
    live = Receipt.objects.filter(status__in=["active", "listed", "pledged", "frozen"])
    assert tonnes_in_store(warehouse) == sum(r.quantity for r in live) == Decimal("166.000")  # a1 + m1 + c (frozen)
    assert all(receipt_verify(r).valid for r in Receipt.objects.all())
