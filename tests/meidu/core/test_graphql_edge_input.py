"""Strings, decimals and cursors are checked where they enter the API: each bad value is a
GraphQL error with code INVALID and a message in the reader's language, never INTERNAL_ERROR."""

import base64
import json

import pytest
from django.test import override_settings

from logistics.geography.services import geography_load_county
from marketplace.catalog.models import Product
from meidu.accounts.roles import Role
from meidu.core.graphql.ids import to_global_id
from tests.marketplace.factories import catalogue_basics, channels, open_shop
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

NUL = "梨\x00"
ZH_NUL = "文本不能包含 NUL 字符。"
EN_NUL = "The text may not contain a NUL character."


def _refusal(response, language="zh-hans"):
    """(code, message) of the only error of a request refused before anything ran."""
    assert response.status_code == 400, response.content
    content = response.json()
    assert "data" not in content or content["data"] is None
    assert len(content["errors"]) == 1, content
    error = content["errors"][0]
    return error["extensions"]["exception"]["code"], error["message"]


def _post(client, query, variables=None, language="zh-hans"):
    body = json.dumps({"query": query, "variables": variables or {}})
    return client.client.post(
        "/graphql/",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
        **({"HTTP_AUTHORIZATION": f"Bearer {client.token}"} if client.token else {}),
    )


@pytest.mark.parametrize(
    "query",
    [
        "query($s: String) { products(channel: \"retail\", search: $s, first: 5) { edges { node { name } } } }",
        "query($s: String) { product(slug: $s, channel: \"retail\") { name } }",
        "query($s: String) { marketplaceShop(slug: $s) { name } }",
        "query($s: String) { channel(slug: $s) { name } }",
        "query($s: String) { category(slug: $s) { name } }",
        "query($s: String) { commodityGrades(commodity: $s) { code } }",
        "mutation($s: String!) { tokenCreate(email: $s, password: \"x\") { token errors { code } } }",
    ],
    ids=[
        "search_case",
        "product_case",
        "shop_case",
        "channel_case",
        "category_case",
        "grades_case",
        "token_email_case",
    ],
)
def test_nul_in_any_string_argument_is_refused_in_the_readers_language(api_client, query):
    assert _refusal(_post(api_client, query, {"s": NUL})) == ("INVALID", ZH_NUL)
    assert _refusal(_post(api_client, query, {"s": NUL}, "en")) == ("INVALID", EN_NUL)


def test_demo_mode_shows_the_refusal_not_the_database_error(api_client, settings):
    settings.DEBUG = True
    response = _post(api_client, "query($s: String) { product(slug: $s, channel: \"retail\") { name } }", {"s": NUL})
    assert _refusal(response) == ("INVALID", ZH_NUL)
    assert "0x00" not in response.content.decode()


def test_nul_in_a_literal_and_inside_a_fragment_is_refused(api_client):
    query = 'query { ...F } fragment F on Query { category(slug: "a\\u0000b") { name } }'
    assert _refusal(_post(api_client, query)) == ("INVALID", ZH_NUL)


def test_ordinary_strings_pass(api_client):
    data = api_client.execute(
        'query($s: String) { category(slug: $s) { name } channel(slug: "梨 pear") { name } }', {"s": "南果梨"}
    )
    assert data == {"category": None, "channel": None}


def test_strings_longer_than_the_global_limit_are_refused(api_client):
    with override_settings(GRAPHQL_MAX_STRING_LENGTH=50):
        code, message = _refusal(
            _post(api_client, "query($s: String) { category(slug: $s) { name } }", {"s": "梨" * 51}, "en")
        )
    assert (code, message) == ("INVALID", "Enter at most 50 characters (you entered 51).")


@pytest.fixture
def farmer(make_user):
    return make_user(Role.BUYER)


@pytest.fixture
def farmer_shop(farmer):
    channels()
    return open_shop(farmer)


@pytest.fixture
def farmer_client(farmer, farmer_shop):
    return GraphQLClient(token_for(farmer))


class TestProductName:
    CREATE = (
        "mutation($i: ProductCreateInput!) { productCreate(input: $i) {"
        " product { name } errors { field code message } } }"
    )

    @pytest.fixture
    def create(self, farmer_client, farmer_shop):
        basics = catalogue_basics()

        def create(language="zh-hans", **fields):
            data = {
                "shop": to_global_id("MarketplaceShop", farmer_shop.pk),
                "productType": to_global_id("ProductType", basics["produce"].pk),
            }
            return _post(farmer_client, self.CREATE, {"i": {**data, **fields}}, language)

        return create

    def test_a_name_longer_than_its_column_is_refused_and_nothing_is_written(self, create):
        before = Product.objects.count()
        assert _refusal(create(name="梨" * 100_000)) == ("INVALID", "最多输入 200 个字符（您输入了 100000 个）。")
        assert _refusal(create("en", name="p" * 201)) == ("INVALID", "Enter at most 200 characters (you entered 201).")
        assert Product.objects.count() == before

    def test_a_name_that_fits_its_column_is_created(self, create):
        content = create(name="梨" * 200).json()
        assert content["data"]["productCreate"] == {"product": {"name": "梨" * 200}, "errors": []}

    def test_seo_title_is_held_to_its_own_column(self, create):
        length = Product._meta.get_field("seo_title").max_length
        code, message = _refusal(create("en", name="南果梨", seo={"title": "t" * (length + 1)}))
        assert code == "INVALID" and f"at most {length} characters" in message

    @pytest.mark.parametrize(
        "name",
        ["南果梨\u202e", "南果\u2066梨", "南果梨\n", "南果梨\x07"],
        ids=["override_case", "isolate_case", "newline_case", "bell_case"],
    )
    def test_control_and_direction_characters_in_a_name_are_refused(self, create, name):
        assert _refusal(create(name=name)) == ("INVALID", "名称不能包含控制字符或改变文字方向的字符。")
        assert (
            _refusal(create("en", name=name))[1]
            == "A name may not contain control characters or characters that change the text direction."
        )

    def test_a_description_may_have_line_breaks_but_no_bell(self, create):
        assert create(name="南果梨", description="甜\n脆").json()["data"]["productCreate"]["errors"] == []
        assert _refusal(create(name="南果梨二", description="甜\x07")) == ("INVALID", "文本不能包含控制字符。")


class TestCursors:
    QUERY = "query($a: String) { towns(first: 2, after: $a) { edges { node { code } } } }"

    @pytest.fixture(autouse=True)
    def county(self, db):
        geography_load_county()

    @pytest.mark.parametrize(
        "values",
        [
            '["BLP", Infinity]',
            '["BLP", NaN]',
            '["\\u0000", 1]',
            '["BLP", 1e999]',
            '["BLP", 99999999999999999999]',
            '["BLP", "abc"]',
            '[["BLP"], 1]',
            '["BLP", 1, 2]',
        ],
        ids=[
            "infinity_case",
            "nan_case",
            "nul_case",
            "huge_float_case",
            "past_bigint_case",
            "text_for_int_case",
            "nested_case",
            "too_many_case",
        ],
    )
    def test_forged_cursors_are_invalid_not_internal_errors(self, api_client, values):
        cursor = base64.b64encode(values.encode()).decode()
        content = _post(api_client, self.QUERY, {"a": cursor}).json()
        assert content["data"]["towns"] is None
        error = content["errors"][0]
        assert error["extensions"]["exception"] == {"code": "INVALID", "field": "after"}
        assert error["message"] == "分页游标无效：请从第一页重新开始。"
        english = _post(api_client, self.QUERY, {"a": cursor}, "en").json()["errors"][0]["message"]
        assert english == "The page cursor is not valid: start again from the first page."
