"""Issue 12, every role's journey: what each role sees in the navigation and when refused."""

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings

from meidu.accounts.roles import Role
from meidu.core.permissions import AppPermission

pytestmark = pytest.mark.django_db

GRAPHIQL_LINK = 'href="/graphql/"'


@override_settings(GRAPHIQL_ENABLED=True)
@pytest.mark.parametrize(
    "role",
    [
        Role.BUYER,
        Role.SELLER,
        Role.DRIVER,
        Role.STATION_AGENT,
        Role.TRADER,
        Role.BANK_OFFICER,
        Role.WAREHOUSE_OPERATOR,
        Role.SUPPLIER,
        Role.DISTRIBUTOR,
    ],
)
def test_graphiql_is_not_linked_for_farmers_drivers_and_other_roles(client, make_user, role):
    client.force_login(make_user(role))
    assert GRAPHIQL_LINK not in client.get("/home/").content.decode()


@override_settings(GRAPHIQL_ENABLED=True)
def test_graphiql_is_linked_for_operators_and_developers(client, make_user):
    client.force_login(make_user(Role.OPERATOR))
    assert GRAPHIQL_LINK in client.get("/home/").content.decode()
    developer = make_user(Role.BUYER)
    developer.user_permissions.add(
        Permission.objects.get(
            content_type__app_label=AppPermission.MANAGE_APPS.app_label, codename=AppPermission.MANAGE_APPS.codename
        )
    )
    client.force_login(developer)
    assert GRAPHIQL_LINK in client.get("/home/").content.decode()


@override_settings(GRAPHIQL_ENABLED=False)
def test_graphiql_is_not_linked_outside_demo_mode_even_for_operators(client, make_user):
    client.force_login(make_user(Role.OPERATOR))
    assert GRAPHIQL_LINK not in client.get("/home/").content.decode()


GATED_PAGES = [
    ("/station/runs/", Role.STATION_AGENT),
    ("/station/runs/", Role.BUYER),
    ("/station/runs/", Role.SELLER),
    ("/station/", Role.BUYER),
    ("/station/", Role.DRIVER),
    ("/exchange/terminal/", Role.BUYER),
    ("/exchange/terminal/", Role.DRIVER),
    ("/exchange/warehouse/", Role.BUYER),
    ("/exchange/warehouse/", Role.TRADER),
]


@pytest.mark.parametrize("path, role", GATED_PAGES)
def test_a_role_without_access_gets_the_sites_refusal_page_in_chinese(client, make_user, path, role):
    client.force_login(make_user(role))
    response = client.get(path)
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html and 'class="role-nav"' in html  # the site's own page, with its navigation
    assert "返回我的首页" in html
    assert "Forbidden" not in html and "Page not found" not in html


@pytest.mark.parametrize("path, role", GATED_PAGES[:1] + GATED_PAGES[5:6])
def test_the_refusal_page_speaks_english_after_the_switch(client, make_user, path, role):
    client.force_login(make_user(role))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(path).content.decode()
    assert "Back to my home page" in html and "返回" not in html


@override_settings(DEBUG=True)
def test_debug_mode_still_shows_the_refusal_page_not_djangos_debug_page(client, make_user):
    client.force_login(make_user(Role.STATION_AGENT))
    response = client.get("/station/runs/")
    assert response.status_code == 403
    assert "此页面不属于您的角色" in response.content.decode()
    assert "Using the URLconf" not in response.content.decode()


def test_a_missing_page_is_the_sites_own_not_found_page(client, make_user):
    client.force_login(make_user(Role.BUYER))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() and 'class="role-nav"' in response.content.decode()


def test_the_warehouse_form_asks_for_the_warehouses_name_not_a_persons(client, make_user):
    from tests.marketplace.factories import open_shop

    farmer = make_user(Role.SELLER)
    open_shop(farmer)
    client.force_login(farmer)
    html = client.get("/seller/stock/").content.decode()
    assert "仓库名称" in html and ">姓名<" not in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Warehouse name" in client.get("/seller/stock/").content.decode()
