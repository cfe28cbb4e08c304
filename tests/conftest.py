"""Fixtures shared by every test: GraphQL clients, users per role, a clean cache."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from meidu.accounts.models import User
from meidu.accounts.roles import Role
from meidu.accounts.services import account_register, token_create, user_roles_set

PASSWORD = "Pear-harvest-2026"


class GraphQLClient:
    """Posts GraphQL documents to /graphql/ as Saleor's test clients do."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def post(self, query: str, variables: dict | None = None, token: str | None = None, operation_name: str | None = None):
        headers = {}
        bearer = token or self.token
        if bearer:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {bearer}"
        body = {"query": query, "variables": variables or {}}
        if operation_name:
            body["operationName"] = operation_name
        return self.client.post("/graphql/", json.dumps(body), content_type="application/json", **headers)

    def execute(self, query: str, variables: dict | None = None, **kwargs) -> dict:
        """The response JSON of a request that must have executed (HTTP 200, no top-level errors)."""
        response = self.post(query, variables, **kwargs)
        content = response.json()
        assert response.status_code == 200, content
        assert "errors" not in content, content["errors"]
        return content["data"]


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    counter = iter(range(100, 10_000))

    def make(*roles: Role, phone: str | None = None, email: str | None = None, password: str = PASSWORD) -> User:
        phone = phone or (None if email else f"139{next(counter):08d}")
        user = account_register(phone=phone, email=email, password=password, roles=())
        user_roles_set(user, [str(role) for role in roles] or [Role.BUYER.value])
        return user

    return make


@pytest.fixture
def buyer(make_user):
    return make_user(Role.BUYER)


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR)


def token_for(user: User, password: str = PASSWORD) -> str:
    return token_create(user.phone or user.email, password)["token"]


@pytest.fixture
def api_client(db):
    return GraphQLClient()


@pytest.fixture
def buyer_api_client(buyer):
    return GraphQLClient(token_for(buyer))


@pytest.fixture
def operator_api_client(operator):
    return GraphQLClient(token_for(operator))
