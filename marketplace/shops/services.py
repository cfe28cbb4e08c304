"""Shop use cases: apply (farmer light track or business track), the review state machine,
holiday mode, settings. Lock order: the shop row (SELECT ... FOR UPDATE) before anything else."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.shipping.services import shipping_own_delivery_set
from marketplace.shops import identity
from marketplace.shops.error_codes import ShopErrorCode
from marketplace.shops.hooks import shop_place_changed, shop_visibility_changed
from marketplace.shops.models import (
    Shop,
    ShopEvent,
    ShopKind,
    ShopMember,
    ShopMemberRole,
    ShopNotice,
    ShopStatus,
    ShopTrack,
)
from marketplace.shops.policies import shop_may_transition
from marketplace.shops.selectors import shop_checklist
from marketplace.shops.state import TRANSITIONS
from meidu.accounts.roles import Role
from meidu.accounts.services import user_role_add
from meidu.core.audit.services import audit_record
from meidu.core.cache_versions import SHOPS, bump
from meidu.core.errors import DomainError, DomainErrors


def _required(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_("%(label)s is required") % {"label": label}, ShopErrorCode.REQUIRED, field=field)
    return value


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:100] or "shop"
    candidate, n = base, 1
    while Shop.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _validate_application(user, data: dict) -> list[DomainError]:
    errors = []
    if not user.phone:
        errors.append(
            DomainError(
                _("Opening a shop needs a verified mobile number on the account"),
                ShopErrorCode.PHONE_NOT_VERIFIED,
                field="phone",
            )
        )
    for field, label in (
        ("name", _("Shop name")),
        ("real_name", _("Real name")),
        ("payout_account_name", _("Payout account holder")),
        ("payout_account_number", _("Payout account number")),
    ):
        if not (data.get(field) or "").strip():
            errors.append(
                DomainError(_("%(label)s is required") % {"label": label}, ShopErrorCode.REQUIRED, field=field)
            )
    if data.get("kind") not in ShopKind.values:
        errors.append(DomainError(_("Unknown shop kind"), ShopErrorCode.INVALID, field="kind"))
    if data.get("track") not in ShopTrack.values:
        errors.append(DomainError(_("Unknown track"), ShopErrorCode.INVALID, field="track"))
    if not identity.is_valid_id_number(data.get("id_number", "")):
        errors.append(
            DomainError(
                _("Not a valid 18-character identity number"), ShopErrorCode.INVALID_ID_NUMBER, field="idNumber"
            )
        )
    if data.get("track") == ShopTrack.BUSINESS and not identity.is_valid_credit_code(
        data.get("business_licence_number", "")
    ):
        errors.append(
            DomainError(
                _("The business track needs a valid unified social credit code"),
                ShopErrorCode.REQUIRED,
                field="businessLicenceNumber",
            )
        )
    number = "".join((data.get("payout_account_number") or "").split())
    if number and not (number.isalnum() and 8 <= len(number) <= 34):
        errors.append(
            DomainError(_("The payout account number looks wrong"), ShopErrorCode.INVALID, field="payoutAccountNumber")
        )
    return errors


def shop_apply(
    user,
    *,
    name: str,
    kind: str,
    track: str,
    real_name: str,
    id_number: str,
    payout_account_name: str,
    payout_account_number: str,
    payout_bank: str = "",
    business_licence_number: str = "",
    description: str = "",
    village=None,
    offers_delivery: bool = False,
    accept_terms: bool = False,
    ip_address=None,
) -> Shop:
    """Open an application. The farmer light track needs only a mobile number, real name, ID
    number and payout account (e-commerce law art. 10); the business track adds a licence."""
    data = {
        "name": name,
        "kind": kind,
        "track": track,
        "real_name": real_name,
        "id_number": id_number,
        "payout_account_name": payout_account_name,
        "payout_account_number": payout_account_number,
        "business_licence_number": business_licence_number,
    }
    errors = _validate_application(user, data)
    if errors:
        raise DomainErrors(errors)
    id_hash = identity.id_number_hash(id_number)
    if Shop.objects.filter(id_number_hash=id_hash, kind=kind).exclude(status=ShopStatus.CLOSED).exists():
        raise DomainError(
            _("This identity already has an open shop of this kind"), ShopErrorCode.UNIQUE, field="idNumber"
        )
    normalized_id = identity.normalize_id_number(id_number)
    try:
        with transaction.atomic():
            shop = Shop.objects.create(
                name=name.strip(),
                slug=_unique_slug(name),
                kind=kind,
                track=track,
                description=description.strip(),
                village=village,
                real_name=real_name.strip(),
                id_number_hash=id_hash,
                id_number_last4=normalized_id[-4:],
                business_licence_number=(business_licence_number or "").strip().upper(),
                payout_account_name=payout_account_name.strip(),
                payout_account_number="".join(payout_account_number.split()),
                payout_bank=payout_bank.strip(),
                offers_delivery=offers_delivery,
                terms_accepted_at=timezone.now() if accept_terms else None,
            )
            ShopMember.objects.create(shop=shop, user=user, role=ShopMemberRole.OWNER)
            if offers_delivery:
                shipping_own_delivery_set(shop, actor=user, on=True)
            bump(SHOPS)  # cached answers that show shops are read afresh after commit
            ShopEvent.objects.create(shop=shop, action="apply", to_status=shop.status, actor=user)
            user_role_add(user, Role.SELLER, actor=user, ip_address=ip_address)
            audit_record(
                "shop.applied", actor=user, target=shop, data={"track": track, "kind": kind}, ip_address=ip_address
            )
    except IntegrityError:
        raise DomainError(
            _("A shop with this name was just created; try again"), ShopErrorCode.UNIQUE, field="name"
        ) from None
    return shop


# The seller must learn why.
REASON_REQUIRED = frozenset({"reject", "suspend"})


def _locked(shop: Shop) -> Shop:
    return Shop.objects.select_for_update().get(pk=shop.pk)


def shop_transition(shop: Shop, action: str, *, actor, note: str = "", ip_address=None) -> Shop:
    """Apply one named transition of marketplace.shops.state, recording an event."""
    if action not in TRANSITIONS:
        raise DomainError(_("Unknown action %(action)s") % {"action": action}, ShopErrorCode.INVALID, field="action")
    to_status = TRANSITIONS[action][1]
    if action in REASON_REQUIRED and not note.strip():
        raise DomainError(_("Give the reason, the seller will read it"), ShopErrorCode.REQUIRED, field="reason")
    with transaction.atomic():
        locked = _locked(shop)
        if not shop_may_transition(locked, action):
            raise DomainError(
                _("Cannot %(action)s a shop that is %(status)s")
                % {"action": action, "status": locked.get_status_display().lower()},
                ShopErrorCode.INVALID_TRANSITION,
                field="status",
            )
        if action == "submit":
            missing = [item.code for item in shop_checklist(locked) if not item.done]
            if missing:
                raise DomainError(
                    _("Complete the checklist first: %(missing)s") % {"missing": ", ".join(missing)},
                    ShopErrorCode.CHECKLIST_INCOMPLETE,
                    field="checklist",
                )
        from_status = locked.status
        locked.status = to_status
        locked.rejection_reason = (
            note.strip() if action == "reject" else ("" if action in ("submit", "approve") else locked.rejection_reason)
        )
        locked.save(update_fields=["status", "rejection_reason", "updated_at"])
        bump(SHOPS)  # cached answers that show shops are read afresh after commit
        if (from_status == ShopStatus.ACTIVE) != (to_status == ShopStatus.ACTIVE):
            shop_visibility_changed.send(locked.pk)  # the products' search visibility (meidu/wiring)
        ShopEvent.objects.create(
            shop=locked, action=action, from_status=from_status, to_status=to_status, actor=actor, note=note.strip()
        )
        if action in ("approve", "reject", "suspend", "reinstate"):
            ShopNotice.objects.create(
                shop=locked, kind=f"shop_{action}", message=note.strip() or action, data={"status": to_status}
            )
        audit_record(
            f"shop.{action}",
            actor=actor,
            target=locked,
            data={"from": from_status, "to": to_status, "note": note},
            ip_address=ip_address,
        )
    return locked


def shop_holiday_set(shop: Shop, on: bool, *, actor) -> Shop:
    """Holiday mode hides the shop's listings without unpublishing or deleting anything."""
    with transaction.atomic():
        locked = _locked(shop)
        if locked.holiday_mode != on:
            locked.holiday_mode = on
            locked.save(update_fields=["holiday_mode", "updated_at"])
            bump(SHOPS)  # cached answers that show shops are read afresh after commit
            shop_visibility_changed.send(locked.pk)  # the products' search visibility (meidu/wiring)
            ShopEvent.objects.create(
                shop=locked,
                action="holiday_on" if on else "holiday_off",
                from_status=locked.status,
                to_status=locked.status,
                actor=actor,
            )
    return locked


def shop_update(
    shop: Shop,
    *,
    actor,
    description: str | None = None,
    offers_delivery: bool | None = None,
    accept_terms: bool | None = None,
    village=None,
) -> Shop:
    with transaction.atomic():
        locked = _locked(shop)
        if description is not None:
            locked.description = description.strip()
        if offers_delivery is not None:
            locked.offers_delivery = offers_delivery
            shipping_own_delivery_set(locked, actor=actor, on=offers_delivery)
        if accept_terms and locked.terms_accepted_at is None:
            locked.terms_accepted_at = timezone.now()
        moved = village is not None and village.pk != locked.village_id
        if village is not None:
            locked.village = village
        locked.save()
        if moved:
            shop_place_changed.send(locked.pk)  # the products' search documents (meidu/wiring)
        bump(SHOPS)  # cached answers that show shops are read afresh after commit
        ShopEvent.objects.create(
            shop=locked, action="update", from_status=locked.status, to_status=locked.status, actor=actor
        )
    return locked


def shop_member_add(shop: Shop, user, *, role: str = ShopMemberRole.ASSISTANT, actor) -> ShopMember:
    """Let another account work for the shop (an assistant helps with products and stock)."""
    if role not in ShopMemberRole.values:
        raise DomainError(_("Unknown member role"), ShopErrorCode.INVALID, field="role")
    if ShopMember.objects.filter(shop=shop, user=user).exists():
        raise DomainError(_("Already a member of this shop"), ShopErrorCode.UNIQUE, field="phone")
    with transaction.atomic():
        member = ShopMember.objects.create(shop=shop, user=user, role=role)
        bump(SHOPS)  # cached answers that show shops are read afresh after commit
        ShopEvent.objects.create(
            shop=shop,
            action="member_added",
            from_status=shop.status,
            to_status=shop.status,
            actor=actor,
            note=f"{user.masked_phone or user.pk} as {role}",
        )
        audit_record("shop.member_added", actor=actor, target=shop, data={"user": user.pk, "role": role})
    return member


def shop_notice_send(shop: Shop, *, kind: str, message: str, data: dict | None = None) -> ShopNotice:
    """Tell the shop something it should act on (a complaint to answer, an escalation)."""
    return ShopNotice.objects.create(shop=shop, kind=kind, message=message[:255], data=data or {})


def shop_rating_set(shop_id: int, rating) -> None:
    """Store the shop's review average (computed and locked by marketplace.reviews.services)."""
    Shop.objects.filter(pk=shop_id).update(rating=rating)
    bump(SHOPS)
