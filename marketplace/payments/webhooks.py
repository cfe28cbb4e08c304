"""Inbound provider calls: verify the signature over what was sent, ignore replays, hand over to a service."""

from __future__ import annotations

import json
import logging

import stripe
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.payments.gateways.alipay.client import AlipayClient, AlipayConfig
from marketplace.payments.services import alipay_notification_apply, stripe_webhook_event_handle
from meidu.core.errors import DomainError

logger = logging.getLogger(__name__)
alipay_logger = logging.getLogger("meidu.payments.alipay")
ALIPAY_MAX_FIELD = 2048  # Alipay's fields are short; a longer one is not Alipay's


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


def _fail(status: int = 200) -> HttpResponse:
    """Alipay reads anything but "success" as "not taken" and retries later (for about 25 hours)."""
    return HttpResponse("fail", status=status, content_type="text/plain")


@csrf_exempt
@require_POST
def alipay_notify(request):
    """Alipay's asynchronous notification (form-encoded POST): "success" once applied or already known.

    A forged or unsigned one gets 400 "fail"; a verified one the service refuses (unknown trade,
    amount not ours) gets "fail" too, so Alipay keeps it for the operators to see in its console
    while our log says why. Nothing is written for either.
    """
    config = AlipayConfig.from_settings()
    if not config.configured:
        return HttpResponseNotFound("Alipay is not configured")
    params = {key: request.POST.get(key, "") for key in request.POST}
    if any(len(value) > ALIPAY_MAX_FIELD or "\x00" in value for value in params.values()):
        alipay_logger.warning("Refused an Alipay notification: an over-long field or a NUL byte")
        return _fail(400)
    if not AlipayClient(config).notification_verified(params):
        alipay_logger.warning(
            "Refused an Alipay notification with a bad signature (notify_id %r, out_trade_no %r)",
            params.get("notify_id", "")[:64],
            params.get("out_trade_no", "")[:64],
        )
        return _fail(400)
    try:
        alipay_notification_apply(params)
    except DomainError:
        return _fail()  # logged by the service
    return HttpResponse("success", content_type="text/plain")
