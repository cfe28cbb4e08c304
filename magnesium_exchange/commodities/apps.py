from django.apps import AppConfig


class CommoditiesConfig(AppConfig):
    name = "magnesium_exchange.commodities"
    label = "exchange_commodities"
    verbose_name = "Exchange: commodities and grades"
