"""GraphQL of market data: public reads for the price page (anonymous allowed) and the operators'
reference price override. Prices are decimal strings in CNY per tonne, volumes tonnes."""

from __future__ import annotations

import graphene
from django.utils import timezone
from django.utils.translation import gettext as _

from magnesium_exchange.commodities.api import CommodityGradeType
from magnesium_exchange.commodities.selectors import grade_get_by_code
from magnesium_exchange.marketdata import selectors, services
from magnesium_exchange.marketdata.error_codes import ExchangeMarketDataErrorCode as Code
from meidu.core.errors import DomainError
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import requestor
from meidu.core.permissions import ExchangePermissions


def _text(value):
    return None if value is None else str(value)


class MarketGradeSummary(graphene.ObjectType):
    grade = graphene.Field(CommodityGradeType, required=True)
    grade_code = graphene.String(required=True)
    grade_name = graphene.String(required=True)
    commodity_name = graphene.String(required=True)
    currency = graphene.String(required=True)
    last_price = graphene.String(description="Price of the latest trade, CNY/t; none before the first trade.")
    last_trade_at = graphene.DateTime()
    reference_price = graphene.String(description="The reference price in force today (published for an earlier day).")
    change = graphene.String(description="Last price minus the reference price in force.")
    change_percent = graphene.String(description="The change in percent of the reference, two decimals.")
    volume = graphene.String(required=True, description="Tonnes traded today.")
    trade_count = graphene.Int(required=True, description="Trades today.")

    @staticmethod
    def resolve_grade(root, info):
        return root.grade

    @staticmethod
    def resolve_grade_code(root, info):
        return root.grade.code

    @staticmethod
    def resolve_grade_name(root, info):
        return root.grade.name

    @staticmethod
    def resolve_commodity_name(root, info):
        return root.grade.commodity.name

    @staticmethod
    def resolve_currency(root, info):
        return root.grade.commodity.currency

    @staticmethod
    def resolve_last_price(root, info):
        return _text(root.last_price)

    @staticmethod
    def resolve_reference_price(root, info):
        return _text(root.reference_price)

    @staticmethod
    def resolve_change(root, info):
        return _text(root.change)

    @staticmethod
    def resolve_change_percent(root, info):
        return _text(root.change_percent)

    @staticmethod
    def resolve_volume(root, info):
        return str(root.volume)


class DailyBarType(graphene.ObjectType):
    date = graphene.Date(required=True)
    open = graphene.String(required=True)
    high = graphene.String(required=True)
    low = graphene.String(required=True)
    close = graphene.String(required=True)
    vwap = graphene.String(required=True, description="Volume-weighted average price, half-up to the fen.")
    volume = graphene.String(required=True, description="Tonnes.")
    turnover = graphene.String(required=True, description="CNY.")
    trade_count = graphene.Int(required=True)

    class Meta:
        name = "DailyBar"

    @staticmethod
    def resolve_date(root, info):
        return root.day

    @staticmethod
    def resolve_open(root, info):
        return str(root.open)

    @staticmethod
    def resolve_high(root, info):
        return str(root.high)

    @staticmethod
    def resolve_low(root, info):
        return str(root.low)

    @staticmethod
    def resolve_close(root, info):
        return str(root.close)

    @staticmethod
    def resolve_vwap(root, info):
        return str(root.vwap)

    @staticmethod
    def resolve_volume(root, info):
        return str(root.volume)

    @staticmethod
    def resolve_turnover(root, info):
        return str(root.turnover)


class ReferencePriceType(graphene.ObjectType):
    grade_code = graphene.String(required=True)
    published_for = graphene.Date(required=True, description="The day whose close produced this price.")
    price = graphene.String(required=True, description="CNY per tonne.")
    source = graphene.String(required=True, description="vwap, carried (no trades that day) or operator.")
    reason = graphene.String(required=True, description="The operator's reason, when set by the exchange.")

    class Meta:
        name = "ReferencePrice"

    @staticmethod
    def resolve_grade_code(root, info):
        return root.grade.code

    @staticmethod
    def resolve_published_for(root, info):
        return root.day

    @staticmethod
    def resolve_price(root, info):
        return str(root.price)

    @staticmethod
    def resolve_source(root, info):
        return str(root.source)


class MarketDataQueries(graphene.ObjectType):
    market_grades = graphene.List(
        graphene.NonNull(MarketGradeSummary),
        required=True,
        description="Every active grade: last price, change against the reference, today's volume.",
    )
    daily_bars = graphene.List(
        graphene.NonNull(DailyBarType),
        required=True,
        grade=graphene.String(required=True, description="Grade code."),
        days=graphene.Int(default_value=30, description=f"Calendar days back from today, 1 to {selectors.MAX_DAYS}."),
        description="Daily bars of a grade, oldest first (days without trades have none).",
    )
    reference_price = graphene.Field(
        ReferencePriceType,
        grade=graphene.String(required=True, description="Grade code."),
        date=graphene.Date(description="Trading day; today when omitted."),
        description="The reference price in force for trading on the date (the latest published before it).",
    )

    @staticmethod
    def resolve_market_grades(root, info):
        return selectors.market_grade_summaries()

    @staticmethod
    def resolve_daily_bars(root, info, grade, days=30):
        found = grade_get_by_code(grade)
        if found is None:
            return []
        return selectors.daily_bar_series([found.pk], days)[found.pk]

    @staticmethod
    def resolve_reference_price(root, info, grade, date=None):
        found = grade_get_by_code(grade)
        if found is None:
            return None
        row = selectors.reference_price_get(found, date or timezone.localdate())
        if row is not None:
            row.grade = found
        return row


class ReferencePriceSet(BaseMutation):
    reference_price = graphene.Field(ReferencePriceType)

    class Arguments:
        grade = graphene.String(required=True, description="Grade code.")
        date = graphene.Date(
            required=True,
            description="The day the price is published for (today or earlier); in force from the next day.",
        )
        price = graphene.Decimal(required=True, description="CNY per tonne, at most two decimals.")
        reason = graphene.String(required=True)

    class Meta:
        description = "Set or correct a grade's reference price, with the reason (audited; exchange operators)."
        permissions = [ExchangePermissions.MANAGE_EXCHANGE]
        error_code_enum = Code
        error_type_name = "ExchangeMarketDataError"

    @classmethod
    def perform_mutation(cls, root, info, grade, date, price, reason):
        found = grade_get_by_code(grade)
        if found is None:
            raise DomainError(_("Grade not found"), Code.NOT_FOUND, field="grade")
        row = services.reference_price_set(grade=found, day=date, price=price, reason=reason, actor=requestor(info))
        return cls(errors=[], reference_price=row)


class MarketDataMutations(graphene.ObjectType):
    reference_price_set = ReferencePriceSet.Field()
