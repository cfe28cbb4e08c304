"""The county served by centralised delivery: its towns and their villages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Town(models.Model):
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=64, blank=True)
    county = models.CharField(max_length=64)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)

    class Meta:
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Village(models.Model):
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="villages")
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=64)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="village_unique_name_in_town")]

    def __str__(self):
        return f"{self.town.name}{self.name}"
