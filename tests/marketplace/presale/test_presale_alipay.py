"""A harvest pre-sale paid with Alipay: the deposit is one Alipay trade at checkout, the balance
another after the harvest, each asked of (and notified by) the local Alipay."""

from decimal import Decimal

import requests

from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.payments.models import TransactionItem
from marketplace.payments.services import transaction_initialize, transaction_process
from marketplace.presale.services import presale_harvest
from tests.marketplace.checkout.helpers import ADDRESS

ALIPAY = "meidu.payments.alipay"


def pay_with_alipay(alipay_api, checkout_token, user, key):
    outcome = transaction_initialize(
        checkout_token=checkout_token,
        gateway_id=ALIPAY,
        data={"mode": "wap", "returnUrl": "https://meidu.example.cn/r/"},
        idempotency_key=key,
        user=user,
    )
    assert requests.get(outcome.event.data["alipay"]["payUrl"], timeout=5).status_code == 200
    alipay_api.pay(outcome.item.token.hex)
    return outcome.item


def test_deposit_now_and_balance_after_harvest_with_alipay(client, make_user, rural, pears, campaign, alipay_api):
    buyer = make_user()
    checkout = checkout_create(channel=rural, user=buyer, lines=[(pears["variant"], 4)])
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    checkout_delivery_method_update(checkout, shipping_method=pears["shop"].shipping_methods.get(kind="county"))

    deposit = pay_with_alipay(alipay_api, checkout.pk, buyer, "deposit")
    # The deposit's notification arrives before the buyer is back: it alone records the payment.
    answer = client.post("/payments/alipay/notify/", data=alipay_api.notification(deposit.token.hex))
    assert answer.content == b"success"
    [order] = checkout_complete(checkout.pk, user=buyer).orders
    shipping = order.shipping_amount
    deposit.refresh_from_db()
    assert deposit.charged_amount == Decimal("15.00") + shipping  # 30% of 4 x 12.50, and the delivery
    assert alipay_api.trades[deposit.token.hex].total_amount == Decimal("15.00") + shipping
    assert order.total_amount == Decimal("50.00") + shipping and not order.is_paid

    presale_harvest(campaign, actor=pears["owner"], harvested_quantity=10, warehouse=pears["warehouse"])
    balance = pay_with_alipay(alipay_api, order.checkout_token, buyer, "balance")
    assert alipay_api.trades[balance.token.hex].total_amount == Decimal("35.00")
    transaction_process(balance, user=buyer)  # the buyer's return: Alipay asked
    balance.refresh_from_db()
    order.refresh_from_db()
    assert balance.charged_amount == Decimal("35.00") and order.is_paid
    assert order.charged_amount == order.total_amount
    assert TransactionItem.objects.filter(checkout_token=order.checkout_token, gateway=ALIPAY).count() == 2
