"""An address without a village id finds its village from the street (the town's and village's names in it,
spaces ignored, the first by code), now in one SQL statement instead of a loop over the county's villages."""

import pytest

from logistics.geography.models import Village
from meidu.accounts.addresses import address_clean
from tests.marketplace.checkout.factories import county_and_zones

pytestmark = pytest.mark.django_db


def _data(street: str, county: str) -> dict:
    return {
        "first_name": "秀英",
        "last_name": "王",
        "street_address_1": street,
        "city": "营口市",
        "city_area": county,
        "country_area": "辽宁省",
        "phone": "13904170001",
        "country": "CN",
    }


def test_the_street_names_the_village():
    county_and_zones()
    villages = list(Village.objects.select_related("town").order_by("code"))
    last = villages[-1]
    spaced = f"{last.town.name} {last.name} 3组12号"
    assert address_clean(_data(spaced, last.town.county))["village"] == last
    # the same street in another county finds nothing; a street naming no village neither
    assert address_clean(_data(spaced, "别的县"))["village"] is None
    assert address_clean(_data("人民路1号", last.town.county))["village"] is None


def test_the_first_village_by_code_wins_when_the_street_names_two():
    county_and_zones()
    first, second = list(Village.objects.select_related("town").order_by("code"))[:2]
    street = f"{second.town.name}{second.name}旁 {first.town.name}{first.name}"
    assert first.town.county == second.town.county
    assert address_clean(_data(street, first.town.county))["village"] == first


def test_a_nul_in_the_street_finds_no_village():
    county_and_zones()
    village = Village.objects.select_related("town").order_by("code").first()
    street = f"{village.town.name}{village.name}\x00"
    assert address_clean(_data(street, village.town.county))["village"] is None
