"""Saleor's `shop` query: who this storefront is and where it sells."""

import graphene
from django.conf import settings
from django.utils.translation import gettext as _

from meidu.core.graphql.types import CountryDisplay


class LanguageDisplay(graphene.ObjectType):
    code = graphene.String(required=True)
    language = graphene.String(required=True)


class Shop(graphene.ObjectType):
    name = graphene.String(required=True)
    description = graphene.String()
    countries = graphene.List(graphene.NonNull(CountryDisplay), required=True)
    default_country = graphene.Field(CountryDisplay)
    default_currency = graphene.String(required=True)
    languages = graphene.List(graphene.NonNull(LanguageDisplay), required=True)

    @staticmethod
    def resolve_name(root, info):
        return _("Meidu Market")

    @staticmethod
    def resolve_description(root, info):
        return _("Online market of the magnesium capital: village produce, county stores and magnesia trade.")

    @staticmethod
    def resolve_countries(root, info):
        return [CountryDisplay.of(settings.DEFAULT_COUNTRY)]

    @staticmethod
    def resolve_default_country(root, info):
        return CountryDisplay.of(settings.DEFAULT_COUNTRY)

    @staticmethod
    def resolve_default_currency(root, info):
        return settings.DEFAULT_CURRENCY

    @staticmethod
    def resolve_languages(root, info):
        return [LanguageDisplay(code=code, language=name) for code, name in settings.LANGUAGES]


class ShopQueries(graphene.ObjectType):
    shop = graphene.Field(Shop, required=True, description="Return information about the shop.")

    @staticmethod
    def resolve_shop(root, info):
        return Shop()
