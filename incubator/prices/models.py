"""The price board: markets, produce items (with their aliases), daily observations, alerts, notices.

Prices are stored in the item's base unit (元/斤 for goods sold by weight, 元/头 for livestock);
a price entered in 元/公斤 is converted on entry (incubator.prices.units) and the entered figure
kept beside it, so the board never mixes units.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PriceUnit(models.TextChoices):
    JIN = "jin", _("yuan/jin")
    KG = "kg", _("yuan/kg")
    HEAD = "head", _("yuan/head")


class MarketKind(models.TextChoices):
    WHOLESALE = "wholesale", _("County wholesale market")
    TOWN = "town", _("Town market")
    PLATFORM = "platform", _("Meidu Market sales")


class Grade(models.TextChoices):
    ANY = "", pgettext_lazy("produce grade", "Any grade")
    FIRST = "first", pgettext_lazy("produce grade", "First grade")
    SECOND = "second", pgettext_lazy("produce grade", "Second grade")


class PriceSource(models.TextChoices):
    REPORTER = "reporter", _("Reported")
    SALES = "sales", _("Platform sales")


class Market(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=64, blank=True)
    kind = models.CharField(max_length=16, choices=MarketKind.choices)
    town = models.ForeignKey("geography.Town", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        ordering = ["position", "id"]
        constraints = [
            # the nightly derivation writes to the one platform market
            models.UniqueConstraint(fields=["kind"], condition=Q(kind="platform"), name="farm_market_one_platform"),
        ]

    def __str__(self):
        return self.name


class ProduceItem(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=32)
    name_en = models.CharField(max_length=64, blank=True)
    unit = models.CharField(
        max_length=4, choices=[(PriceUnit.JIN, PriceUnit.JIN.label), (PriceUnit.HEAD, PriceUnit.HEAD.label)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("produce item")
        verbose_name_plural = _("produce items")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class ProduceAlias(models.Model):
    """Another name people use for an item (苞米 and 棒子 for 玉米): posts and sales match through these."""

    item = models.ForeignKey(ProduceItem, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=32, unique=True)

    class Meta:
        verbose_name = _("produce alias")
        verbose_name_plural = _("produce aliases")
        ordering = ["id"]

    def __str__(self):
        return self.alias


class PriceObservation(models.Model):
    item = models.ForeignKey(ProduceItem, on_delete=models.PROTECT, related_name="observations")
    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="observations")
    day = models.DateField()
    price = models.DecimalField(max_digits=10, decimal_places=2, help_text="In the item's base unit.")
    grade = models.CharField(max_length=8, choices=Grade.choices, blank=True, default="")
    source = models.CharField(max_length=8, choices=PriceSource.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_price = models.DecimalField(max_digits=10, decimal_places=2)
    entered_unit = models.CharField(max_length=4, choices=PriceUnit.choices)
    sales_count = models.PositiveIntegerField(default=0, help_text="Sales behind a derived median.")
    confirmed_outlier = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("price observation")
        verbose_name_plural = _("price observations")
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="farm_price_positive"),
            # one derived median per item and day: the nightly job may run again
            models.UniqueConstraint(
                fields=["item", "market", "day"], condition=Q(source="sales"), name="farm_price_one_sales_median"
            ),
        ]
        indexes = [
            models.Index(fields=["item", "market", "-day", "-id"], name="farm_price_item_market_day"),
            models.Index(fields=["day"], name="farm_price_day"),  # the board reads the last days of every item
        ]
        permissions = [("report_prices", "Report produce prices")]


class AlertDirection(models.TextChoices):
    ABOVE = "above", _("rises above")
    BELOW = "below", _("falls below")


class PriceAlert(models.Model):
    """ "Tell me when pears pass 3 元/斤": fires once each time the price crosses the threshold."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="farm_price_alerts")
    item = models.ForeignKey(ProduceItem, on_delete=models.CASCADE, related_name="alerts")
    market = models.ForeignKey(Market, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=8, choices=AlertDirection.choices)
    threshold = models.DecimalField(max_digits=10, decimal_places=2, help_text="In the item's base unit.")
    entered_unit = models.CharField(max_length=4, choices=PriceUnit.choices)
    # whether the last price seen was past the threshold: a firing needs a change from False to True
    beyond = models.BooleanField(default=False)
    fired_count = models.PositiveIntegerField(default=0)
    last_fired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("price alert")
        verbose_name_plural = _("price alerts")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(threshold__gt=0), name="farm_alert_threshold_positive")]
        indexes = [models.Index(fields=["item"], name="farm_alert_item")]


class PriceAlertFiring(models.Model):
    alert = models.ForeignKey(PriceAlert, on_delete=models.CASCADE, related_name="firings")
    observation = models.ForeignKey(PriceObservation, on_delete=models.CASCADE, related_name="+")
    price = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["alert", "observation"], name="farm_alert_fires_once")]


class FarmNotice(models.Model):
    """An in-site notice to one user (an alert fired, a post matched, a contact request). The text is
    rendered from ``kind`` and ``data`` in the reader's language when shown (incubator.prices.notices)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="farm_notices")
    kind = models.CharField(max_length=32)
    data = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("farm notice")
        verbose_name_plural = _("farm notices")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"], name="farm_notice_user")]
