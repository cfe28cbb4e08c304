import pytest
from graphql_relay import to_global_id

from meidu.accounts.roles import Role
from meidu.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

ROLES_UPDATE = (
    "mutation($id: ID!, $roles: [RoleEnum!]!) { userRolesUpdate(id: $id, roles: $roles) {"
    " user { roles isStaff } errors { field code } } }"
)


def test_operator_grants_roles_and_it_is_audited(operator_api_client, operator, buyer):
    data = operator_api_client.execute(
        ROLES_UPDATE, {"id": to_global_id("User", buyer.pk), "roles": ["SELLER", "BUYER"]}
    )
    assert data["userRolesUpdate"] == {"user": {"roles": ["BUYER", "SELLER"], "isStaff": False}, "errors": []}
    event = AuditEvent.objects.get(action="account.roles_set", target_id=str(buyer.pk), actor_user=operator)
    assert event.data == {"roles": ["buyer", "seller"]}


def test_granting_operator_makes_staff(operator_api_client, buyer):
    data = operator_api_client.execute(ROLES_UPDATE, {"id": to_global_id("User", buyer.pk), "roles": ["OPERATOR"]})
    assert data["userRolesUpdate"]["user"]["isStaff"] is True


@pytest.mark.parametrize(
    "role", [None, Role.BUYER, Role.BANK_OFFICER], ids=["anonymous_case", "buyer_case", "bank_officer_case"]
)
def test_without_manage_staff_the_error_names_the_permission(make_user, buyer, role):
    from tests.support.graphql import GraphQLClient, token_for

    client = GraphQLClient(token_for(make_user(role)) if role else None)
    content = client.post(ROLES_UPDATE, {"id": to_global_id("User", buyer.pk), "roles": ["OPERATOR"]}).json()
    assert content["data"]["userRolesUpdate"] is None
    assert content["errors"][0]["message"] == "You need one of the following permissions: MANAGE_STAFF"
    assert content["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    buyer.refresh_from_db()
    assert not buyer.is_staff
    assert (
        not AuditEvent.objects.filter(action="account.roles_set", target_id=str(buyer.pk))
        .exclude(actor_user=None)
        .exists()
    )


@pytest.mark.parametrize(
    ("user_id", "code"),
    [
        (to_global_id("App", 1), "GRAPHQL_ERROR"),
        ("garbage", "GRAPHQL_ERROR"),
        (to_global_id("User", 999999), "NOT_FOUND"),
    ],
    ids=["wrong_type_case", "malformed_case", "missing_case"],
)
def test_bad_user_ids_are_refused(operator_api_client, user_id, code):
    data = operator_api_client.execute(ROLES_UPDATE, {"id": user_id, "roles": ["SELLER"]})
    assert data["userRolesUpdate"]["errors"][0]["code"] == code
    assert data["userRolesUpdate"]["user"] is None
