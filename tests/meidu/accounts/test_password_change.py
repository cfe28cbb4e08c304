"""Issue 13 item 3: a password change, whoever makes it, and "sign out everywhere" kill every
access token, refresh token and web session issued before; refusals change nothing."""

import pytest
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings

from meidu.accounts.models import User
from meidu.accounts.services import token_create
from meidu.core.audit.models import AuditEvent
from tests.support.graphql import PASSWORD, GraphQLClient

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Corn-field-north-2027"
ME = "{ me { phone } }"
TOKEN_REFRESH = "mutation($r: String!) { tokenRefresh(refreshToken: $r) { token errors { code } } }"
PASSWORD_CHANGE = """
mutation($old: String!, $new: String!) {
  passwordChange(oldPassword: $old, newPassword: $new) {
    token refreshToken user { phone } errors { field code message }
  }
}
"""
DEACTIVATE_ALL = "mutation { tokensDeactivateAll { errors { field code } } }"


def assert_tokens_dead(tokens: dict) -> None:
    response = GraphQLClient(tokens["token"]).post(ME)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "JWT_INVALID_TOKEN"
    refreshed = GraphQLClient().execute(TOKEN_REFRESH, {"r": tokens["refresh_token"]})["tokenRefresh"]
    assert refreshed == {"token": None, "errors": [{"code": "JWT_INVALID_TOKEN"}]}


def assert_tokens_alive(tokens: dict, user: User) -> None:
    assert GraphQLClient(tokens["token"]).execute(ME)["me"] == {"phone": user.phone}
    assert GraphQLClient().execute(TOKEN_REFRESH, {"r": tokens["refresh_token"]})["tokenRefresh"]["errors"] == []


def _state(user: User) -> tuple:
    user.refresh_from_db()
    return user.password, user.jwt_token_key, AuditEvent.objects.count()


def test_set_password_and_save_as_the_shell_does_kills_old_tokens(buyer):
    tokens = token_create(buyer.phone, PASSWORD)
    assert_tokens_alive(tokens, buyer)
    user = User.objects.get(pk=buyer.pk)
    user.set_password(NEW_PASSWORD)
    user.save()
    assert_tokens_dead(tokens)
    assert_tokens_alive(token_create(buyer.phone, NEW_PASSWORD), buyer)


def test_admin_password_form_kills_old_tokens(buyer):
    tokens = token_create(buyer.phone, PASSWORD)
    form = AdminPasswordChangeForm(
        User.objects.get(pk=buyer.pk), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert form.is_valid(), form.errors
    form.save()
    assert_tokens_dead(tokens)


def test_unusable_password_kills_old_tokens(buyer):
    tokens = token_create(buyer.phone, PASSWORD)
    user = User.objects.get(pk=buyer.pk)
    user.set_unusable_password()
    user.save()
    assert_tokens_dead(tokens)


@override_settings(
    PASSWORD_HASHERS=[
        "meidu.accounts.hashers.FastArgon2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
)
def test_a_hash_upgrade_at_login_is_not_a_password_change(buyer):
    """Logging in re-hashes an old-format password and saves only ``password``: the tokens it
    returns (and the ones from before) must still work."""
    User.objects.filter(pk=buyer.pk).update(password=make_password(PASSWORD, hasher="md5"))
    key = User.objects.get(pk=buyer.pk).jwt_token_key
    earlier = token_create(buyer.phone, PASSWORD)  # upgrades the hash
    assert User.objects.get(pk=buyer.pk).password.startswith("argon2")
    assert User.objects.get(pk=buyer.pk).jwt_token_key == key
    assert_tokens_alive(earlier, buyer)


def test_password_change_mutation_kills_old_tokens_and_returns_new_ones(buyer):
    tokens = token_create(buyer.phone, PASSWORD)
    events = AuditEvent.objects.count()
    data = GraphQLClient(tokens["token"]).execute(PASSWORD_CHANGE, {"old": PASSWORD, "new": NEW_PASSWORD})[
        "passwordChange"
    ]
    assert data["errors"] == [] and data["user"] == {"phone": buyer.phone}
    assert_tokens_dead(tokens)
    assert_tokens_alive({"token": data["token"], "refresh_token": data["refreshToken"]}, buyer)
    assert_tokens_alive(token_create(buyer.phone, NEW_PASSWORD), buyer)
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("pk").action == "account.password_changed"
    with pytest.raises(Exception) as refused:
        token_create(buyer.phone, PASSWORD)
    assert refused.value.code == "invalid_credentials"


def test_password_change_refusals_change_nothing(buyer):
    token = token_create(buyer.phone, PASSWORD)["token"]
    client = GraphQLClient(token)
    before = _state(buyer)
    cases = [
        ({"old": "not-my-password", "new": NEW_PASSWORD}, [("oldPassword", "INVALID_CREDENTIALS")]),
        ({"old": "", "new": NEW_PASSWORD}, [("oldPassword", "REQUIRED")]),
        ({"old": PASSWORD, "new": ""}, [("newPassword", "REQUIRED")]),
        ({"old": PASSWORD, "new": "short"}, [("newPassword", "PASSWORD_TOO_SHORT")]),
        (
            {"old": PASSWORD, "new": "12345678901"},
            [("newPassword", "PASSWORD_TOO_COMMON"), ("newPassword", "PASSWORD_ENTIRELY_NUMERIC")],
        ),
    ]
    for variables, expected in cases:
        data = client.execute(PASSWORD_CHANGE, variables)["passwordChange"]
        assert data["token"] is None
        assert [(e["field"], e["code"]) for e in data["errors"]] == expected, variables
        assert _state(buyer) == before
    assert client.execute(ME)["me"] == {"phone": buyer.phone}


@override_settings(LOGIN_MAX_FAILURES=2)
def test_guessing_the_old_password_with_a_stolen_token_is_throttled(buyer):
    client = GraphQLClient(token_create(buyer.phone, PASSWORD)["token"])
    for _ in range(2):
        codes = [
            e["code"]
            for e in client.execute(PASSWORD_CHANGE, {"old": "guess-guess", "new": NEW_PASSWORD})["passwordChange"][
                "errors"
            ]
        ]
        assert codes == ["INVALID_CREDENTIALS"]
    before = _state(buyer)
    data = client.execute(PASSWORD_CHANGE, {"old": PASSWORD, "new": NEW_PASSWORD})["passwordChange"]
    assert [e["code"] for e in data["errors"]] == ["LOGIN_ATTEMPT_DELAYED"]
    assert _state(buyer) == before


@pytest.mark.parametrize(
    "mutation, variables", [(PASSWORD_CHANGE, {"old": PASSWORD, "new": NEW_PASSWORD}), (DEACTIVATE_ALL, {})]
)
def test_anonymous_and_apps_are_refused(buyer, mutation, variables):
    before = _state(buyer)
    content = GraphQLClient().post(mutation, variables).json()
    assert content["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert list(content["data"].values()) == [None]
    assert _state(buyer) == before


def test_tokens_deactivate_all_kills_tokens_and_web_sessions(buyer, make_user):
    first, second = token_create(buyer.phone, PASSWORD), token_create(buyer.phone, PASSWORD)
    other = make_user()
    other_tokens = token_create(other.phone, PASSWORD)
    browser = Client()
    browser.force_login(buyer)
    assert browser.get("/account/").status_code == 200
    assert GraphQLClient(first["token"]).execute(DEACTIVATE_ALL)["tokensDeactivateAll"] == {"errors": []}
    assert_tokens_dead(first)
    assert_tokens_dead(second)
    assert browser.get("/account/").status_code == 302
    assert_tokens_alive(other_tokens, other)
    assert AuditEvent.objects.latest("pk").action == "account.signed_out_everywhere"
    assert_tokens_alive(token_create(buyer.phone, PASSWORD), buyer)


def test_a_password_change_ends_web_sessions(buyer):
    browser = Client()
    browser.force_login(buyer)
    user = User.objects.get(pk=buyer.pk)
    user.set_password(NEW_PASSWORD)
    user.save()
    assert browser.get("/account/").status_code == 302
