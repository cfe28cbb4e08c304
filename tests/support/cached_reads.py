"""Anonymous GraphQL reads through the real endpoint with the response cache on, for the tests that
show every write path invalidates what it changes (the next read sees the change)."""

from __future__ import annotations

import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


class AnonymousReader:
    """Posts documents without a credential, as a storefront's visitor does."""

    def __init__(self):
        self.client = Client()

    def read(self, query: str, variables: dict | None = None) -> tuple[dict, str, int]:
        """(data, ETag, SQL statements run) of one anonymous, cacheable read."""
        with CaptureQueriesContext(connection) as queries:
            response = self.client.post(
                "/graphql/", json.dumps({"query": query, "variables": variables or {}}), content_type="application/json"
            )
        content = response.json()
        assert response.status_code == 200 and "errors" not in content, content
        assert response["Cache-Control"].startswith("public, "), response["Cache-Control"]
        return content["data"], response["ETag"], len(queries)

    def cached(self, query: str, variables: dict | None = None) -> tuple[dict, str]:
        """Read until the answer comes from the cache (no SQL), so a later change can only show
        through an invalidation; returns its data and ETag."""
        data, etag, _ = self.read(query, variables)
        again, again_etag, statements = self.read(query, variables)
        assert statements == 0 and again == data and again_etag == etag, "the second read was not a cache hit"
        return data, etag
