from django.http import JsonResponse
from django.views.decorators.http import require_GET

from meidu.core.keys import key_ring


@require_GET
def jwks(request):
    """Public keys that verify our JWTs and webhook signatures, chosen by ``kid``."""
    response = JsonResponse(key_ring().jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response
