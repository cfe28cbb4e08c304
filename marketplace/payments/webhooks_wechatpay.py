"""WeChat Pay's payment and refund notifications: verify, decrypt, hand over to a service.

WeChat Pay retries a notification until it gets a 2xx; a refusal answers 4xx with
``{"code": "FAIL", "message": ...}`` (and our code in ``meiduCode``) and is logged for the
operators: a bad or missing signature or an unknown certificate (401), a timestamp outside the
window, i.e. a stale replay (401), a resource that does not decrypt (400), an unknown
transaction (404), an amount that differs from the order (409), a refund above what is paid
(409, applied on a later retry once the payment is in). A repeat of an applied notification is
acknowledged (200) and changes nothing.
"""

from __future__ import annotations

import json
import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.payments.gateways.wechatpay.config import wechatpay_config
from marketplace.payments.gateways.wechatpay.signing import SignatureError, decrypt_resource, verify_platform_signature
from marketplace.payments.services import wechatpay_notification_handle
from meidu.core.errors import DomainError

logger = logging.getLogger("meidu.payments.wechatpay")

MAX_BODY = 64 * 1024
STATUS_OF = {"not_found": 404, "amount_mismatch": 409, "amount_exceeds_charged": 409}


def _fail(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": "FAIL", "message": message, "meiduCode": code}, status=status)


@csrf_exempt
@require_POST
def wechatpay_notify(request):
    config = wechatpay_config()
    if config is None:
        return _fail(404, "not_configured", "WeChat Pay is not configured")
    body = request.body
    if len(body) > MAX_BODY:
        return _fail(400, "invalid", "body too large")
    try:
        verify_platform_signature(config.certificates, request.headers, body, max_skew_seconds=config.max_skew_seconds)
    except SignatureError as exc:
        logger.warning("Refused a WeChat Pay notification: %s", exc)
        return _fail(401, "signature_invalid", str(exc))
    try:
        notification = json.loads(body)
        if not isinstance(notification, dict):
            raise ValueError("not an object")
        resource = decrypt_resource(config.apiv3_key, notification.get("resource"))
    except (ValueError, SignatureError) as exc:
        logger.warning("Refused a WeChat Pay notification that does not decrypt: %s", exc)
        return _fail(400, "invalid", "resource does not decrypt")
    notification_id = str(notification.get("id") or "")
    event_type = str(notification.get("event_type") or "")
    try:
        applied = wechatpay_notification_handle(
            notification_id=notification_id, event_type=event_type, resource=resource, mchid=config.mchid
        )
    except DomainError as exc:
        code = exc.code.value if hasattr(exc.code, "value") else str(exc.code)
        logger.warning(
            "Refused WeChat Pay notification %s (%s, order %s): %s %s",
            notification_id[:128],
            event_type[:64],
            str(resource.get("out_trade_no"))[:64],
            code,
            exc.message,
        )
        return _fail(STATUS_OF.get(code, 400), code, str(exc.message))
    if not applied:
        logger.info("WeChat Pay notification %s repeated: already applied", notification_id[:128])
    return JsonResponse({"code": "SUCCESS", "message": "OK" if applied else "already processed"})
