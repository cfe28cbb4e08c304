"""Supervised warehouses, their seal keys and staff, weighbridge tickets, receipts and receipt events.

A receipt's rows are a projection: its history is the hash chain of ReceiptEvent rows, each
signed with the warehouse's Ed25519 key, and ``receipt_verify`` replays the chain against the row.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Warehouse(models.Model):
    code = models.CharField(
        max_length=12, unique=True, help_text="Upper-case letters and digits; part of receipt numbers."
    )
    name = models.CharField(max_length=120)
    address = models.CharField(max_length=255)
    keeper_name = models.CharField(max_length=120, help_text="The keeper (保管人) that issues and seals receipts.")
    licence_number = models.CharField(max_length=40, blank=True)
    supervisor_name = models.CharField(max_length=120, blank=True, help_text="Third-party supervisor (监管方).")
    loss_tolerance_percent = models.DecimalField(
        max_digits=5,
        decimal_places=3,
        default=Decimal("0.300"),
        help_text="Outbound weight may differ from the receipt by this share before the receipt is frozen.",
    )
    default_storage_fee_terms = models.CharField(max_length=255, default="仓储费 1.00 元/吨·天，按月结算")
    receipt_seq = models.PositiveIntegerField(default=0)
    ticket_seq = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supervised warehouse")
        verbose_name_plural = _("supervised warehouses")
        ordering = ["id"]
        permissions = [("manage_warehouse_receipts", "Weigh goods in and out, issue and operate warehouse receipts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(loss_tolerance_percent__gte=0) & Q(loss_tolerance_percent__lte=5),
                name="warehouse_tolerance_range",
            )
        ]

    def __str__(self):
        return self.name


class WarehouseKey(models.Model):
    """An Ed25519 seal key. The private key is AES-GCM encrypted under a key derived from the
    deployment secret; retired keys still verify the events they signed."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="keys")
    kid = models.CharField(max_length=64, unique=True)
    public_key = models.CharField(max_length=64, help_text="Raw public key, base64url (the JWK's x).")
    private_key_encrypted = models.TextField()
    is_active = models.BooleanField(default=True, help_text="The active key signs new events.")
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("warehouse seal key")
        verbose_name_plural = _("warehouse seal keys")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse"], condition=Q(is_active=True), name="warehouse_one_active_key")
        ]


class WarehouseStaff(models.Model):
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_warehouse_staff"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("warehouse staff member")
        verbose_name_plural = _("warehouse staff")
        constraints = [models.UniqueConstraint(fields=["warehouse", "user"], name="warehouse_staff_unique")]


class TicketDirection(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class WeighbridgeTicket(models.Model):
    """One weighing at the gate. Net must equal gross minus tare (checked by the service and the database)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="tickets")
    number = models.CharField(max_length=40)
    direction = models.CharField(max_length=16, choices=TicketDirection.choices)
    commodity = models.ForeignKey("exchange_commodities.Commodity", on_delete=models.PROTECT, related_name="+")
    grade = models.ForeignKey(
        "exchange_commodities.Grade", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    depositor = models.ForeignKey(
        "exchange_members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vehicle_plate = models.CharField(max_length=16, blank=True)
    gross = models.DecimalField(max_digits=14, decimal_places=3)
    tare = models.DecimalField(max_digits=14, decimal_places=3)
    net = models.DecimalField(max_digits=14, decimal_places=3)
    assay = models.JSONField(default=dict, blank=True, help_text="Measured values as decimal strings.")
    lot_no = models.CharField(max_length=40, blank=True)
    inspection_ref = models.CharField(max_length=60, blank=True)
    weighed_at = models.DateTimeField()
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("weighbridge ticket")
        verbose_name_plural = _("weighbridge tickets")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "number"], name="ticket_number_unique"),
            models.CheckConstraint(condition=Q(net=F("gross") - F("tare")), name="ticket_net_is_gross_minus_tare"),
            models.CheckConstraint(condition=Q(tare__gte=0) & Q(net__gt=0), name="ticket_weights_positive"),
        ]


class ReceiptStatus(models.TextChoices):
    """The one label of each status, wherever a receipt is shown (desk, verification page, terminal,
    PDF, refusals, admin): its own context, so no other domain's word (a shop's 营业中) is borrowed."""

    ACTIVE = "active", pgettext_lazy("receipt status label", "Valid")
    LISTED = "listed", pgettext_lazy("receipt status label", "Listed")
    PLEDGED = "pledged", pgettext_lazy("receipt status label", "Pledged")
    FROZEN = "frozen", pgettext_lazy("receipt status label", "Frozen")
    WITHDRAWN = "withdrawn", pgettext_lazy("receipt status label", "Goods released")
    CANCELLED = "cancelled", pgettext_lazy("receipt status label", "Cancelled")
    SPLIT = "split", pgettext_lazy("receipt status label", "Split")
    MERGED = "merged", pgettext_lazy("receipt status label", "Merged")


# What each event of a receipt's signed history records, in the reader's words (the stored action
# stays the English code the signature covers).
RECEIPT_EVENT_LABELS = {
    "issued": pgettext_lazy("receipt event", "Issued"),
    "issued_from_split": pgettext_lazy("receipt event", "Issued from a split"),
    "issued_from_merge": pgettext_lazy("receipt event", "Issued from a merge"),
    "list": pgettext_lazy("receipt event", "Listed for sale"),
    "unlist": pgettext_lazy("receipt event", "Listing ended"),
    "pledge": pgettext_lazy("receipt event", "Pledged"),
    "unpledge": pgettext_lazy("receipt event", "Pledge released"),
    "enforce": pgettext_lazy("receipt event", "Listed for a forced sale under the pledge"),
    "freeze": pgettext_lazy("receipt event", "Frozen"),
    "unfreeze": pgettext_lazy("receipt event", "Unfrozen"),
    "withdraw": pgettext_lazy("receipt event", "Goods released"),
    "cancel": pgettext_lazy("receipt event", "Cancelled"),
    "split": pgettext_lazy("receipt event", "Split"),
    "merge": pgettext_lazy("receipt event", "Merged"),
    "transfer": pgettext_lazy("receipt event", "Transferred"),
}


def receipt_event_label(action: str) -> str:
    return str(RECEIPT_EVENT_LABELS.get(action, action))


# The verification code printed on a receipt and in its QR: without it a receipt number alone (which
# is guessable: warehouse, date, sequence) opens no statement. Crockford-style alphabet, no 0/O/1/I.
VERIFICATION_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
VERIFICATION_CODE_LENGTH = 10


def verification_code_new() -> str:
    return "".join(secrets.choice(VERIFICATION_CODE_ALPHABET) for _ in range(VERIFICATION_CODE_LENGTH))


class Receipt(models.Model):
    """An electronic warehouse receipt with the elements a Chinese 仓单 carries (Civil Code art. 909,
    GB/T 30332): number, depositor, goods, grade and spec, quantity, packaging, location, loss
    standard, storage term and fee, insurance, issue place and date, keeper."""

    number = models.CharField(max_length=40, unique=True)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="receipts")
    commodity = models.ForeignKey("exchange_commodities.Commodity", on_delete=models.PROTECT, related_name="+")
    grade = models.ForeignKey("exchange_commodities.Grade", on_delete=models.PROTECT, related_name="+")
    spec = models.JSONField(default=dict, help_text="The assay the grade was assigned from (decimal strings).")
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    depositor = models.ForeignKey("exchange_members.Member", on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey("exchange_members.Member", on_delete=models.PROTECT, related_name="exchange_receipts")
    packaging = models.CharField(max_length=60, blank=True)
    pieces = models.PositiveIntegerField(null=True, blank=True)
    marks = models.CharField(max_length=120, blank=True)
    location = models.CharField(max_length=120, blank=True, help_text="Bay / stack.")
    lot_no = models.CharField(max_length=40, blank=True)
    inspection_ref = models.CharField(max_length=60, blank=True)
    loss_standard = models.CharField(max_length=120, blank=True)
    storage_fee_terms = models.CharField(max_length=255, blank=True)
    storage_start = models.DateField()
    storage_until = models.DateField(null=True, blank=True)
    insured_value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    insurer = models.CharField(max_length=120, blank=True)
    insurance_policy_no = models.CharField(max_length=60, blank=True)
    insurance_until = models.DateField(null=True, blank=True)
    issue_place = models.CharField(max_length=120, blank=True)
    keeper = models.CharField(max_length=120)
    issued_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=ReceiptStatus.choices, default=ReceiptStatus.ACTIVE)
    frozen_from = models.CharField(max_length=16, blank=True, help_text="Status to return to when unfrozen.")
    lock_until = models.DateTimeField(null=True, blank=True, help_text="Resale lock: cannot be listed before this.")
    encumbrance = models.CharField(
        max_length=40,
        blank=True,
        help_text="The pledge holding the receipt (e.g. loan:12) while pledged or sold under that pledge; "
        "cleared on release.",
    )
    verification_code = models.CharField(
        max_length=16,
        default=verification_code_new,
        help_text="Printed on the receipt and in its QR; opens its signed statement.",
    )
    inbound_ticket = models.OneToOneField(
        WeighbridgeTicket, null=True, blank=True, on_delete=models.PROTECT, related_name="receipt"
    )
    outbound_ticket = models.OneToOneField(
        WeighbridgeTicket, null=True, blank=True, on_delete=models.PROTECT, related_name="withdrawn_receipt"
    )
    split_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="split_parts")
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_sources"
    )
    last_hash = models.CharField(max_length=64, blank=True)
    event_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("warehouse receipt")
        verbose_name_plural = _("warehouse receipts")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="receipt_quantity_positive")]
        indexes = [models.Index(fields=["holder", "status"])]

    def __str__(self):
        return self.number


class ReceiptEvent(models.Model):
    """One link of a receipt's hash chain: ``hash = sha256(canonical JSON of the content)``, where the
    content includes ``prev_hash``; ``signature`` is the warehouse key's Ed25519 signature of that JSON."""

    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=32)
    data = models.JSONField(default=dict)
    occurred_at = models.DateTimeField()
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_app = models.ForeignKey(
        "integrations.App", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kid = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    signature = models.CharField(max_length=128)

    class Meta:
        verbose_name = _("receipt event")
        verbose_name_plural = _("receipt events")
        ordering = ["receipt_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["receipt", "seq"], name="receipt_event_seq_unique")]


class WarehouseAlert(models.Model):
    """Something supervisors must look at now (an outbound weight beyond tolerance froze a receipt)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="alerts")
    receipt = models.ForeignKey(Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=32)
    message = models.CharField(max_length=255)
    data = models.JSONField(default=dict, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("warehouse alert")
        verbose_name_plural = _("warehouse alerts")
        ordering = ["-id"]


# Bulk freight (truck slots and appointments) lives in its own module; imported here so Django sees it.
from magnesium_exchange.warehouses.appointments import (  # noqa: E402, F401
    AppointmentState,
    TruckAppointment,
    TruckAppointmentEvent,
    TruckAppointmentReceipt,
    TruckSlot,
)
