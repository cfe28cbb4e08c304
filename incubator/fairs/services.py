"""Fair use cases: staff open a fair; a shop applies for a stall with its products; staff approve or
reject the application (each transition an event row with who and when).

Lock order: stall_apply inserts the stall (the unique (fair, shop) constraint settles a race);
stall_decide locks the stall row.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.fairs.models import STALL_TRANSITIONS, Fair, FairStall, FairStallEvent, FairStallProduct, StallStatus
from incubator.fairs.selectors import fair_phase
from incubator.prices import checks
from incubator.prices.error_codes import FarmInfoErrorCode
from marketplace.catalog.selectors import product_get_with_shop
from marketplace.shops.models import ShopStatus
from marketplace.shops.selectors import shop_is_member
from meidu.core.errors import DomainError

PRODUCTS_PER_STALL = 12
FAIR_MAX_DAYS = 92


def fair_open(staff, *, title: str, theme: str, starts_on: dt.date, ends_on: dt.date) -> Fair:
    title = checks.text(title, "title", max_length=80, required=True, name=True)
    theme = checks.text(theme, "theme", max_length=200)
    if not isinstance(starts_on, dt.date) or not isinstance(ends_on, dt.date):
        raise DomainError(_("Enter the fair's dates."), FarmInfoErrorCode.REQUIRED, field="startsOn")
    if ends_on < starts_on or (ends_on - starts_on).days > FAIR_MAX_DAYS:
        raise DomainError(
            _("A fair ends on or after its first day and lasts at most %(days)d days.") % {"days": FAIR_MAX_DAYS},
            FarmInfoErrorCode.FAIR_DATES,
            field="endsOn",
        )
    if ends_on < timezone.localdate():
        raise DomainError(_("The fair's dates are in the past."), FarmInfoErrorCode.FAIR_DATES, field="endsOn")
    return Fair.objects.create(
        title=title,
        theme=theme,
        starts_on=starts_on,
        ends_on=ends_on,
        opened_by=staff if hasattr(staff, "phone") else None,
    )


def stall_apply(user, fair: Fair, *, shop, products: list, pitch: str = "") -> FairStall:
    """A member of a shop applies for a stall at a fair that is not over, with some of the shop's products."""
    pitch = checks.text(pitch, "pitch", max_length=200)
    if fair_phase(fair) == "over":
        raise DomainError(_("This fair is over."), FarmInfoErrorCode.FAIR_CLOSED, field="fair")
    if not shop_is_member(user, shop.pk):
        raise DomainError(_("Shop not found."), FarmInfoErrorCode.NOT_FOUND, field="shop")
    if shop.status != ShopStatus.ACTIVE:
        raise DomainError(_("Only an open shop can take a stall."), FarmInfoErrorCode.SHOP_NOT_ACTIVE, field="shop")
    if not products or len(products) > PRODUCTS_PER_STALL:
        raise DomainError(
            _("Choose between 1 and %(max)d products.") % {"max": PRODUCTS_PER_STALL},
            FarmInfoErrorCode.INVALID,
            field="products",
        )
    for product in products:
        found = product_get_with_shop(product.pk)
        if found is None or found.shop_id != shop.pk:
            raise DomainError(
                _("This product is not sold by that shop."), FarmInfoErrorCode.PRODUCT_NOT_OF_SHOP, field="products"
            )
    town = shop.village.town if shop.village_id else None
    try:
        with transaction.atomic():
            stall = FairStall.objects.create(fair=fair, shop=shop, town=town, pitch=pitch)
            FairStallProduct.objects.bulk_create(
                [FairStallProduct(stall=stall, product=product) for product in {p.pk: p for p in products}.values()]
            )
            FairStallEvent.objects.create(stall=stall, status=StallStatus.APPLIED, actor=user)
    except IntegrityError:
        raise DomainError(
            _("This shop has already applied to this fair."), FarmInfoErrorCode.ALREADY_APPLIED, field="shop"
        ) from None
    return stall


def stall_decide(staff, stall: FairStall, *, approve: bool, note: str = "") -> FairStall:
    note = checks.text(note, "note", max_length=200)
    target = StallStatus.APPROVED if approve else StallStatus.REJECTED
    with transaction.atomic():
        locked = FairStall.objects.select_for_update().select_related("fair").get(pk=stall.pk)
        if fair_phase(locked.fair) == "over":
            raise DomainError(_("This fair is over."), FarmInfoErrorCode.FAIR_CLOSED, field="id")
        if target not in STALL_TRANSITIONS[StallStatus(locked.status)]:
            raise DomainError(
                _("This application has already been decided."), FarmInfoErrorCode.STALL_NOT_APPLIED, field="id"
            )
        locked.status = target
        locked.save(update_fields=["status"])
        FairStallEvent.objects.create(
            stall=locked, status=target, actor=staff if hasattr(staff, "phone") else None, note=note
        )
    return locked
