from django.db import models


class Channel(models.Model):
    """Saleor's channel: a storefront with its own currency, listings and prices."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    currency_code = models.CharField(max_length=3, default="CNY")
    default_country = models.CharField(max_length=2, default="CN")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["slug"]
        permissions = [("manage_channels", "Manage channels")]

    def __str__(self):
        return self.name
