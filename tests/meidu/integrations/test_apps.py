import pytest
from django.contrib.auth.models import Permission
from graphql_relay import to_global_id

from meidu.integrations.models import App, AppToken
from meidu.integrations.services.apps import token_hash
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

APP_CREATE = """
mutation($input: AppInput!) {
  appCreate(input: $input) {
    authToken app { id name permissions { code } tokens { id authToken } } errors { field code message } }
}
"""
APP_SELF = "{ app { name permissions { code } } }"


def test_app_create_shows_the_token_once_and_keeps_only_a_hash(operator_api_client):
    data = operator_api_client.execute(
        APP_CREATE, {"input": {"name": "Yingkou Bank", "permissions": ["MANAGE_USERS"]}}
    )["appCreate"]
    assert data["errors"] == []
    raw = data["authToken"]
    assert raw.startswith("mda_") and len(raw) > 40
    assert data["app"]["tokens"][0]["authToken"] == raw[-4:]
    stored = AppToken.objects.get()
    assert stored.token_hash == token_hash(raw) and raw not in stored.token_hash
    app_client = GraphQLClient(raw)
    assert app_client.execute(APP_SELF) == {"app": {"name": "Yingkou Bank", "permissions": [{"code": "MANAGE_USERS"}]}}
    assert app_client.execute("{ users(first: 1) { totalCount } }")["users"]["totalCount"] >= 1


def test_app_without_a_permission_is_refused_naming_it(bank_app):
    content = GraphQLClient(bank_app.raw_token).post("{ apps(first: 5) { totalCount } }").json()
    assert content["errors"][0]["message"] == "You need one of the following permissions: MANAGE_APPS"


def test_revoked_token_is_refused(operator_api_client, bank_app):
    token = bank_app.tokens.get()
    data = operator_api_client.execute(
        "mutation($id: ID!) { appTokenDelete(id: $id) { appToken { id } errors { code } } }",
        {"id": to_global_id("AppToken", token.pk)},
    )
    assert data["appTokenDelete"]["errors"] == []
    response = GraphQLClient(bank_app.raw_token).post(APP_SELF)
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "应用令牌无效或已被撤销"


def test_second_token_works_and_deactivated_app_is_refused(operator_api_client, bank_app, operator):
    data = operator_api_client.execute(
        "mutation($app: ID!) { appTokenCreate(input: {app: $app, name: \"ci\"}) {"
        " authToken appToken { name } errors { code } } }",
        {"app": to_global_id("App", bank_app.pk)},
    )["appTokenCreate"]
    assert GraphQLClient(data["authToken"]).execute(APP_SELF)["app"]["name"] == bank_app.name
    from meidu.integrations.services.apps import app_deactivate

    app_deactivate(bank_app, actor=operator)
    assert GraphQLClient(data["authToken"]).post(APP_SELF).status_code == 401


def test_unknown_token_is_refused(api_client):
    assert GraphQLClient("mda_" + "x" * 43).post(APP_SELF).status_code == 401


def test_cannot_grant_permissions_one_does_not_hold(make_user):
    manager = make_user()
    manager.user_permissions.add(Permission.objects.get(codename="manage_apps"))
    client = GraphQLClient(token_for(manager))
    data = client.execute(APP_CREATE, {"input": {"name": "Sneaky", "permissions": ["MANAGE_STAFF"]}})["appCreate"]
    assert data["errors"] == [
        {"field": "permissions", "code": "OUT_OF_SCOPE_PERMISSION", "message": "不能授予您自己没有的权限：MANAGE_STAFF"}
    ]
    assert data["authToken"] is None
    assert App.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "buyer"])
def test_app_create_needs_manage_apps(make_user, who):
    client = GraphQLClient(token_for(make_user()) if who == "buyer" else None)
    content = client.post(APP_CREATE, {"input": {"name": "x"}}).json()
    assert content["errors"][0]["extensions"]["exception"] == {
        "code": "PermissionDenied",
        "permissions": ["MANAGE_APPS"],
    }
    assert App.objects.count() == 0


def test_blank_app_name_is_required(operator_api_client):
    data = operator_api_client.execute(APP_CREATE, {"input": {"name": "  "}})["appCreate"]
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("name", "REQUIRED")]


WEBHOOK_CREATE = """
mutation($input: WebhookCreateInput!) { webhookCreate(input: $input) {
  webhook { targetUrl asyncEvents isActive } errors { field code } } }
"""


def test_app_subscribes_its_own_webhook(bank_app):
    data = GraphQLClient(bank_app.raw_token).execute(
        WEBHOOK_CREATE, {"input": {"targetUrl": "https://bank.example/hooks", "asyncEvents": ["CUSTOMER_CREATED"]}}
    )["webhookCreate"]
    assert data == {
        "webhook": {"targetUrl": "https://bank.example/hooks", "asyncEvents": ["CUSTOMER_CREATED"], "isActive": True},
        "errors": [],
    }


@pytest.mark.parametrize(
    ("input", "error"),
    [
        ({"targetUrl": "ftp://bank.example", "asyncEvents": ["CUSTOMER_CREATED"]}, ("targetUrl", "INVALID_URL_FORMAT")),
        ({"targetUrl": "not a url", "asyncEvents": ["CUSTOMER_CREATED"]}, ("targetUrl", "INVALID_URL_FORMAT")),
        ({"targetUrl": "https://bank.example", "asyncEvents": []}, ("asyncEvents", "REQUIRED")),
    ],
    ids=["ftp_case", "garbage_case", "no_events_case"],
)
def test_bad_webhooks_are_refused(bank_app, input, error):
    data = GraphQLClient(bank_app.raw_token).execute(WEBHOOK_CREATE, {"input": input})["webhookCreate"]
    assert [(e["field"], e["code"]) for e in data["errors"]] == [error]
    assert bank_app.webhooks.count() == 0


def test_operator_must_name_the_app(operator_api_client):
    data = operator_api_client.execute(
        WEBHOOK_CREATE, {"input": {"targetUrl": "https://x.example", "asyncEvents": ["ANY_EVENTS"]}}
    )
    assert [(e["field"], e["code"]) for e in data["webhookCreate"]["errors"]] == [("app", "REQUIRED")]


def test_apps_listing_costs_fixed_queries(operator_api_client, operator, django_assert_max_num_queries):
    from meidu.integrations.services.apps import app_create

    for i in range(12):
        app_create(name=f"Carrier {i}", permissions=[], actor=operator)
    query = (
        "{ apps(first: 20) { edges { node {"
        " name permissions { code } tokens { authToken } webhooks { targetUrl } } } } }"
    )
    with django_assert_max_num_queries(9):
        data = operator_api_client.execute(query)
    assert len(data["apps"]["edges"]) == 12
