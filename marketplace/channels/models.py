from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.Model):
    """Saleor's channel: a storefront with its own currency, listings and prices."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    currency_code = models.CharField(max_length=3, default="CNY")
    default_country = models.CharField(max_length=2, default="CN")
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["slug"]
        permissions = [("manage_channels", "Manage channels")]

    def __str__(self):
        return self.name
