"""Complaint use cases, hotline style: register and route to the shop with a deadline
(complaint_create), the shop responds (complaint_respond), a missed deadline escalates to the
platform's operators (complaint_escalate, run by the beat task), the shop or an operator
resolves with a refund, a replacement or a reasoned rejection (complaint_resolve), and the
buyer rates the handling (complaint_rate). Every step writes a ComplaintEvent.

Lock order: the Complaint row (SELECT ... FOR UPDATE) first; a refund then locks the Order row
and the payment rows through marketplace.orders.services.lifecycle.order_refund. Creation
locks nothing: the partial unique constraint ``complaint_one_open_per_order`` settles races.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.complaints import state
from marketplace.complaints.error_codes import ComplaintErrorCode as Code
from marketplace.complaints.models import (
    OPEN_STATUSES,
    Complaint,
    ComplaintActor,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintEventType,
    ComplaintPhoto,
    ComplaintResolution,
)
from marketplace.media.processing import process_image
from marketplace.orders.models import Order
from marketplace.orders.services.lifecycle import order_refund
from marketplace.orders.services.money import order_refundable_amount
from marketplace.shops.services import shop_notice_send
from meidu.accounts.throttle import allowance_take
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.core.money import is_quantized, to_decimal

DESCRIPTION_MAX = 2000
NOTE_MAX = 2000
COMMENT_MAX = 500
PHOTOS_MAX = 4


def response_hours() -> int:
    return int(getattr(settings, "COMPLAINT_RESPONSE_HOURS", 48))


def resolution_hours() -> int:
    return int(getattr(settings, "COMPLAINT_RESOLUTION_HOURS", 72))


def _user(actor):
    """The acting user for the timeline (an App acting is recorded by its kind and the audit row)."""
    return actor if isinstance(actor, get_user_model()) and actor.is_authenticated else None


def _event(
    complaint: Complaint, event_type: ComplaintEventType, actor_kind: ComplaintActor, actor=None, **data
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint, type=event_type, actor_kind=actor_kind, user=_user(actor), data=data
    )


def _text(value: str, field: str, limit: int, *, required: bool, label: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, Code.REQUIRED, field=field)
    if len(value) > limit:
        raise DomainError(
            _("%(label)s is at most %(max)s characters.") % {"label": label, "max": limit}, Code.INVALID, field=field
        )
    return value


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update(of=("self",)).select_related("order", "shop").get(pk=complaint.pk)


def _transition(complaint: Complaint, action: str) -> None:
    if not state.allowed(action, complaint.status):
        raise DomainError(
            _("This complaint is %(status)s; that step is not possible now.")
            % {"status": complaint.get_status_display()},
            state.refusal_code(action, complaint.status),
            field="id",
        )
    complaint.status = state.target(action)


def _photos(order: Order, photos) -> list:
    """Process the buyer's photos before anything is written: one refused photo refuses the complaint."""
    photos = list(photos or [])
    if len(photos) > PHOTOS_MAX:
        raise DomainError(_("Attach at most %(max)d photos.") % {"max": PHOTOS_MAX}, Code.INVALID, field="photos")
    processed = []
    for number, photo in enumerate(photos, start=1):
        try:
            processed.append(process_image(photo, basename=f"o{order.pk}", folder="complaints"))
        except DomainError as exc:
            raise DomainError(
                _("Photo %(number)d: %(reason)s") % {"number": number, "reason": exc.message},
                Code.INVALID,
                field="photos",
            ) from None
    return processed


def complaint_create(order: Order, *, buyer, category: str, description: str, photos=(), now=None) -> Complaint:
    """Register the buyer's complaint about their order, with up to PHOTOS_MAX photos, and route it
    to the order's shop with a response deadline (COMPLAINT_RESPONSE_HOURS); the shop gets a notice."""
    now = now or timezone.now()
    if not getattr(buyer, "is_authenticated", False) or order.user_id != buyer.pk:
        raise DomainError(_("Order not found."), Code.NOT_FOUND, field="order")  # another buyer's order looks missing
    if category not in ComplaintCategory.values:
        raise DomainError(_("Choose what the complaint is about."), Code.INVALID, field="category")
    description = _text(description, "description", DESCRIPTION_MAX, required=True, label=_("Description"))
    if order.after_sales_until is not None and now > order.after_sales_until:
        raise DomainError(_("The after-sales period of this order has ended."), Code.AFTER_SALES_CLOSED, field="order")
    duplicate = DomainError(_("This order already has a complaint being handled."), Code.ALREADY_OPEN, field="order")
    if Complaint.objects.filter(order=order, status__in=OPEN_STATUSES).exists():
        raise duplicate
    if not allowance_take("complaint", buyer.pk, settings.COMPLAINTS_PER_USER_PER_DAY, 24 * 3600):
        # issue 13: a flood of complaints (cheap orders bought to complain) would bury the shops and operators
        raise DomainError(
            _("You have made too many complaints today: try again tomorrow, or contact the platform operator."),
            Code.RATE_LIMITED,
        )
    processed = _photos(order, photos)
    due_at = now + timedelta(hours=response_hours())
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                order=order,
                shop_id=order.shop_id,
                buyer=buyer,
                category=category,
                description=description,
                currency=order.currency,
                due_at=due_at,
            )
            ComplaintPhoto.objects.bulk_create(
                [
                    ComplaintPhoto(
                        complaint=complaint,
                        renditions=photo.renditions,
                        width=photo.width,
                        height=photo.height,
                        content_hash=photo.content_hash,
                    )
                    for photo in processed
                ]
            )
            _event(
                complaint,
                ComplaintEventType.CREATED,
                ComplaintActor.BUYER,
                buyer,
                category=category,
                photos=len(processed),
            )
            _event(
                complaint,
                ComplaintEventType.ROUTED,
                ComplaintActor.SYSTEM,
                shop=order.shop_id,
                due_at=due_at.isoformat(),
            )
            shop_notice_send(
                order.shop,
                kind="complaint_received",
                message=_("Complaint about order #%(number)s: respond by %(due)s.")
                % {"number": order.number, "due": timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")},
                data={"complaint": complaint.pk, "order": order.pk, "due_at": due_at.isoformat()},
            )
            if order.reseller_shop_id is not None:
                # Bought through a distributor (issue 16): its shop hears of the complaint too; the
                # supplier, who shipped, answers it.
                shop_notice_send(
                    order.reseller_shop,
                    kind="complaint_received",
                    message=_("Complaint about order #%(number)s, sold in your shop: the supplier answers it.")
                    % {"number": order.number},
                    data={"complaint": complaint.pk, "order": order.pk},
                )
    except IntegrityError:
        raise duplicate from None
    return complaint


def complaint_respond(complaint: Complaint, *, actor, message: str, as_operator: bool = False, now=None) -> Complaint:
    """The shop answers the buyer; it must now resolve within COMPLAINT_RESOLUTION_HOURS."""
    now = now or timezone.now()
    message = _text(message, "message", NOTE_MAX, required=True, label=_("The response"))
    with transaction.atomic():
        locked = _lock(complaint)
        _transition(locked, "respond")
        locked.response = message
        locked.responded_at = now
        locked.due_at = now + timedelta(hours=resolution_hours())
        locked.save(update_fields=["status", "response", "responded_at", "due_at", "updated_at"])
        _event(
            locked,
            ComplaintEventType.RESPONDED,
            ComplaintActor.OPERATOR if as_operator else ComplaintActor.SHOP,
            actor,
            message=message,
            due_at=locked.due_at.isoformat(),
        )
    return locked


def complaint_escalate(complaint: Complaint, *, now=None) -> bool:
    """Hand an overdue complaint to the operators. False (and nothing written) when it is not
    overdue any more, e.g. the shop acted while the task was running."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(complaint)
        if not state.allowed("escalate", locked.status) or locked.due_at is None or locked.due_at > now:
            return False
        missed = "response" if locked.status == state.S.AWAITING_SHOP else "resolution"
        missed_due_at = locked.due_at
        _transition(locked, "escalate")
        locked.escalated_at = now
        locked.due_at = None
        locked.save(update_fields=["status", "escalated_at", "due_at", "updated_at"])
        _event(
            locked, ComplaintEventType.ESCALATED, ComplaintActor.SYSTEM, missed=missed, due_at=missed_due_at.isoformat()
        )
        shop_notice_send(
            locked.shop,
            kind="complaint_escalated",
            message=_("A complaint about order #%(number)s was escalated to the platform: the deadline passed.")
            % {"number": locked.order.number},
            data={"complaint": locked.pk, "order": locked.order_id, "missed": missed},
        )
    return True


def complaints_escalate_overdue(now=None, limit: int = 500) -> int:
    """Escalate every complaint whose shop missed its deadline by ``now``; returns how many."""
    now = now or timezone.now()
    due = list(
        Complaint.objects.filter(status__in=state.DEADLINE_STATUSES, due_at__lte=now).order_by("due_at", "pk")[:limit]
    )
    return sum(1 for complaint in due if complaint_escalate(complaint, now=now))


# What the orders service's refusals mean to a complaint handler.
REFUND_ERRORS = {"cannot_refund": Code.REFUND_ABOVE_PAID, "invalid": Code.INVALID, "gateway_error": Code.GATEWAY_ERROR}


def _refund_amount(value, currency: str):
    if value in (None, ""):
        raise DomainError(_("Give the amount to refund."), Code.REQUIRED, field="amount")
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError):
        raise DomainError(_("Enter a valid amount."), Code.INVALID, field="amount") from None
    if amount <= 0 or not is_quantized(amount, currency):
        raise DomainError(_("Enter a positive amount in fen at most."), Code.INVALID, field="amount")
    return amount


def complaint_resolve(
    complaint: Complaint, *, actor, as_operator: bool, resolution: str, amount=None, note: str = "", now=None
) -> Complaint:
    """Close the handling: refund part of what was paid (through the orders service, which refuses
    more than was paid), promise a replacement, or reject with a reason. Shops resolve their own
    complaints until escalated; operators resolve any."""
    now = now or timezone.now()
    if resolution not in ComplaintResolution.values:
        raise DomainError(_("Choose how the complaint is resolved."), Code.INVALID, field="resolution")
    note = _text(note, "note", NOTE_MAX, required=resolution == ComplaintResolution.REJECTED, label=_("The reason"))
    refund = _refund_amount(amount, complaint.currency) if resolution == ComplaintResolution.REFUND else None
    if refund is None and amount not in (None, ""):
        raise DomainError(_("Only a refund has an amount."), Code.INVALID, field="amount")
    actor_kind = ComplaintActor.OPERATOR if as_operator else ComplaintActor.SHOP
    with transaction.atomic():
        locked = _lock(complaint)
        _transition(locked, "operator_resolve" if as_operator else "shop_resolve")
        if refund is not None:
            try:
                order_refund(locked.order, refund, actor=actor, reason=f"complaint {locked.pk}: {note}".strip(": "))
            except DomainError as exc:
                code = REFUND_ERRORS.get(exc.code, Code.INVALID)
                message = exc.message
                if code == Code.REFUND_ABOVE_PAID:
                    left = max(order_refundable_amount(locked.order), 0)
                    message = _("At most %(left)s %(currency)s of what was paid can still be refunded.") % {
                        "left": left,
                        "currency": locked.currency,
                    }
                raise DomainError(message, code, field="amount") from None
        locked.resolution = resolution
        locked.resolution_note = note
        locked.refund_amount = refund
        locked.resolved_at = now
        locked.resolved_by_operator = as_operator
        locked.due_at = None
        locked.save(
            update_fields=[
                "status",
                "resolution",
                "resolution_note",
                "refund_amount",
                "resolved_at",
                "resolved_by_operator",
                "due_at",
                "updated_at",
            ]
        )
        _event(
            locked,
            ComplaintEventType.RESOLVED,
            actor_kind,
            actor,
            resolution=resolution,
            note=note,
            amount=str(refund) if refund is not None else None,
        )
        if as_operator:
            shop_notice_send(
                locked.shop,
                kind="complaint_resolved",
                message=_("The platform resolved the complaint about order #%(number)s: %(resolution)s.")
                % {"number": locked.order.number, "resolution": locked.get_resolution_display()},
                data={"complaint": locked.pk, "order": locked.order_id, "resolution": resolution},
            )
        audit_record(
            "complaint.resolved",
            actor=actor,
            target=locked,
            data={
                "resolution": resolution,
                "amount": str(refund) if refund is not None else None,
                "by": actor_kind.value,
            },
        )
    return locked


def complaint_rate(complaint: Complaint, *, buyer, rating: int, comment: str = "", now=None) -> Complaint:
    """The buyer says how well the complaint was handled (1 to 5), once, after resolution."""
    now = now or timezone.now()
    if not getattr(buyer, "is_authenticated", False) or complaint.buyer_id != buyer.pk:
        raise DomainError(_("Complaint not found."), Code.NOT_FOUND, field="id")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_("Give between 1 and 5 stars."), Code.INVALID, field="rating")
    comment = _text(comment, "comment", COMMENT_MAX, required=False, label=_("The comment"))
    with transaction.atomic():
        locked = _lock(complaint)
        _transition(locked, "rate")
        locked.handling_rating = rating
        locked.rating_comment = comment
        locked.rated_at = now
        locked.save(update_fields=["status", "handling_rating", "rating_comment", "rated_at", "updated_at"])
        _event(locked, ComplaintEventType.RATED, ComplaintActor.BUYER, buyer, rating=rating, comment=comment)
    return locked
