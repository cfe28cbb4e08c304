"""The tracking push receiver: the aggregator POSTs `param` (JSON) and `sign` as a form."""

from __future__ import annotations

import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services import tracking_push

logger = logging.getLogger(__name__)

ANSWERS = {
    200: {"result": True, "returnCode": "200", "message": "成功"},
    400: {"result": False, "returnCode": "400", "message": "bad request"},
    404: {"result": False, "returnCode": "404", "message": "unknown waybill"},
}


@csrf_exempt
@require_POST
def tracking_push_receive(request):
    """200 (the aggregator stops retrying) for a push applied, kept in the history or seen before; 400 for
    a bad signature or body, 404 for a waybill we never subscribed (both logged for operators)."""
    outcome = tracking_push(request.POST.get("param", ""), request.POST.get("sign", ""))
    if outcome.http_status != 200:
        logger.warning("Refused a tracking push: %s", outcome.outcome)
    return JsonResponse({**ANSWERS[outcome.http_status], "outcome": outcome.outcome}, status=outcome.http_status)
