"""Helpers of the market-data tests: local times on a given day, a known tape."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from magnesium_exchange.marketdata.services import marketdata_trade_record

DAY = dt.date(2026, 11, 20)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def tape(grade, day: dt.date, prints: list[tuple[str, str]], prefix: str = "t"):
    """Record (price, quantity) prints a minute apart from 09:00 on ``day``."""
    return [
        marketdata_trade_record(
            grade=grade,
            price=Decimal(price),
            quantity=Decimal(quantity),
            executed_at=at(day, 9, index),
            reference=f"{prefix}:{grade.code}:{day}:{index}",
        )
        for index, (price, quantity) in enumerate(prints)
    ]
