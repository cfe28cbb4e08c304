"""List fields cost a fixed number of SQL queries, whatever the page length."""

import pytest

from logistics.geography.services import geography_load_county
from meidu.accounts.roles import Role

pytestmark = pytest.mark.django_db

TOWNS = "query($n: Int) { towns(first: $n) { totalCount edges { node { name villages { name code } } } } }"
USERS = "query($n: Int) { users(first: $n) { edges { node { phone roles userPermissions { code } } } } }"


@pytest.mark.parametrize("page", [1, 5], ids=["one_town_case", "five_towns_case"])
def test_towns_with_villages_cost_three_queries(api_client, django_assert_max_num_queries, page):
    geography_load_county()
    with django_assert_max_num_queries(3):  # towns page, villages of the page, totalCount
        data = api_client.execute(TOWNS, {"n": page})
    assert len(data["towns"]["edges"]) == page
    assert sum(len(edge["node"]["villages"]) for edge in data["towns"]["edges"]) >= 17 * page


def test_users_with_roles_and_permissions_cost_the_same_for_3_or_30(
    make_user, operator_api_client, django_assert_max_num_queries
):
    for _ in range(30):
        make_user(Role.SELLER)
    for page in (3, 30):
        # user by token, permission check (2), page, groups, group permissions, their content types,
        # direct user permissions (and their content types when any): none of it grows with the page.
        with django_assert_max_num_queries(9):
            data = operator_api_client.execute(USERS, {"n": page})
        assert len(data["users"]["edges"]) == page
        assert data["users"]["edges"][0]["node"]["roles"] == ["OPERATOR"]
        assert {"code": "MANAGE_APPS"} in data["users"]["edges"][0]["node"]["userPermissions"]
        assert data["users"]["edges"][-1]["node"]["roles"] == ["SELLER"]
