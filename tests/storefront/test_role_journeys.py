"""Issue 12, every role's journey: what each role sees in the navigation and when refused."""

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings

from meidu.accounts.roles import Role
from meidu.core.permissions import AppPermission

pytestmark = pytest.mark.django_db

GRAPHIQL_LINK = 'href="/graphql/"'


@override_settings(GRAPHIQL_ENABLED=True)
@pytest.mark.parametrize("role", [Role.BUYER, Role.SELLER, Role.DRIVER, Role.STATION_AGENT, Role.TRADER,
                                  Role.BANK_OFFICER, Role.WAREHOUSE_OPERATOR, Role.SUPPLIER, Role.DISTRIBUTOR])
def test_graphiql_is_not_linked_for_farmers_drivers_and_other_roles(client, make_user, role):
    client.force_login(make_user(role))
    assert GRAPHIQL_LINK not in client.get("/home/").content.decode()


@override_settings(GRAPHIQL_ENABLED=True)
def test_graphiql_is_linked_for_operators_and_developers(client, make_user):
    client.force_login(make_user(Role.OPERATOR))
    assert GRAPHIQL_LINK in client.get("/home/").content.decode()
    developer = make_user(Role.BUYER)
    developer.user_permissions.add(Permission.objects.get(content_type__app_label=AppPermission.MANAGE_APPS.app_label,
                                                          codename=AppPermission.MANAGE_APPS.codename))
    client.force_login(developer)
    assert GRAPHIQL_LINK in client.get("/home/").content.decode()


@override_settings(GRAPHIQL_ENABLED=False)
def test_graphiql_is_not_linked_outside_demo_mode_even_for_operators(client, make_user):
    client.force_login(make_user(Role.OPERATOR))
    assert GRAPHIQL_LINK not in client.get("/home/").content.decode()
