import time

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings

from meidu.accounts.services import tokens_revoke_all
from meidu.core.keys import key_ring
from tests.support.graphql import PASSWORD, GraphQLClient

pytestmark = pytest.mark.django_db

TOKEN_CREATE = """
mutation($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) {
    token refreshToken csrfToken
    user { phone roles }
    errors { field code message }
  }
}
"""
TOKEN_VERIFY = "mutation($t: String!) { tokenVerify(token: $t) { isValid user { phone } payload errors { code } } }"
TOKEN_REFRESH = "mutation($r: String!) { tokenRefresh(refreshToken: $r) { token user { phone } errors { code } } }"
ME = "{ me { phone roles } }"


def test_token_create_by_mobile_then_me(api_client, buyer):
    data = api_client.execute(TOKEN_CREATE, {"email": buyer.phone[3:], "password": PASSWORD})["tokenCreate"]
    assert data["errors"] == []
    header = pyjwt.get_unverified_header(data["token"])
    assert header["alg"] == "RS256" and header["kid"] == key_ring().active.kid
    me = GraphQLClient(data["token"]).execute(ME)["me"]
    assert me == {"phone": buyer.phone, "roles": ["BUYER"]}


def test_token_create_by_email(api_client, make_user):
    make_user(email="farmer@example.com")
    data = api_client.execute(TOKEN_CREATE, {"email": "FARMER@example.com", "password": PASSWORD})["tokenCreate"]
    assert data["errors"] == [] and data["token"]


def test_anonymous_me_is_null(api_client):
    assert api_client.execute(ME) == {"me": None}


def test_wrong_password_is_refused_without_token(api_client, buyer):
    data = api_client.execute(TOKEN_CREATE, {"email": buyer.phone, "password": "wrong-password"})["tokenCreate"]
    assert data["token"] is None
    assert data["errors"] == [{"field": "email", "code": "INVALID_CREDENTIALS", "message": "请输入正确的账号和密码"}]


@override_settings(LOGIN_MAX_FAILURES=3)
def test_repeated_failures_are_throttled_even_with_the_right_password(api_client, buyer):
    for _ in range(3):
        codes = [
            e["code"]
            for e in api_client.execute(TOKEN_CREATE, {"email": buyer.phone, "password": "nope-nope"})["tokenCreate"][
                "errors"
            ]
        ]
        assert codes == ["INVALID_CREDENTIALS"]
    data = api_client.execute(TOKEN_CREATE, {"email": buyer.phone, "password": PASSWORD})["tokenCreate"]
    assert data["token"] is None
    assert [e["code"] for e in data["errors"]] == ["LOGIN_ATTEMPT_DELAYED"]


def test_inactive_user_gets_no_token(api_client, buyer):
    buyer.is_active = False
    buyer.save()
    data = api_client.execute(TOKEN_CREATE, {"email": buyer.phone, "password": PASSWORD})["tokenCreate"]
    assert [e["code"] for e in data["errors"]] == ["INACTIVE"]


def test_verify_and_refresh(api_client, buyer):
    tokens = api_client.execute(TOKEN_CREATE, {"email": buyer.phone, "password": PASSWORD})["tokenCreate"]
    verified = api_client.execute(TOKEN_VERIFY, {"t": tokens["token"]})["tokenVerify"]
    assert verified["isValid"] is True and verified["errors"] == []
    assert verified["payload"]["type"] == "access"
    refreshed = api_client.execute(TOKEN_REFRESH, {"r": tokens["refreshToken"]})["tokenRefresh"]
    assert refreshed["errors"] == [] and refreshed["user"] == {"phone": buyer.phone}
    # A refresh token is not an access token.
    assert api_client.execute(TOKEN_VERIFY, {"t": tokens["refreshToken"]})["tokenVerify"]["errors"] == [
        {"code": "JWT_INVALID_TOKEN"}
    ]


def test_a_signed_token_whose_subject_is_not_a_user_id_is_refused(api_client, buyer):
    """Only our key signs tokens, but the subject is still parsed, never trusted to be a number."""
    from meidu.accounts import jwt

    for subject in ("not-a-number", None, str(buyer.pk + 10_000)):
        payload = jwt._base_payload(buyer, jwt.ACCESS, 300) | {"sub": subject}
        assert api_client.execute(TOKEN_VERIFY, {"t": jwt._encode(payload)})["tokenVerify"]["errors"] == [
            {"code": "JWT_INVALID_TOKEN"}
        ]


def test_revoking_all_tokens_kills_refresh_tokens(api_client, buyer):
    tokens = api_client.execute(TOKEN_CREATE, {"email": buyer.phone, "password": PASSWORD})["tokenCreate"]
    tokens_revoke_all(buyer)
    assert api_client.execute(TOKEN_REFRESH, {"r": tokens["refreshToken"]})["tokenRefresh"]["errors"] == [
        {"code": "JWT_INVALID_TOKEN"}
    ]


def test_expired_token_is_refused(api_client, buyer):
    with override_settings(JWT_ACCESS_TTL_SECONDS=-10):
        token = api_client.execute(TOKEN_CREATE, {"email": buyer.phone, "password": PASSWORD})["tokenCreate"]["token"]
    verified = api_client.execute(TOKEN_VERIFY, {"t": token})["tokenVerify"]
    assert verified["isValid"] is False and verified["errors"] == [{"code": "JWT_SIGNATURE_EXPIRED"}]
    response = GraphQLClient(token).post(ME)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "JWT_SIGNATURE_EXPIRED"


def _forge(payload: dict, kid: str) -> str:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = stranger.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pyjwt.encode(payload, pem, algorithm="RS256", headers={"kid": kid})


def test_forged_tokens_are_refused(api_client, buyer):
    good = api_client.execute(TOKEN_CREATE, {"email": buyer.phone, "password": PASSWORD})["tokenCreate"]["token"]
    payload = pyjwt.decode(good, options={"verify_signature": False})
    payload["sub"] = str(buyer.pk)
    payload["is_staff"] = True
    forged_with_our_kid = _forge(payload, key_ring().active.kid)
    forged_unknown_kid = _forge(payload, "someone-else")
    none_alg = pyjwt.encode(payload, key=None, algorithm="none")
    for token, code in [
        (forged_with_our_kid, "JWT_INVALID_TOKEN"),
        (forged_unknown_kid, "JWT_INVALID_TOKEN"),
        (none_alg, "JWT_INVALID_TOKEN"),
        ("abc.def.ghi", "JWT_DECODE_ERROR"),
    ]:
        response = GraphQLClient(token).post(ME)
        assert response.status_code == 401, token
        assert response.json()["errors"][0]["extensions"]["exception"]["code"] == code


def test_malformed_authorization_header_is_refused(client, db):
    response = client.post(
        "/graphql/", '{"query": "{ me { id } }"}', content_type="application/json", HTTP_AUTHORIZATION="Basic abc"
    )
    assert response.status_code == 401


def test_session_cookie_does_not_authenticate_graphql(client, buyer):
    client.force_login(buyer)
    response = client.post("/graphql/", '{"query": "{ me { id } }"}', content_type="application/json")
    assert response.json()["data"] == {"me": None}


def test_rotated_key_signs_new_tokens_and_old_ones_still_verify(api_client, buyer, settings, tmp_path):
    settings.JWT_KEYS_DIR = tmp_path
    old = api_client.execute(TOKEN_CREATE, {"email": buyer.phone, "password": PASSWORD})["tokenCreate"]["token"]
    old_kid = pyjwt.get_unverified_header(old)["kid"]
    time.sleep(0.01)
    from meidu.core.keys import generate_key

    new_key = generate_key(tmp_path)
    new = api_client.execute(TOKEN_CREATE, {"email": buyer.phone, "password": PASSWORD})["tokenCreate"]["token"]
    assert pyjwt.get_unverified_header(new)["kid"] == new_key.kid != old_kid
    for token in (old, new):
        assert GraphQLClient(token).execute(ME)["me"]["phone"] == buyer.phone
    published = api_client.client.get("/.well-known/jwks.json").json()["keys"]
    # the RSA keys that sign tokens, newest first (the JWKS also carries Ed25519 statement and warehouse seal keys)
    assert [key["kid"] for key in published if key["kty"] == "RSA"] == [new_key.kid, old_kid]
