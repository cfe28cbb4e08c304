"""Bulk freight at a supervised warehouse: the time slots the warehouse publishes for trucks, the
appointments traders book in them to take goods out against their receipts, and each appointment's
event rows. Imported by ``models.py`` (Django finds the tables there).

A slot keeps counters of what is booked in it (trucks, tonnes): booking and cancelling move them
under the slot's row lock, and the database refuses a counter above its capacity, so two traders
racing for the last place cannot both have it.

The appointment state machine, every allowed transition in one table (``TRANSITIONS``)::

    booked -> arrived (gate check-in by plate, in the slot's window +- the grace)
    booked -> cancelled (the trader, before the slot starts)
    booked -> no_show (the beat job, once the slot's window and grace have passed)
    arrived | loaded -> loaded (a receipt weighed out, others still to weigh)
    arrived | loaded -> completed (every receipt of the appointment weighed out)
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from magnesium_exchange.warehouses.plates import plate_display


class TruckSlot(models.Model):
    """One window of a day in which trucks may come to a warehouse to load, with its capacity."""

    warehouse = models.ForeignKey("exchange_warehouses.Warehouse", on_delete=models.PROTECT, related_name="truck_slots")
    date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    capacity_trucks = models.PositiveSmallIntegerField()
    capacity_tonnes = models.DecimalField(max_digits=14, decimal_places=3)
    booked_trucks = models.PositiveSmallIntegerField(default=0)
    booked_tonnes = models.DecimalField(max_digits=14, decimal_places=3, default=0)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("truck slot")
        verbose_name_plural = _("truck slots")
        ordering = ["date", "start_time", "id"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "date", "start_time"], name="truck_slot_unique_start"),
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="truck_slot_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity_trucks__gt=0) & Q(capacity_tonnes__gt=0), name="truck_slot_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(booked_trucks__lte=F("capacity_trucks"))
                & Q(booked_tonnes__lte=F("capacity_tonnes"))
                & Q(booked_tonnes__gte=0),
                name="truck_slot_within_capacity",
            ),
        ]

    def __str__(self):
        return f"{self.warehouse_id} {self.date} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.start_time))

    @property
    def ends_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.end_time))

    @property
    def free_trucks(self) -> int:
        return self.capacity_trucks - self.booked_trucks

    @property
    def free_tonnes(self):
        return self.capacity_tonnes - self.booked_tonnes


class AppointmentState(models.TextChoices):
    BOOKED = "booked", pgettext_lazy("truck appointment state", "Booked")
    ARRIVED = "arrived", pgettext_lazy("truck appointment state", "Arrived")
    LOADED = "loaded", pgettext_lazy("truck appointment state", "Loading")
    COMPLETED = "completed", pgettext_lazy("truck appointment state", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("truck appointment state", "Cancelled")
    NO_SHOW = "no_show", pgettext_lazy("truck appointment state", "No-show")


S = AppointmentState
TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    "arrive": (frozenset({S.BOOKED}), S.ARRIVED),
    "cancel": (frozenset({S.BOOKED}), S.CANCELLED),
    "no_show": (frozenset({S.BOOKED}), S.NO_SHOW),
    "load": (frozenset({S.ARRIVED, S.LOADED}), S.LOADED),
    "complete": (frozenset({S.ARRIVED, S.LOADED}), S.COMPLETED),
}
# States in which an appointment still holds its receipts (a withdrawal needs its truck).
LIVE = frozenset({S.BOOKED, S.ARRIVED, S.LOADED})


def arrival_grace() -> dt.timedelta:
    """How early before its slot, and how late after it, a truck is still let in at the gate."""
    return dt.timedelta(minutes=settings.FREIGHT_ARRIVAL_GRACE_MINUTES)


class TruckAppointment(models.Model):
    """A truck booked into a slot to take out the goods of some of a member's receipts."""

    slot = models.ForeignKey(TruckSlot, on_delete=models.PROTECT, related_name="appointments")
    warehouse = models.ForeignKey("exchange_warehouses.Warehouse", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("exchange_members.Member", on_delete=models.PROTECT, related_name="+")
    plate = models.CharField(max_length=12, help_text="Normalised: province, letter, serial; no dot or spaces.")
    driver_name = models.CharField(max_length=40)
    driver_phone = models.CharField(max_length=20)
    tonnes = models.DecimalField(max_digits=14, decimal_places=3)
    state = models.CharField(max_length=16, choices=AppointmentState.choices, default=AppointmentState.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("truck appointment")
        verbose_name_plural = _("truck appointments")
        ordering = ["slot__date", "slot__start_time", "id"]
        constraints = [models.CheckConstraint(condition=Q(tonnes__gt=0), name="truck_appointment_tonnes_positive")]
        indexes = [models.Index(fields=["warehouse", "plate", "state"])]

    def __str__(self):
        return f"{self.plate} @ {self.slot}"

    def state_at(self, now: dt.datetime | None = None) -> str:
        """The state as readers must see it: a booking whose window (and grace) has passed is a no-show
        even before the beat job records it."""
        if self.state == AppointmentState.BOOKED and (now or timezone.now()) > self.slot.ends_at + arrival_grace():
            return AppointmentState.NO_SHOW
        return self.state

    @property
    def plate_display(self) -> str:
        return plate_display(self.plate)


class TruckAppointmentReceipt(models.Model):
    """A receipt an appointment is to take out, and the outbound ticket of its weighing. ``live`` while
    the appointment holds the receipt: a receipt is held by one live appointment at most."""

    appointment = models.ForeignKey(TruckAppointment, on_delete=models.PROTECT, related_name="lines")
    receipt = models.ForeignKey("exchange_warehouses.Receipt", on_delete=models.PROTECT, related_name="truck_lines")
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    live = models.BooleanField(default=True)
    outbound_ticket = models.OneToOneField(
        "exchange_warehouses.WeighbridgeTicket",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="truck_line",
    )

    class Meta:
        verbose_name = _("receipt of a truck appointment")
        verbose_name_plural = _("receipts of truck appointments")
        ordering = ["appointment_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["receipt"], condition=Q(live=True), name="truck_line_one_live_per_receipt"),
            models.UniqueConstraint(fields=["appointment", "receipt"], name="truck_line_unique"),
        ]


class TruckAppointmentEvent(models.Model):
    """One transition of an appointment: who moved it, when, from and to which state."""

    appointment = models.ForeignKey(TruckAppointment, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=16)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    happened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("truck appointment event")
        verbose_name_plural = _("truck appointment events")
        ordering = ["appointment_id", "id"]
