"""Express tracking over real HTTP against a local aggregator: subscribe, then signed pushes move the
shipment; repeats change nothing, late scans go into the history, forged or unknown pushes are refused."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

import pytest

from logistics.carriers.client import TrackingClient
from logistics.carriers.models import PushRecord, SubscriptionState, TrackingSubscription
from logistics.carriers.services import push_signature, tracking_subscribe
from logistics.shipments.models import Shipment, ShipmentEvent
from logistics.shipments.services import ParcelSpec, shipment_create
from meidu.core.errors import DomainError
from tests.support.fake_tracking import FakeTracking

NUMBER = "SF1234567890123"


@pytest.fixture
def aggregator(settings, live_server):
    fake = FakeTracking()
    settings.LOGISTICS_TRACKING_URL = fake.url
    settings.LOGISTICS_TRACKING_KEY = fake.key
    settings.LOGISTICS_TRACKING_SALT = "salt-of-the-county"
    settings.PUBLIC_URL = live_server.url
    yield fake
    fake.close()


def express():
    return shipment_create(
        reference="order:77/1", carrier="express", parcels=[ParcelSpec(Decimal("3"))], recipient_phone="13904170001"
    )


@pytest.mark.django_db(transaction=True)
def test_subscribe_and_follow_the_pushes(aggregator):
    shipment = express()
    subscription = tracking_subscribe(shipment, "SF", NUMBER.lower())
    assert subscription.state == SubscriptionState.POLLING
    assert aggregator.subscriptions[("shunfeng", NUMBER)]["callbackurl"].endswith("/logistics/tracking/push/")
    assert aggregator.subscriptions[("shunfeng", NUMBER)]["phone"] == "13904170001"

    assert (
        aggregator.push("shunfeng", NUMBER, "1", "2026-12-06 09:00:00", context="已揽收", area="营口市")[1]["outcome"]
        == "applied"
    )
    aggregator.push("shunfeng", NUMBER, "0", "2026-12-06 18:00:00", context="已到沈阳转运中心")
    aggregator.push("shunfeng", NUMBER, "0", "2026-12-07 06:00:00", context="已到北京转运中心")  # same status
    assert aggregator.push("shunfeng", NUMBER, "5", "2026-12-07 09:00:00")[1]["outcome"] == "applied"
    # the 18:00 scan again, and the pickup scan arriving late: nothing moves back
    assert aggregator.push("shunfeng", NUMBER, "0", "2026-12-06 18:00:00")[1]["outcome"] == "duplicate"
    assert aggregator.push("shunfeng", NUMBER, "1", "2026-12-06 08:30:00")[1]["outcome"] == "history"
    shipment.refresh_from_db()
    assert shipment.status == "out_for_delivery"
    status, answer = aggregator.push("shunfeng", NUMBER, "3", "2026-12-07 11:00:00", status="shutdown")
    assert status == 200 and answer["returnCode"] == "200"
    shipment.refresh_from_db()
    assert shipment.status == "delivered" and shipment.tracking_number == NUMBER
    assert TrackingSubscription.objects.get().state == SubscriptionState.FINISHED
    steps = list(shipment.events.exclude(action="create").order_by("happened_at", "id").values_list("action", "status"))
    assert steps == [
        ("scan", "picked_up"),
        ("pick_up", "picked_up"),
        ("load_on_run", "on_run"),
        ("scan", "on_run"),
        ("out_for_delivery", "out_for_delivery"),
        ("deliver", "delivered"),
    ]


@pytest.mark.django_db(transaction=True)
def test_forged_unknown_and_malformed_pushes_change_nothing(aggregator, live_server):
    shipment = express()
    tracking_subscribe(shipment, "SF", NUMBER)
    before = ShipmentEvent.objects.count()

    def post(form):
        request = urllib.request.Request(
            live_server.url + "/logistics/tracking/push/", data=urllib.parse.urlencode(form).encode()
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    scan = FakeTracking.scan("shunfeng", NUMBER, "3", "2026-12-07 11:00:00")
    assert post(FakeTracking.signed(scan, "a-guessed-salt")) == 400
    unknown = FakeTracking.scan("shunfeng", "SF9999999999999", "3", "2026-12-07 11:00:00")
    assert post(FakeTracking.signed(unknown, "salt-of-the-county")) == 404
    for text in ("{not json", '{"x":1}'):
        assert post({"param": text, "sign": push_signature(text, "salt-of-the-county")}) == 400
    assert ShipmentEvent.objects.count() == before and Shipment.objects.get().status == "created"
    assert list(PushRecord.objects.order_by("id").values_list("outcome", flat=True)) == [
        "bad_signature",
        "unknown_number",
        "malformed",
        "malformed",
    ]


@pytest.mark.django_db(transaction=True)
def test_no_update_for_days_aborts_the_subscription(aggregator):
    shipment = express()
    tracking_subscribe(shipment, "SF", NUMBER)
    aggregator.push("shunfeng", NUMBER, "0", "2026-12-06 18:00:00", status="abort")
    subscription = TrackingSubscription.objects.get()
    assert subscription.state == SubscriptionState.ABORTED


@pytest.mark.django_db
def test_bad_waybills_and_a_silent_aggregator(settings):
    fake = FakeTracking()
    fake.delay_s = 2.0
    try:
        shipment = express()
        with pytest.raises(DomainError) as refused:
            tracking_subscribe(shipment, "SF", "SF12")
        assert refused.value.code == "invalid_tracking_number"
        with pytest.raises(DomainError) as unknown:
            tracking_subscribe(shipment, "UPS", NUMBER)
        assert unknown.value.code == "unknown_carrier"
        assert not TrackingSubscription.objects.exists()
        slow = TrackingClient(fake.url, fake.key, timeout_s=0.3)
        subscription = tracking_subscribe(shipment, "SF", NUMBER, client=slow)
        assert subscription.state == SubscriptionState.PENDING and "Timeout" in subscription.message
        with pytest.raises(DomainError) as twice:
            tracking_subscribe(express(), "SF", NUMBER, client=slow)
        assert twice.value.code == "already_subscribed"
    finally:
        fake.close()
