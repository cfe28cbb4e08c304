"""The demo's county logistics: three vans of the e-commerce park hub (the first driven by the demo
driver), today's 60 parcels to 40 villages with 10 produce pickups, planned and dispatched, one failed
attempt, and the demo station agent's cash day closed with a difference (idempotent: today's plan is
made once a day)."""

from __future__ import annotations

import random
from datetime import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from logistics.cash.models import CashDay
from logistics.cash.services import cash_collected, cash_day_close, cash_hand_in
from logistics.geography.models import Village
from logistics.shipments.models import Shipment
from logistics.shipments.services import ParcelSpec, shipment_act, shipment_create

from .models import ProducePickup, RoutePlan, Vehicle
from .selectors import day_demand
from .services import produce_pickup_book, route_plan_create, route_plan_dispatch

DEMO_DRIVER_PHONE = "+8613800000006"
DEMO_FARMER_PHONE = "+8613800000002"
DEMO_AGENT_PHONE = "+8613800000005"
DEMO_OPERATOR_PHONE = "+8613800000010"
FLEET = [
    ("V1", "东风小康 1 号", "辽H·D1001", "800"),
    ("V2", "五菱荣光 2 号", "辽H·D1002", "600"),
    ("V3", "江淮冷藏 3 号", "辽H·D1003", "1000"),
]
PRODUCE = ["南果梨 10 箱", "玉米 20 袋", "笨鸡蛋 15 箱", "小米 10 袋", "榛蘑 5 箱"]
NAMES = ["王秀英", "李桂兰", "张德福", "刘玉珍", "陈国庆", "杨淑芬", "赵春明", "孙丽华"]


def _user(phone: str):
    return get_user_model().objects.filter(phone=phone).first()


def seed_fleet() -> int:
    driver = _user(DEMO_DRIVER_PHONE)
    for n, (code, name, plate, capacity) in enumerate(FLEET):
        Vehicle.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "plate": plate,
                "capacity_kg": Decimal(capacity),
                "shift_starts": time(7, 30),
                "shift_hours": Decimal("9"),
                "driver": driver if n == 0 else None,
            },
        )
    return len(FLEET)


def seed_today() -> int:
    """Today's parcels, pickups and plan (once a day), the failed attempt and a cash day with a difference."""
    today = timezone.localdate()
    if RoutePlan.objects.filter(day=today).exists():
        return 0
    rng = random.Random(today.toordinal())
    villages = list(Village.objects.select_related("town").order_by("code"))
    chosen = rng.sample(villages, min(40, len(villages)))
    made = []
    for n in range(60):
        village = chosen[n % len(chosen)]
        made.append(
            shipment_create(
                reference=f"demo:{today:%Y%m%d}:{n + 1}",
                carrier="county",
                parcels=[ParcelSpec(Decimal(rng.randint(2, 25)))],
                destination=f"辽宁省营口市大石桥市{village.town.name}{village.name}",
                village_id=village.pk,
                recipient_name=rng.choice(NAMES),
                recipient_phone=f"1390417{rng.randint(1000, 9999)}",
                cash_to_collect=Decimal(rng.choice([0, 0, 0, 36, 58, 88, 128])),
                source="demo",
            )
        )
    farmer = _user(DEMO_FARMER_PHONE)
    if farmer is not None:
        for n in range(10):
            produce_pickup_book(farmer, chosen[n * 3], today, PRODUCE[n % len(PRODUCE)], rng.randint(40, 200))
    operator = _user(DEMO_OPERATOR_PHONE)
    if operator is None or not Vehicle.objects.filter(active=True).exists():
        return len(made)
    plan = route_plan_create(today, day_demand(today)[0], actor=operator, seconds=1)
    route_plan_dispatch(plan, actor=operator)
    first = Shipment.objects.get(pk=made[0].pk)
    shipment_act(first, "load_on_run", actor=operator, source="driver")
    shipment_act(first, "fail", actor=operator, reason="nobody_home: 家中无人，电话未接", source="driver")
    _cash_day_with_difference(today, operator)
    return len(made) + ProducePickup.objects.filter(day=today).count()


def _cash_day_with_difference(today, operator) -> None:
    agent = _user(DEMO_AGENT_PHONE)
    if agent is None or CashDay.objects.filter(person=agent, day=today).exists():
        return
    cash_collected(agent, Decimal("466.00"), reference=f"demo:cash:{today:%Y%m%d}")
    cash_hand_in(agent, "456.00", actor=operator)
    cash_day_close(agent, today, actor=operator, explanation="找零少收 10 元，次日补交")


ROUTING_DEMO_STEPS = [("county delivery vans", seed_fleet), ("today's village runs", seed_today)]
