"""Supply pool use cases (issue 16): a supplier creates, edits, opens, pauses and closes its offers; staff
review them. Every write locks the offer row first (SELECT ... FOR UPDATE); updates then lock the offer's
picks through the ``offer_prices_changed`` hook (distribution), in ascending pk. A checkout completing a
resale share-locks the offer, so a pause either waits for it or is seen by it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.error_codes import IncubatorErrorCode
from incubator.supply.hooks import offer_prices_changed
from incubator.supply.models import CommissionKind, OfferState, SupplyOffer, SupplyOfferEvent
from incubator.supply.policies import shop_may_supply, supply_may_act_for_shop, supply_may_review
from incubator.supply.pricing import RATE_MAX, commission_amount, parse_amount
from incubator.supply.selectors import supply_offer_for_variant
from incubator.supply.state import offer_next_state
from meidu.core.errors import DomainError, DomainErrors
from meidu.core.validation import text_refusal

PRICE_FIELDS = ("supply_price", "suggested_retail_price", "min_retail_price", "max_retail_price")
REGIONS_MAX = 40


def _terms(data: dict, current: SupplyOffer | None) -> dict:
    """The offer's terms after ``data`` (camel or snake keys already mapped by the caller), checked:
    each amount finite, positive, to the fen and sane; supply < min <= suggested <= max; the commission a
    rate in (0, 1) or a fixed amount; and at the minimum retail price S + commission <= min."""
    errors = []
    terms: dict = {}
    for name in PRICE_FIELDS:
        raw = data.get(name, getattr(current, name, None) if current else None)
        amount = parse_amount(raw)
        if amount is None:
            errors.append(
                DomainError(
                    _("Enter an amount in yuan, above 0, to the fen"), IncubatorErrorCode.INVALID_AMOUNT, field=name
                )
            )
        terms[name] = amount
    kind = data.get("commission_kind", current.commission_kind if current else None)
    if kind not in CommissionKind.values:
        errors.append(DomainError(_("Choose a commission kind"), IncubatorErrorCode.INVALID, field="commission_kind"))
    raw_value = data.get("commission_value", current.commission_value if current else None)
    if kind == CommissionKind.RATE:
        value = parse_amount(raw_value, places=4, maximum=RATE_MAX)
        if value is None or value >= RATE_MAX:
            value = None
            errors.append(
                DomainError(
                    _("Enter a commission rate between 0 and 1, e.g. 0.1 for 10%"),
                    IncubatorErrorCode.INVALID_AMOUNT,
                    field="commission_value",
                )
            )
    else:
        value = parse_amount(raw_value, allow_zero=False)
        if value is None:
            errors.append(
                DomainError(
                    _("Enter a commission in yuan per unit, above 0, to the fen"),
                    IncubatorErrorCode.INVALID_AMOUNT,
                    field="commission_value",
                )
            )
    terms["commission_kind"], terms["commission_value"] = kind, value
    regions = data.get("regions", current.regions if current else [])
    if (
        not isinstance(regions, list | tuple)
        or len(regions) > REGIONS_MAX
        or not all(isinstance(r, str) for r in regions)
    ):
        errors.append(
            DomainError(
                _("Choose at most %(limit)s regions") % {"limit": REGIONS_MAX},
                IncubatorErrorCode.INVALID,
                field="regions",
            )
        )
    else:
        cleaned = []
        for region in regions:
            refusal = text_refusal(region, max_length=32, name=True)
            if refusal or not region.strip():
                errors.append(
                    DomainError(str(refusal or _("A region needs a name")), IncubatorErrorCode.INVALID, field="regions")
                )
                break
            cleaned.append(region.strip())
        terms["regions"] = sorted(set(cleaned))
    if errors:
        raise DomainErrors(errors)
    supply, suggested, low, high = (terms[name] for name in PRICE_FIELDS)
    if not (supply < low <= suggested <= high):
        raise DomainError(
            _("Prices must rise: supply price below the minimum retail price, minimum <= suggested <= maximum"),
            IncubatorErrorCode.PRICE_BOUNDS,
            field="min_retail_price",
        )
    if supply + commission_amount(kind, value, low, 1) > low:
        raise DomainError(
            _("At the minimum retail price the supply price plus the commission would exceed what the buyer pays"),
            IncubatorErrorCode.COMMISSION_TOO_HIGH,
            field="commission_value",
        )
    return terms


def _event(offer: SupplyOffer, action: str, actor, from_state: str, data: dict | None = None) -> None:
    SupplyOfferEvent.objects.create(
        offer=offer, action=action, from_state=from_state, to_state=offer.state, actor=actor, data=data or {}
    )


def _check_actor(actor, shop_id: int) -> None:
    if not supply_may_act_for_shop(actor, shop_id):
        raise DomainError(_("You do not act for this shop"), IncubatorErrorCode.FORBIDDEN, field="shop")


def _locked(offer: SupplyOffer) -> SupplyOffer:
    locked = (
        SupplyOffer.objects.select_for_update(of=("self",)).select_related("supplier_shop").filter(pk=offer.pk).first()
    )
    if locked is None:
        raise DomainError(_("Offer not found"), IncubatorErrorCode.NOT_FOUND, field="id")
    return locked


def supply_offer_create(*, actor, shop, variant, data: dict) -> SupplyOffer:
    """A supplier's new offer of one of its own variants, as a draft (open it with supply_offer_open)."""
    _check_actor(actor, shop.pk)
    if not shop_may_supply(shop):
        raise DomainError(
            _("Only an active supplier or cooperative shop can offer goods to distributors"),
            IncubatorErrorCode.NOT_A_SUPPLIER,
            field="shop",
        )
    if variant is None or variant.product.shop_id != shop.pk:
        raise DomainError(_("Choose one of your own products"), IncubatorErrorCode.NOT_FOUND, field="variant")
    terms = _terms(data, None)
    with transaction.atomic():
        if supply_offer_for_variant(variant.pk) is not None:
            raise DomainError(_("This product already has an offer"), IncubatorErrorCode.VARIANT_TAKEN, field="variant")
        offer = SupplyOffer.objects.create(supplier_shop=shop, variant=variant, currency="CNY", **terms)
        _event(offer, "created", actor, "", {name: str(terms[name]) for name in PRICE_FIELDS})
    return offer


def supply_offer_update(offer: SupplyOffer, *, actor, data: dict) -> SupplyOffer:
    """New prices, commission or regions. Picks whose retail price leaves the new bounds are paused and
    their distributors told (the ``offer_prices_changed`` hook, in this transaction). A closed offer is final."""
    _check_actor(actor, offer.supplier_shop_id)
    with transaction.atomic():
        locked = _locked(offer)
        if locked.state == OfferState.CLOSED:
            raise DomainError(_("A closed offer cannot change"), IncubatorErrorCode.INVALID_TRANSITION, field="id")
        terms = _terms(data, locked)
        before = {name: str(getattr(locked, name)) for name in PRICE_FIELDS}
        for name, value in terms.items():
            setattr(locked, name, value)
        locked.save()
        _event(
            locked,
            "updated",
            actor,
            locked.state,
            {"before": before, "after": {n: str(terms[n]) for n in PRICE_FIELDS}},
        )
        offer_prices_changed.send(locked, actor)
    return locked


def _transition(offer: SupplyOffer, action: str, *, actor) -> SupplyOffer:
    _check_actor(actor, offer.supplier_shop_id)
    with transaction.atomic():
        locked = _locked(offer)
        target = offer_next_state(locked.state, action)
        if target is None:
            raise DomainError(
                _("An offer that is %(state)s cannot be %(action)s")
                % {"state": locked.get_state_display(), "action": action},
                IncubatorErrorCode.INVALID_TRANSITION,
                field="id",
            )
        if action == "open" and not shop_may_supply(locked.supplier_shop):
            raise DomainError(
                _("Only an active supplier or cooperative shop can offer goods to distributors"),
                IncubatorErrorCode.NOT_A_SUPPLIER,
                field="shop",
            )
        before = locked.state
        locked.state = target
        locked.save(update_fields=["state", "updated_at"])
        _event(locked, action, actor, before)
    return locked


def supply_offer_open(offer: SupplyOffer, *, actor) -> SupplyOffer:
    """Draft or paused -> open: distributors may pick it, picks of it show again."""
    return _transition(offer, "open", actor=actor)


def supply_offer_pause(offer: SupplyOffer, *, actor) -> SupplyOffer:
    """Open -> paused: every distributor's pick of it disappears from sale at once (the pick rows stay)."""
    return _transition(offer, "pause", actor=actor)


def supply_offer_close(offer: SupplyOffer, *, actor) -> SupplyOffer:
    """Any state but closed -> closed, for good."""
    return _transition(offer, "close", actor=actor)


def supply_offer_review(offer: SupplyOffer, *, actor) -> SupplyOffer:
    """Incubator staff mark an open offer as reviewed (it leaves "offers awaiting review")."""
    if not supply_may_review(actor):
        raise DomainError(_("Only incubator staff review offers"), IncubatorErrorCode.FORBIDDEN, field="id")
    with transaction.atomic():
        locked = _locked(offer)
        locked.reviewed_at, locked.reviewed_by = timezone.now(), actor
        locked.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
        _event(locked, "reviewed", actor, locked.state)
    return locked


REFUSAL_REASON_MAX = 500


def supply_offer_refuse(offer: SupplyOffer, *, actor, reason: str) -> SupplyOffer:
    """Incubator staff refuse an open offer awaiting review, with a reason: the offer is paused (every
    pick of it leaves sale at once, by the state machine's "pause") and stays unreviewed, so when the
    supplier re-opens it, corrected, it is awaiting review again. The reason is kept on the event."""
    if not supply_may_review(actor):
        raise DomainError(_("Only incubator staff review offers"), IncubatorErrorCode.FORBIDDEN, field="id")
    refusal = text_refusal(reason or "", max_length=REFUSAL_REASON_MAX)
    if refusal or not (reason or "").strip():
        raise DomainError(str(refusal or _("Say why the offer is refused")), IncubatorErrorCode.INVALID, field="reason")
    with transaction.atomic():
        locked = _locked(offer)
        target = offer_next_state(locked.state, "pause")
        if target is None or locked.reviewed_at is not None:
            raise DomainError(
                _("Only an open offer awaiting review can be refused"),
                IncubatorErrorCode.INVALID_TRANSITION,
                field="id",
            )
        before = locked.state
        locked.state = target
        locked.save(update_fields=["state", "updated_at"])
        _event(locked, "refused", actor, before, {"reason": reason.strip()})
    return locked
