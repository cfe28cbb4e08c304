"""The public pages' cache (storefront/shell/page_cache.py): one rendering per address, language and
domain versions for every anonymous visitor, with ETag/304 and headers a CDN can honour; never a
visitor's CSRF token or a signed-in page in the shared copy; forms of a cached page still post."""

import re

import pytest
from django.test import Client

from tests.support.buying import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """One test process: its in-process cache holds versions every request of the test sees."""
    settings.RESPONSE_CACHE_ENABLED = True


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def product_url(pears):
    return f"/shop/p/{pears['product'].slug}/"


def anonymous(**headers):
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans", **headers)


def test_anonymous_visitors_share_one_rendering_with_public_headers(pears, django_assert_max_num_queries):
    url = product_url(pears)
    first = anonymous().get(url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with django_assert_max_num_queries(0):  # a hit reads no SQL at all
        second = anonymous().get(url)
    assert second["X-Page-Cache"] == "hit" and second.content == first.content
    for response in (first, second):
        assert response["Cache-Control"] == "public, max-age=10, stale-while-revalidate=60"
        assert {"Cookie", "Accept-Language"} <= {v.strip() for v in response["Vary"].split(",")}
        assert response["ETag"] == first["ETag"] and response["Content-Language"] == "zh-hans"
        assert not response.cookies  # no CSRF or session cookie handed to everyone
        assert "Content-Security-Policy" in response
    html = first.content.decode()
    assert "南果梨" in html and "加入购物车" in html
    assert not TOKEN.search(html)  # no visitor's token in the shared copy: the forms' token inputs are empty
    assert 'name="csrfmiddlewaretoken" value=""' in html.split('class="add-to-cart"')[1]
    assert 'src="/static/storefront/js/csrf-token.js" data-csrf-url="/csrf/"' in html


def test_if_none_match_answers_304_and_a_changed_page_a_new_etag(pears, django_capture_on_commit_callbacks):
    url = product_url(pears)
    etag = anonymous().get(url)["ETag"]
    not_modified = anonymous(HTTP_IF_NONE_MATCH=etag).get(url)
    assert not_modified.status_code == 304 and not_modified.content == b"" and not_modified["ETag"] == etag
    assert not_modified["Cache-Control"].startswith("public")
    assert anonymous(HTTP_IF_NONE_MATCH='"something-else"').get(url).status_code == 200
    # the first request of a new rendering (a miss) answers 304 too when the visitor holds its ETag
    from marketplace.catalog.services import product_update

    with django_capture_on_commit_callbacks(execute=True):  # the version moves on commit
        product_update(pears["product"], actor=pears["owner"], description="今年新果")
    changed = anonymous(HTTP_IF_NONE_MATCH=etag).get(url)
    assert changed.status_code == 200 and changed["ETag"] != etag and "今年新果" in changed.content.decode()
    again = anonymous(HTTP_IF_NONE_MATCH=changed["ETag"]).get(url)
    assert again.status_code == 304 and again["X-Page-Cache"] == "hit"


def test_languages_are_cached_apart(pears):
    url = product_url(pears)
    zh = anonymous().get(url)
    en = Client(HTTP_ACCEPT_LANGUAGE="en").get(url)
    assert en["X-Page-Cache"] == "miss" and "Add to cart" in en.content.decode()
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get(url).content == en.content
    assert anonymous().get(url).content == zh.content and "加入购物车" in zh.content.decode()
    chosen = anonymous()
    chosen.cookies["django_language"] = "en"  # the language switch's cookie wins over Accept-Language
    assert chosen.get(url).content == en.content


def test_a_signed_in_visitor_gets_a_private_page_that_is_never_shared(pears, buyer):
    url = product_url(pears)
    web = login(buyer)
    mine = web.get(url)
    assert mine.status_code == 200 and mine["X-Page-Cache"] == "bypass"
    assert mine["Cache-Control"] == "private, no-store" and "ETag" not in mine
    assert "Cookie" in mine["Vary"]
    assert TOKEN.search(mine.content.decode())  # their own token in their own page
    assert "csrf-token.js" not in mine.content.decode()  # and no script to fetch one
    shared = anonymous().get(url)
    assert shared["X-Page-Cache"] == "miss"  # the signed-in rendering was not stored
    assert "退出登录" not in shared.content.decode() and not TOKEN.search(shared.content.decode())
    assert web.get(url)["X-Page-Cache"] == "bypass"  # nor is the shared one served to them


def test_a_pending_message_or_a_session_bypasses_the_cache(pears):
    url = product_url(pears)
    anonymous().get(url)
    flashed = anonymous()
    flashed.cookies["messages"] = "anything"
    assert flashed.get(url)["X-Page-Cache"] == "bypass"
    with_session = anonymous()
    with_session.cookies["sessionid"] = "not-a-session"
    response = with_session.get(url)
    assert response["X-Page-Cache"] == "bypass" and response["Cache-Control"] == "private, no-store"


def test_an_anonymous_visitor_posts_the_add_to_cart_form_of_a_cached_page(pears):
    """Django's CSRF check enforced, as a browser meets it: the form of the shared page has no token,
    the visitor's script fetches theirs from /csrf/ (setting their cookie) and posts with it."""
    url = product_url(pears)
    anonymous().get(url)
    visitor = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = visitor.get(url)
    assert page["X-Page-Cache"] == "hit"
    form = {"variant": pears["variant"].pk, "quantity": 2}
    assert visitor.post("/shop/cart/add/?channel=rural", form).status_code == 403  # the check is on
    answer = visitor.get("/csrf/")
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"] and "private" in answer["Cache-Control"]
    assert "csrftoken" in answer.cookies
    posted = visitor.post("/shop/cart/add/?channel=rural", {**form, "csrfmiddlewaretoken": answer.json()["token"]})
    assert posted.status_code == 302 and posted.url.startswith("/login/?next=")  # buying starts by signing in
    assert visitor.get(url)["X-Page-Cache"] == "hit"  # their CSRF cookie does not personalise the page


def test_a_signed_in_buyer_adds_to_cart_with_the_token_of_their_own_page(pears, buyer):
    url = product_url(pears)
    anonymous().get(url)
    web = Client(enforce_csrf_checks=True)
    web.force_login(buyer)
    token = TOKEN.search(web.get(url).content.decode()).group(1)
    posted = web.post(
        "/shop/cart/add/?channel=rural", {"variant": pears["variant"].pk, "quantity": 2, "csrfmiddlewaretoken": token}
    )
    assert posted.status_code == 302
    from tests.support.buying import cart_of

    assert cart_of(buyer).lines.get().quantity == 2


def test_the_other_public_pages_are_cached_too(pears):
    shop, product = pears["shop"], pears["product"]
    for url in ("/shop/", f"/shop/c/{product.category.slug}/", f"/shop/s/{shop.slug}/", "/farm/", "/exchange/prices/"):
        first = anonymous().get(url)
        assert first.status_code == 200 and first["X-Page-Cache"] == "miss", url
        assert anonymous().get(url)["X-Page-Cache"] == "hit", url
        assert not TOKEN.search(first.content.decode()), url


def test_query_strings_are_pages_of_their_own(pears):
    anonymous().get("/shop/")
    assert anonymous().get("/shop/?sort=price")["X-Page-Cache"] == "miss"
    assert anonymous().get("/shop/?sort=price")["X-Page-Cache"] == "hit"


def test_a_distributors_picks_are_never_shared(pick):
    """A distributor's shop and a product opened through it show resale prices no version covers."""
    shop = pick.distributor_shop
    for url in (f"/shop/s/{shop.slug}/", f"/shop/p/{pick.offer.variant.product.slug}/?via={shop.slug}"):
        first = anonymous().get(url)
        assert first.status_code == 200 and first["X-Page-Cache"] == "bypass", url
        assert first["Cache-Control"] == "private, no-store", url
        assert anonymous().get(url)["X-Page-Cache"] == "bypass", url


def test_errors_are_not_stored(pears):
    for _ in range(2):
        response = anonymous().get("/shop/p/no-such-pear/")
        assert response.status_code == 404 and response["X-Page-Cache"] == "bypass"
        assert response["Cache-Control"] == "private, no-store" and "页面不存在" in response.content.decode()


def test_without_shared_versions_the_pages_are_private(pears, settings):
    settings.RESPONSE_CACHE_ENABLED = False
    response = anonymous().get(product_url(pears))
    assert response["X-Page-Cache"] == "off" and response["Cache-Control"] == "private, no-store"
    assert TOKEN.search(response.content.decode())  # rendered for this visitor: their token is in it


def test_a_page_that_queues_a_message_is_not_shared(pears, settings):
    """Elasticsearch down: the market still shows, with a message for this visitor; that rendering
    is theirs only, so the next visitor does not read "search is unavailable" from the cache."""
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.SEARCH_ELASTICSEARCH_TIMEOUT = 0.5
    settings.SEARCH_FALLBACK_TO_POSTGRES = False
    for _ in range(2):
        response = anonymous().get("/shop/?q=梨")
        assert response.status_code == 200 and response["X-Page-Cache"] == "bypass"
        assert response["Cache-Control"] == "private, no-store" and "message--error" in response.content.decode()
