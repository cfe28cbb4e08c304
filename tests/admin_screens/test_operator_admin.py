"""Issue 12, the operator in the back office: every screen opens, in Chinese, with Django's words."""

import pytest
from django.urls import reverse

from meidu.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client, make_user):
    client.force_login(make_user(Role.OPERATOR))
    return client


@pytest.mark.parametrize(
    "name",
    [
        "orders_order",
        "shipping_deliveryzone",
        "shipping_shippingmethod",
        "presale_presalecampaign",
        "geography_town",
        "geography_village",
    ],
)
def test_the_operator_opens_orders_shipping_presale_and_geography(operator_client, name):
    assert operator_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_the_admin_index_lists_the_new_screens(operator_client):
    html = operator_client.get(reverse("admin:index")).content.decode()
    for name in ["orders/order", "shipping/deliveryzone", "presale/presalecampaign", "geography/town"]:
        assert f"/admin/{name}/" in html


def test_the_rows_change_link_reads_xiugai_not_the_exchanges_price_change(operator_client):
    html = operator_client.get(reverse("admin:index")).content.decode()
    assert "修改" in html and "涨跌" not in html


def test_the_exchange_price_board_still_says_zhangdie(client, db):
    assert "涨跌" in client.get(reverse("exchange:prices")).content.decode()


@pytest.mark.parametrize("role", [Role.SELLER, Role.DRIVER, Role.BUYER])
def test_other_roles_do_not_reach_the_orders_screen(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("admin:orders_order_changelist")).status_code in (302, 403)


def test_model_and_app_names_are_chinese(operator_client):
    html = operator_client.get(reverse("admin:index")).content.decode()
    for word in [
        "交易日志",
        "订单",
        "配送区域",
        "预售活动",
        "镇",
        "佣金规则",
        "仓单",
        "交易所：交易（挂牌、竞价、协商成交）",
        "店铺",
    ]:
        assert word in html, word
    for english in ["Journal entrys", "Journal entries", "Delivery zones", "Presale campaigns", "Exchange: trading"]:
        assert english not in html, english


def test_actions_are_chinese(operator_client, make_user):
    from tests.marketplace.factories import open_shop

    open_shop(make_user(Role.SELLER))  # Django shows the actions of a list that has rows
    html = operator_client.get(reverse("admin:shops_shop_changelist")).content.decode()
    assert "批准所选店铺（审核中）" in html and "暂停所选店铺（须说明理由）" in html
    assert "Approve selected shops" not in html


def test_the_english_admin_has_proper_plurals(operator_client):
    operator_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = operator_client.get(reverse("admin:index")).content.decode()
    assert "Journal entries" in html and "Journal entrys" not in html and "Pre-sale campaigns" in html
