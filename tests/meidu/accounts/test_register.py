import pytest

from meidu.accounts.models import User
from meidu.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

REGISTER = """
mutation($input: AccountRegisterInput!) {
  accountRegister(input: $input) {
    requiresConfirmation
    user { id phone email firstName lastName roles }
    errors { field code message }
  }
}
"""


def test_register_by_mobile_number(api_client):
    data = api_client.execute(
        REGISTER,
        {"input": {"phone": "138 0013 8000", "password": "Nanguo-pear-9", "lastName": "王", "firstName": "秀兰"}},
    )["accountRegister"]
    assert data["errors"] == []
    assert data["user"]["phone"] == "+8613800138000"
    assert data["user"]["roles"] == ["BUYER"]
    user = User.objects.get(phone="+8613800138000")
    assert user.password.startswith("argon2")
    assert user.display_name == "王秀兰"
    assert AuditEvent.objects.filter(action="account.registered", target_id=str(user.pk)).exists()


def test_register_by_email_is_case_insensitive(api_client):
    api_client.execute(REGISTER, {"input": {"email": "Li.Hua@Example.com", "password": "Nanguo-pear-9"}})
    data = api_client.execute(REGISTER, {"input": {"email": "li.hua@example.COM", "password": "Nanguo-pear-9"}})
    assert data["accountRegister"]["errors"] == [
        {"field": "email", "code": "UNIQUE", "message": "此电子邮件地址已注册"}
    ]
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("input", "field", "code"),
    [
        ({"phone": "12345", "password": "Nanguo-pear-9"}, "phone", "INVALID_PHONE"),
        ({"email": "not-an-email", "password": "Nanguo-pear-9"}, "email", "INVALID"),
        ({"password": "Nanguo-pear-9"}, "phone", "REQUIRED"),
        ({"phone": "13800138000", "password": "short"}, "password", "PASSWORD_TOO_SHORT"),
        ({"phone": "13800138000", "password": "73920581647"}, "password", "PASSWORD_ENTIRELY_NUMERIC"),
        ({"phone": "13800138000", "password": "password123"}, "password", "PASSWORD_TOO_COMMON"),
    ],
    ids=[
        "bad_phone_case",
        "bad_email_case",
        "no_identifier_case",
        "short_password_case",
        "numeric_password_case",
        "common_password_case",
    ],
)
def test_bad_registrations_are_refused_and_write_nothing(api_client, input, field, code):
    errors = api_client.execute(REGISTER, {"input": input})["accountRegister"]["errors"]
    assert (field, code) in [(error["field"], error["code"]) for error in errors]
    assert User.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_same_mobile_in_another_spelling_is_a_duplicate(api_client):
    api_client.execute(REGISTER, {"input": {"phone": "13800138000", "password": "Nanguo-pear-9"}})
    errors = api_client.execute(REGISTER, {"input": {"phone": "+86 138 0013 8000", "password": "Nanguo-pear-9"}})[
        "accountRegister"
    ]["errors"]
    assert errors == [{"field": "phone", "code": "UNIQUE", "message": "此手机号已注册"}]
