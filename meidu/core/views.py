from django.http import JsonResponse
from django.views.decorators.http import require_GET

from meidu.core.keys import key_ring

# Other domains publish their public keys here (e.g. supervised warehouses' Ed25519 seals)
# without core importing them: each source is a callable returning a list of JWKs.
_jwks_sources = []


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
