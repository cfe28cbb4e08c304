"""A tracking push's statements: the subscription (with its shipment) read once, the duplicate check, the
scan and the raw record; the shipment's status is not read a second time."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from logistics.carriers.models import PushRecord, SubscriptionState, TrackingSubscription
from logistics.carriers.services import push_signature
from logistics.shipments.models import Shipment, ShipmentEvent
from logistics.shipments.services import ParcelSpec, shipment_create

SALT = "salt-of-the-county"
NUMBER = "SF1234567890123"


def _push(client, state: str, ftime: str):
    param = json.dumps(
        {
            "status": "polling",
            "lastResult": {
                "state": state,
                "com": "shunfeng",
                "nu": NUMBER,
                "data": [{"ftime": ftime, "context": "快件在【沈阳转运中心】完成分拣", "areaName": "辽宁省沈阳市"}],
            },
        },
        ensure_ascii=False,
    )
    return client.post("/logistics/tracking/push/", {"param": param, "sign": push_signature(param, SALT)})


@pytest.mark.django_db
def test_a_scan_for_the_history_runs_few_statements(client, settings, django_assert_max_num_queries):
    settings.LOGISTICS_TRACKING_SALT = SALT
    shipment = shipment_create(reference="order:78/1", carrier="express", parcels=[ParcelSpec(Decimal("2"))])
    TrackingSubscription.objects.create(
        shipment=shipment, carrier="SF", tracking_number=NUMBER, state=SubscriptionState.POLLING
    )
    assert _push(client, "0", "2026-12-06 18:00:00").json()["outcome"] == "applied"
    # a later scan of the same status elsewhere: history, the shipment stays on the run
    with django_assert_max_num_queries(10):
        answer = _push(client, "0", "2026-12-07 06:00:00")
    assert answer.json() == {"result": True, "returnCode": "200", "message": "成功", "outcome": "history"}
    with django_assert_max_num_queries(6):
        again = _push(client, "0", "2026-12-07 06:00:00")
    assert again.json()["outcome"] == "duplicate"
    assert Shipment.objects.get(pk=shipment.pk).status == "on_run"
    scans = ShipmentEvent.objects.filter(shipment=shipment, action="scan")
    assert [(event.status, event.location) for event in scans] == [("on_run", "辽宁省沈阳市")]
    assert scans[0].recorded_at is not None and scans[0].external_id
    assert list(PushRecord.objects.order_by("id").values_list("outcome", flat=True)) == [
        "applied",
        "history",
        "duplicate",
    ]
