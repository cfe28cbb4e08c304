"""Shipments as the buyer's tracking page, the API and the driver read them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from .models import Shipment, ShipmentEvent


def shipments_by_reference(references: Iterable[str]) -> dict[str, list[Shipment]]:
    """Shipments with their events (two queries whatever the count), grouped by reference."""
    found: dict[str, list[Shipment]] = {}
    rows = (
        Shipment.objects.filter(reference__in=list(references))
        .prefetch_related(Prefetch("events", queryset=ShipmentEvent.objects.order_by("happened_at", "id")))
        .order_by("id")
    )
    for shipment in rows:
        found.setdefault(shipment.reference, []).append(shipment)
    return found


def shipment_get(number: str) -> Shipment | None:
    return Shipment.objects.filter(number=number).first()


def shipments_open_for(references: Iterable[str]) -> QuerySet[Shipment]:
    return Shipment.objects.filter(reference__in=list(references)).exclude(status__in=["delivered", "returned"])
