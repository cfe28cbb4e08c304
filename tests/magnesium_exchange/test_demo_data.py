"""The exchange demo: warehouses, members with traders, ~20,000 t of receipts, a month of prices; idempotent
and quick."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.demo_data import EXCHANGE_DEMO_STEPS, TRADER_PHONE, WAREHOUSE_OPERATOR_PHONE
from magnesium_exchange.marketdata.models import DailyBar, ReferencePrice, TradePrint
from magnesium_exchange.marketdata.selectors import reference_price_for
from magnesium_exchange.members.credit_code import is_valid_credit_code
from magnesium_exchange.members.models import Member, Trader
from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus, Warehouse
from magnesium_exchange.warehouses.selectors import is_warehouse_staff, tonnes_conservation
from magnesium_exchange.warehouses.verification import receipt_verify
from meidu.accounts.models import User
from meidu.demo_data import DEMO_STEPS, seed_demo_users

pytestmark = pytest.mark.django_db


def test_exchange_demo_builds_the_market_and_is_idempotent():
    assert all(step in DEMO_STEPS for step in EXCHANGE_DEMO_STEPS)
    seed_demo_users()
    for _label, step in EXCHANGE_DEMO_STEPS:
        step()

    assert Warehouse.objects.count() == 3
    from magnesium_exchange.trading.calendar import is_trading_day

    assert not is_trading_day(dt.date(2026, 10, 1)) and is_trading_day(dt.date(2026, 10, 8))  # Golden Week
    operator = User.objects.get(phone=WAREHOUSE_OPERATOR_PHONE)
    assert is_warehouse_staff(operator, Warehouse.objects.get(code="DSQ01").pk)
    assert Member.objects.count() == 12 and all(
        is_valid_credit_code(code) for code in Member.objects.values_list("credit_code", flat=True)
    )
    assert Trader.objects.values("member").distinct().count() == 12
    trader_member = Trader.objects.get(user__phone=TRADER_PHONE).member
    assert trader_member.name == "大石桥市金鼎镁业有限公司"
    from magnesium_exchange.members.models import FundsRequest
    from magnesium_exchange.members.selectors import member_balances

    assert FundsRequest.objects.get(member=trader_member, kind="deposit").amount == Decimal("5000000.00")
    balances = member_balances(trader_member)  # less what its live-market trades moved (demo_market)
    assert Decimal("4000000") < balances.available.amount + balances.frozen.amount < Decimal("5100000")

    receipts = Receipt.objects.filter(status__in=[ReceiptStatus.ACTIVE, ReceiptStatus.LISTED])
    assert Receipt.objects.values("grade").distinct().count() == 7
    assert receipts.filter(status=ReceiptStatus.LISTED).exists()  # the live market's listings and auctions
    weighed_in, on_receipts = tonnes_conservation()
    assert weighed_in == on_receipts == Decimal("20000.000")
    assert receipt_verify(receipts.first()).valid

    assert TradePrint.objects.count() > 300 and DailyBar.objects.count() > 150
    today = timezone.localdate()
    fm97 = reference_price_for(Receipt.objects.filter(grade__code="fm-97").first().grade, today)
    db90 = reference_price_for(Receipt.objects.filter(grade__code="db-90").first().grade, today)
    lb85 = reference_price_for(Receipt.objects.filter(grade__code="lb-85").first().grade, today)
    assert (
        Decimal("3500") < fm97 < Decimal("4100")
        and Decimal("1250") < db90 < Decimal("1550")
        and Decimal("800") < lb85 < Decimal("1000")
    )

    counts = [
        model.objects.count() for model in (Warehouse, Member, Trader, Receipt, TradePrint, DailyBar, ReferencePrice)
    ]
    assert [step() for _label, step in EXCHANGE_DEMO_STEPS] == [0] * len(EXCHANGE_DEMO_STEPS)
    assert [
        model.objects.count() for model in (Warehouse, Member, Trader, Receipt, TradePrint, DailyBar, ReferencePrice)
    ] == counts
