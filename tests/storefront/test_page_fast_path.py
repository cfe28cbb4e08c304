"""The WSGI layer in front of Django (storefront/shell/page_fast_path.py) answers page-cache hits with the
same status, headers (in order) and bytes as Django's own hit, in Chinese and English, for GET, HEAD and
a 304; sends everyone else to Django; and a write shows on the next read.

Each test drives the real stack of meidu/wsgi.py around Django's own WSGI handler (counting the
requests that reach it) and compares with that handler answering the same environ itself."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.test import Client

from marketplace.catalog.services import product_update, variant_channel_listing_update
from meidu.core.graphql.fast_path import CachedGraphQLReads
from storefront.shell.page_fast_path import CachedPages
from tests.support.wsgi_layers import django_behind_layers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


@pytest.fixture
def stack():
    """(meidu/wsgi.py's stack, the Django handler inside it)."""
    with django_behind_layers() as django:
        yield CachedGraphQLReads(CachedPages(django)), django


def environ_of(path: str, method: str = "GET", lang: str = "zh-hans", **headers) -> dict:
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path.encode().decode("iso-8859-1"),  # as a WSGI server hands it over
        "SCRIPT_NAME": "",
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "HTTP_ACCEPT_LANGUAGE": lang,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        **headers,
    }


def call(application, path: str, **kwargs) -> tuple[str, list, bytes]:
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = status, list(response_headers)

    content = b"".join(application(environ_of(path, **kwargs), start_response))
    return seen["status"], seen["headers"], content


def header(answer, name: str) -> str | None:
    return next((value for key, value in answer[1] if key.lower() == name.lower()), None)


def urls_of(pears) -> list[str]:
    product, shop = pears["product"], pears["shop"]
    return [
        f"/shop/p/{product.slug}/",
        "/shop/",
        f"/shop/c/{product.category.slug}/",
        f"/shop/s/{shop.slug}/",
        "/shop/?sort=price",
        "/farm/",
        "/exchange/prices/",
    ]


def warm(application, django, path: str, **kwargs) -> None:
    """A miss renders the page, then a hit through Django teaches the layer its headers."""
    call(application, path, **kwargs)
    answer = call(application, path, **kwargs)
    assert header(answer, "X-Page-Cache") == "hit", (path, answer[:2])


@pytest.mark.parametrize("lang, words", [("zh-hans", "南果梨"), ("en", "Add to cart")])
def test_a_hit_is_django_s_hit_byte_for_byte_without_django(stack, pears, lang, words, django_assert_max_num_queries):
    application, django = stack
    for path in urls_of(pears):
        warm(application, django, path, lang=lang)
        calls = django.calls
        with django_assert_max_num_queries(0):
            fast = call(application, path, lang=lang)
        assert django.calls == calls, path  # answered in front of Django
        assert fast == call(django.handler, path, lang=lang), path  # status, every header in order, body
        assert header(fast, "Content-Language") == lang and header(fast, "X-Frame-Options") == "DENY"
        assert header(fast, "Content-Security-Policy") and header(fast, "X-Content-Type-Options") == "nosniff"
        assert header(fast, "Cache-Control") == "public, max-age=10, stale-while-revalidate=60"
        assert header(fast, "Content-Length") == str(len(fast[2]))
    product = call(application, urls_of(pears)[0], lang=lang)
    assert words in product[2].decode()


def test_head_and_304_are_django_s_too(stack, pears):
    application, django = stack
    path = urls_of(pears)[0]
    warm(application, django, path)
    calls = django.calls
    head = call(application, path, method="HEAD")
    assert django.calls == calls and head == call(django.handler, path, method="HEAD")
    etag = header(head, "ETag")
    # the first 304 goes through Django, which teaches the layer its headers; the next is answered here
    first = call(application, path, HTTP_IF_NONE_MATCH=etag)
    assert first[0] == "304 Not Modified" and django.calls == calls + 1
    fast = call(application, path, HTTP_IF_NONE_MATCH=etag)
    assert django.calls == calls + 1
    assert fast == first == call(django.handler, path, HTTP_IF_NONE_MATCH=etag)
    assert fast[2] == b"" and header(fast, "ETag") == etag and header(fast, "Content-Type") is None
    other = call(application, path, HTTP_IF_NONE_MATCH='"something-else"')
    assert other[0] == "200 OK" and django.calls == calls + 1


def test_the_language_cookie_wins_as_in_django(stack, pears):
    application, django = stack
    path = urls_of(pears)[0]
    for lang in ("zh-hans", "en"):
        warm(application, django, path, lang=lang)
    calls = django.calls
    for cookie in ("django_language=en", 'x="a b"; django_language=en', "django_language=zh-hans"):
        fast = call(application, path, HTTP_COOKIE=cookie)
        assert fast == call(django.handler, path, HTTP_COOKIE=cookie), cookie
    assert django.calls == calls
    assert "Add to cart" in call(application, path, HTTP_COOKIE="django_language=en")[2].decode()


def test_sessions_messages_forms_and_other_paths_go_to_django(stack, pears, buyer):
    application, django = stack
    path = urls_of(pears)[0]
    warm(application, django, path)
    session = Client()
    session.force_login(buyer)
    for kwargs in (
        {"HTTP_COOKIE": f"sessionid={session.cookies['sessionid'].value}"},
        {"HTTP_COOKIE": "messages=anything"},
        {"method": "POST"},
        {"HTTP_HOST": "evil.example"},
    ):
        calls = django.calls
        answer = call(application, path, **kwargs)
        assert django.calls == calls + 1, kwargs
        assert header(answer, "X-Page-Cache") != "hit", kwargs
    calls = django.calls
    call(application, "/account/")  # not a cached page: never learnt, always Django
    call(application, "/account/")
    assert django.calls == calls + 2


def test_a_user_agent_django_refuses_is_refused_by_django(stack, pears, settings):
    application, django = stack
    path = urls_of(pears)[0]
    warm(application, django, path)
    settings.DISALLOWED_USER_AGENTS = [re.compile("BadBot")]
    calls = django.calls
    assert call(application, path, HTTP_USER_AGENT="BadBot/1.0")[0].startswith("403")
    assert django.calls == calls + 1
    assert header(call(application, path, HTTP_USER_AGENT="Mozilla/5.0"), "X-Page-Cache") == "hit"
    assert django.calls == calls + 1


def test_with_the_layer_off_or_the_cache_off_django_answers(stack, pears, settings):
    application, django = stack
    path = urls_of(pears)[0]
    warm(application, django, path)
    settings.PAGE_FAST_PATH = False
    calls = django.calls
    call(application, path)
    assert django.calls == calls + 1
    settings.PAGE_FAST_PATH = True
    settings.RESPONSE_CACHE_ENABLED = False
    assert header(call(application, path), "X-Page-Cache") == "off" and django.calls == calls + 2


def test_a_price_change_and_a_product_edit_show_on_the_next_read(
    stack, pears, rural, django_capture_on_commit_callbacks
):
    application, django = stack
    product_path, catalogue = urls_of(pears)[:2]
    for path in (product_path, catalogue):
        warm(application, django, path)
        assert "¥12.50" in call(application, path)[2].decode()
    with django_capture_on_commit_callbacks(execute=True):
        variant_channel_listing_update(
            pears["variant"], actor=pears["owner"], prices=[{"channel": rural, "price": Decimal("9.90")}]
        )
    for path in (product_path, catalogue):
        answer = call(application, path)
        assert "¥9.90" in answer[2].decode() and "¥12.50" not in answer[2].decode(), path
        assert header(answer, "X-Page-Cache") == "miss"  # rendered afresh by Django
        calls = django.calls
        again = call(application, path)  # the new rendering, answered in front of Django
        assert django.calls == calls and again[2] == answer[2]
    with django_capture_on_commit_callbacks(execute=True):
        product_update(pears["product"], actor=pears["owner"], name="鞍山南果梨")
    for lang in ("zh-hans",):
        answer = call(application, product_path, lang=lang)
        assert "鞍山南果梨" in answer[2].decode() and header(answer, "X-Page-Cache") == "miss"
    calls = django.calls
    assert "鞍山南果梨" in call(application, catalogue)[2].decode()
    assert django.calls == calls + 1  # the catalogue moved too: Django renders it


HOSTILE = (
    ("/shop/p/%00/", {}),
    ("/shop/p/\x00pear/", {}),
    ("/shop/" + "梨" * 5000 + "/", {}),
    ("/shop/?q=" + "a" * 10000, {}),
    ("/shop/\x07\x1b[2J/", {}),
    ("/shop/", {"HTTP_COOKIE": "django_language=\x00en; " + "x=" + "y" * 10000}),
    ("/shop/", {"HTTP_COOKIE": 'broken="; django_language=en\x7f'}),
    ("/shop/", {"HTTP_ACCEPT_LANGUAGE": "\x00zh;q=NaN, en;q=1e30, " + "xx-" * 3000}),
    ("/shop/", {"HTTP_IF_NONE_MATCH": '"\x00"' + ", W/" * 2000}),
    ("/shop/", {"HTTP_HOST": "testserver\x00.evil"}),
)


@pytest.mark.parametrize("path, headers", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_paths_and_headers_get_django_s_own_answer(stack, pears, path, headers):
    """NUL bytes, control characters, overlong paths, cookies and headers: the layer either answers what
    Django answers or stands aside; it never raises and never serves a page for the wrong place."""
    application, django = stack
    warm(application, django, "/shop/")
    fast = call(application, path, **headers)
    alone = call(django.handler, path, **headers)
    assert fast[0] == alone[0], (path[:40], fast[0], alone[0])
    assert not fast[0].startswith("5"), fast[0]
    if fast[0] == "200 OK":
        assert fast[2] == alone[2]
