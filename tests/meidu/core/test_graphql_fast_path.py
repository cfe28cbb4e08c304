"""The WSGI layer answers a cached anonymous read without Django, and lets everything else through."""

from __future__ import annotations

import hashlib
import io
import json
from urllib.parse import urlencode

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.utils import translation

from meidu.core.graphql.fast_path import CachedGraphQLReads, request_language
from tests.support.wsgi_layers import django_behind_layers

pytestmark = pytest.mark.django_db

QUERY = 'query Names { products(channel: "rural", first: 5) { edges { node { name } } } }'
SHA = hashlib.sha256(QUERY.encode()).hexdigest()
PERSISTED = {"persistedQuery": {"version": 1, "sha256Hash": SHA}}


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


@pytest.fixture
def app():
    with django_behind_layers() as django:
        yield CachedGraphQLReads(django), django


def call(application, method="GET", params=None, body=None, **headers):
    raw = json.dumps(body).encode() if body is not None else b""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/graphql/",
        "SCRIPT_NAME": "",
        "QUERY_STRING": urlencode({k: json.dumps(v) if isinstance(v, dict) else v for k, v in (params or {}).items()}),
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(raw),
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": "application/json" if body is not None else "",
        "CONTENT_LENGTH": str(len(raw)),
        **headers,
    }
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(response_headers)

    content = b"".join(application(environ, start_response))
    return int(seen["status"][:3]), seen["headers"], content


def test_a_repeated_anonymous_read_is_answered_without_django(app, pears):
    application, django = app
    status, _headers, _content = call(application, params={"extensions": PERSISTED})
    assert status == 200 and django.calls == 1  # PersistedQueryNotFound, from Django
    status, first_headers, first = call(application, "POST", body={"query": QUERY, "extensions": PERSISTED})
    assert status == 200 and django.calls == 2
    assert pears["product"].name in first.decode()
    # The answer Django gave is kept with the headers the middleware gave it: the layer replays it.
    for method in ("GET", "POST"):
        kwargs = {"params": {"extensions": PERSISTED}} if method == "GET" else {"body": {"query": QUERY}}
        status, headers, content = call(application, method, **kwargs)
        assert status == 200 and content == first
        assert headers["ETag"] == first_headers["ETag"]
        assert headers["Cache-Control"].startswith("public, max-age=")
        assert headers["X-Content-Type-Options"] == first_headers["X-Content-Type-Options"]
        assert headers["Content-Type"] == "application/json"
    assert django.calls == 2
    status, _headers, content = call(
        application, params={"extensions": PERSISTED}, HTTP_IF_NONE_MATCH=first_headers["ETag"]
    )
    assert status == 304 and content == b"" and django.calls == 2


def test_a_credential_a_mutation_or_a_mismatch_goes_to_django(app, pears):
    application, django = app
    call(application, "POST", body={"query": QUERY, "extensions": PERSISTED})
    call(application, "POST", body={"query": QUERY})
    calls = django.calls
    status, headers, _content = call(application, "POST", body={"query": QUERY}, HTTP_AUTHORIZATION="Bearer nonsense")
    assert status == 401 and django.calls == calls + 1
    other = "0" * 64
    status, _headers, _content = call(
        application,
        "POST",
        body={"query": QUERY, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": other}}},
    )
    assert status == 400 and django.calls == calls + 2
    status, _headers, _content = call(
        application, params={"query": "mutation { tokenVerify(token: \"x\") { isValid } }"}
    )
    assert status == 405 and django.calls == calls + 3


def test_a_bump_makes_the_layer_ask_django_again(app, pears, django_capture_on_commit_callbacks):
    from marketplace.catalog.services import product_update

    application, django = app
    call(application, "POST", body={"query": QUERY})
    call(application, "POST", body={"query": QUERY})
    _status, _headers, before = call(application, "POST", body={"query": QUERY})
    calls = django.calls
    with django_capture_on_commit_callbacks(execute=True):
        product_update(pears["product"], actor=pears["owner"], name="Nanguo pears, new crop")
    _status, _headers, after = call(application, "POST", body={"query": QUERY})
    assert django.calls == calls + 1
    assert "new crop" in after.decode() and after != before


@pytest.mark.parametrize(
    "cookie",
    ["django_language=en", "x=a b; django_language=en", "a=b; c; django_language=en", 'x="a;django_language=en', ""],
)
def test_the_layer_reads_the_language_as_django_does(cookie):
    """A malformed cookie beside the language cookie: the standard library's parser gave up on the whole
    header, and the layer answered in Accept-Language's language where Django answered in the cookie's."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/graphql/", "HTTP_COOKIE": cookie}
    environ.update(HTTP_ACCEPT_LANGUAGE="zh-hans", SERVER_NAME="testserver", SERVER_PORT="80")
    environ["wsgi.input"] = io.BytesIO(b"")
    expected = translation.get_language_from_request(WSGIRequest(dict(environ)))
    assert request_language(environ) == expected == ("en" if cookie else "zh-hans")
