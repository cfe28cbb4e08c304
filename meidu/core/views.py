import sys
from collections.abc import Callable

from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.http import require_GET

from meidu.core.keys import key_ring
from meidu.core.unavailable import database_unavailable, unavailable_graphql_response, unavailable_page_response

# Other domains publish their public keys here (e.g. supervised warehouses' Ed25519 seals)
# without core importing them: each source is a callable returning a list of JWKs.
_jwks_sources: list[Callable[[], list[dict]]] = []


def jwks_source_register(source) -> None:
    """Add ``source`` (a callable returning public JWK dicts) to /.well-known/jwks.json; idempotent."""
    if source not in _jwks_sources:
        _jwks_sources.append(source)


@require_GET
def jwks(request):
    """Public keys that verify our JWTs and webhook signatures, chosen by ``kid``."""
    document = key_ring().jwks()
    for source in _jwks_sources:
        document["keys"].extend(source())
    response = JsonResponse(document)
    response["Cache-Control"] = "public, max-age=300"
    return response


def server_error(request):
    """handler500: a database that cannot be reached is a 503 to retry (GraphQL JSON under
    /graphql/, a short page elsewhere), whichever view or middleware met it; other errors get
    Django's page."""
    exc = sys.exc_info()[1]
    if exc is not None and database_unavailable(exc):
        if request.path.startswith("/graphql"):
            return unavailable_graphql_response(exc)
        return unavailable_page_response(exc)
    return defaults.server_error(request)
