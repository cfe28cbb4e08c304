"""Under the Content-Security-Policy the pages still work, and nothing they load is refused: the
browser reports every refusal as a securitypolicyviolation event, recorded here on each page."""

import pytest
from django.test import override_settings

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def violations(page):
    return page.evaluate("window.cspViolations")


@pytest.fixture
def watched(page):
    page.add_init_script(RECORD_VIOLATIONS)
    return page


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(GRAPHIQL_ENABLED=True)
def test_graphiql_runs_under_its_own_policy(watched, screenshot):
    page = watched
    page.set_viewport_size({"width": 1280, "height": 800})
    response = page.goto("/graphql/")
    policy = response.headers["content-security-policy"]
    assert "font-src 'self' data:;" in policy and "style-src 'self';" in policy and "unsafe" not in policy
    page.locator(".graphiql-container").wait_for()
    page.locator(".graphiql-execute-button").click()
    page.locator(".graphiql-response").get_by_text('"name": "美都集市"').wait_for()
    assert violations(page) == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("path", ["/", "/login/", "/register/", "/exchange/prices/"])
def test_public_pages_load_nothing_the_policy_refuses(watched, path):
    response = watched.goto(path)
    assert response.status == 200
    assert "script-src 'self';" in response.headers["content-security-policy"]
    watched.wait_for_load_state("networkidle")
    assert violations(watched) == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_injected_inline_script_does_not_run(watched):
    """What the policy is for: markup that slipped into a page cannot run script."""
    watched.goto("/login/")
    watched.evaluate("""() => {
        const holder = document.createElement('div');
        holder.innerHTML = '<img src="/nope.png" onerror="window.pwned = 1">';
        document.body.appendChild(holder);
        const script = document.createElement('script');
        script.textContent = 'window.pwned = 2';
        document.body.appendChild(script);
    }""")
    watched.wait_for_timeout(300)
    assert watched.evaluate("window.pwned") is None
    assert any(v.startswith("script-src") for v in violations(watched))
