"""Content-Security-Policy: every response says where its page may load code, styles and frames from.

The site's pages use no inline script, inline style or event-handler attribute (they live in
storefront/static), so the default policy allows the site's own files and nothing else: an injected
``<script>`` or ``onerror=`` does not run. Two pages need more, and only they get it:

* ``stripe``: the card page loads Stripe.js, which frames its card form and talks to its API;
* ``graphiql``: the GraphQL explorer (demo mode), whose stylesheet embeds its fonts as data: URLs.

A view opts into a policy with ``@csp_policy("stripe")``, or a response with
``response.csp_policy = "graphiql"``. Images may also come from the media bucket (CSP_IMG_SRC).
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

HEADER = "Content-Security-Policy"
SELF, NONE = "'self'", "'none'"

DEFAULT = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "frame-src": [NONE],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
# Stripe's documented sources for Stripe.js and the Payment Element (3-D Secure frames included).
STRIPE_JS = ["https://js.stripe.com", "https://*.js.stripe.com"]
ADDITIONS = {
    "default": {},
    "stripe": {
        "script-src": STRIPE_JS,
        "frame-src": [*STRIPE_JS, "https://hooks.stripe.com"],
        "connect-src": ["https://api.stripe.com"],
        "img-src": ["https://*.stripe.com"],
    },
    "graphiql": {
        "font-src": ["data:"],  # graphiql.min.css embeds its fonts; its editor styles itself through the DOM, allowed
    },
}


def _merged(name: str) -> dict[str, list[str]]:
    directives = {key: list(values) for key, values in DEFAULT.items()}
    directives["img-src"] += list(settings.CSP_IMG_SRC)
    for key, values in ADDITIONS[name].items():
        directives[key] = [v for v in directives[key] if v != NONE] + [v for v in values if v not in directives[key]]
    return directives


@lru_cache(maxsize=16)
def _header(name: str, img_src: tuple[str, ...]) -> str:
    return "; ".join(f"{key} {' '.join(values)}" for key, values in _merged(name).items())


def policy_header(name: str = "default") -> str:
    if name not in ADDITIONS:
        raise ValueError(f"Unknown CSP policy {name!r}")
    return _header(name, tuple(settings.CSP_IMG_SRC))


def csp_policy(name: str):
    """Serve a view's pages under the named policy (see ADDITIONS)."""
    policy_header(name)  # an unknown name fails at import, not on a request

    def decorate(view):
        view.csp_policy = name
        return view

    return decorate


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response:
            name = getattr(response, "csp_policy", None) or getattr(request, "csp_policy", "default")
            response[HEADER] = policy_header(str(name))
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.csp_policy = getattr(view_func, "csp_policy", "default")
