"""The GraphQL explorer of demo mode loads from the site's own static files and runs a query."""

import pytest
from django.test import override_settings


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(GRAPHIQL_ENABLED=True)
def test_graphiql_runs_the_default_query_without_a_cdn(page, screenshot):
    page.set_viewport_size({"width": 1280, "height": 800})  # a developer tool, used at a desk
    page.goto("/graphql/")
    page.locator(".graphiql-container").wait_for()
    page.locator(".graphiql-execute-button").click()
    response = page.locator(".graphiql-response")
    response.get_by_text('"name": "美都集市"').wait_for()
    screenshot(page, "graphiql")
    assert page.external_requests == []
