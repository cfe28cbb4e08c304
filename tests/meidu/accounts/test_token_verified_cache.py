"""A token this process has verified is not verified again on each request (meidu.accounts.jwt._VERIFIED), and
that keeps every refusal: the key leaving the ring, the token's expiry, the wrong token type."""

import time

import jwt as pyjwt
import pytest
from django.test import override_settings

from meidu.core.keys import generate_key
from tests.support.graphql import PASSWORD, GraphQLClient

pytestmark = pytest.mark.django_db

TOKEN_CREATE = """mutation($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { token refreshToken errors { code } } }"""
TOKEN_REFRESH = "mutation($r: String!) { tokenRefresh(refreshToken: $r) { token errors { code } } }"
ME = "{ me { phone } }"


def _refusal(token: str) -> str:
    response = GraphQLClient(token).post(ME)
    assert response.status_code == 401
    return response.json()["errors"][0]["extensions"]["exception"]["code"]


def test_a_verified_token_is_refused_once_its_key_leaves_the_ring(api_client, buyer, settings, tmp_path):
    settings.JWT_KEYS_DIR = tmp_path
    token = api_client.execute(TOKEN_CREATE, {"email": buyer.phone, "password": PASSWORD})["tokenCreate"]["token"]
    for _ in range(2):  # verified, then answered from what was verified
        assert GraphQLClient(token).execute(ME)["me"]["phone"] == buyer.phone
    kid = pyjwt.get_unverified_header(token)["kid"]
    time.sleep(0.01)  # the folder's mtime must change for the ring to reload
    for pem in tmp_path.glob("*.pem"):
        pem.unlink()
    assert generate_key(tmp_path).kid != kid
    assert _refusal(token) == "JWT_INVALID_TOKEN"


def test_a_verified_token_is_refused_once_it_expires(api_client, buyer):
    with override_settings(JWT_ACCESS_TTL_SECONDS=1):
        token = api_client.execute(TOKEN_CREATE, {"email": buyer.phone, "password": PASSWORD})["tokenCreate"]["token"]
    assert GraphQLClient(token).execute(ME)["me"]["phone"] == buyer.phone
    expiry = pyjwt.decode(token, options={"verify_signature": False})["exp"]
    time.sleep(max(0.0, expiry - time.time()) + 0.05)
    assert _refusal(token) == "JWT_SIGNATURE_EXPIRED"


def test_a_verified_access_token_is_no_refresh_token(api_client, buyer):
    token = api_client.execute(TOKEN_CREATE, {"email": buyer.phone, "password": PASSWORD})["tokenCreate"]["token"]
    assert GraphQLClient(token).execute(ME)["me"]["phone"] == buyer.phone
    refused = api_client.execute(TOKEN_REFRESH, {"r": token})["tokenRefresh"]
    assert refused["token"] is None and refused["errors"] == [{"code": "JWT_INVALID_TOKEN"}]
