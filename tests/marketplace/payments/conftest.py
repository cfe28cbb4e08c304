"""Payments fixtures: real checkouts (through the checkout services); the local Stripe and the webhook
signer are in stripe_server.py."""

from __future__ import annotations

import pytest

from marketplace.checkout.services import checkout_create
from marketplace.payments.hooks import transaction_changed
from meidu.accounts.roles import Role
from tests.marketplace.factories import listed_product


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
