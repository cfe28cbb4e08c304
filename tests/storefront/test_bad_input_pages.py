"""Page requests carrying a NUL, control characters or megabytes of text are a 400 page in the
reader's language, never a server error or the database's message (issue 13.4)."""

import pytest
from django.test import override_settings

from marketplace.catalog.models import Product
from tests.marketplace.factories import channels

pytestmark = pytest.mark.django_db

ZH = "文本不能包含 NUL 字符。"
EN = "The text may not contain a NUL character."


@pytest.fixture(autouse=True)
def shop_channels(db):
    channels()


@pytest.mark.parametrize(
    "url",
    [
        "/shop/?q=%E6%A2%A8%00",
        "/shop/p/%E6%A2%A8%00/",
        "/shop/c/%00/",
        "/shop/s/%00/",
        "/shop/?channel=%00",
        "/shop/?q%00=1",
    ],
    ids=["search_case", "product_case", "category_case", "shop_case", "channel_case", "key_case"],
)
def test_nul_in_a_page_address_is_a_400_page_in_the_readers_language(client, url):
    response = client.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert ZH in page and "无法处理此请求" in page
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400 and EN in english.content.decode()


@pytest.mark.parametrize("mode", ["demo", "production"])
def test_the_database_message_is_never_shown(client, settings, mode):
    settings.DEBUG = mode == "demo"
    response = client.get("/shop/p/%00/")
    assert response.status_code == 400
    assert "NUL (0x00)" not in response.content.decode() and "Traceback" not in response.content.decode()


def test_control_characters_in_a_posted_form_are_refused_before_the_view(client, make_user):
    from tests.support.graphql import PASSWORD

    user = make_user()
    before = Product.objects.count()
    response = client.post(
        "/login/", {"identifier": f"{user.phone}\x07", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "The text may not contain control characters." in response.content.decode()
    assert "_auth_user_id" not in client.session and Product.objects.count() == before


def test_an_overlong_search_is_refused(client):
    with override_settings(PAGE_MAX_INPUT_LENGTH=100):
        response = client.get("/shop/", {"q": "梨" * 101})
    assert response.status_code == 400
    assert "最多输入 100 个字符（您输入了 101 个）。" in response.content.decode()


def test_ordinary_searches_and_pages_still_work(client):
    assert client.get("/shop/", {"q": "南果梨\t"}).status_code == 200
    assert client.get("/shop/p/no-such-pear/").status_code == 404
