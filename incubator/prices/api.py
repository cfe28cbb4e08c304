"""GraphQL of the price board: items (with aliases), markets, observations, alerts, notices.

Reads are public except a user's own alerts and notices; reporting a price needs REPORT_PRICES
(station agents, staff). Every refusal is a FarmInfoErrorCode."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from incubator.prices import services
from incubator.prices.error_codes import FarmInfoErrorCode
from incubator.prices.models import FarmNotice, Market, PriceAlert, PriceObservation, PriceUnit, ProduceItem
from incubator.prices.notices import notice_text
from incubator.prices.selectors import (
    alert_list_for_user,
    market_get,
    market_list,
    notice_list_for_user,
    observation_list,
    produce_item_get,
    produce_item_list,
)
from meidu.core.errors import DomainError
from meidu.core.graphql.connection import CountableConnection, SortKey, paginate
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import requestor, require_user
from meidu.core.graphql.types import ModelObjectType
from meidu.core.permissions import FarmPermissions


class ProduceItemType(ModelObjectType):
    unit = graphene.String(required=True, description="Base price unit: jin (元/斤) or head (元/头).")
    unit_label = graphene.String(required=True)
    aliases = graphene.List(graphene.NonNull(graphene.String), required=True)

    class Meta:
        model = ProduceItem
        name = "ProduceItem"
        fields = ["id", "code", "name", "name_en"]

    @staticmethod
    def resolve_unit_label(root, info):
        return str(PriceUnit(root.unit).label)

    @staticmethod
    def resolve_aliases(root, info):
        return [alias.alias for alias in root.aliases.all()]


class FarmMarketType(ModelObjectType):
    class Meta:
        model = Market
        name = "FarmMarket"
        fields = ["id", "code", "name", "name_en", "kind"]


class PriceObservationType(ModelObjectType):
    price = graphene.Decimal(required=True, description="In the item's base unit.")
    entered_price = graphene.Decimal(required=True)
    item = graphene.Field(ProduceItemType, required=True)
    market = graphene.Field(FarmMarketType, required=True)

    batched_fields = {"item": "item__aliases"}

    class Meta:
        model = PriceObservation
        name = "PriceObservation"
        fields = ["id", "day", "grade", "source", "sales_count", "entered_unit", "confirmed_outlier", "created_at"]


class PriceObservationCountableConnection(CountableConnection):
    class Meta:
        node = PriceObservationType


class PriceAlertType(ModelObjectType):
    threshold = graphene.Decimal(required=True, description="In the item's base unit.")
    item = graphene.Field(ProduceItemType, required=True)
    market = graphene.Field(FarmMarketType)

    class Meta:
        model = PriceAlert
        name = "PriceAlert"
        fields = ["id", "direction", "entered_unit", "beyond", "fired_count", "last_fired_at", "created_at"]


class FarmNoticeType(ModelObjectType):
    message = graphene.String(required=True)
    data = graphene.JSONString(required=True)

    class Meta:
        model = FarmNotice
        name = "FarmNotice"
        fields = ["id", "kind", "read_at", "created_at"]

    @staticmethod
    def resolve_message(root, info):
        return notice_text(root)


def _item(code: str) -> ProduceItem:
    item = produce_item_get(code or "")
    if item is None:
        raise DomainError(_("Produce item not found."), FarmInfoErrorCode.UNKNOWN_ITEM, field="item")
    return item


def _market(code: str | None, required: bool = True) -> Market | None:
    if not code:
        if required:
            raise DomainError(_("Choose a market."), FarmInfoErrorCode.REQUIRED, field="market")
        return None
    market = market_get(code)
    if market is None:
        raise DomainError(_("Market not found."), FarmInfoErrorCode.NOT_FOUND, field="market")
    return market


class PriceQueries(graphene.ObjectType):
    produce_items = graphene.List(
        graphene.NonNull(ProduceItemType), required=True, description="Produce items with their aliases."
    )
    farm_markets = graphene.List(graphene.NonNull(FarmMarketType), required=True)
    price_observations = graphene.Field(
        PriceObservationCountableConnection,
        item=graphene.String(description="Item code."),
        market=graphene.String(description="Market code."),
        since=graphene.Date(),
        until=graphene.Date(),
        first=graphene.Int(),
        after=graphene.String(),
        last=graphene.Int(),
        before=graphene.String(),
        description="Daily price observations, newest first.",
    )
    my_price_alerts = graphene.List(graphene.NonNull(PriceAlertType), required=True)
    farm_notices = graphene.List(graphene.NonNull(FarmNoticeType), required=True)

    @staticmethod
    def resolve_produce_items(root, info):
        return list(produce_item_list())

    @staticmethod
    def resolve_farm_markets(root, info):
        return market_list()

    @staticmethod
    def resolve_price_observations(root, info, item=None, market=None, since=None, until=None, **kwargs):
        item_row = produce_item_get(item) if item else None
        market_row = market_get(market) if market else None
        if (item and item_row is None) or (market and market_row is None):
            qs = PriceObservation.objects.none()
        else:
            qs = observation_list(
                item_id=item_row.pk if item_row else None,
                market_id=market_row.pk if market_row else None,
                since=since,
                until=until,
            ).select_related("item", "market")
        sort = [SortKey("day", descending=True), SortKey("pk", descending=True)]
        return paginate(qs, info, PriceObservationCountableConnection, sort=sort, **kwargs)

    @staticmethod
    def resolve_my_price_alerts(root, info):
        return list(alert_list_for_user(info.context.user))

    @staticmethod
    def resolve_farm_notices(root, info):
        return notice_list_for_user(info.context.user)


class FarmInfoMutation(BaseMutation):
    default_error_code_enum = FarmInfoErrorCode
    default_error_type_name = "FarmInfoError"

    class Meta:
        abstract = True


class PriceObservationCreate(FarmInfoMutation):
    """A station agent or staff reports a day's price (converted to the item's base unit)."""

    observation = graphene.Field(PriceObservationType)

    class Arguments:
        item = graphene.String(required=True, description="Item code.")
        market = graphene.String(required=True, description="Market code.")
        day = graphene.Date(required=True)
        price = graphene.Decimal(required=True)
        unit = graphene.String(required=True, description="jin, kg or head.")
        grade = graphene.String()
        confirm = graphene.Boolean(description="Keep a price far from the recent median.")

    class Meta:
        permissions = (FarmPermissions.REPORT_PRICES,)

    @classmethod
    def perform_mutation(cls, root, info, item, market, day, price, unit, grade="", confirm=False):
        observation = services.observation_create(
            requestor(info),
            item=_item(item),
            market=_market(market),
            day=day,
            price=price,
            unit=unit,
            grade=grade or "",
            confirm=bool(confirm),
        )
        return cls(errors=[], observation=observation)


class PriceAlertCreate(FarmInfoMutation):
    """ "Tell me when pears pass 3 元/斤": a notice and a webhook once per crossing."""

    alert = graphene.Field(PriceAlertType)

    class Arguments:
        item = graphene.String(required=True)
        market = graphene.String()
        direction = graphene.String(required=True, description="above or below.")
        threshold = graphene.Decimal(required=True)
        unit = graphene.String(required=True)

    @classmethod
    def perform_mutation(cls, root, info, item, direction, threshold, unit, market=None):
        user = require_user(info)
        alert = services.alert_create(
            user,
            item=_item(item),
            market=_market(market, required=False),
            direction=direction,
            threshold=threshold,
            unit=unit,
        )
        return cls(errors=[], alert=alert)


class PriceAlertDelete(FarmInfoMutation):
    class Arguments:
        id = graphene.ID(required=True)

    @classmethod
    def perform_mutation(cls, root, info, id):
        user = require_user(info)
        alert = get_node_or_error(PriceAlert, id, "PriceAlert")
        services.alert_delete(user, alert)
        return cls(errors=[])


class FarmNoticesMarkRead(FarmInfoMutation):
    count = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info):
        return cls(errors=[], count=services.notices_mark_read(require_user(info)))


class PriceMutations(graphene.ObjectType):
    price_observation_create = PriceObservationCreate.Field()
    price_alert_create = PriceAlertCreate.Field()
    price_alert_delete = PriceAlertDelete.Field()
    farm_notices_mark_read = FarmNoticesMarkRead.Field()
