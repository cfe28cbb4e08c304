"""An assisted order the villager never confirms lapses ASSISTED_ORDER_EXPIRY_HOURS after it was started:
from that moment it reads as expired (API, selectors) and every step refuses it with EXPIRED, writing
nothing, before the periodic job runs; the job marks it expired and releases its cart and reserved
stock, once (idempotent), leaving placed and still-open orders alone; the demo's scheduler runs it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.assisted.models import AssistedOrder, AssistedOrderStatus
from marketplace.assisted.selectors import assisted_cart
from marketplace.assisted.services import (
    assisted_order_code_send,
    assisted_order_confirm,
    assisted_order_delivery_set,
    assisted_order_quantity_set,
    assisted_orders_expire_due,
)
from marketplace.assisted.tasks import assisted_orders_expire_due_task
from marketplace.checkout.models import Checkout, Reservation
from marketplace.orders.models import Order
from meidu.accounts.roles import Role
from meidu.core.errors import DomainError
from meidu.runtime.scheduler import beat_jobs
from tests.marketplace.checkout.factories import village_station
from tests.support.assisted import VILLAGER_PHONE, confirmed_by_code
from tests.support.assisted import assisted_cart as build_cart
from tests.support.graphql import GraphQLClient, token_for
from tests.support.phone_codes import latest_code

READ = "query($token: UUID!) { assistedOrder(token: $token) { status expiresAt lines { quantity } } }"
SEND = "mutation($token: UUID!) { assistedOrderCodeSend(token: $token) { errors { field code } } }"
CONFIRM = """mutation($token: UUID!, $code: String) {
  assistedOrderConfirm(token: $token, code: $code) { errors { field code } } }"""


@pytest.fixture(autouse=True)
def reservations_on(settings):
    settings.CHECKOUT_RESERVATION_MINUTES = 20
    settings.PHONE_CODE_COOLDOWN_SECONDS = 0


def _lapse(assisted, minutes=1):
    """Past its expiry (as if started ASSISTED_ORDER_EXPIRY_HOURS + ``minutes`` ago)."""
    AssistedOrder.objects.filter(pk=assisted.pk).update(expires_at=timezone.now() - timedelta(minutes=minutes))
    assisted.refresh_from_db()
    return assisted


def _held(assisted) -> int:
    return Reservation.objects.filter(checkout_line__checkout_id=assisted.checkout_token).count()


def test_the_expiry_is_the_setting_after_the_start(settings, station, station_agent, fertiliser):
    settings.ASSISTED_ORDER_EXPIRY_HOURS = 6
    before = timezone.now()
    assisted = build_cart(station_agent, station, fertiliser["variant"])
    assert before + timedelta(hours=6) <= assisted.expires_at <= timezone.now() + timedelta(hours=6)
    assert assisted_cart(assisted).state == AssistedOrderStatus.OPEN


def test_past_its_expiry_it_reads_expired_and_every_step_refuses_before_the_job(station, station_agent, fertiliser):
    assisted = build_cart(station_agent, station, fertiliser["variant"])
    assisted_order_code_send(assisted, agent=station_agent)
    code = latest_code(VILLAGER_PHONE)
    client = GraphQLClient(token_for(station_agent))
    assert client.execute(READ, {"token": str(assisted.pk)})["assistedOrder"]["status"] == "open"
    _lapse(assisted)
    assert assisted.status == AssistedOrderStatus.OPEN  # the job has not run
    read = client.execute(READ, {"token": str(assisted.pk)})["assistedOrder"]
    assert read["status"] == "expired" and read["lines"] == []
    assert assisted_cart(assisted).state == AssistedOrderStatus.EXPIRED
    for step in (
        lambda: assisted_order_quantity_set(assisted, agent=station_agent, variant=fertiliser["variant"], quantity=3),
        lambda: assisted_order_delivery_set(assisted, agent=station_agent, delivery="station"),
        lambda: assisted_order_code_send(assisted, agent=station_agent),
        lambda: assisted_order_confirm(assisted, agent=station_agent, code=code),
        lambda: assisted_order_confirm(assisted, agent=station_agent, signed_name="王秀兰", attested=True),
    ):
        with pytest.raises(DomainError) as refused:
            step()
        assert refused.value.code == "expired" and refused.value.field == "id"
    assert client.execute(SEND, {"token": str(assisted.pk)})["assistedOrderCodeSend"]["errors"] == [
        {"field": "id", "code": "EXPIRED"}
    ]
    confirm = client.execute(CONFIRM, {"token": str(assisted.pk), "code": code})["assistedOrderConfirm"]
    assert confirm["errors"] == [{"field": "id", "code": "EXPIRED"}]
    assert not Order.objects.exists() and _held(assisted) == 1


def test_the_job_releases_the_cart_once_and_leaves_the_others(station, station_agent, fertiliser):
    lapsed = build_cart(station_agent, station, fertiliser["variant"], quantity=5)
    waiting = build_cart(station_agent, station, fertiliser["variant"], quantity=1, phone="+8613904178802")
    _placed, [order] = confirmed_by_code(station_agent, station, fertiliser["variant"], 1, phone="+8613904178803")
    placed = AssistedOrder.objects.get(status=AssistedOrderStatus.PLACED)
    AssistedOrder.objects.filter(pk=placed.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    assert _held(lapsed) == 1
    _lapse(lapsed)

    assert assisted_orders_expire_due() == 1
    lapsed.refresh_from_db()
    assert lapsed.status == AssistedOrderStatus.EXPIRED
    assert not Checkout.objects.filter(pk=lapsed.checkout_token).exists() and _held(lapsed) == 0
    assert AssistedOrder.objects.get(pk=waiting.pk).status == AssistedOrderStatus.OPEN and _held(waiting) == 1
    assert AssistedOrder.objects.get(pk=placed.pk).status == AssistedOrderStatus.PLACED
    assert Order.objects.get(pk=order.pk).status != "canceled"

    assert assisted_orders_expire_due() == 0  # idempotent: nothing left to expire, nothing released twice
    assert assisted_orders_expire_due_task() == 0
    assert assisted_cart(lapsed).state == AssistedOrderStatus.EXPIRED and assisted_cart(lapsed).orders == []


def test_the_demo_and_beat_run_the_expiry_job():
    names = {job.name: job for job in beat_jobs()}
    job = names["assisted-orders-expire-due"]
    assert job.period_seconds == 300 and job.task.name.endswith("assisted_orders_expire_due_task")


def test_another_agent_reads_nothing_and_a_buyer_is_refused(make_user, station, station_agent, fertiliser):
    assisted = build_cart(station_agent, station, fertiliser["variant"])
    other = make_user(Role.BUYER)
    village_station(make_user(Role.BUYER), other)
    assert GraphQLClient(token_for(other)).execute(READ, {"token": str(assisted.pk)})["assistedOrder"] is None
    denied = GraphQLClient(token_for(make_user(Role.BUYER))).post(READ, {"token": str(assisted.pk)}).json()
    assert denied["data"]["assistedOrder"] is None and "ASSIST_ORDERS" in denied["errors"][0]["message"]
