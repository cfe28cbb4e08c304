"""The tape (one row per trade), daily bars built from it, and the daily reference price per grade.

Prices are CNY per tonne (fen), quantities tonnes (kilograms). Bars are a projection of the tape:
``daily_bars_build`` rewrites them from the prints, never by hand. A reference price row is the
price published for a day's close; it is in force for trading on the following days.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TradePrint(models.Model):
    """One executed trade as the market sees it: grade, price, quantity, time. ``reference`` names
    the trade (e.g. ``trade:123``) so that recording it twice writes one row."""

    grade = models.ForeignKey("exchange_commodities.Grade", on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(max_digits=12, decimal_places=2, help_text="CNY per tonne.")
    quantity = models.DecimalField(max_digits=14, decimal_places=3, help_text="Tonnes.")
    executed_at = models.DateTimeField()
    trade_day = models.DateField(help_text="The local (Asia/Shanghai) date of executed_at.")
    reference = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trade print")
        verbose_name_plural = _("trade prints")
        ordering = ["executed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="trade_print_price_positive"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="trade_print_quantity_positive"),
        ]
        # (grade, executed_at): the last print per grade (DISTINCT ON); trade_day: a day's tape for the build.
        indexes = [models.Index(fields=["grade", "executed_at"]), models.Index(fields=["trade_day", "grade"])]


class DailyBar(models.Model):
    """One grade's day: open/high/low/close, VWAP (half-up to the fen), volume and count."""

    grade = models.ForeignKey("exchange_commodities.Grade", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    open = models.DecimalField(max_digits=12, decimal_places=2)
    high = models.DecimalField(max_digits=12, decimal_places=2)
    low = models.DecimalField(max_digits=12, decimal_places=2)
    close = models.DecimalField(max_digits=12, decimal_places=2)
    vwap = models.DecimalField(max_digits=12, decimal_places=2)
    volume = models.DecimalField(max_digits=16, decimal_places=3)
    turnover = models.DecimalField(
        max_digits=20, decimal_places=2, help_text="Sum of price × quantity, half-up to the fen."
    )
    trade_count = models.PositiveIntegerField()
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("daily bar")
        verbose_name_plural = _("daily bars")
        ordering = ["grade_id", "day"]
        constraints = [
            models.UniqueConstraint(fields=["grade", "day"], name="daily_bar_grade_day_unique"),
            models.CheckConstraint(condition=Q(low__lte=models.F("high")), name="daily_bar_low_le_high"),
            models.CheckConstraint(condition=Q(volume__gt=0) & Q(trade_count__gt=0), name="daily_bar_has_trades"),
        ]


class ReferenceSource(models.TextChoices):
    VWAP = "vwap", _("Volume-weighted average of the day")
    CARRIED = "carried", _("Previous reference (no trades)")
    OPERATOR = "operator", _("Set by the exchange")


class ReferencePrice(models.Model):
    """The reference price published for ``day``; it governs trading on the days after it.
    Operator-set rows are never overwritten by the daily build."""

    grade = models.ForeignKey("exchange_commodities.Grade", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    price = models.DecimalField(max_digits=12, decimal_places=2)
    source = models.CharField(max_length=16, choices=ReferenceSource.choices)
    reason = models.CharField(max_length=255, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reference price")
        verbose_name_plural = _("reference prices")
        ordering = ["grade_id", "day"]
        constraints = [
            models.UniqueConstraint(fields=["grade", "day"], name="reference_price_grade_day_unique"),
            models.CheckConstraint(condition=Q(price__gt=0), name="reference_price_positive"),
        ]
