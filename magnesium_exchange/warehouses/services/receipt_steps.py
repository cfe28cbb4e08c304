"""Shared steps of receipt use cases: the transition check, row locks, the signed status change
(event + webhook + audit), receipt numbers and parts. Services in this package call these inside
their own transaction."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from magnesium_exchange.warehouses.error_codes import ExchangeReceiptErrorCode as Code
from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus, Warehouse
from magnesium_exchange.warehouses.services.chain import receipt_event_append
from magnesium_exchange.warehouses.state import CLOSED, TRANSITIONS
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.services.outbox import webhook_event_emit

STATUS_REFUSALS = {
    ReceiptStatus.FROZEN: (Code.RECEIPT_FROZEN, gettext_lazy("The receipt is frozen")),
    ReceiptStatus.LISTED: (Code.RECEIPT_LISTED, gettext_lazy("The receipt is listed for sale")),
    ReceiptStatus.PLEDGED: (Code.RECEIPT_PLEDGED, gettext_lazy("The receipt is pledged")),
}

# Statuses and actions named in refusals (the stored values are English codes).
STATUS_NAMES = {status: status.label for status in ReceiptStatus}  # the one label of each status
ACTION_NAMES = {
    "list": pgettext_lazy("receipt action", "list"),
    "unlist": pgettext_lazy("receipt action", "unlist"),
    "enforce": pgettext_lazy("receipt action", "sell under the pledge"),
    "pledge": pgettext_lazy("receipt action", "pledge"),
    "unpledge": pgettext_lazy("receipt action", "unpledge"),
    "freeze": pgettext_lazy("receipt action", "freeze"),
    "unfreeze": pgettext_lazy("receipt action", "unfreeze"),
    "withdraw": pgettext_lazy("receipt action", "withdraw"),
    "cancel": pgettext_lazy("receipt action", "cancel"),
    "split": pgettext_lazy("receipt action", "split"),
    "merge": pgettext_lazy("receipt action", "merge"),
    "transfer": pgettext_lazy("receipt action", "transfer"),
}


def check_transition(receipt: Receipt, action: str) -> str | None:
    allowed, target = TRANSITIONS[action]
    if receipt.status in allowed:
        return target
    status = STATUS_NAMES.get(receipt.status, receipt.status)
    if receipt.status in CLOSED:
        raise DomainError(
            _("Receipt %(number)s is %(status)s") % {"number": receipt.number, "status": status},
            Code.RECEIPT_CLOSED,
            field="receipt",
        )
    code, message = STATUS_REFUSALS.get(receipt.status, (Code.INVALID_TRANSITION, None))
    if message is None:
        message = _("The receipt is %(status)s") % {"status": status}
    raise DomainError(
        _("%(reason)s: cannot %(action)s it") % {"reason": message, "action": ACTION_NAMES.get(action, action)},
        code,
        field="receipt",
    )


def lock_rows(receipts: list[Receipt]) -> list[Receipt]:
    ids = sorted({receipt.pk for receipt in receipts})
    rows = {
        row.pk: row
        for row in Receipt.objects.select_for_update(of=("self",))
        .select_related("warehouse", "holder", "depositor", "grade", "commodity")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    return [rows[receipt.pk] for receipt in receipts]


def summary(receipt: Receipt) -> dict:
    return {
        "number": receipt.number,
        "warehouse": receipt.warehouse.code,
        "holder": receipt.holder.credit_code,
        "holder_name": receipt.holder.name,
        "commodity": receipt.commodity.code,
        "grade": receipt.grade.code,
        "quantity": str(receipt.quantity),
        "status": receipt.status,
    }


def elements(receipt: Receipt) -> dict:
    """The receipt's elements as signed in its first event and sent with RECEIPT_ISSUED."""
    return {
        **summary(receipt),
        "title": "仓单",
        "depositor": receipt.depositor.credit_code,
        "depositor_name": receipt.depositor.name,
        "commodity_name": receipt.commodity.name,
        "grade_name": receipt.grade.name,
        "spec": receipt.spec,
        "unit": "t",
        "packaging": receipt.packaging,
        "pieces": receipt.pieces,
        "marks": receipt.marks,
        "location": receipt.location,
        "lot_no": receipt.lot_no,
        "inspection_ref": receipt.inspection_ref,
        "loss_standard": receipt.loss_standard,
        "storage_fee_terms": receipt.storage_fee_terms,
        "storage_start": receipt.storage_start.isoformat(),
        "storage_until": receipt.storage_until.isoformat() if receipt.storage_until else None,
        "insured_value": str(receipt.insured_value) if receipt.insured_value is not None else None,
        "insurer": receipt.insurer,
        "insurance_policy_no": receipt.insurance_policy_no,
        "insurance_until": receipt.insurance_until.isoformat() if receipt.insurance_until else None,
        "issue_place": receipt.issue_place,
        "keeper": receipt.keeper,
        "warehouse_name": receipt.warehouse.name,
        "issued_at": receipt.issued_at.isoformat(),
    }


def emit_status(receipt: Receipt, previous: str, action: str, reason: str = "", extra: dict | None = None) -> None:
    webhook_event_emit(
        WebhookEventType.RECEIPT_STATUS_CHANGED,
        {
            "receipt": summary(receipt),
            "from": previous,
            "to": receipt.status,
            "action": action,
            "reason": reason,
            **(extra or {}),
        },
    )


def change_status(
    receipt: Receipt,
    action: str,
    *,
    actor,
    reason: str = "",
    data: dict | None = None,
    to_status: str | None = None,
    fields: tuple = (),
) -> Receipt:
    """Apply a status transition to a locked receipt: save, sign the event, emit, audit."""
    target = check_transition(receipt, action)
    previous = receipt.status
    receipt.status = to_status or target
    receipt.save(update_fields=["status", "updated_at", *fields])
    event_data = {"from": previous, "reason": reason, **(data or {})}
    receipt_event_append(receipt, action, event_data, actor=actor)
    emit_status(receipt, previous, action, reason, data)
    audit_record(
        f"exchange.receipt_{action}",
        actor=actor,
        target=receipt,
        data={"from": previous, "to": receipt.status, "reason": reason},
    )
    return receipt


def next_receipt_number(warehouse: Warehouse) -> str:
    locked = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
    locked.receipt_seq += 1
    locked.save(update_fields=["receipt_seq"])
    return f"MG{locked.code}{timezone.localdate():%Y%m%d}{locked.receipt_seq:06d}"


# Element fields a split or merge part inherits.
INHERITED = (
    "warehouse",
    "commodity",
    "grade",
    "spec",
    "depositor",
    "holder",
    "packaging",
    "marks",
    "location",
    "lot_no",
    "inspection_ref",
    "loss_standard",
    "storage_fee_terms",
    "storage_start",
    "storage_until",
    "insurer",
    "insurance_policy_no",
    "insurance_until",
    "issue_place",
    "keeper",
    "lock_until",
    "encumbrance",
)


def new_part(template: Receipt, *, quantity: Decimal, status: str, **extra) -> Receipt:
    values = {field: getattr(template, field) for field in INHERITED}
    if template.insured_value is not None:
        # Insured value follows the tonnes, rounded down to the fen so the parts never exceed the whole.
        values["insured_value"] = (template.insured_value * quantity / template.quantity).quantize(
            Decimal("0.01"), rounding="ROUND_DOWN"
        )
    values.update(extra)
    return Receipt.objects.create(
        number=next_receipt_number(template.warehouse),
        quantity=quantity,
        status=status,
        issued_at=timezone.now(),
        **values,
    )


def announce_issued(receipt: Receipt, action: str, *, actor, data: dict) -> None:
    receipt_event_append(receipt, action, {"elements": elements(receipt), **data}, actor=actor)
    webhook_event_emit(WebhookEventType.RECEIPT_ISSUED, {"receipt": elements(receipt), "origin": action, **data})
