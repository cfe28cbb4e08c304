import pytest

from logistics.geography.models import Town, Village
from logistics.geography.services import county_data, geography_load_county

pytestmark = pytest.mark.django_db


def test_county_has_5_delivery_towns_and_89_villages():
    assert geography_load_county() == (5, 89)
    assert Town.objects.count() == 5 and Village.objects.count() == 89
    assert set(Town.objects.values_list("name", flat=True)) == {"周家镇", "汤池镇", "博洛铺镇", "虎庄镇", "官屯镇"}
    assert all(name.endswith("村") for name in Village.objects.values_list("name", flat=True))


def test_loading_twice_changes_nothing():
    geography_load_county()
    before = list(Village.objects.order_by("code").values_list("pk", "code", "name"))
    geography_load_county()
    assert list(Village.objects.order_by("code").values_list("pk", "code", "name")) == before


def test_coordinates_lie_in_the_county():
    for town in county_data()["towns"]:
        for village in town["villages"]:
            assert 40.4 < village["lat"] < 40.9 and 122.2 < village["lng"] < 122.8


def test_towns_query_serves_chinese_names(api_client):
    geography_load_county()
    data = api_client.execute('{ towns(first: 1) { edges { node { name nameEn villages { name latitude } } } } }')
    town = data["towns"]["edges"][0]["node"]
    assert town["name"] == "博洛铺镇" and town["nameEn"] == "Boluopu Town"
    assert len(town["villages"]) == 18
