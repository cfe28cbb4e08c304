"""Supply and demand use cases: post (for yourself, or for a villager as their information officer),
edit or close your own post, match a new post against the open posts of the other side, ask a poster
for their phone and answer such a request, expire posts whose window has ended.

Lock order: post_create inserts the post, then its matches (insert ... on conflict do nothing), then
the notices; post_update / post_close lock the post row; contact_request_decide locks the request row.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.posts.models import (
    CONTACT_TRANSITIONS,
    ContactRequest,
    ContactRequestEvent,
    ContactStatus,
    PostMatch,
    PostSide,
    PostStatus,
    QuantityUnit,
    SupplyDemandPost,
)
from incubator.posts.policies import post_is_poster, post_may_post_for_villagers
from incubator.posts.selectors import match_candidates, post_is_open
from incubator.prices import checks
from incubator.prices.error_codes import FarmInfoErrorCode
from incubator.prices.models import Grade, PriceUnit, ProduceItem
from incubator.prices.notices import NoticeKind, notice_send
from incubator.prices.units import price_to_base, quantity_to_base, unit_fits
from logistics.geography.models import Town, Village
from marketplace.catalog.selectors import product_get_with_shop
from marketplace.shops.selectors import shop_is_member
from meidu.core.errors import DomainError
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.services.outbox import webhook_event_emit

MATCHES_KEPT = 10
WINDOW_MAX_DAYS = 366
PHONE = re.compile(r"^\+?[0-9]{6,15}$")


def _window(start, end) -> tuple[dt.date, dt.date]:
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        raise DomainError(_("Enter the dates of the window."), FarmInfoErrorCode.REQUIRED, field="windowStart")
    if end < start:
        raise DomainError(
            _("The window must end on or after its first day."), FarmInfoErrorCode.WINDOW_INVALID, field="windowEnd"
        )
    today = timezone.localdate()
    if end < today:
        raise DomainError(_("The window is in the past."), FarmInfoErrorCode.WINDOW_IN_PAST, field="windowEnd")
    if (end - max(start, today)).days > WINDOW_MAX_DAYS or start < today - dt.timedelta(days=WINDOW_MAX_DAYS):
        raise DomainError(_("A window spans at most a year."), FarmInfoErrorCode.WINDOW_INVALID, field="windowEnd")
    return start, end


def _place(village: Village | None, town: Town | None) -> tuple[Town, Village | None, float, float]:
    if village is not None:
        return village.town, village, float(village.latitude), float(village.longitude)
    if town is not None:
        return town, None, float(town.latitude), float(town.longitude)
    raise DomainError(_("Choose your village or town."), FarmInfoErrorCode.REQUIRED, field="village")


def _price(item: ProduceItem, price_wish, price_unit: str | None):
    if price_wish in (None, ""):
        return None
    entered = checks.number(price_wish, "priceWish", maximum=checks.PRICE_MAX)
    unit = checks.choice(price_unit or item.unit, "priceUnit", PriceUnit.values)
    if not unit_fits(item.unit, unit):
        raise DomainError(
            _("%(item)s is priced in %(unit)s.") % {"item": item.name, "unit": PriceUnit(item.unit).label},
            FarmInfoErrorCode.WRONG_UNIT,
            field="priceUnit",
        )
    return price_to_base(entered, unit, item.unit)


def _quantity(item: ProduceItem, quantity, unit: str):
    entered = checks.number(quantity, "quantity", maximum=checks.QUANTITY_MAX, places=3)
    unit = checks.choice(unit, "quantityUnit", QuantityUnit.values)
    if not unit_fits(item.unit, unit):
        raise DomainError(
            _("%(item)s is counted in %(unit)s.")
            % {"item": item.name, "unit": _("head") if item.unit == PriceUnit.HEAD else _("jin, kg or tonnes")},
            FarmInfoErrorCode.WRONG_UNIT,
            field="quantityUnit",
        )
    return entered, unit, quantity_to_base(entered, unit, item.unit)


def _shop_product(poster, shop, product):
    if product is not None and shop is None:
        shop = product.shop
    if shop is not None and not shop_is_member(poster, shop.pk):
        raise DomainError(_("You can link only a shop you work for."), FarmInfoErrorCode.NOT_FOUND, field="shop")
    if product is not None:
        found = product_get_with_shop(product.pk)
        if found is None or found.shop_id != shop.pk:
            raise DomainError(
                _("This product is not sold by that shop."), FarmInfoErrorCode.PRODUCT_NOT_OF_SHOP, field="product"
            )
    return shop, product


def post_create(
    poster,
    *,
    side: str,
    item: ProduceItem,
    quantity,
    quantity_unit: str,
    window_start: dt.date,
    window_end: dt.date,
    village: Village | None = None,
    town: Town | None = None,
    price_wish=None,
    price_unit: str | None = None,
    grade: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    note: str = "",
    on_behalf_of: str = "",
    shop=None,
    product=None,
) -> tuple[SupplyDemandPost, list[PostMatch]]:
    """Publish a post and match it at once: the best open posts of the other side become matches, and
    both sides get a notice (and the outbox a FARM_POST_MATCHED event)."""
    side = checks.choice(side, "side", PostSide.values)
    grade = checks.choice(grade or "", "grade", Grade.values)
    quantity, quantity_unit, quantity_base = _quantity(item, quantity, quantity_unit)
    price_base = _price(item, price_wish, price_unit)
    window_start, window_end = _window(window_start, window_end)
    town, village, latitude, longitude = _place(village, town)
    note = checks.text(note, "note", max_length=500)
    on_behalf_of = checks.text(on_behalf_of, "onBehalfOf", max_length=32, name=True)
    if on_behalf_of and not post_may_post_for_villagers(poster):
        raise DomainError(
            _("Only a village information officer may post for someone else."),
            FarmInfoErrorCode.INVALID,
            field="onBehalfOf",
        )
    # never the phone as a name (display_name falls back to it): the phone stays masked until accepted
    own_name = f"{poster.last_name}{poster.first_name}".strip() or poster.masked_phone
    contact_name = checks.text(contact_name, "contactName", max_length=32, name=True) or on_behalf_of or own_name[:32]
    contact_phone = checks.text(contact_phone, "contactPhone", max_length=16) or (
        "" if on_behalf_of else (poster.phone or "")
    )
    if not PHONE.match(contact_phone.replace(" ", "")):
        raise DomainError(_("Enter a phone number."), FarmInfoErrorCode.INVALID, field="contactPhone")
    shop, product = _shop_product(poster, shop, product)
    with transaction.atomic():
        post = SupplyDemandPost.objects.create(
            side=side,
            item=item,
            quantity=quantity,
            quantity_unit=quantity_unit,
            quantity_base=quantity_base,
            price_wish=price_base,
            grade=grade,
            town=town,
            village=village,
            latitude=latitude,
            longitude=longitude,
            window_start=window_start,
            window_end=window_end,
            contact_name=contact_name,
            contact_phone=contact_phone.replace(" ", ""),
            note=note,
            poster=poster,
            on_behalf_of=on_behalf_of,
            shop=shop,
            product=product,
        )
        matches = post_match(post)
    return post, matches


def post_match(post: SupplyDemandPost) -> list[PostMatch]:
    """Match ``post`` against the open posts of the other side (inside the caller's transaction)."""
    candidates = match_candidates(post, limit=MATCHES_KEPT)
    if not candidates:
        return []
    supply_side = post.side == PostSide.SUPPLY
    matches = PostMatch.objects.bulk_create(
        [
            PostMatch(
                supply_id=post.pk if supply_side else c.post_id,
                demand_id=c.post_id if supply_side else post.pk,
                score=round(c.score, 4),
                distance_km=round(c.distance_km, 2),
            )
            for c in candidates
        ]
    )  # a new post has no match yet: no conflict to ignore
    data = {"item": post.item.name, "count": len(candidates), "post": post.pk}
    notice_send(post.poster_id, NoticeKind.POST_MATCHED, data)
    for poster_id in sorted({c.poster_id for c in candidates}):
        notice_send(poster_id, NoticeKind.POST_MATCHED, {"item": post.item.name, "count": 1, "post": post.pk})
    webhook_event_emit(
        WebhookEventType.FARM_POST_MATCHED,
        {
            "post": post.pk,
            "side": post.side,
            "item": post.item.code,
            "matches": [
                {"post": c.post_id, "score": round(c.score, 4), "distanceKm": round(c.distance_km, 2)}
                for c in candidates
            ],
        },
    )
    return matches


def _own_open_post(user, post: SupplyDemandPost) -> SupplyDemandPost:
    locked = SupplyDemandPost.objects.select_for_update().get(pk=post.pk)
    if not post_is_poster(user, locked):
        raise DomainError(_("You can change only your own posts."), FarmInfoErrorCode.NOT_POSTER, field="id")
    if not post_is_open(locked):
        raise DomainError(_("This post is no longer open."), FarmInfoErrorCode.POST_CLOSED, field="id")
    return locked


def post_update(
    user,
    post: SupplyDemandPost,
    *,
    quantity=None,
    quantity_unit=None,
    price_wish=None,
    price_unit=None,
    window_end=None,
    note=None,
) -> SupplyDemandPost:
    """The poster changes the quantity, price wish, end of window or note of their open post."""
    item = post.item
    changes = {}
    if quantity is not None:
        changes["quantity"], changes["quantity_unit"], changes["quantity_base"] = _quantity(
            item, quantity, quantity_unit or post.quantity_unit
        )
    if price_wish is not None:
        changes["price_wish"] = _price(item, price_wish, price_unit)
    if window_end is not None:
        _window(post.window_start, window_end)
        changes["window_end"] = window_end
    if note is not None:
        changes["note"] = checks.text(note, "note", max_length=500)
    with transaction.atomic():
        locked = _own_open_post(user, post)
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save()
    return locked


def post_close(user, post: SupplyDemandPost) -> SupplyDemandPost:
    with transaction.atomic():
        locked = _own_open_post(user, post)
        locked.status = PostStatus.CLOSED
        locked.save(update_fields=["status", "updated_at"])
    return locked


def posts_expire_due(today: dt.date | None = None) -> int:
    """The beat job: mark open posts whose window ended as expired (they already read as expired)."""
    today = today or timezone.localdate()
    return SupplyDemandPost.objects.filter(status=PostStatus.OPEN, window_end__lt=today).update(
        status=PostStatus.EXPIRED, updated_at=timezone.now()
    )


def contact_request_create(
    user, post: SupplyDemandPost, *, from_post: SupplyDemandPost | None = None, message: str = ""
) -> ContactRequest:
    """A signed-in user asks the poster of an open post for their phone (no chat)."""
    message = checks.text(message, "message", max_length=200)
    if post.poster_id == user.pk:
        raise DomainError(_("This is your own post."), FarmInfoErrorCode.OWN_POST, field="post")
    if not post_is_open(post):
        raise DomainError(_("This post has expired or was closed."), FarmInfoErrorCode.POST_EXPIRED, field="post")
    if from_post is not None and not post_is_poster(user, from_post):
        raise DomainError(_("Post not found."), FarmInfoErrorCode.NOT_FOUND, field="fromPost")
    try:
        with transaction.atomic():
            request = ContactRequest.objects.create(post=post, requester=user, from_post=from_post, message=message)
            ContactRequestEvent.objects.create(request=request, status=ContactStatus.PENDING, actor=user)
            notice_send(post.poster_id, NoticeKind.CONTACT_REQUESTED, {"item": post.item.name, "post": post.pk})
    except IntegrityError:
        raise DomainError(
            _("You have already asked for this contact."), FarmInfoErrorCode.ALREADY_REQUESTED, field="post"
        ) from None
    return request


def contact_request_decide(user, request: ContactRequest, *, accept: bool) -> ContactRequest:
    """The poster accepts (the requester then sees the phone) or declines a request, once."""
    target = ContactStatus.ACCEPTED if accept else ContactStatus.DECLINED
    with transaction.atomic():
        locked = ContactRequest.objects.select_for_update().select_related("post", "post__item").get(pk=request.pk)
        if locked.post.poster_id != user.pk:
            raise DomainError(_("Contact request not found."), FarmInfoErrorCode.NOT_FOUND, field="id")
        if target not in CONTACT_TRANSITIONS[ContactStatus(locked.status)]:
            raise DomainError(
                _("This request has already been answered."), FarmInfoErrorCode.REQUEST_DECIDED, field="id"
            )
        locked.status = target
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        ContactRequestEvent.objects.create(request=locked, status=target, actor=user)
        notice_send(
            locked.requester_id,
            NoticeKind.CONTACT_ACCEPTED if accept else NoticeKind.CONTACT_DECLINED,
            {"item": locked.post.item.name, "post": locked.post_id},
        )
    return locked
