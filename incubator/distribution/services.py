"""Distribution use cases (issue 16): a distributor picks an offer at a retail price within its bounds,
changes the price, takes it off; a supplier's new prices pause picks left outside them; the lines of an
order sold through a distributor are frozen as DistributedLine rows.

Lock order: the offer row first (FOR UPDATE: serialises with the supplier's pause/close/update, and
waits for completions that share-lock it), then the pick row (FOR UPDATE). A checkout completion
share-locks offers then picks (selectors.resale_terms_locked), after its checkout row; nothing here
locks a checkout."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from incubator.distribution.models import (
    DistributedLine,
    DistributionPick,
    DistributionPickEvent,
    PickReason,
    PickState,
)
from incubator.distribution.policies import distribution_may_act_for_shop, retail_within_bounds, shop_may_distribute
from incubator.error_codes import IncubatorErrorCode
from incubator.supply.models import OfferState, SupplyOffer
from incubator.supply.pricing import commission_amount, parse_amount
from marketplace.checkout.services import checkout_lines_resale_reprice
from marketplace.shops.services import shop_notice_send
from meidu.core.errors import DomainError
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.services.outbox import webhook_event_emit


def _check_actor(actor, shop_id: int) -> None:
    if not distribution_may_act_for_shop(actor, shop_id):
        raise DomainError(_("You do not act for this shop"), IncubatorErrorCode.FORBIDDEN, field="shop")


def _retail(value, offer: SupplyOffer):
    price = parse_amount(value)
    if price is None:
        raise DomainError(
            _("Enter a retail price in yuan, above 0, to the fen"),
            IncubatorErrorCode.INVALID_AMOUNT,
            field="retailPrice",
        )
    if not retail_within_bounds(offer, price):
        raise DomainError(
            _("The retail price must be between %(low)s and %(high)s yuan")
            % {"low": offer.min_retail_price, "high": offer.max_retail_price},
            IncubatorErrorCode.RETAIL_OUT_OF_BOUNDS,
            field="retailPrice",
        )
    return price


def _offer_shared(offer_id: int) -> SupplyOffer:
    offer = (
        SupplyOffer.objects.select_for_update(of=("self",))
        .select_related("variant__product")
        .filter(pk=offer_id)
        .first()
    )
    if offer is None:
        raise DomainError(_("Offer not found"), IncubatorErrorCode.NOT_FOUND, field="offer")
    return offer


def _event(pick: DistributionPick, action: str, actor, from_state: str, data: dict | None = None) -> None:
    DistributionPickEvent.objects.create(
        pick=pick, action=action, from_state=from_state, to_state=pick.state, actor=actor, data=data or {}
    )


def _emit(event: WebhookEventType, pick: DistributionPick) -> None:
    webhook_event_emit(
        event,
        {
            "pick": pick.pk,
            "distributorShop": pick.distributor_shop_id,
            "offer": pick.offer_id,
            "retailPrice": str(pick.retail_price),
            "state": pick.state,
        },
    )


def distribution_pick(*, actor, shop, offer: SupplyOffer, retail_price) -> DistributionPick:
    """Put an open offer in the distributor's shop at ``retail_price`` (min <= R <= max). A pick taken off
    before comes back; one already in the shop is refused (change its price instead)."""
    _check_actor(actor, shop.pk)
    if not shop_may_distribute(shop):
        raise DomainError(
            _("Only an active distributor shop can pick goods"), IncubatorErrorCode.NOT_A_DISTRIBUTOR, field="shop"
        )
    if offer.supplier_shop_id == shop.pk:
        raise DomainError(_("A shop cannot resell its own offer"), IncubatorErrorCode.OWN_OFFER, field="offer")
    with transaction.atomic():
        locked = _offer_shared(offer.pk)
        if locked.state != OfferState.OPEN:
            raise DomainError(
                _("This offer is not open for picking (%(state)s)") % {"state": locked.get_state_display()},
                IncubatorErrorCode.OFFER_NOT_OPEN,
                field="offer",
            )
        price = _retail(retail_price, locked)
        pick = DistributionPick.objects.select_for_update().filter(distributor_shop=shop, offer=locked).first()
        if pick is not None and pick.state != PickState.REMOVED:
            raise DomainError(_("This offer is already in your shop"), IncubatorErrorCode.ALREADY_PICKED, field="offer")
        if pick is None:
            pick = DistributionPick.objects.create(distributor_shop=shop, offer=locked, retail_price=price)
            before = ""
        else:
            before = pick.state
            pick.state, pick.reason, pick.retail_price = PickState.LIVE, PickReason.NONE, price
            pick.save(update_fields=["state", "reason", "retail_price", "updated_at"])
        _event(pick, "picked", actor, before, {"retail_price": str(price)})
        _emit(WebhookEventType.DISTRIBUTION_PICKED, pick)
    return pick


def _pick_locked(pick: DistributionPick) -> DistributionPick:
    locked = DistributionPick.objects.select_for_update(of=("self",)).filter(pk=pick.pk).first()
    if locked is None:
        raise DomainError(_("Pick not found"), IncubatorErrorCode.NOT_FOUND, field="pick")
    return locked


def distribution_price_set(pick: DistributionPick, *, actor, retail_price) -> DistributionPick:
    """A new retail price within the offer's bounds; a pick paused because the supplier's prices moved goes
    live again. Open carts holding the pick follow the new price."""
    _check_actor(actor, pick.distributor_shop_id)
    with transaction.atomic():
        offer = _offer_shared(pick.offer_id)
        locked = _pick_locked(pick)
        if locked.state == PickState.REMOVED:
            raise DomainError(_("This offer is not in your shop"), IncubatorErrorCode.NOT_PICKED, field="pick")
        price = _retail(retail_price, offer)
        before, old_price = locked.state, locked.retail_price
        locked.retail_price = price
        if locked.state == PickState.PAUSED and locked.reason == PickReason.PRICE_OUT_OF_BOUNDS:
            locked.state, locked.reason = PickState.LIVE, PickReason.NONE
        locked.save(update_fields=["retail_price", "state", "reason", "updated_at"])
        _event(locked, "priced", actor, before, {"from": str(old_price), "to": str(price)})
        checkout_lines_resale_reprice(locked.distributor_shop_id, offer.variant_id, price)
        _emit(WebhookEventType.DISTRIBUTION_PICKED, locked)
    return locked


def distribution_unpick(pick: DistributionPick, *, actor) -> DistributionPick:
    """Take the offer off the distributor's shop (the row stays for its sold lines and links)."""
    _check_actor(actor, pick.distributor_shop_id)
    with transaction.atomic():
        _offer_shared(pick.offer_id)
        locked = _pick_locked(pick)
        if locked.state == PickState.REMOVED:
            raise DomainError(_("This offer is not in your shop"), IncubatorErrorCode.NOT_PICKED, field="pick")
        before = locked.state
        locked.state, locked.reason = PickState.REMOVED, PickReason.UNPICKED
        locked.save(update_fields=["state", "reason", "updated_at"])
        _event(locked, "unpicked", actor, before)
        _emit(WebhookEventType.DISTRIBUTION_UNPICKED, locked)
    return locked


def picks_fit_offer_bounds(offer: SupplyOffer, actor) -> None:
    """The supply hook ``offer_prices_changed`` (offer locked for update by the caller): live picks whose
    retail price left the new bounds are paused, each with an event, and their distributors get a notice."""
    outside = list(
        DistributionPick.objects.select_for_update()
        .filter(offer=offer, state=PickState.LIVE)
        .exclude(retail_price__gte=offer.min_retail_price, retail_price__lte=offer.max_retail_price)
        .select_related("distributor_shop")
        .order_by("pk")
    )
    for pick in outside:
        pick.state, pick.reason = PickState.PAUSED, PickReason.PRICE_OUT_OF_BOUNDS
        pick.save(update_fields=["state", "reason", "updated_at"])
        _event(
            pick,
            "paused",
            actor,
            PickState.LIVE,
            {"min": str(offer.min_retail_price), "max": str(offer.max_retail_price)},
        )
        shop_notice_send(
            pick.distributor_shop,
            kind="distribution_pick_paused",
            message=_(
                "%(product)s is paused in your shop: the supplier now allows retail prices between %(low)s and "
                "%(high)s yuan. Set a new price to sell it again."
            )
            % {"product": offer.variant.product.name, "low": offer.min_retail_price, "high": offer.max_retail_price},
            data={"pick": pick.pk, "offer": offer.pk},
        )


def distributed_lines_create(placements, credits: dict[int, tuple]) -> list[DistributedLine]:
    """Freeze each resale line at placement (the contract of issue 16): R, S, q, the commission terms and
    C = half-up(rate * R * q) or fixed * q, and who is credited (``credits``: order id -> (credited shop id
    or None, rule, self purchase)). One insert; called by referrals in checkout_complete's transaction."""
    offers = {offer.pk: offer for offer in SupplyOffer.objects.filter(pk__in={p.terms.offer_id for p in placements})}
    rows = []
    for placement in placements:
        terms, line, order = placement.terms, placement.order_line, placement.order
        offer = offers[terms.offer_id]
        credited, rule, self_purchase = credits[order.pk]
        rows.append(
            DistributedLine(
                order_line_id=line.pk,
                order_id=order.pk,
                offer_id=offer.pk,
                pick_id=terms.pick_id,
                distributor_shop_id=terms.reseller_shop_id,
                supplier_shop_id=offer.supplier_shop_id,
                currency=order.currency,
                retail_unit_price=terms.retail_unit_price,
                supply_unit_price=terms.supply_unit_price,
                quantity=line.quantity,
                commission_kind=offer.commission_kind,
                commission_value=offer.commission_value,
                commission_amount=commission_amount(
                    offer.commission_kind, offer.commission_value, terms.retail_unit_price, line.quantity
                ),
                attributed_shop_id=credited,
                attribution_rule=rule,
                self_purchase=self_purchase,
            )
        )
    return DistributedLine.objects.bulk_create(rows)
