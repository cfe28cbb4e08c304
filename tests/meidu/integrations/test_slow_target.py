"""A partner whose server accepts connections and never answers must not reach a buyer: without a
broker (the default), checkoutComplete answers at once while the process's outbox relay thread
makes the attempts; after WEBHOOK_BREAKER_FAILURES timeouts the target's circuit opens and its
other deliveries wait in the outbox without a connection; once it answers again they all arrive."""

import json
import time

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.orders.models import Order
from marketplace.payments.services import transaction_initialize
from meidu.accounts.roles import Role
from meidu.core.permissions import OrderPermissions
from meidu.integrations.models import EventDelivery, EventDeliveryAttempt
from meidu.integrations.relay import local_relay
from meidu.integrations.services.apps import app_create
from meidu.integrations.services.breaker import breaker_open_until, breaker_record
from meidu.integrations.services.webhooks import webhook_create
from tests.marketplace.checkout.factories import county_and_zones, farmer_with_pears
from tests.marketplace.checkout.helpers import ADDRESS, COD
from tests.marketplace.factories import channels
from tests.meidu.integrations.silent_server import SilentServer
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 4  # seconds a delivery waits for an answer; three shops used to cost 3 x TIMEOUT in the request
COMPLETE = "mutation($id: ID) { checkoutComplete(id: $id) { orders { number } errors { code message } } }"


@pytest.fixture
def relay(settings):
    settings.WEBHOOK_LOCAL_RELAY = True
    settings.WEBHOOK_TIMEOUT_SECONDS = TIMEOUT
    settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS = 1
    settings.WEBHOOK_BREAKER_FAILURES = 2
    settings.WEBHOOK_BREAKER_OPEN_SECONDS = 4
    settings.WEBHOOK_RETRY_BASE_SECONDS = 1
    settings.WEBHOOK_RELAY_INTERVAL_SECONDS = 1
    yield local_relay
    local_relay.stop(timeout=3 * TIMEOUT)


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"waited {seconds}s for {what}")


def _three_shop_checkout(make_user, buyer):
    county_and_zones()
    rural = channels()[1]
    variants = [farmer_with_pears(make_user(Role.BUYER), rural, sku=f"PEAR-{n}")[1] for n in range(3)]
    checkout = checkout_create(channel=rural, user=buyer, lines=[(variant, 1) for variant in variants])
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    for variant in variants:
        checkout_delivery_method_update(
            checkout, shipping_method=variant.product.shop.shipping_methods.get(kind="county")
        )
    transaction_initialize(checkout_token=checkout.pk, gateway_id=COD, idempotency_key="cod-slow", user=buyer)
    return checkout


def test_a_silent_partner_neither_slows_checkout_nor_loses_its_events(make_user, buyer, operator, relay):
    erp, _token = app_create(name="县供销社ERP", permissions=[OrderPermissions.MANAGE_ORDERS], actor=operator)
    checkout = _three_shop_checkout(make_user, buyer)
    with SilentServer() as partner:
        webhook_create(erp, target_url=partner.url, events=["order_created"], actor=operator)
        client = GraphQLClient(token_for(buyer))

        started = time.monotonic()
        data = client.execute(COMPLETE, {"id": to_global_id("Checkout", checkout.pk)})["checkoutComplete"]
        elapsed = time.monotonic() - started
        assert data["errors"] == [] and len(data["orders"]) == 3
        assert elapsed < TIMEOUT, f"checkoutComplete took {elapsed:.1f}s: it waited for the partner"
        assert EventDelivery.objects.filter(status="pending").count() == 3  # kept by the outbox

        # The relay thread tries: two timeouts open the circuit, the third delivery is deferred unsent.
        def breaker_opened():
            deliveries = list(EventDelivery.objects.all())
            return EventDeliveryAttempt.objects.count() == 2 and any(
                d.attempt_count == 0 and d.next_attempt_at > timezone.now() for d in deliveries
            )

        _wait_for(breaker_opened, 4 * TIMEOUT, "two timeouts and a deferred delivery")
        assert breaker_open_until(partner.url) is not None
        errors = list(EventDeliveryAttempt.objects.values_list("error", flat=True))
        assert all("ReadTimeout" in error for error in errors), errors
        assert set(EventDelivery.objects.values_list("status", flat=True)) == {"pending"}
        time.sleep(1.5)  # relay passes go on while the circuit is open ...
        assert partner.accepted == 2  # ... without connecting to the partner

        partner.answer()  # the partner is back: once the circuit half-opens, everything arrives
        _wait_for(lambda: not EventDelivery.objects.exclude(status="success").exists(), 6 * TIMEOUT, "every delivery")
    numbers = sorted(json.loads(body)["data"]["order"]["number"] for body in partner.bodies)
    assert numbers == sorted(Order.objects.values_list("number", flat=True))
    assert EventDeliveryAttempt.objects.filter(status="success").count() == 3


def test_a_half_open_circuit_closes_on_success_and_reopens_on_one_failure(settings):
    settings.WEBHOOK_BREAKER_FAILURES = 3
    settings.WEBHOOK_BREAKER_OPEN_SECONDS = 1
    url = "https://erp.example:8443/hooks"
    for _ in range(2):
        breaker_record(url, succeeded=False)
    assert breaker_open_until(url) is None  # two failures in a row: still closed
    breaker_record(url, succeeded=False)
    assert breaker_open_until(url) is not None
    assert breaker_open_until("https://erp.example/hooks") is None  # another port, another target
    time.sleep(1.1)
    assert breaker_open_until(url) is None  # half-open: one attempt may go
    breaker_record(url, succeeded=False)
    assert breaker_open_until(url) is not None  # that one failed: open again at once
    time.sleep(1.1)
    breaker_record(url, succeeded=True)
    breaker_record(url, succeeded=False)
    assert breaker_open_until(url) is None  # a success closed it: failures count from zero
