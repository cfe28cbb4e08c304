"""Demo data of the magnesium exchange: the catalogue, 3 supervised warehouses, 12 member firms with
traders, receipts for about 20,000 t issued through the warehouses' services (inbound ticket, then
receipt), and a month of trade prints with their daily bars and reference prices.

Every step goes through the domain services and is idempotent: a second run writes nothing. Prices
are a deterministic function of (grade, day), so a run on a later day only adds the new days.
The demo trader (+8613800000007) trades for the first member, a second trader (+8613800001102) for
the second; the demo warehouse operator (+8613800000008) works at the first warehouse. The live
market (open listings, auctions, an RFQ, the demo trader's trades) is seeded by demo_market.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from magnesium_exchange.commodities.models import Grade
from magnesium_exchange.commodities.services import commodities_seed
from magnesium_exchange.demo_firms import MEMBERS, demo_credit_code
from magnesium_exchange.demo_market import SECOND_TRADER_PHONE, seed_exchange_live_market
from magnesium_exchange.marketdata.models import TradePrint
from magnesium_exchange.marketdata.services import daily_bars_build, marketdata_trade_record
from magnesium_exchange.members.models import FundsRequest, FundsRequestKind, Member, Trader
from magnesium_exchange.members.services import funds_deposit_confirm, funds_deposit_request, member_create, trader_add
from magnesium_exchange.trading.models import TradingHoliday
from magnesium_exchange.warehouses.models import Receipt, Warehouse, WarehouseStaff, WeighbridgeTicket
from magnesium_exchange.warehouses.services import (
    inbound_ticket_create,
    receipt_issue,
    warehouse_create,
    warehouse_staff_add,
)
from meidu.accounts.demo_data import DEMO_PASSWORD, seed_demo_users
from meidu.accounts.models import User
from meidu.accounts.services import account_register
from meidu.core.permissions import ExchangePermissions
from meidu.integrations.models import App
from meidu.integrations.services.apps import app_create

TRADER_PHONE = "+8613800000007"
WAREHOUSE_OPERATOR_PHONE = "+8613800000008"
PRICE_DAYS = 30

WAREHOUSES = [
    (
        "DSQ01",
        "大石桥南楼镁砂监管仓",
        "辽宁省营口市大石桥市南楼经济开发区镁砂路 8 号",
        "大石桥港储物流有限公司",
        "中储发展营口监管部",
    ),
    ("HC02", "海城牌楼监管仓", "辽宁省鞍山市海城市牌楼镇工业园区 16 号", "海城物产仓储有限公司", "中外运辽宁监管中心"),
    ("YK03", "营口鲅鱼圈港区监管仓", "辽宁省营口市鲅鱼圈区港区三路 2 号", "营口港务仓储有限公司", "中储发展营口监管部"),
]


ASSAYS = {
    "fm-98": {"mgo": "98.200", "sio2": "0.400", "cao": "0.900", "fe2o3": "0.500", "bulk_density": "3.520"},
    "fm-97": {"mgo": "97.300", "sio2": "0.800", "cao": "1.300", "fe2o3": "0.700", "bulk_density": "3.460"},
    "db-95": {"mgo": "95.300", "sio2": "1.800", "cao": "1.400", "bulk_density": "3.280"},
    "db-90": {"mgo": "90.600", "sio2": "4.100", "cao": "2.200", "bulk_density": "3.200"},
    "lb-90": {"mgo": "90.800", "sio2": "2.500", "cao": "1.200"},
    "lb-85": {"mgo": "86.100", "sio2": "4.400", "cao": "1.800"},
    "ore-47": {"mgo": "47.200", "sio2": "0.500", "cao": "0.500", "grain_size": "40.000"},
}

# (warehouse, member index, grade, net tonnes): 30 lots, 20,000 t in all.
LOTS = [
    ("DSQ01", 0, "fm-97", 800),
    ("DSQ01", 0, "fm-97", 600),
    ("DSQ01", 0, "fm-98", 500),
    ("DSQ01", 3, "fm-97", 700),
    ("DSQ01", 3, "db-90", 1000),
    ("DSQ01", 5, "db-90", 900),
    ("DSQ01", 5, "lb-85", 800),
    ("DSQ01", 0, "db-95", 600),
    ("DSQ01", 3, "lb-85", 700),
    ("DSQ01", 5, "ore-47", 500),
    ("HC02", 1, "fm-97", 900),
    ("HC02", 1, "fm-98", 500),
    ("HC02", 4, "db-90", 1000),
    ("HC02", 4, "db-95", 500),
    ("HC02", 1, "lb-85", 800),
    ("HC02", 4, "ore-47", 500),
    ("HC02", 1, "lb-90", 600),
    ("HC02", 4, "db-90", 600),
    ("HC02", 1, "fm-97", 500),
    ("HC02", 4, "lb-85", 400),
    ("YK03", 2, "fm-97", 500),
    ("YK03", 2, "fm-98", 500),
    ("YK03", 7, "db-90", 800),
    ("YK03", 2, "db-95", 900),
    ("YK03", 7, "lb-85", 700),
    ("YK03", 2, "lb-90", 900),
    ("YK03", 7, "db-90", 700),
    ("YK03", 2, "lb-85", 600),
    ("YK03", 7, "fm-97", 500),
    ("YK03", 2, "fm-97", 500),
]

# CNY per tonne around which each grade trades (on its commodity's tick).
BASE_PRICES = {
    "fm-98": 4300,
    "fm-97": 3800,
    "fm-96": 3500,
    "db-95": 2300,
    "db-90": 1400,
    "lb-90": 1150,
    "lb-85": 900,
    "ore-47": 520,
    "ore-46": 480,
    "mt-14": 5200,
    "mt-10": 5600,
    "boron-mgo-40": 1700,
}
TRADE_SIZES = (20, 30, 50, 60, 80, 100, 150, 200)


def _user(phone: str, last_name: str = "", first_name: str = "") -> User:
    user = User.objects.filter(phone=phone).first()
    if user is None and phone in (TRADER_PHONE, WAREHOUSE_OPERATOR_PHONE):
        seed_demo_users()
        user = User.objects.get(phone=phone)
    if user is None:
        user = account_register(phone=phone, password=DEMO_PASSWORD, last_name=last_name, first_name=first_name)
    return user


def seed_exchange_catalogue() -> int:
    before = Grade.objects.count()
    commodities_seed()
    return Grade.objects.count() - before


def seed_exchange_warehouses() -> int:
    created = 0
    for code, name, address, keeper, supervisor in WAREHOUSES:
        if not Warehouse.objects.filter(code=code).exists():
            warehouse_create(
                code=code,
                name=name,
                address=address,
                keeper_name=keeper,
                supervisor_name=supervisor,
                licence_number=f"LN-{code}-2026",
            )
            created += 1
    operator = _user(WAREHOUSE_OPERATOR_PHONE)
    first = Warehouse.objects.get(code=WAREHOUSES[0][0])
    if not WarehouseStaff.objects.filter(warehouse=first, user=operator).exists():
        warehouse_staff_add(first, operator)
        created += 1
    return created


def seed_exchange_members() -> int:
    created = 0
    for serial, (name, representative, address, (last_name, first_name)) in enumerate(MEMBERS, start=1):
        code = demo_credit_code(serial)
        member = Member.objects.filter(credit_code=code).first()
        if member is None:
            member = member_create(
                name=name,
                credit_code=code,
                legal_representative=representative,
                registered_address=address,
                bank_name="中国工商银行大石桥支行",
                bank_account_name=name,
                bank_account_number=f"0711{serial:012d}",
                short_name=name[:6],
                contact_name=representative,
                contact_phone=f"1380000{serial + 100:04d}",
            )
            created += 1
        phone = TRADER_PHONE if serial == 1 else f"+86138000011{serial:02d}"
        user = _user(phone, last_name, first_name)
        if not Trader.objects.filter(user=user, member=member, is_active=True).exists():
            trader_add(member, user, can_trade=True, can_settle=True, can_manage_funds=True)
            created += 1
    return created


def seed_exchange_receipts() -> int:
    """Weigh each lot in (ticket DEMO-<n>) and issue its receipt, skipping what exists."""
    members = [Member.objects.get(credit_code=demo_credit_code(serial)) for serial in range(1, len(MEMBERS) + 1)]
    warehouses = {
        warehouse.code: warehouse for warehouse in Warehouse.objects.filter(code__in=[w[0] for w in WAREHOUSES])
    }
    grades = {grade.code: grade for grade in Grade.objects.select_related("commodity")}
    operator = _user(WAREHOUSE_OPERATOR_PHONE)
    done = set(WeighbridgeTicket.objects.filter(number__startswith="DEMO-").values_list("warehouse__code", "number"))
    issued = set(
        Receipt.objects.filter(inbound_ticket__number__startswith="DEMO-").values_list(
            "inbound_ticket__number", flat=True
        )
    )
    created = 0
    for index, (code, member_index, grade_code, net) in enumerate(LOTS, start=1):
        warehouse, grade, number = warehouses[code], grades[grade_code], f"DEMO-{code}-{index:03d}"
        actor = operator if code == WAREHOUSES[0][0] else None
        if number in issued:
            continue
        with transaction.atomic():
            if (code, number) in done:
                ticket = WeighbridgeTicket.objects.get(warehouse=warehouse, number=number)
            else:
                tare = Decimal("18.600")
                ticket = inbound_ticket_create(
                    warehouse,
                    commodity=grade.commodity,
                    depositor=members[member_index],
                    gross=Decimal(net) + tare,
                    tare=tare,
                    net=Decimal(net),
                    assay=ASSAYS[grade_code],
                    vehicle_plate="铁路专用线",
                    lot_no=f"L2026-{index:03d}",
                    inspection_ref=f"营口质检 2026-{index:04d}",
                    number=number,
                    actor=actor,
                )
            receipt_issue(
                ticket,
                packaging="吨袋",
                pieces=net,
                location=f"{'ABC'[index % 3]}区{index % 9 + 1}垛",
                insured_value=Decimal(net) * BASE_PRICES[grade_code],
                insurer="中国人民财产保险营口分公司",
                insurance_policy_no=f"PICC-YK-2026-{index:04d}",
                actor=actor,
            )
            created += 1
    return created


def _day_price(grade_code: str, tick: Decimal, day: dt.date) -> Decimal:
    """A smooth, deterministic price path for (grade, day): seasonal swing plus a little noise."""
    base = BASE_PRICES[grade_code]
    phase = sum(map(ord, grade_code)) % 7
    noise = random.Random(f"{grade_code}:{day.isoformat()}").uniform(-0.006, 0.006)
    price = Decimal(str(base * (1 + 0.035 * math.sin(day.toordinal() / 6 + phase) + noise)))
    return (price / tick).quantize(Decimal(1)) * tick


def _day_prints(grade: Grade, day: dt.date, count_limit: int | None = None) -> list[dict]:
    rng = random.Random(f"prints:{grade.code}:{day.isoformat()}")
    tick = grade.commodity.price_tick
    centre = _day_price(grade.code, tick, day)
    count = rng.randint(2, 5) if count_limit is None else min(count_limit, rng.randint(1, 3))
    prints = []
    for n in range(count):
        price = ((centre * Decimal(str(1 + rng.uniform(-0.008, 0.008)))) / tick).quantize(Decimal(1)) * tick
        executed_at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30))) + dt.timedelta(
            minutes=rng.randint(0, 300)
        )
        prints.append(
            {
                "grade": grade,
                "price": price,
                "quantity": Decimal(rng.choice(TRADE_SIZES)),
                "executed_at": executed_at,
                "reference": f"demo:{grade.code}:{day.isoformat()}:{n}",
            }
        )
    return sorted(prints, key=lambda item: item["executed_at"])


def seed_exchange_prices() -> int:
    """Trade prints on the weekdays of the last month (through marketdata_trade_record), their daily bars
    and reference prices (daily_bars_build, day by day), and this morning's first trades if a weekday."""
    today = timezone.localdate()
    now = timezone.localtime()
    grades = list(Grade.objects.filter(code__in=BASE_PRICES).select_related("commodity").order_by("id"))
    days = [today - dt.timedelta(days=back) for back in range(PRICE_DAYS, 0, -1)]
    wanted = [item for day in days if day.weekday() < 5 for grade in grades for item in _day_prints(grade, day)]
    if today.weekday() < 5:
        wanted += [
            item for grade in grades for item in _day_prints(grade, today, count_limit=2) if item["executed_at"] <= now
        ]
    existing = set(TradePrint.objects.filter(reference__startswith="demo:").values_list("reference", flat=True))
    written = 0
    for item in wanted:
        if item["reference"] not in existing:
            marketdata_trade_record(**item)
            written += 1
    for day in days:
        result = daily_bars_build(day)
        written += result.bars_written + result.references_written
    return written


DEMO_BANK_APP = "大石桥农商银行结算"
DEMO_DEPOSIT = Decimal("5000000.00")


def seed_exchange_funds() -> int:
    """Each member paid 5,000,000 CNY into the exchange's settlement account, confirmed by the
    settlement bank's App, so the demo traders can pick listings and bid (idempotent: one deposit each)."""
    bank = App.objects.filter(name=DEMO_BANK_APP).first()
    if bank is None:
        operator = User.objects.filter(phone="+8613800000010").first()
        bank, _token = app_create(name=DEMO_BANK_APP, permissions=[ExchangePermissions.CONFIRM_FUNDS], actor=operator)
    created = 0
    for serial in range(1, len(MEMBERS) + 1):
        member = Member.objects.get(credit_code=demo_credit_code(serial))
        if FundsRequest.objects.filter(member=member, kind=FundsRequestKind.DEPOSIT).exists():
            continue
        with transaction.atomic():
            deposit = funds_deposit_request(
                member, DEMO_DEPOSIT, idempotency_key=f"demo-deposit-{serial}", note="演示入金"
            )
            funds_deposit_confirm(deposit, app=bank, bank_reference=f"DEMO-DEP-{serial:03d}")
        created += 1
    return created


# The weekdays closed by the State Council's 2026 holiday notice (weekends are closed anyway, make-up
# working Saturdays included); operators add each year's in the admin when the notice is published.
HOLIDAYS_2026 = [
    ("元旦", dt.date(2026, 1, 1), dt.date(2026, 1, 2)),
    ("春节", dt.date(2026, 2, 16), dt.date(2026, 2, 20)),
    ("春节", dt.date(2026, 2, 23), dt.date(2026, 2, 23)),
    ("清明节", dt.date(2026, 4, 6), dt.date(2026, 4, 6)),
    ("劳动节", dt.date(2026, 5, 1), dt.date(2026, 5, 1)),
    ("劳动节", dt.date(2026, 5, 4), dt.date(2026, 5, 5)),
    ("端午节", dt.date(2026, 6, 19), dt.date(2026, 6, 19)),
    ("中秋节", dt.date(2026, 9, 25), dt.date(2026, 9, 25)),
    ("国庆节", dt.date(2026, 10, 1), dt.date(2026, 10, 7)),
]


def seed_trading_holidays() -> int:
    created = 0
    for name, first, last in HOLIDAYS_2026:
        day = first
        while day <= last:
            if day.weekday() < 5:
                created += TradingHoliday.objects.get_or_create(date=day, defaults={"name": name})[1]
            day += dt.timedelta(days=1)
    return created


EXCHANGE_DEMO_STEPS = [
    ("exchange trading calendar (2026 holidays)", seed_trading_holidays),
    ("exchange commodities and grades", seed_exchange_catalogue),
    ("supervised warehouses", seed_exchange_warehouses),
    ("exchange members and traders", seed_exchange_members),
    ("members' deposits confirmed by the settlement bank", seed_exchange_funds),
    ("warehouse receipts", seed_exchange_receipts),
    ("a month of magnesia trades and prices", seed_exchange_prices),
    ("a live market: listings, auctions, a request for quote, the demo trader's trades", seed_exchange_live_market),
]

# Logins `meidu demo` prints beside the one per role: a second trader, of another member firm, to
# trade against the demo trader (+8613800000007).
EXCHANGE_DEMO_LOGINS = [("trader (2nd firm)", SECOND_TRADER_PHONE)]
