"""Harvest pre-sale: a 30% deposit now, the balance after harvest; a short yield serves the first
orders, shrinks the next one and refunds its deposit for the missing units, cancels the last."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.orders.models import OrderStatus
from marketplace.orders.services.lifecycle import order_fulfill
from marketplace.payments.models import TransactionItem
from marketplace.payments.services import transaction_initialize
from marketplace.presale.services import presale_campaign_open, presale_harvest
from meidu.core.errors import DomainError
from tests.marketplace.checkout.helpers import ADDRESS, OFFLINE


@pytest.fixture
def campaign(pears, rural):
    return presale_campaign_open(
        pears["variant"],
        rural,
        actor=pears["owner"],
        deposit_percent="30",
        expected_quantity=10,
        harvest_expected_on=timezone.localdate() + timedelta(days=30),
    )


def deposit_order(buyer, rural, pears, quantity, key):
    checkout = checkout_create(channel=rural, user=buyer, lines=[(pears["variant"], quantity)])
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    checkout_delivery_method_update(checkout, shipping_method=pears["shop"].shipping_methods.get(kind="county"))
    outcome = transaction_initialize(
        checkout_token=checkout.pk, gateway_id=OFFLINE, action="CHARGE", idempotency_key=key, user=buyer
    )
    [order] = checkout_complete(checkout.pk, user=buyer).orders
    return order, outcome.item


def test_deposit_now_balance_after_a_short_harvest(make_user, rural, pears, campaign):
    buyers = [make_user() for _ in range(3)]
    first, first_item = deposit_order(buyers[0], rural, pears, 4, "a")
    second, _ = deposit_order(buyers[1], rural, pears, 4, "b")
    third, _ = deposit_order(buyers[2], rural, pears, 2, "c")
    shipping = first.shipping_amount
    # 4 x 12.50 = 50.00 of pears: 30% = 15.00 now, plus the delivery fee.
    assert first_item.charged_amount == Decimal("15.00") + shipping
    assert first.total_amount == Decimal("50.00") + shipping and not first.is_paid
    stock_before = pears["warehouse"].stocks.get(variant=pears["variant"]).quantity

    with pytest.raises(DomainError) as sold_out:
        deposit_order(make_user(), rural, pears, 1, "d")
    assert sold_out.value.code == "insufficient_stock"

    presale_harvest(campaign, actor=pears["owner"], harvested_quantity=6, warehouse=pears["warehouse"])
    for order in (first, second, third):
        order.refresh_from_db()
    assert first.lines.get().quantity == 4 and first.total_amount == Decimal("50.00") + shipping
    assert second.lines.get().quantity == 2 and second.total_amount == Decimal("25.00") + shipping
    assert second.refunded_amount == Decimal("7.50")  # the deposit of the 2 pears the field did not give
    assert third.status == OrderStatus.CANCELED and third.refunded_amount == third.charged_amount
    stock = pears["warehouse"].stocks.get(variant=pears["variant"])
    assert stock.quantity == stock_before + 6 and stock.quantity_allocated == 6

    with pytest.raises(DomainError) as unpaid:
        order_fulfill(first, actor=pears["owner"], lines=[(first.lines.get(), 4, "4.0")])
    assert unpaid.value.code == "cannot_fulfill_unpaid_order"
    balance = transaction_initialize(
        checkout_token=first.checkout_token,
        gateway_id=OFFLINE,
        action="CHARGE",
        idempotency_key="balance",
        user=buyers[0],
    )
    assert balance.item.charged_amount == Decimal("35.00")
    first.refresh_from_db()
    assert first.is_paid
    order_fulfill(first, actor=pears["owner"], lines=[(first.lines.get(), 4, "4.0")])
    assert TransactionItem.objects.filter(checkout_token=first.checkout_token).count() == 2


def test_refusals_open_and_harvest(pears, rural, campaign, make_user):
    with pytest.raises(DomainError) as twice:
        presale_campaign_open(
            pears["variant"],
            rural,
            actor=pears["owner"],
            deposit_percent="20",
            expected_quantity=5,
            harvest_expected_on=timezone.localdate() + timedelta(days=9),
        )
    assert twice.value.code == "already_exists"
    for percent, quantity, days, field in (
        ("0", 5, 9, "depositPercent"),
        ("30", 0, 9, "expectedQuantity"),
        ("30", 5, -1, "harvestExpectedOn"),
    ):
        with pytest.raises(DomainError) as bad:
            presale_campaign_open(
                pears["variant"],
                rural,
                actor=pears["owner"],
                deposit_percent=percent,
                expected_quantity=quantity,
                harvest_expected_on=timezone.localdate() + timedelta(days=days),
            )
        assert bad.value.field == field
    presale_harvest(campaign, actor=pears["owner"], harvested_quantity=0, warehouse=pears["warehouse"])
    with pytest.raises(DomainError) as closed:
        presale_harvest(campaign, actor=pears["owner"], harvested_quantity=3, warehouse=pears["warehouse"])
    assert closed.value.code == "not_open"


def test_presale_through_the_api(pears, rural, make_user, buyer):
    from graphql_relay import to_global_id

    from tests.support.graphql import GraphQLClient, token_for

    opening = """mutation($v: ID!, $on: Date!) {
      presaleCampaignOpen(variant: $v, channel: "rural", depositPercent: "25",
      expectedQuantity: 8, harvestExpectedOn: $on) { campaign { id depositPercent status } errors { field code } } }"""
    variables = {
        "v": to_global_id("ProductVariant", pears["variant"].pk),
        "on": str(timezone.localdate() + timedelta(days=20)),
    }
    stranger = GraphQLClient(token_for(make_user())).post(opening, variables).json()
    assert stranger["errors"] and stranger["data"]["presaleCampaignOpen"] is None
    data = GraphQLClient(token_for(pears["owner"])).execute(opening, variables)["presaleCampaignOpen"]
    assert data["errors"] == [] and data["campaign"]["status"] == "OPEN"
    listed = GraphQLClient().execute('{ presaleCampaigns(channel: "rural") { id depositPercent } }')["presaleCampaigns"]
    assert listed == [{"id": data["campaign"]["id"], "depositPercent": 25.0}]
    create = """mutation($v: ID!) { checkoutCreate(input: {channel: "rural", lines: [{variantId: $v, quantity: 2}]}) {
      checkout { totalPrice { gross { amount } } dueNowPrice { gross { amount } } } errors { code } } }"""
    checkout = GraphQLClient(token_for(buyer)).execute(create, {"v": variables["v"]})["checkoutCreate"]["checkout"]
    assert checkout["totalPrice"]["gross"]["amount"] == 25.0 and checkout["dueNowPrice"]["gross"]["amount"] == 6.25


def test_harvest_into_another_shops_warehouse_is_refused(pears, campaign, make_user):
    from marketplace.inventory.services import warehouse_create
    from tests.marketplace.factories import open_shop

    rival = make_user()
    elsewhere = warehouse_create(open_shop(rival), actor=rival, name="别家仓", kind="home")
    with pytest.raises(DomainError) as refused:
        presale_harvest(campaign, actor=pears["owner"], harvested_quantity=3, warehouse=elsewhere)
    assert refused.value.code == "not_found"
    campaign.refresh_from_db()
    assert campaign.status == "open" and not elsewhere.stocks.exists()
