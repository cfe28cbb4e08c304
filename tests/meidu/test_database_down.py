"""With the database down, /graphql/ answers a GraphQL error with a code and HTTP 503, and every page
a short "try again" page in Chinese and English (503), whatever met the database: a query, a
mutation, the token check, a page's view. Nothing crashes into Django's HTML 500 page."""

import pytest
import requests

from tests.meidu.down_database import ServerWithoutDatabase


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = ServerWithoutDatabase(tmp_path_factory.mktemp("down"))
    running.wait_ready()
    yield running
    running.stop()


def _graphql(server, query, language="zh-hans", token=None):
    headers = {"Accept-Language": language}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(server.url + "/graphql/", json={"query": query}, headers=headers, timeout=30)


@pytest.mark.parametrize(
    "query, token",
    [
        ('{ channel(slug: "rural") { name } }', None),
        ('{ products(first: 5, channel: "rural") { edges { node { name } } } }', None),
        (
            'mutation { tokenCreate(email: "13900001111", password: "Pear-harvest-2026") { token errors { code } } }',
            None,
        ),
        ("{ me { email } }", "mda_" + "x" * 43),  # the app-token check itself needs the database
    ],
    ids=["query", "listing", "mutation", "token"],
)
def test_graphql_answers_a_coded_503_in_chinese(server, query, token):
    response = _graphql(server, query, token=token)
    assert response.status_code == 503, server.output()
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["Retry-After"] == "30"
    assert response.json() == {
        "errors": [
            {"message": "服务暂时不可用，请稍后再试。", "extensions": {"exception": {"code": "DATABASE_UNAVAILABLE"}}}
        ]
    }


def test_graphql_answers_in_english_when_asked(server):
    response = _graphql(server, '{ channel(slug: "rural") { name } }', language="en")
    assert response.status_code == 503
    assert (
        response.json()["errors"][0]["message"] == "The service is briefly unavailable: please try again in a moment."
    )


def test_a_request_that_needs_no_database_still_works(server):
    response = _graphql(server, "{ __typename }")
    assert response.status_code == 200 and response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize("path", ["/", "/shop/", "/exchange/prices/", "/shop/cart/"])
def test_every_page_is_a_short_try_again_page(server, path):
    response = requests.get(
        server.url + path, headers={"Accept-Language": "zh-hans"}, timeout=30, allow_redirects=False
    )
    _assert_try_again_page(server, response)


def _assert_try_again_page(server, response):
    assert response.status_code == 503, (response.url, response.status_code, server.output())
    assert response.headers["Retry-After"] == "30" and response.headers["Cache-Control"] == "no-store"
    assert "美都集市暂时无法访问" in response.text and "请过半分钟再刷新本页" in response.text
    assert "Meidu Market is briefly unavailable" in response.text
    assert "Traceback" not in response.text and "OperationalError" not in response.text


def test_a_login_posted_while_the_database_is_down_gets_the_page(server):
    """The login form needs no database to show; logging in does."""
    session = requests.Session()
    form = session.get(server.url + "/login/", timeout=30)
    assert form.status_code == 200
    response = session.post(
        server.url + "/login/",
        timeout=30,
        headers={"Referer": server.url + "/login/"},
        data={
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "identifier": "13900001111",
            "password": "Pear-harvest-2026",
        },
    )
    _assert_try_again_page(server, response)
