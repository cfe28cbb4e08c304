"""Supervision of receipts: freeze and unfreeze, cancel, and withdraw against an outbound weighing
(beyond the loss tolerance the receipt is frozen and an alert raised instead).

Lock order: the receipt row, then (withdrawal) the truck appointment holding it, then the warehouse
row (its ticket counter).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from magnesium_exchange.warehouses.error_codes import ExchangeReceiptErrorCode as Code
from magnesium_exchange.warehouses.models import (
    Receipt,
    ReceiptStatus,
    TicketDirection,
    WarehouseAlert,
    WeighbridgeTicket,
)
from magnesium_exchange.warehouses.services.freight import truck_line_for_withdrawal, truck_line_weighed
from magnesium_exchange.warehouses.services.receipt_steps import change_status, check_transition, lock_rows
from magnesium_exchange.warehouses.services.tickets import ticket_create, weights_check
from meidu.core.errors import DomainError


@dataclass(frozen=True)
class WithdrawalResult:
    receipt: Receipt
    ticket: WeighbridgeTicket
    within_tolerance: bool
    difference: Decimal


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason"), Code.REQUIRED, field="reason")
    return reason[:255]


def receipt_freeze(receipt: Receipt, *, reason: str, actor=None) -> Receipt:
    """Freeze (court order, stock discrepancy): nothing moves until unfrozen."""
    reason = _reason(reason)
    with transaction.atomic():
        (receipt,) = lock_rows([receipt])
        receipt.frozen_from = receipt.status
        return change_status(receipt, "freeze", actor=actor, reason=reason, fields=("frozen_from",))


def receipt_unfreeze(receipt: Receipt, *, reason: str, actor=None) -> Receipt:
    reason = _reason(reason)
    with transaction.atomic():
        (receipt,) = lock_rows([receipt])
        back_to = receipt.frozen_from or ReceiptStatus.ACTIVE
        receipt.frozen_from = ""
        return change_status(
            receipt, "unfreeze", actor=actor, reason=reason, to_status=back_to, fields=("frozen_from",)
        )


def receipt_cancel(receipt: Receipt, *, reason: str, actor=None) -> Receipt:
    """Void an active receipt (issued in error, replaced on paper); the number is never reused."""
    reason = _reason(reason)
    with transaction.atomic():
        (receipt,) = lock_rows([receipt])
        return change_status(receipt, "cancel", actor=actor, reason=reason)


def receipt_withdraw(
    receipt: Receipt, *, gross, tare, net, vehicle_plate: str = "", number: str = "", actor=None
) -> WithdrawalResult:
    """The holder takes the goods out: weigh them (net = gross - tare) and compare with the receipt.
    Within the warehouse's loss tolerance the receipt becomes withdrawn; beyond it the receipt is
    frozen, an alert is raised and RECEIPT_STATUS_CHANGED tells subscribers (the ticket is kept).
    A receipt a truck is booked for goes out on that truck only, once it checked in at the gate; the
    ticket is recorded on the appointment either way."""
    weights_check(gross, tare, net)
    with transaction.atomic():
        (receipt,) = lock_rows([receipt])
        check_transition(receipt, "withdraw")
        truck_line, vehicle_plate = truck_line_for_withdrawal(receipt, vehicle_plate)
        ticket = ticket_create(
            receipt.warehouse,
            TicketDirection.OUTBOUND,
            commodity=receipt.commodity,
            grade=receipt.grade,
            depositor=receipt.holder,
            gross=gross,
            tare=tare,
            net=net,
            vehicle_plate=vehicle_plate,
            lot_no=receipt.lot_no,
            number=number,
            actor=actor,
        )
        difference = ticket.net - receipt.quantity
        tolerance = (receipt.quantity * receipt.warehouse.loss_tolerance_percent / 100).quantize(Decimal("0.001"))
        if truck_line is not None:
            truck_line_weighed(truck_line, ticket, actor=actor)
        weighing = {
            "ticket": ticket.number,
            "net": str(ticket.net),
            "difference": str(difference),
            "tolerance": str(tolerance),
        }
        if abs(difference) <= tolerance:
            receipt.outbound_ticket = ticket
            change_status(receipt, "withdraw", actor=actor, data=weighing, fields=("outbound_ticket",))
            return WithdrawalResult(receipt, ticket, True, difference)
        receipt.frozen_from = receipt.status
        change_status(
            receipt, "freeze", actor=actor, reason="withdrawal_weight_mismatch", data=weighing, fields=("frozen_from",)
        )
        WarehouseAlert.objects.create(
            warehouse=receipt.warehouse,
            receipt=receipt,
            kind="withdrawal_weight_mismatch",
            message=f"{receipt.number}: 出库净重 {ticket.net} t 与仓单 {receipt.quantity} t "
            f"相差 {difference} t，超出允差 {tolerance} t",
            data=weighing,
        )
        return WithdrawalResult(receipt, ticket, False, difference)
