"""GraphQL of the catalogue: commodities and their grades (public reads)."""

from __future__ import annotations

import graphene

from magnesium_exchange.commodities import selectors
from magnesium_exchange.commodities.models import SPEC_FIELDS, Commodity, Grade
from meidu.core.graphql.types import ModelObjectType


class SpecRange(graphene.ObjectType):
    property = graphene.String(required=True, description="mgo, sio2, cao, fe2o3, bulk_density or grain_size.")
    label = graphene.String(required=True)
    unit = graphene.String(required=True)
    min = graphene.String(description="Lower bound (decimal string), none when unbounded.")
    max = graphene.String(description="Upper bound (decimal string), none when unbounded.")


class CommodityGradeType(ModelObjectType):
    spec = graphene.List(graphene.NonNull(SpecRange), required=True, description="The bounded properties only.")
    commodity_code = graphene.String(required=True)

    class Meta:
        model = Grade
        name = "CommodityGrade"
        fields = ["id", "code", "name", "rank", "standard"]

    @staticmethod
    def resolve_commodity_code(root, info):
        return root.commodity.code

    @staticmethod
    def resolve_spec(root, info):
        ranges = root.spec_ranges()
        return [
            SpecRange(
                property=stem,
                label=str(label),
                unit=unit,
                min=None if ranges[stem][0] is None else str(ranges[stem][0]),
                max=None if ranges[stem][1] is None else str(ranges[stem][1]),
            )
            for stem, label, unit in SPEC_FIELDS
            if ranges[stem] != (None, None)
        ]


class CommodityType(ModelObjectType):
    quantity_step = graphene.String(required=True, description="Tonnes, three decimals.")
    min_quantity = graphene.String(required=True, description="Tonnes, three decimals.")
    price_tick = graphene.String(required=True, description="Per tonne, in the currency.")
    kind = graphene.String(required=True)
    grades = graphene.List(graphene.NonNull(CommodityGradeType), required=True)

    class Meta:
        model = Commodity
        name = "Commodity"
        fields = ["id", "code", "name", "unit", "currency"]

    @staticmethod
    def resolve_quantity_step(root, info):
        return str(root.quantity_step)

    @staticmethod
    def resolve_min_quantity(root, info):
        return str(root.min_quantity)

    @staticmethod
    def resolve_price_tick(root, info):
        return str(root.price_tick)

    @staticmethod
    def resolve_kind(root, info):
        return str(root.kind)

    @staticmethod
    def resolve_grades(root, info):
        # Prefetched by the list query: one query for all commodities' grades.
        return [grade for grade in root.grades.all() if grade.is_active]


class CommodityQueries(graphene.ObjectType):
    commodities = graphene.List(
        graphene.NonNull(CommodityType), required=True, description="Active commodities of the exchange."
    )
    commodity = graphene.Field(CommodityType, code=graphene.String(required=True))
    commodity_grades = graphene.List(
        graphene.NonNull(CommodityGradeType), required=True, commodity=graphene.String(description="Commodity code.")
    )

    @staticmethod
    def resolve_commodities(root, info):
        return list(selectors.commodity_list().prefetch_related("grades__commodity"))

    @staticmethod
    def resolve_commodity(root, info, code):
        return selectors.commodity_get_by_code(code)

    @staticmethod
    def resolve_commodity_grades(root, info, commodity=None):
        found = selectors.commodity_get_by_code(commodity) if commodity else None
        if commodity and found is None:
            return []
        return list(selectors.grade_list(commodity=found))
