"""GraphQL clients and tokens for the tests (the root conftest's fixtures build on them)."""

from __future__ import annotations

import json

from django.test import Client

from meidu.accounts.models import User
from meidu.accounts.services import token_create

PASSWORD = "Pear-harvest-2026"


class GraphQLClient:
    """Posts GraphQL documents to /graphql/ as Saleor's test clients do."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def post(
        self, query: str, variables: dict | None = None, token: str | None = None, operation_name: str | None = None
    ):
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


def token_for(user: User, password: str = PASSWORD) -> str:
    return token_create(user.phone or user.email, password)["token"]
