"""The demo's fleet: three vans of the e-commerce park hub, the first driven by the demo driver."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from django.contrib.auth import get_user_model

from .models import Vehicle

DEMO_DRIVER_PHONE = "+8613800000006"
FLEET = [
    ("V1", "东风小康 1 号", "辽H·D1001", "800"),
    ("V2", "五菱荣光 2 号", "辽H·D1002", "600"),
    ("V3", "江淮冷藏 3 号", "辽H·D1003", "1000"),
]


def seed_fleet() -> int:
    driver = get_user_model().objects.filter(phone=DEMO_DRIVER_PHONE).first()
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


ROUTING_DEMO_STEPS = [("county delivery vans", seed_fleet)]
