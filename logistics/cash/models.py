"""A person's cash day: closed at the hub once what they hold is counted and any difference explained."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CashDay(models.Model):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    currency = models.CharField(max_length=3, default="CNY")
    collected = models.DecimalField(max_digits=12, decimal_places=2, help_text="Collected on the day.")
    handed_in = models.DecimalField(max_digits=12, decimal_places=2, help_text="Counted in on the day.")
    difference = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Still held at closing: a shortage if positive."
    )
    explanation = models.CharField(max_length=255, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cash day")
        verbose_name_plural = _("cash days")
        ordering = ["-day", "person_id"]
        permissions = [("reconcile_cash", "Count cash in at the hub and close drivers' and agents' days")]
        constraints = [
            models.UniqueConstraint(fields=["person", "day", "currency"], name="one_cash_day_per_person"),
            models.CheckConstraint(condition=Q(difference=0) | ~Q(explanation=""), name="cash_difference_explained"),
        ]

    @property
    def flagged(self) -> bool:
        return self.difference != 0
