"""The shell's public and role pages: language, landing, role homes and navigation."""

import pytest
from django.test import override_settings
from django.urls import reverse

from meidu.accounts.roles import Role
from meidu.accounts.services import account_register
from tests.support.graphql import PASSWORD

pytestmark = pytest.mark.django_db


def test_landing_is_chinese_by_default(client, county):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "美都集市" in html
    assert "配送范围" in html
    assert "周家镇" in html
    assert "统一配送覆盖全市 5 个镇、89 个村" in html


def test_landing_switches_to_english_and_stays(client, county):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Meidu Market" in html
    assert "Where we deliver" in html
    assert "Zhoujia Town" in html
    assert "配送范围" not in html
    # The choice persists on later pages.
    assert "Log in" in client.get(reverse("shell:login")).content.decode()


def test_landing_redirects_members_to_their_home(client, named_buyer):
    client.force_login(named_buyer)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("shell:home")


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/home/")
    assert response.status_code == 302
    assert response.url == f"{reverse('shell:login')}?next=/home/"


def test_buyer_gets_buyer_home_without_admin_link(client, named_buyer):
    client.force_login(named_buyer)
    html = client.get("/home/").content.decode()
    assert "我的集市" in html  # the buyer's title
    assert "王小明，您好" in html
    assert reverse("shell:account") in html
    assert 'href="/admin/"' not in html


def test_operator_home_links_to_the_back_office(client, make_user):
    operator = make_user(Role.OPERATOR)
    client.force_login(operator)
    html = client.get("/home/").content.decode()
    assert "运营工作台" in html
    assert 'href="/admin/"' in html
    assert client.get("/admin/").status_code == 200  # the shell's context processor works there too


def test_user_without_role_gets_a_welcome_home(client, db):
    user = account_register(phone="13600136000", password=PASSWORD, roles=())
    client.force_login(user)
    html = client.get("/home/").content.decode()
    assert "您的账号还没有分配角色" in html


def test_station_agent_home_describes_village_pickup(client, make_user):
    agent = make_user(Role.STATION_AGENT)
    client.force_login(agent)
    html = client.get("/home/").content.decode()
    assert "村级服务站" in html
    assert "自提" in html


@override_settings(GRAPHIQL_ENABLED=False)
def test_graphql_link_hidden_outside_demo_mode(client, named_buyer):
    client.force_login(named_buyer)
    assert 'href="/graphql/"' not in client.get("/home/").content.decode()


@override_settings(GRAPHIQL_ENABLED=True)
def test_graphql_link_and_explorer_in_demo_mode(client, named_buyer, operator):
    client.force_login(operator)
    assert 'href="/graphql/"' in client.get("/home/").content.decode()
    client.force_login(named_buyer)
    page = client.get("/graphql/", HTTP_ACCEPT="text/html").content.decode()
    assert "/static/vendor/graphiql/graphiql.min.js" in page
    assert "/static/vendor/graphiql/react.production.min.js" in page
    assert "unpkg" not in page and "cdn" not in page.lower() and "https://" not in page


def test_account_page_shows_masked_phone_and_roles(client, named_buyer):
    client.force_login(named_buyer)
    html = client.get("/account/").content.decode()
    assert "王小明" in html
    assert "+86138****8000" in html
    assert "13800138000" not in html
    assert "买家" in html
