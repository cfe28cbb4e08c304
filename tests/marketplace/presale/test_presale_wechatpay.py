"""A pre-sale paid with WeChat Pay: the deposit now (its own WeChat Pay order), the balance after the
harvest (another), both confirmed by asking WeChat Pay, and both on the day's bill."""

from decimal import Decimal

from django.utils import timezone

from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.orders.services.lifecycle import order_fulfill
from marketplace.payments.gateways import gateway_get
from marketplace.payments.services import bill_reconcile_gateway_day, transaction_initialize, transaction_process
from marketplace.presale.services import presale_harvest
from tests.marketplace.checkout.helpers import ADDRESS

WECHATPAY = "meidu.payments.wechatpay"


def _pay_with_wechat(wechatpay, token, buyer, key):
    outcome = transaction_initialize(
        checkout_token=token,
        gateway_id=WECHATPAY,
        action="CHARGE",
        data={"mode": "h5", "clientIp": "10.0.0.8"},
        idempotency_key=key,
        user=buyer,
    )
    wechatpay.pay(outcome.item.token.hex)
    return transaction_process(outcome.item, user=buyer).item


def test_deposit_now_and_balance_after_harvest_with_wechatpay(make_user, rural, pears, campaign, wechatpay):
    buyer = make_user()
    checkout = checkout_create(channel=rural, user=buyer, lines=[(pears["variant"], 4)])
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    checkout_delivery_method_update(checkout, shipping_method=pears["shop"].shipping_methods.get(kind="county"))

    deposit = _pay_with_wechat(wechatpay, checkout.pk, buyer, "deposit")
    [order] = checkout_complete(checkout.pk, user=buyer).orders
    shipping = order.shipping_amount
    # 4 x 12.50 = 50.00 of pears: 30% = 15.00 now, plus the delivery fee, asked of WeChat Pay in fen.
    assert deposit.charged_amount == Decimal("15.00") + shipping
    assert wechatpay.requests[0]["body"]["amount"]["total"] == int((Decimal("15.00") + shipping) * 100)
    assert not order.is_paid

    presale_harvest(campaign, actor=pears["owner"], harvested_quantity=4, warehouse=pears["warehouse"])
    balance = _pay_with_wechat(wechatpay, order.checkout_token, buyer, "balance")
    assert balance.charged_amount == Decimal("35.00") and balance.pk != deposit.pk
    order.refresh_from_db()
    assert order.is_paid and order.charged_amount == order.total_amount
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 4, "4.0")])

    run = bill_reconcile_gateway_day(gateway_get(WECHATPAY), timezone.localdate())
    assert (run.status, run.matched, run.provider_total) == ("MATCHED", 2, order.total_amount)
