"""Shared GraphQL types: model node base, Money, countries."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext_lazy as _
from graphene_django import DjangoObjectType

from meidu.core.money import quantize

COUNTRY_NAMES = {"CN": _("China")}


class ModelObjectType(DjangoObjectType):
    """A Django model exposed as a Relay node (global ID "TypeName:pk")."""

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, interfaces=(), **options):
        super().__init_subclass_with_meta__(interfaces=tuple(interfaces) + (graphene.relay.Node,), **options)


class Money(graphene.ObjectType):
    currency = graphene.String(required=True, description="Currency code.")
    amount = graphene.Float(required=True, description="Amount in the currency's precision.")

    @staticmethod
    def resolve_amount(root, info):
        return float(quantize(root.amount, root.currency))


class CountryDisplay(graphene.ObjectType):
    code = graphene.String(required=True, description="Country code (ISO 3166-1 alpha-2).")
    country = graphene.String(required=True, description="Country name, in the request's language.")

    @classmethod
    def of(cls, code: str) -> CountryDisplay:
        return cls(code=code, country=str(COUNTRY_NAMES.get(code, code)))
