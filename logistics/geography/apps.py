from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "logistics.geography"
    label = "geography"
    verbose_name = "Geography (county, towns, villages)"
