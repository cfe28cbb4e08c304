"""Subscribe express waybills for tracking and apply the carriers' signed pushes to shipments.

A push is verified (MD5 of the raw `param` and our salt, compared in constant time), recorded raw,
matched to its subscription, and applied once: a repeated push (same waybill, time and state) changes
nothing; a push reporting a step behind the shipment's status (scans arrive out of order) goes into the
history without moving the shipment back; "abort" (no update for days) marks the subscription for
operators. Lock order: the shipment row (shipments.services), then the subscription row."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from logistics.shipments.models import Shipment, ShipmentEvent, ShipmentStatus
from logistics.shipments.services import shipment_act, shipment_scan
from logistics.shipments.state import ACTION_TO, PROGRESS, allowed
from meidu.core.errors import DomainError
from meidu.core.sql.bulk import bulk_insert
from meidu.core.sql.compiled import CompiledQuery

from .client import CARRIER_OF_COMPANY, TrackingClient, TrackingUnavailable
from .error_codes import CarrierErrorCode
from .formats import CARRIERS, normalise, tracking_number_valid
from .models import PushRecord, SubscriptionState, TrackingSubscription

# lastResult.state of the protocol -> our status (None: a step that does not move the shipment)
STATE_TO_STATUS = {
    "0": ShipmentStatus.ON_RUN,  # in transit
    "1": ShipmentStatus.PICKED_UP,  # collected by the courier
    "2": ShipmentStatus.FAILED_ATTEMPT,  # a problem (疑难)
    "3": ShipmentStatus.DELIVERED,  # signed for
    "4": ShipmentStatus.RETURNED,  # returned and signed by the sender
    "5": ShipmentStatus.OUT_FOR_DELIVERY,  # out for delivery (派件)
    "6": None,  # on its way back
    "7": ShipmentStatus.ON_RUN,  # handed to another carrier
    "14": ShipmentStatus.FAILED_ATTEMPT,  # refused by the recipient
    "501": ShipmentStatus.AT_STATION,  # left at a locker or station (驿站)
}
MAX_BODY = 64_000


@dataclass(frozen=True)
class PushOutcome:
    http_status: int
    outcome: str  # applied, history, duplicate, finished, aborted, bad_signature, malformed, unknown_number


def tracking_subscribe(shipment: Shipment, carrier: str, number: str, *, client: TrackingClient | None = None):
    """Record the waybill on the shipment and subscribe it with the aggregator (outside the transaction;
    a subscription the aggregator did not take stays PENDING with the reason, to be retried)."""
    if carrier not in CARRIERS:
        raise DomainError(_("Unknown carrier"), CarrierErrorCode.UNKNOWN_CARRIER, field="carrier")
    number = normalise(number)
    if not tracking_number_valid(carrier, number):
        raise DomainError(
            _("This is not a %(carrier)s waybill number") % {"carrier": CARRIERS[carrier][0]},
            CarrierErrorCode.INVALID_TRACKING_NUMBER,
            field="trackingNumber",
        )
    try:
        with transaction.atomic():
            subscription = TrackingSubscription.objects.create(
                shipment=shipment, carrier=carrier, tracking_number=number
            )
            Shipment.objects.filter(pk=shipment.pk).update(carrier_code=carrier, tracking_number=number)
    except IntegrityError:
        raise DomainError(
            _("This waybill is already tracked"), CarrierErrorCode.ALREADY_SUBSCRIBED, field="trackingNumber"
        ) from None
    client = client or _client()
    if client is None:
        return subscription
    callback = settings.PUBLIC_URL.rstrip("/") + reverse("carriers:push")
    try:
        client.subscribe(carrier, number, callback, settings.LOGISTICS_TRACKING_SALT, phone=shipment.recipient_phone)
    except TrackingUnavailable as exc:
        subscription.message = str(exc)[:255]
        subscription.save(update_fields=["message"])
        return subscription
    subscription.state = SubscriptionState.POLLING
    subscription.subscribed_at = timezone.now()
    subscription.save(update_fields=["state", "subscribed_at"])
    return subscription


def _client() -> TrackingClient | None:
    if not settings.LOGISTICS_TRACKING_URL:
        return None
    return TrackingClient(settings.LOGISTICS_TRACKING_URL, settings.LOGISTICS_TRACKING_KEY)


def push_signature(param: str, salt: str) -> str:
    return hashlib.md5((param + salt).encode()).hexdigest().upper()


def _record(outcome: str, body: str, carrier: str = "", number: str = "") -> None:
    # bulk_insert: the INSERT's SQL is built once per process (every push writes one record)
    bulk_insert([PushRecord(outcome=outcome, body=body[:MAX_BODY], carrier=carrier[:8], tracking_number=number[:40])])


# Every push runs these; compiled once per process (meidu.core.sql.compiled) instead of per push.
_subscription_of = CompiledQuery(
    lambda carrier, tracking_number: (
        TrackingSubscription.objects.select_related("shipment")
        .filter(carrier=carrier, tracking_number=tracking_number)
        .order_by("pk")[:1]
    ),
    carrier=str,
    tracking_number=str,
)
_event_of = CompiledQuery(
    lambda shipment_id, external_id: (
        ShipmentEvent.objects.filter(shipment_id=shipment_id, external_id=external_id).only("pk").order_by()[:1]
    ),
    shipment_id=int,
    external_id=str,
)


def tracking_push(param: str, sign: str) -> PushOutcome:
    """Apply one push. Nothing changes on a bad signature, a malformed body or an unknown waybill."""
    salt = settings.LOGISTICS_TRACKING_SALT
    if not salt or not hmac.compare_digest(push_signature(param, salt), (sign or "").upper()):
        _record("bad_signature", param)
        return PushOutcome(400, "bad_signature")
    try:
        body = json.loads(param)
        last = body["lastResult"]
        carrier = CARRIER_OF_COMPANY[last["com"]]
        number = normalise(last["nu"])
        state = str(last.get("state", ""))
        scans = last.get("data") or []
        newest = scans[0] if scans else {}
        happened = _when(newest.get("ftime") or newest.get("time"))
    except (ValueError, KeyError, TypeError, AttributeError):
        _record("malformed", param)
        return PushOutcome(400, "malformed")
    with transaction.atomic():
        found = _subscription_of(carrier=carrier, tracking_number=number)
        subscription = found[0] if found else None
        if subscription is None:
            _record("unknown_number", param, carrier, number)
            return PushOutcome(404, "unknown_number")
        outcome = _apply(subscription, body, state, newest, happened)
        _record(outcome, param, carrier, number)
    return PushOutcome(200, outcome)


def _when(text) -> datetime:
    moment = datetime.strptime(str(text), "%Y-%m-%d %H:%M:%S")
    return timezone.make_aware(moment)


def _apply(subscription: TrackingSubscription, body: dict, state: str, newest: dict, happened: datetime) -> str:
    status = body.get("status")
    subscription.last_push_at = timezone.now()
    if status == "abort":
        subscription.state = SubscriptionState.ABORTED
        subscription.message = str(body.get("message", ""))[:255]
        subscription.save(update_fields=["state", "message", "last_push_at"])
        return "aborted"
    if status == "shutdown":
        subscription.state = SubscriptionState.FINISHED
    subscription.save(update_fields=["state", "last_push_at"])
    reported = STATE_TO_STATUS.get(state)
    external = hashlib.sha1(f"{subscription.tracking_number}|{happened.isoformat()}|{state}".encode()).hexdigest()
    shipment = subscription.shipment
    if _event_of(shipment_id=shipment.pk, external_id=external):
        return "duplicate"
    location = str(newest.get("areaName") or "")[:128]
    note = str(newest.get("context") or "")[:255]
    # Read with the subscription in this transaction (no second SELECT of the status): the shipment's
    # services compare it again under the shipment's row lock before they move it.
    current = shipment.status
    action = ACTION_TO.get(reported) if reported else None
    ahead = reported is not None and PROGRESS[reported] > PROGRESS[current]
    if action and (ahead or reported == ShipmentStatus.FAILED_ATTEMPT) and allowed(action, current):
        shipment_act(
            shipment,
            action,
            reason=note if action == "fail" else "",
            location=location,
            happened_at=happened,
            source="carrier",
            external_id=external,
        )
        return "applied"
    shipment_scan(
        shipment,
        reported_status=reported or current,
        location=location,
        note=note,
        happened_at=happened,
        external_id=external,
    )
    return "history"
