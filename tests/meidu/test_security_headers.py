"""Security headers per page: a strict Content-Security-Policy everywhere (no inline script or style),
Stripe's domains on the card page only, the GraphQL explorer's own policy, HSTS on HTTPS answers
(behind a TLS proxy too), and the production defaults."""

import json
import subprocess
import sys

import pytest
from django.test import Client

from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.payments.models import TransactionItem
from marketplace.payments.services import transaction_initialize
from meidu.accounts.roles import Role
from meidu.runtime.paths import BASE_DIR
from storefront.shop.buying.card_views import card_url
from tests.marketplace.checkout.factories import county_and_zones, store_with_cooker
from tests.marketplace.checkout.helpers import ADDRESS
from tests.marketplace.factories import channels

pytestmark = pytest.mark.django_db

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-src 'none'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def _policy(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split("; ")]
    return {first: rest for first, *rest in directives}


@pytest.mark.parametrize(
    "path", ["/", "/login/", "/register/", "/exchange/prices/", "/.well-known/jwks.json", "/admin/"]
)
def test_every_page_gets_the_strict_policy(client, path):
    response = client.get(path)
    assert response.status_code in (200, 302)
    assert response["Content-Security-Policy"] == STRICT
    assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_api_answers_carry_it_too(client):
    response = client.post("/graphql/", json.dumps({"query": "{ __typename }"}), content_type="application/json")
    assert response.status_code == 200 and response["Content-Security-Policy"] == STRICT


def test_the_graphql_explorer_has_its_own_policy(client, settings):
    settings.GRAPHIQL_ENABLED = True
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")
    policy = _policy(response)
    assert response.status_code == 200 and b'id="graphiql"' in response.content
    assert policy["font-src"] == ["'self'", "data:"]  # its stylesheet embeds its fonts
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert "stripe" not in response["Content-Security-Policy"]


def test_no_page_template_carries_inline_script_or_style():
    """The strict policy would refuse them: they live in static files."""
    offenders = []
    templates = [
        t
        for folder in ("storefront", "meidu", "marketplace", "magnesium_exchange", "logistics", "incubator")
        for t in (BASE_DIR / folder).rglob("*.html")
    ]
    assert len(templates) > 50
    for template in templates:
        text = template.read_text()
        for needle in (
            "<script>",
            "<style",
            " style=\"",
            " onclick=",
            " onchange=",
            " onsubmit=",
            " onload=",
            "javascript:",
        ):
            if needle in text:
                offenders.append(f"{template.relative_to(BASE_DIR)}: {needle}")
    assert offenders == []


def test_media_from_a_bucket_may_be_shown(client, settings):
    settings.CSP_IMG_SRC = ["https://media.meidu.example"]
    assert _policy(client.get("/login/"))["img-src"] == ["'self'", "data:", "https://media.meidu.example"]


def test_only_the_card_page_may_load_stripe(client, make_user, buyer, stripe_api):  # noqa: F811
    county_and_zones()
    rural = channels()[1]
    shop, cooker, store = store_with_cooker(make_user(Role.BUYER), rural)
    checkout = checkout_create(channel=rural, user=buyer, lines=[(cooker, 1)])
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    checkout_delivery_method_update(checkout, collection_point=store, shop=shop)
    transaction_initialize(
        checkout_token=checkout.pk, gateway_id="meidu.payments.stripe", idempotency_key="card-csp", user=buyer
    )
    item = TransactionItem.objects.get(checkout_token=checkout.pk)
    client.force_login(buyer)

    response = client.get(card_url(rural, item))
    assert response.status_code == 200 and b"js.stripe.com/v3/" in response.content
    policy = _policy(response)
    assert policy["script-src"] == ["'self'", "https://js.stripe.com", "https://*.js.stripe.com"]
    assert policy["frame-src"] == ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"]
    assert policy["connect-src"] == ["'self'", "https://api.stripe.com"]
    assert policy["style-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]

    checkout_page = client.get(f"/shop/checkout/?channel={rural.slug}")
    assert "stripe" not in checkout_page["Content-Security-Policy"]


def test_hsts_is_sent_on_https_answers_only(client):
    assert "Strict-Transport-Security" not in client.get("/login/")
    assert client.get("/login/", secure=True)["Strict-Transport-Security"] == "max-age=31536000"


def test_behind_a_tls_proxy_the_forwarded_scheme_counts(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in Client().get("/login/", HTTP_X_FORWARDED_PROTO="http")


def _settings_in(mode: str, **env) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in "
        "['SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'CSP_IMG_SRC']}))"
    )
    environment = {
        "MEIDU_MODE": mode,
        "DJANGO_SETTINGS_MODULE": "meidu.settings.base",
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none",
        "PYTHONPATH": str(BASE_DIR),
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=environment, cwd=BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_production_defaults_and_their_variables():
    assert _settings_in("production") == {
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "CSP_IMG_SRC": [],
    }
    tuned = _settings_in(
        "production",
        TRUST_X_FORWARDED_PROTO="1",
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        AWS_STORAGE_BUCKET_NAME="media",
        AWS_S3_ENDPOINT_URL="https://oss.meidu.example:9000/",
    )
    assert tuned == {
        "SECURE_HSTS_SECONDS": 600,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "CSP_IMG_SRC": ["https://oss.meidu.example:9000"],
    }
    assert _settings_in("demo")["SECURE_HSTS_SECONDS"] == 0  # a demo on a LAN address must not pin HTTPS
