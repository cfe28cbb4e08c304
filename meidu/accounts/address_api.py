"""Saleor's Address type and AddressInput, for Chinese addresses (see meidu.accounts.addresses)."""

from __future__ import annotations

import graphene

from meidu.accounts.models import Address
from meidu.core.graphql.ids import from_global_id_or_error
from meidu.core.graphql.types import CountryDisplay, ModelObjectType


class AddressType(ModelObjectType):
    country = graphene.Field(CountryDisplay, required=True)
    village = graphene.String(description="Town and village, when the address lies in the county.")

    class Meta:
        model = Address
        name = "Address"
        fields = [
            "id",
            "first_name",
            "last_name",
            "company_name",
            "street_address_1",
            "street_address_2",
            "city",
            "city_area",
            "postal_code",
            "country_area",
            "phone",
        ]

    @staticmethod
    def resolve_country(root, info):
        return CountryDisplay.of(root.country)

    @staticmethod
    def resolve_village(root, info):
        return str(root.village) if root.village_id else None


class AddressInput(graphene.InputObjectType):
    first_name = graphene.String(description="Recipient's given name (or full name).")
    last_name = graphene.String(description="Recipient's family name.")
    company_name = graphene.String()
    street_address_1 = graphene.String(description="Town, village and house.")
    street_address_2 = graphene.String()
    city = graphene.String(description="Prefecture-level city, e.g. 营口市.")
    city_area = graphene.String(description="County or district, e.g. 大石桥市.")
    postal_code = graphene.String()
    country = graphene.String(description="Country code; CN.")
    country_area = graphene.String(description="Province, e.g. 辽宁省.")
    phone = graphene.String(description="Mainland mobile number, required.")
    village = graphene.ID(description="Village of the county (optional: found from the street line when omitted).")


def address_input_data(value) -> dict | None:
    """AddressInput -> the dict meidu.accounts.addresses.address_clean takes."""
    if value is None:
        return None
    data = {key: value.get(key) for key in AddressInput._meta.fields if key != "village"}
    data["country"] = data.get("country") or "CN"
    if value.get("village"):
        data["village_id"] = from_global_id_or_error(value["village"], "Village", "village")
    return data
