"""Referral use cases (issue 16): a distributor's share link (per shop or per pick), a buyer arriving by
one (bound for REFERRAL_BINDING_DAYS, last click wins, except during a binding's REFERRAL_PROTECTION_DAYS),
and the attribution of an order sold through a distributor, with its DistributedLine rows.

Lock order: a click locks the buyer's binding row (SELECT ... FOR UPDATE; created on the first click, the
unique buyer key settles two first clicks at once). Attribution runs inside checkout_complete's
transaction (after the checkout, offer and pick locks, before stock) and only inserts rows."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.distribution.models import AttributionRule, DistributionPick, PickState
from incubator.distribution.policies import distribution_may_act_for_shop, shop_may_distribute
from incubator.distribution.services import distributed_lines_create
from incubator.error_codes import IncubatorErrorCode
from incubator.referrals.models import BuyerBinding, DistributorInviter, OrderAttribution, ReferralClick, ReferralLink
from incubator.referrals.selectors import buyer_binding_live, referral_link_get_by_code
from marketplace.shops.models import ShopKind, ShopStatus
from marketplace.shops.selectors import shop_ids_of_member, shop_is_member
from meidu.core.errors import DomainError

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def referral_link_create(*, actor, shop, pick: DistributionPick | None = None) -> ReferralLink:
    """The distributor's link to its shop, or to one of its picks (the same link again if it exists)."""
    if not distribution_may_act_for_shop(actor, shop.pk):
        raise DomainError(_("You do not act for this shop"), IncubatorErrorCode.FORBIDDEN, field="shop")
    if not shop_may_distribute(shop):
        raise DomainError(
            _("Only an active distributor shop can share links"), IncubatorErrorCode.NOT_A_DISTRIBUTOR, field="shop"
        )
    if pick is not None and (pick.distributor_shop_id != shop.pk or pick.state == PickState.REMOVED):
        raise DomainError(_("This offer is not in your shop"), IncubatorErrorCode.NOT_PICKED, field="pick")
    existing = ReferralLink.objects.filter(distributor_shop=shop, pick=pick).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ReferralLink.objects.create(
                code=_code(), distributor_shop=shop, pick=pick, created_by=actor if actor.pk else None
            )
    except IntegrityError:  # the same link made at the same moment by another request
        return ReferralLink.objects.get(distributor_shop=shop, pick=pick)


def referral_click(link: ReferralLink, *, buyer=None, now=None, count: bool = True) -> str:
    """A buyer arrived by ``link``: count it and bind a signed-in buyer to the link's distributor. Returns
    the outcome: "bound" (new or taken over: the last click wins), "renewed" (same distributor), "protected"
    (another distributor's binding is in its protection period and stays), or "anonymous"."""
    now = now or timezone.now()
    days = timedelta(days=int(settings.REFERRAL_BINDING_DAYS))
    protection = timedelta(days=int(settings.REFERRAL_PROTECTION_DAYS))
    with transaction.atomic():
        if count:  # a click remembered in the session and claimed at sign-in was counted when it happened
            ReferralLink.objects.filter(pk=link.pk).update(clicks=F("clicks") + 1)
        if buyer is None or not getattr(buyer, "is_authenticated", False):
            ReferralClick.objects.create(link=link, buyer=None, outcome="anonymous")
            return "anonymous"
        binding = BuyerBinding.objects.select_for_update().filter(buyer=buyer).first()
        if binding is None:
            try:
                with transaction.atomic():
                    binding = BuyerBinding.objects.create(
                        buyer=buyer,
                        distributor_shop_id=link.distributor_shop_id,
                        link=link,
                        bound_at=now,
                        protected_until=now + protection,
                        expires_at=now + days,
                    )
                outcome = "bound"
            except IntegrityError:
                binding = BuyerBinding.objects.select_for_update().get(buyer=buyer)
                outcome = ""
        else:
            outcome = ""
        if not outcome:
            live = binding.expires_at > now
            if live and binding.distributor_shop_id == link.distributor_shop_id:
                binding.expires_at, binding.link = now + days, link
                outcome = "renewed"
            elif live and binding.protected_until > now:
                outcome = "protected"
            else:
                binding.distributor_shop_id, binding.link = link.distributor_shop_id, link
                binding.bound_at, binding.protected_until, binding.expires_at = now, now + protection, now + days
                outcome = "bound"
            binding.save()
        ReferralClick.objects.create(link=link, buyer=buyer, outcome=outcome)
    return outcome


def _credit(reseller, binding, buyer_shops: set[int]) -> tuple[int | None, str, object | None]:
    """Who an order bought through ``reseller`` credits: a distributor that is not active credits nobody;
    a buyer bound to another active distributor still in its protection period credits that one (no
    poaching); otherwise the reseller, by its link or its storefront."""
    if binding is not None and binding.distributor_shop_id != reseller.pk and timezone.now() < binding.protected_until:
        if binding.distributor_shop.status == ShopStatus.ACTIVE:
            return binding.distributor_shop_id, AttributionRule.PROTECTED_BINDING, binding
        return None, AttributionRule.SUSPENDED, binding
    if reseller.status != ShopStatus.ACTIVE:
        return None, AttributionRule.SUSPENDED, binding
    if binding is not None and binding.distributor_shop_id == reseller.pk:
        return reseller.pk, AttributionRule.LINK, binding
    return reseller.pk, AttributionRule.STOREFRONT, binding


def resale_orders_attribute(placements, buyer) -> None:
    """The checkout hook ``resale_lines_placed``: each order sold through a distributor gets its
    OrderAttribution, and each of its lines a DistributedLine (distribution), in the placing transaction."""
    binding = buyer_binding_live(buyer.pk) if buyer is not None else None
    buyer_shops = shop_ids_of_member(buyer) if buyer is not None else set()
    credits: dict[int, tuple] = {}
    attributions = []
    for placement in placements:
        order = placement.order
        if order.pk in credits:
            continue
        reseller = order.reseller_shop
        credited, rule, used = _credit(reseller, binding, buyer_shops)
        credits[order.pk] = (credited, rule, credited is not None and credited in buyer_shops)
        attributions.append(
            OrderAttribution(
                order_id=order.pk,
                reseller_shop_id=reseller.pk,
                credited_shop_id=credited,
                bound_shop_id=used.distributor_shop_id if used else None,
                link_id=used.link_id if used else None,
                rule=rule,
            )
        )
    OrderAttribution.objects.bulk_create(attributions)
    distributed_lines_create(placements, credits)


def distributor_inviter_record(*, actor, invitee_shop, code: str) -> DistributorInviter:
    """The distributor shop ``invitee_shop`` was opened through the invitation link ``code`` (another
    distributor's shop link): record its inviter, once. Refused with a code, nothing written: a link
    that is not an active distributor's shop link (NOT_FOUND), an invitee that is not a distributor
    shop the actor acts for (FORBIDDEN / NOT_A_DISTRIBUTOR), inviting oneself (SELF_INVITE), an inviter
    already recorded (INVITER_RECORDED: never changed). Moves no money (no fee, no reward per recruit).
    Lock order: none; one insert, the unique invitee settles two at once."""
    link = referral_link_get_by_code(code)
    if link is None or link.pick_id is not None or not shop_may_distribute(link.distributor_shop):
        raise DomainError(_("This invitation link is not valid"), IncubatorErrorCode.NOT_FOUND, field="invite")
    if not distribution_may_act_for_shop(actor, invitee_shop.pk):
        raise DomainError(_("You do not act for this shop"), IncubatorErrorCode.FORBIDDEN, field="shop")
    if invitee_shop.kind != ShopKind.DISTRIBUTOR:
        raise DomainError(
            _("Only a distributor shop records who invited it"), IncubatorErrorCode.NOT_A_DISTRIBUTOR, field="shop"
        )
    if link.distributor_shop_id == invitee_shop.pk or shop_is_member(actor, link.distributor_shop_id):
        raise DomainError(_("You cannot invite yourself"), IncubatorErrorCode.SELF_INVITE, field="invite")
    try:
        with transaction.atomic():
            return DistributorInviter.objects.create(
                invitee_shop=invitee_shop, inviter_shop=link.distributor_shop, link=link, created_by=actor
            )
    except IntegrityError:
        raise DomainError(
            _("Who invited this shop is already recorded and cannot change"),
            IncubatorErrorCode.INVITER_RECORDED,
            field="invite",
        ) from None
