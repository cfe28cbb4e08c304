"""Payments fixtures: real checkouts (through the checkout services), a local Stripe, a webhook signer."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from marketplace.checkout.services import checkout_create
from marketplace.payments.hooks import transaction_changed
from meidu.accounts.roles import Role
from tests.marketplace.factories import listed_product
from tests.marketplace.payments.stripe_server import WEBHOOK_SECRET, stripe_api  # noqa: F401  (stripe_api: fixture)


@pytest.fixture
def variant(farmer, farmer_shop, rural):
    """A variant priced 12.50 in the rural channel."""
    product = listed_product(farmer_shop, farmer, rural, price="12.50", quantity=50)
    return product.variants.first()


@pytest.fixture
def make_checkout(rural, variant):
    """A checkout of ``quantity`` × 12.50 (no delivery chosen, so no fee): 2 → 25.00."""

    def make(user=None, quantity=2, email="buyer@example.com"):
        return checkout_create(channel=rural, user=user, email=email, lines=[(variant, quantity)])

    return make


@pytest.fixture
def driver(make_user):
    return make_user(Role.DRIVER)


@pytest.fixture
def station_agent(make_user):
    return make_user(Role.STATION_AGENT)


@pytest.fixture
def changes():
    """Every (item, event) the transaction_changed hook announces during the test."""
    seen = []

    def record(item, event):
        seen.append((item.pk, event.type, event.amount))

    transaction_changed.connect(record)
    yield seen
    transaction_changed.disconnect(record)


def stripe_signature(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header exactly as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def stripe_event(event_id: str, event_type: str, obj: dict) -> str:
    return json.dumps({"id": event_id, "object": "event", "type": event_type, "api_version": "2024-06-20",
                       "created": int(time.time()), "data": {"object": obj}})
