"""Issue 13: a client without an account cannot hold a product's stock by opening checkouts. Its
anonymous checkouts (one client address) hold at most CHECKOUT_ANONYMOUS_RESERVED_UNITS units and it
opens at most CHECKOUTS_ANONYMOUS_PER_ADDRESS_PER_HOUR of them; signing in lifts both."""

import json

import pytest
from django.test import Client

from marketplace.checkout.models import Checkout, CheckoutLine, Reservation
from marketplace.checkout.services import checkout_create
from meidu.core.errors import DomainError
from tests.marketplace.checkout.helpers import vid
from tests.marketplace.checkout.queries import CREATE, LINES_UPDATE
from tests.support.graphql import token_for
from tests.support.races import codes, race

pytestmark = pytest.mark.django_db

ATTACH = "mutation($id: ID) { checkoutCustomerAttach(id: $id) { checkout { id } errors { field code } } }"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.CHECKOUT_RESERVATION_MINUTES = 20
    settings.CHECKOUT_ANONYMOUS_RESERVED_UNITS = 10
    settings.CHECKOUTS_ANONYMOUS_PER_ADDRESS_PER_HOUR = 30


def _post(query, variables, *, address="203.0.113.7", language="zh-hans", token=None) -> dict:
    headers = {"REMOTE_ADDR": address, "HTTP_ACCEPT_LANGUAGE": language}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    response = Client().post(
        "/graphql/", json.dumps({"query": query, "variables": variables}), content_type="application/json", **headers
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.content
    return next(iter(response.json()["data"].values()))


def _create(variant, quantity, **kwargs) -> dict:
    return _post(
        CREATE, {"input": {"channel": "rural", "lines": [{"variantId": vid(variant), "quantity": quantity}]}}, **kwargs
    )


def _snapshot():
    return (
        Checkout.objects.count(),
        sorted(CheckoutLine.objects.values_list("quantity", flat=True)),
        sorted(Reservation.objects.values_list("quantity", flat=True)),
    )


def test_an_anonymous_client_holds_at_most_the_limit_across_its_checkouts(pears):
    variant = pears["variant"]  # 20 in stock
    first = _create(variant, 10)
    assert first["errors"] == [] and Checkout.objects.get().client_address == "203.0.113.7"
    before = _snapshot()
    refused = _create(variant, 1)
    [error] = refused["errors"]
    assert (error["code"], error["field"]) == ("RESERVATION_LIMIT", "quantity")
    assert "登录" in error["message"] and "10" in error["message"]
    assert refused["checkout"] is None and _snapshot() == before
    [error] = _create(variant, 1, language="en")["errors"]
    assert error["message"] == "Without an account you may hold 10 units at a time (10 held now): sign in to hold more"
    # growing the held line is refused too; shrinking it frees room
    grown = _post(LINES_UPDATE, {"id": first["checkout"]["id"], "lines": [{"variantId": vid(variant), "quantity": 11}]})
    assert [e["code"] for e in grown["errors"]] == ["RESERVATION_LIMIT"] and _snapshot() == before
    _post(LINES_UPDATE, {"id": first["checkout"]["id"], "lines": [{"variantId": vid(variant), "quantity": 6}]})
    assert _create(variant, 4)["errors"] == []
    assert _create(variant, 1)["errors"][0]["code"] == "RESERVATION_LIMIT"


def test_other_addresses_and_signed_in_buyers_are_not_held_back(pears, buyer):
    variant = pears["variant"]
    assert _create(variant, 10)["errors"] == []
    assert _create(variant, 5, address="198.51.100.4")["errors"] == []  # another client
    assert _create(variant, 5, token=token_for(buyer))["errors"] == []  # a buyer signed in, same address
    assert Reservation.objects.count() == 3


def test_signing_in_lifts_the_limit_of_a_checkout_attached_to_the_buyer(pears, buyer):
    variant = pears["variant"]
    first = _create(variant, 10)
    assert _post(ATTACH, {"id": first["checkout"]["id"]}, token=token_for(buyer))["errors"] == []
    assert _create(variant, 10)["errors"] == []  # the attached checkout's units are the buyer's now


def test_a_checkout_without_an_address_is_its_own_client(pears, rural):
    with pytest.raises(DomainError) as err:
        checkout_create(channel=rural, lines=[(pears["variant"], 11)])
    assert err.value.code == "reservation_limit" and not Checkout.objects.exists()
    checkout_create(channel=rural, lines=[(pears["variant"], 10)])


def test_limits_off_and_reservations_off(pears, settings):
    settings.CHECKOUT_ANONYMOUS_RESERVED_UNITS = 0
    assert _create(pears["variant"], 15)["errors"] == []
    settings.CHECKOUT_ANONYMOUS_RESERVED_UNITS, settings.CHECKOUT_RESERVATION_MINUTES = 10, 0
    assert _create(pears["variant"], 5)["errors"] == []  # nothing is held, so nothing to limit


def test_anonymous_checkouts_opened_per_address_per_hour(pears, buyer, settings):
    settings.CHECKOUTS_ANONYMOUS_PER_ADDRESS_PER_HOUR = 2
    variant = pears["variant"]
    assert _create(variant, 1)["errors"] == [] and _create(variant, 1)["errors"] == []
    before = _snapshot()
    [error] = _create(variant, 1)["errors"]
    assert error["code"] == "RATE_LIMITED" and "登录" in error["message"]
    [error] = _create(variant, 1, language="en")["errors"]
    assert (
        error["message"]
        == "Too many checkouts opened without an account from this address: sign in, or try again in an hour"
    )
    assert _snapshot() == before
    assert _create(variant, 1, address="198.51.100.4")["errors"] == []
    assert _create(variant, 1, token=token_for(buyer))["errors"] == []


@pytest.mark.django_db(transaction=True)
def test_two_requests_of_one_client_at_once_cannot_both_slip_under_the_limit(pears, make_user, rural):
    """Each wants 6 of the 10 units one client may hold; they run on their own connections at once."""
    from tests.marketplace.factories import listed_product

    other = listed_product(pears["shop"], pears["owner"], rural, name="梨膏", quantity=20).variants.get()
    outcomes = race(
        *[
            lambda variant=variant: checkout_create(channel=rural, lines=[(variant, 6)], client_address="203.0.113.9")
            for variant in (pears["variant"], other)
        ]
    )
    assert codes(outcomes) == ["ok", "reservation_limit"]
    assert sum(Reservation.objects.values_list("quantity", flat=True)) == 6
