"""Checkout use cases (Saleor's checkout mutations). Each locks the checkout row first,
then stock rows in ascending pk when it checks or reserves stock.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.checkout.availability import listings_for, max_line_quantity, purchase_refusal
from marketplace.checkout.error_codes import CheckoutErrorCode
from marketplace.checkout.hooks import resale_terms
from marketplace.checkout.models import Checkout, CheckoutDelivery, CheckoutLine, Reservation
from marketplace.checkout.reservations import line_reserve, stocks_prelock
from marketplace.checkout.selectors import (
    checkout_info,
    checkout_info_keep,
    checkout_visible_to,
    collection_points_for,
    shipping_quotes_for,
)
from marketplace.orders.selectors import quantity_bought
from marketplace.presale.selectors import open_campaigns_for
from meidu.accounts.addresses import address_create
from meidu.accounts.selectors import user_default_shipping_address
from meidu.accounts.throttle import allowance_take
from meidu.core.cache_versions import STOCK, bump
from meidu.core.errors import DomainError, DomainErrors
from meidu.core.sql.compiled import CompiledQuery

_locked_checkout = CompiledQuery(
    lambda token: (
        Checkout.objects.select_for_update(of=("self",))
        .select_related("channel", "shipping_address__village")
        .filter(pk=token)
        .order_by()[:1]
    ),
    token=uuid.UUID,
)


def _lock(checkout: Checkout) -> Checkout:
    """The checkout's row, locked, with its channel and shipping address (compiled once per process)."""
    locked = next(iter(_locked_checkout(token=checkout.pk)), None)
    if locked is None:
        raise DomainError(_("This checkout was completed or removed"), CheckoutErrorCode.NOT_FOUND, field="id")
    return locked


def _check_quantity(variant, quantity: int, user, field: str = "quantity") -> None:
    if quantity <= 0:
        raise DomainError(_("The quantity must be greater than zero"), CheckoutErrorCode.ZERO_QUANTITY, field=field)
    if quantity > max_line_quantity():
        raise DomainError(
            _("At most %(limit)s of one item per order") % {"limit": max_line_quantity()},
            CheckoutErrorCode.QUANTITY_GREATER_THAN_LIMIT,
            field=field,
        )
    limit = variant.quantity_limit_per_customer
    if limit is None:
        return
    bought = 0
    if user is not None and user.is_authenticated:
        bought = quantity_bought(user, variant.pk)
    if quantity + bought > limit:
        raise DomainError(
            _("%(sku)s is limited to %(limit)s per customer (%(bought)s already bought)")
            % {"sku": variant.sku, "limit": limit, "bought": bought},
            CheckoutErrorCode.QUANTITY_GREATER_THAN_LIMIT,
            field=field,
        )


def _check_purchasable(checkout: Checkout, variants) -> None:
    product_listings, variant_listings = listings_for(variants, checkout.channel)
    errors = []
    for variant in variants:
        refusal = purchase_refusal(
            variant, checkout.channel, product_listings.get(variant.product_id), variant_listings.get(variant.pk)
        )
        if refusal:
            errors.append(refusal)
    if errors:
        raise DomainErrors(errors)


def _collection_points_of(checkout: Checkout) -> dict[int, object]:
    """The pickup point chosen for each shop of the checkout (shop id -> Warehouse), in one query."""
    deliveries = CheckoutDelivery.objects.filter(checkout=checkout, collection_point__isnull=False)
    return {delivery.shop_id: delivery.collection_point for delivery in deliveries.select_related("collection_point")}


def _resale_terms_of(reseller, variants) -> dict[int, object]:
    """The reseller's live terms per variant (issue 16), asked of the incubator through the checkout hook;
    refused with a code when the reseller does not sell one of them now."""
    terms = {}
    for variant in variants:
        answer = resale_terms.first(reseller.pk, variant.pk)
        if answer is None:
            raise DomainError(
                _("%(shop)s does not sell %(name)s now") % {"shop": reseller.name, "name": variant.product.name},
                CheckoutErrorCode.RESALE_UNAVAILABLE,
                field="lines",
            )
        terms[variant.pk] = answer
    return terms


def _set_quantities(
    checkout: Checkout, wanted: list[tuple[object, int]], *, replace: bool, reseller=None, new: bool = False
) -> None:
    """Add (or with ``replace`` set) quantities; 0 with ``replace`` removes the line. With ``reseller`` (a
    distributor's shop, issue 16) the lines are bought through it at its retail price: a line of the same
    variant moves to that reseller (the last shop the buyer added it from wins). ``new``: the checkout was
    created in this transaction (no lines, deliveries or holds to read yet)."""
    variants = [variant for variant, _ in wanted]
    existing = {} if new else {line.variant_id: line for line in checkout.lines.filter(variant__in=variants)}
    points = {} if new else None  # read once, when the first line needs it
    to_check = [variant for variant, quantity in wanted if quantity or not replace]
    _check_purchasable(checkout, to_check)
    resale = _resale_terms_of(reseller, to_check) if reseller is not None else {}
    # one read of the open pre-sale campaigns for every line below (it was one per line)
    campaigns = open_campaigns_for([variant.pk for variant in to_check], checkout.channel) if to_check else {}
    stocks_prelock(checkout, [variant for variant in to_check if variant.pk not in campaigns])
    for variant, quantity in wanted:
        line = existing.get(variant.pk)
        if replace and quantity == 0:
            if line is not None:
                line.delete()
            continue
        new_quantity = quantity if replace else quantity + (line.quantity if line else 0)
        if not replace and quantity <= 0:
            raise DomainError(
                _("The quantity must be greater than zero"), CheckoutErrorCode.ZERO_QUANTITY, field="quantity"
            )
        _check_quantity(variant, new_quantity, checkout.user)
        terms = resale.get(variant.pk)
        line_was_there = line is not None
        if line is None:
            line = CheckoutLine.objects.create(
                checkout=checkout,
                variant=variant,
                quantity=new_quantity,
                reseller_shop_id=terms.reseller_shop_id if terms else None,
                retail_unit_price_amount=terms.retail_unit_price if terms else None,
            )
        elif terms is not None:
            line.quantity = new_quantity
            line.reseller_shop_id, line.retail_unit_price_amount = terms.reseller_shop_id, terms.retail_unit_price
            line.save(update_fields=["quantity", "reseller_shop", "retail_unit_price_amount"])
        else:
            line.quantity = new_quantity
            line.save(update_fields=["quantity"])
        line.variant = variant
        if points is None:
            points = _collection_points_of(checkout)
        line_reserve(line, points.get(variant.product.shop_id), held=line_was_there, campaigns=campaigns)
    if not new:  # a checkout created in this transaction has just had its updated_at set
        checkout.save(update_fields=["updated_at"])


def _merge(lines: list[tuple[object, int]]) -> list[tuple[object, int]]:
    merged: dict[int, list] = {}
    for variant, quantity in lines:
        if variant.pk in merged:
            merged[variant.pk][1] += quantity
        else:
            merged[variant.pk] = [variant, quantity]
    return [(variant, quantity) for variant, quantity in merged.values()]


def _clean_email(email: str | None) -> str:
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(_("Enter a valid e-mail address"), CheckoutErrorCode.INVALID, field="email") from None
    return email


def checkout_create(
    *,
    channel,
    user=None,
    email: str | None = None,
    lines=(),
    shipping_address: dict | None = None,
    billing_address: dict | None = None,
    client_address: str | None = None,
    reseller=None,
) -> Checkout:
    """``client_address``: where an anonymous buyer calls from; its checkouts share the limits of
    issue 13 (CHECKOUTS_ANONYMOUS_PER_ADDRESS_PER_HOUR opened, CHECKOUT_ANONYMOUS_RESERVED_UNITS held)."""
    if not channel.is_active:
        raise DomainError(_("This channel is not active"), CheckoutErrorCode.CHANNEL_INACTIVE, field="channel")
    user = user if user is not None and user.is_authenticated else None
    email = _clean_email(email) or (user.email if user and user.email else "")
    if user is None and not allowance_take(
        "checkout-anonymous", client_address, settings.CHECKOUTS_ANONYMOUS_PER_ADDRESS_PER_HOUR, 3600
    ):
        raise DomainError(
            _("Too many checkouts opened without an account from this address: sign in, or try again in an hour"),
            CheckoutErrorCode.RATE_LIMITED,
        )
    with transaction.atomic():
        # A returning buyer's last saved address is offered again (Saleor uses the default address too).
        shipping = (
            address_create(shipping_address, user=user) if shipping_address else user_default_shipping_address(user)
        )
        billing = address_create(billing_address, user=user) if billing_address else None
        checkout = Checkout.objects.create(
            channel=channel,
            user=user,
            email=email,
            shipping_address=shipping,
            billing_address=billing,
            client_address=client_address if user is None else None,
        )
        if lines:
            _set_quantities(checkout, _merge(lines), replace=False, reseller=reseller, new=True)
    return checkout


def checkout_lines_add(checkout: Checkout, lines, *, reseller=None) -> Checkout:
    """Saleor's checkoutLinesAdd: a variant already in the checkout adds to its line. ``reseller``: the
    distributor's shop the buyer adds them through (issue 16)."""
    with transaction.atomic():
        locked = _lock(checkout)
        _set_quantities(locked, _merge(lines), replace=False, reseller=reseller)
    return locked


def checkout_lines_resale_reprice(reseller_shop_id: int, variant_id: int, retail_unit_price) -> int:
    """A distributor changed its retail price (issue 16): open checkout lines bought through it follow, so
    the buyer pays the price the shop shows now. Returns the lines changed. Locks nothing but the lines
    (one UPDATE); a completion racing it re-reads the price under its own lock and refuses a stale one."""
    return CheckoutLine.objects.filter(reseller_shop_id=reseller_shop_id, variant_id=variant_id).update(
        retail_unit_price_amount=retail_unit_price
    )


def checkout_lines_update(checkout: Checkout, lines) -> Checkout:
    """Set quantities; 0 removes the line."""
    with transaction.atomic():
        locked = _lock(checkout)
        for _variant, quantity in lines:
            if quantity < 0:
                raise DomainError(
                    _("The quantity cannot be negative"), CheckoutErrorCode.ZERO_QUANTITY, field="quantity"
                )
        _set_quantities(locked, lines, replace=True)
    return locked


def checkout_lines_delete(checkout: Checkout, line_ids: list[int]) -> Checkout:
    with transaction.atomic():
        locked = _lock(checkout)
        ids = set(int(pk) for pk in line_ids)
        found = set(locked.lines.filter(pk__in=ids).values_list("pk", flat=True))
        if found != ids:
            raise DomainError(_("Some lines are not in this checkout"), CheckoutErrorCode.NOT_FOUND, field="linesIds")
        locked.lines.filter(pk__in=ids).delete()
        locked.save(update_fields=["updated_at"])
    return locked


def checkout_email_update(checkout: Checkout, email: str) -> Checkout:
    clean = _clean_email(email)
    if not clean:
        raise DomainError(_("An e-mail address is required"), CheckoutErrorCode.REQUIRED, field="email")
    with transaction.atomic():
        locked = _lock(checkout)
        locked.email = clean
        locked.save(update_fields=["email", "updated_at"])
    return locked


def checkout_shipping_address_update(checkout: Checkout, data: dict) -> Checkout:
    """A new address may change which delivery methods apply: chosen ones that no longer do are cleared."""
    with transaction.atomic():
        locked = _lock(checkout)
        locked.shipping_address = address_create(data, user=locked.user)
        locked.save(update_fields=["shipping_address", "updated_at"])
        info = checkout_info(locked)
        for group in info.groups:
            if group.delivery and group.delivery.shipping_method_id and group.quote is None:
                group.delivery.delete()
                group.delivery = None
        checkout_info_keep(locked, info)
    return locked


def checkout_billing_address_update(checkout: Checkout, data: dict) -> Checkout:
    with transaction.atomic():
        locked = _lock(checkout)
        locked.billing_address = address_create(data, user=locked.user)
        locked.save(update_fields=["billing_address", "updated_at"])
    return locked


def checkout_delivery_method_update(
    checkout: Checkout, *, shipping_method=None, collection_point=None, shop=None
) -> Checkout:
    """Choose how a shop's part travels. A shipping method or a store belongs to one shop; a village
    station serves every shop, so without ``shop`` it applies to all shops of the checkout."""
    _delivery_method_require_one(shipping_method, collection_point)
    with transaction.atomic():
        return _delivery_method_choose(_lock(checkout), shipping_method, collection_point, shop)


def checkout_delivery_method_choose(token, *, user, choose) -> Checkout:
    """checkoutDeliveryMethodUpdate reading the checkout once: its row is locked, hidden from another
    logged-in user as checkout_for_request hides it (NOT_FOUND on ``id``), then ``choose()`` looks up the
    delivery method and answers (shipping method, collection point, shop): its refusals come after the
    checkout's, in Saleor's order. The access check and the lock were two reads of the same row."""
    with transaction.atomic():
        locked = next(iter(_locked_checkout(token=token)), None)
        if locked is None or not checkout_visible_to(locked, user):
            raise DomainError(_("Checkout not found"), CheckoutErrorCode.NOT_FOUND, field="id")
        shipping_method, collection_point, shop = choose()
        _delivery_method_require_one(shipping_method, collection_point)
        return _delivery_method_choose(locked, shipping_method, collection_point, shop)


def _delivery_method_require_one(shipping_method, collection_point) -> None:
    if (shipping_method is None) == (collection_point is None):
        raise DomainError(
            _("Give a shipping method or a collection point"), CheckoutErrorCode.INVALID, field="deliveryMethodId"
        )


def _delivery_method_choose(locked: Checkout, shipping_method, collection_point, shop) -> Checkout:
    """The delivery choice on a checkout locked by the caller's transaction."""
    info = checkout_info(locked)
    if not info.groups:
        raise DomainError(_("The checkout has no lines"), CheckoutErrorCode.NO_LINES, field="lines")
    owner_id = (
        shipping_method.shop_id
        if shipping_method
        else (collection_point.shop_id if collection_point.kind != "station" else None)
    )
    if shop is not None and owner_id is not None and shop.pk != owner_id:
        raise DomainError(
            _("That delivery method belongs to another shop"),
            CheckoutErrorCode.DELIVERY_METHOD_NOT_APPLICABLE,
            field="deliveryMethodId",
        )
    target_ids = (
        [owner_id] if owner_id is not None else ([shop.pk] if shop else [group.shop.pk for group in info.groups])
    )
    for shop_id in target_ids:
        group = info.group_for(shop_id)
        if group is None:
            raise DomainError(
                _("That delivery method belongs to a shop with nothing in this checkout"),
                CheckoutErrorCode.DELIVERY_METHOD_NOT_APPLICABLE,
                field="deliveryMethodId",
            )
        if shipping_method is not None:
            if locked.shipping_address is None:
                raise DomainError(
                    _("Set the shipping address first"),
                    CheckoutErrorCode.SHIPPING_ADDRESS_NOT_SET,
                    field="shippingAddress",
                )
            quote = next(
                (q for q in shipping_quotes_for(group, locked.shipping_address) if q.method.pk == shipping_method.pk),
                None,
            )
            if quote is None:
                raise DomainError(
                    _("This shipping method does not deliver to the address or weight"),
                    CheckoutErrorCode.SHIPPING_METHOD_NOT_APPLICABLE,
                    field="deliveryMethodId",
                )
        elif collection_point.pk not in {point.pk for point in collection_points_for(group)}:
            raise DomainError(
                _("This pickup point does not serve the shop"),
                CheckoutErrorCode.DELIVERY_METHOD_NOT_APPLICABLE,
                field="deliveryMethodId",
            )
        # Deliveries are written only here, under the checkout's row lock, and the group's delivery was
        # read under it: an UPDATE or an INSERT, without update_or_create's re-read and savepoints.
        if group.delivery is None:
            group.delivery = CheckoutDelivery.objects.create(
                checkout=locked, shop_id=shop_id, shipping_method=shipping_method, collection_point=collection_point
            )
        else:
            group.delivery.shipping_method, group.delivery.collection_point = shipping_method, collection_point
            group.delivery.save(update_fields=["shipping_method", "collection_point"])
        group.quote = quote if shipping_method is not None else None
        if collection_point is not None and collection_point.kind != "station":
            stocks_prelock(locked, [line_info.line.variant for line_info in group.lines])
            for line_info in group.lines:
                line_reserve(line_info.line, collection_point)
    locked.save(update_fields=["updated_at"])
    checkout_info_keep(locked, info)  # the groups now hold the deliveries just chosen
    return locked


def checkout_customer_attach(checkout: Checkout, user) -> Checkout:
    """Saleor's checkoutCustomerAttach: a cart filled before logging in becomes the user's
    (so its orders appear under "my orders"); another user's checkout is not found."""
    if not getattr(user, "is_authenticated", False):
        raise DomainError(_("Log in first"), CheckoutErrorCode.REQUIRED, field="customerId")
    with transaction.atomic():
        locked = _lock(checkout)
        if locked.user_id not in (None, user.pk):
            raise DomainError(_("Checkout not found"), CheckoutErrorCode.NOT_FOUND, field="id")
        locked.user = user
        if not locked.email and user.email:
            locked.email = user.email
        if locked.shipping_address_id is None:
            locked.shipping_address = user_default_shipping_address(user)
        locked.save(update_fields=["user", "email", "shipping_address", "updated_at"])
    return locked


def checkout_customer_assign(checkout: Checkout, user) -> Checkout:
    """Make a cart someone else built the user's, keeping its addresses as they are (a station
    agent's cart for a villager: the villager's saved addresses are never read into it). A checkout
    that already belongs to another user is not found."""
    with transaction.atomic():
        locked = _lock(checkout)
        if locked.user_id not in (None, user.pk):
            raise DomainError(_("Checkout not found"), CheckoutErrorCode.NOT_FOUND, field="id")
        locked.user = user
        locked.save(update_fields=["user", "updated_at"])
    return locked


def checkout_discard(token) -> bool:
    """A cart nobody will complete goes (an assisted order that lapsed): its reservations stop holding
    units (other buyers' stock counts change: cached answers go), its deliveries, lines and row are
    deleted. For carts that hold no money (the caller knows: an assisted cart is paid only inside its
    confirmation's transaction); money held by a cart nobody completes is the abandoned-funds job's.
    False when it is already gone (idempotent). Lock order: the Checkout row, then its rows."""
    with transaction.atomic():
        locked = Checkout.objects.select_for_update(of=("self",)).filter(pk=token).first()
        if locked is None:
            return False
        held = Reservation.objects.filter(checkout_line__checkout=locked).exists()
        locked.delete()  # reservations, deliveries and lines cascade
        if held:
            bump(STOCK)
    return True
