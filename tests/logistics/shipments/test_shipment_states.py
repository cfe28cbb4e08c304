"""A shipment moves only by its named actions, each an event; every refusal writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from logistics.shipments.models import Parcel, Shipment, ShipmentEvent
from logistics.shipments.services import ParcelSpec, shipment_act, shipment_create
from meidu.core.errors import DomainError

pytestmark = pytest.mark.django_db


def made(**changes):
    data = {"reference": "order:1/1", "carrier": "county", "parcels": [ParcelSpec(Decimal("2.5"))]}
    return shipment_create(**(data | changes))


def test_a_county_parcel_from_creation_to_delivery_with_every_step_recorded():
    shipment = made(cash_to_collect=Decimal("36.00"))
    assert shipment.number.startswith("MD") and len(shipment.number) == 14
    assert shipment.weight_kg == Decimal("2.500") and shipment.status == "created"
    for action in ("arrive_hub", "load_on_run", "arrive_station"):
        shipment_act(shipment, action, source="driver")
    shipment_act(shipment, "fail", reason="家中无人", source="driver")
    shipment_act(shipment, "out_for_delivery")
    shipment_act(shipment, "deliver", proof_kind="signature", proof_text="王秀英")
    shipment.refresh_from_db()
    assert shipment.status == "delivered" and shipment.failed_attempts == 1
    assert (shipment.proof_kind, shipment.proof_text) == ("signature", "王秀英") and shipment.delivered_at
    assert list(shipment.events.values_list("status", flat=True)) == [
        "created",
        "at_hub",
        "on_run",
        "at_station",
        "failed_attempt",
        "out_for_delivery",
        "delivered",
    ]
    assert shipment.events.get(status="failed_attempt").reason == "家中无人"


@pytest.mark.parametrize(
    ("steps", "action", "kwargs", "code"),
    [
        (["deliver"], "deliver", {}, "transition_not_allowed"),
        (["deliver"], "fail", {"reason": "x"}, "transition_not_allowed"),
        ([], "fail", {"reason": "  "}, "required"),
        ([], "return_to_sender", {}, "transition_not_allowed"),
        ([], "deliver", {"proof_kind": "signature", "proof_text": ""}, "required"),
        ([], "deliver", {"proof_kind": "telepathy"}, "invalid"),
        ([], "teleport", {}, "transition_not_allowed"),
    ],
)
def test_steps_that_do_not_follow_are_refused(steps, action, kwargs, code):
    shipment = made()
    for step in steps:
        shipment_act(shipment, step)
    before = (ShipmentEvent.objects.count(), Shipment.objects.get().status)
    with pytest.raises(DomainError) as refused:
        shipment_act(shipment, action, **kwargs)
    assert refused.value.code == code
    assert (ShipmentEvent.objects.count(), Shipment.objects.get().status) == before


@pytest.mark.parametrize(
    "changes",
    [
        {"parcels": []},
        {"parcels": [ParcelSpec(Decimal("0"))]},
        {"parcels": [ParcelSpec(Decimal("-1"))]},
        {"parcels": [ParcelSpec(Decimal("NaN"))]},
        {"parcels": [ParcelSpec(Decimal("Infinity"))]},
        {"parcels": [ParcelSpec(Decimal("1e30"))]},
        {"parcels": [ParcelSpec(Decimal("1"), length_cm=0)]},
        {"parcels": [ParcelSpec(Decimal("1"))] * 51},
        {"carrier": "pigeon"},
        {"cash_to_collect": Decimal("-0.01")},
    ],
)
def test_bad_shipments_are_refused_and_nothing_is_written(changes):
    with pytest.raises(DomainError):
        made(**changes)
    assert not Shipment.objects.exists() and not Parcel.objects.exists() and not ShipmentEvent.objects.exists()
