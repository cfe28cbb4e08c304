"""Stripe's webhook: verify the signature over the raw body, ignore replays, hand over to a service."""

from __future__ import annotations

import json
import logging

import stripe
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.payments.services import stripe_webhook_event_handle

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """400 on a missing, forged or stale (over 5 minutes) signature; 200 for a handled or replayed event."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        return HttpResponseNotFound("Stripe webhooks are not configured")
    try:
        event = stripe.Webhook.construct_event(request.body, request.headers.get("Stripe-Signature", ""), secret)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        logger.warning("Refused a Stripe webhook: %s", exc)
        return HttpResponseBadRequest("Invalid signature")
    body = json.loads(request.body)  # verified above; plain dicts rather than the SDK's objects
    applied = stripe_webhook_event_handle(event_id=event.id, event_type=event.type, obj=body["data"]["object"])
    return HttpResponse("ok" if applied else "already processed")
