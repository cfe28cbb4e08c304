"""Saleor's price shapes: TaxedMoney (prices here are tax-inclusive: net = gross, tax 0)."""

from decimal import Decimal

import graphene

from meidu.core.graphql.types import Money
from meidu.core.money import Money as MoneyValue


class TaxedMoney(graphene.ObjectType):
    currency = graphene.String(required=True)
    gross = graphene.Field(Money, required=True)
    net = graphene.Field(Money, required=True)
    tax = graphene.Field(Money, required=True)


class TaxedMoneyRange(graphene.ObjectType):
    start = graphene.Field(TaxedMoney)
    stop = graphene.Field(TaxedMoney)


def taxed(amount: Decimal, currency: str) -> TaxedMoney:
    gross = MoneyValue(amount, currency)
    return TaxedMoney(currency=currency, gross=gross, net=gross, tax=MoneyValue(Decimal(0), currency))
