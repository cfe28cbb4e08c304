"""checkoutComplete: one order per shop, all or nothing, idempotent.

Lock order (every writer of these rows follows it, so concurrent completions cannot deadlock):
  1. the Checkout row (SELECT ... FOR UPDATE): serialises with line and delivery changes and
     with a second completion of the same checkout;
  1b. for resale lines (issue 16), the incubator's offer and pick rows, share-locked by the
     ``resale_terms_locked`` hook's subscriber (a supplier pausing an offer locks it for update first and
     never a checkout, so the two serialise without a cycle);
  2. the Order rows it creates (new, so nobody waits on them) and the order-number sequence
     (not transactional, never blocks);
  3. last, the Stock rows the plan takes units from, in ascending primary key, by a lock statement
     followed by the one that re-checks and changes their counts on a snapshot taken under the
     lock (inventory's stocks_allocate_free, through checkout.availability.stocks_take), so the hot
     rows of a popular variant are held from those two statements to the commit only.
The plan is made from an unlocked read of the stocks (the units this checkout holds first); the
allocation and movement rows are written by the counting statement (their foreign keys only
share-lock the stock rows). Payment transaction rows are only read here. An unlocked look at the
stock, read with the checkout row, turns away buyers who clearly come too late before any other
work. If the stock turns out short under the lock, the transaction rolls back entirely and, when
money was already taken, it is refunded or voided afterwards.
A repeated call finds the orders by checkout token and returns them.

Speed (a flash sale is 200 buyers at once on two cores): the reads of a completion are
`CompiledQuery`s, their SQL built once per process (Django spent most of a completion compiling
them), and the transaction runs them on generic plans (PostgreSQL re-planned the seven-join lines
query at every execution). Figures in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.checkout.availability import (
    candidate_stocks_query,
    purchase_refusal,
    reserved_by_checkout_subquery,
    reserved_by_others_subquery,
    stock_free,
    stocks_take,
)
from marketplace.checkout.error_codes import CheckoutErrorCode
from marketplace.checkout.hooks import ResalePlacement, resale_lines_placed, resale_terms_locked
from marketplace.checkout.models import Checkout, CheckoutDelivery, CheckoutLine, Reservation
from marketplace.checkout.payment_check import checkout_coverage, checkout_payment_unwind
from marketplace.checkout.selectors import CHECKOUT_RELATED, CheckoutInfo, checkout_info
from marketplace.checkout.services import _check_quantity
from marketplace.inventory.allocation import stock_low_notices
from marketplace.inventory.models import Stock
from marketplace.orders.selectors import orders_of_checkout, presale_campaign_sold
from marketplace.orders.services.create import GroupPlan, LinePlan, order_allocations_new, orders_create_from_checkout
from marketplace.presale.models import PresaleCampaign
from meidu.core.cache_versions import STOCK, bump
from meidu.core.errors import DomainError, DomainErrors
from meidu.core.queries import generic_plans_for_transaction
from meidu.core.sql.bulk import InsertPart, StatementPart
from meidu.core.sql.compiled import CompiledQuery


class InsufficientStock(DomainErrors):
    pass


@dataclass
class CompletionResult:
    orders: list
    created: bool


def _validate(info: CheckoutInfo, user) -> None:
    checkout = info.checkout
    if not info.lines:
        raise DomainError(_("The checkout has no lines"), CheckoutErrorCode.NO_LINES, field="lines")
    if not checkout.channel.is_active:
        raise DomainError(_("This channel is not active"), CheckoutErrorCode.CHANNEL_INACTIVE, field="channel")
    if not checkout.email and not (checkout.user_id and (checkout.user.email or checkout.user.phone)):
        raise DomainError(_("Give an e-mail address or log in"), CheckoutErrorCode.EMAIL_NOT_SET, field="email")
    errors = []
    for line in info.lines:
        refusal = purchase_refusal(line.variant, checkout.channel, line.product_listing, line.variant_listing)
        if refusal:
            errors.append(refusal)
    if errors:
        raise DomainErrors(errors)
    for line in info.lines:
        _check_quantity(line.variant, line.line.quantity, checkout.user, field="lines")
    for group in info.groups:
        if group.has_delivery:
            continue
        if group.delivery is None or group.delivery.shipping_method_id is None:
            raise DomainError(
                _("Choose how %(shop)s delivers") % {"shop": group.shop.name},
                CheckoutErrorCode.SHIPPING_METHOD_NOT_SET,
                field="deliveryMethod",
            )
        if checkout.shipping_address is None:
            raise DomainError(
                _("Set the shipping address"), CheckoutErrorCode.SHIPPING_ADDRESS_NOT_SET, field="shippingAddress"
            )
        raise DomainError(
            _("%(method)s does not deliver there") % {"method": group.delivery.shipping_method.name},
            CheckoutErrorCode.SHIPPING_METHOD_NOT_APPLICABLE,
            field="deliveryMethod",
        )


def _resale_check(info: CheckoutInfo) -> None:
    """Resale lines (issue 16) are sold only on their reseller's live terms, read under lock (the hook's
    subscriber share-locks the offers and picks): a pick paused, removed or of an offer no longer open
    refuses the completion, and so does a retail price other than the one the buyer saw."""
    resale_lines = [line for line in info.lines if line.line.reseller_shop_id is not None]
    if not resale_lines:
        return
    pairs = sorted({(line.line.reseller_shop_id, line.variant.pk) for line in resale_lines})
    terms = resale_terms_locked.first(pairs) or {}
    errors = []
    for line in resale_lines:
        found = terms.get((line.line.reseller_shop_id, line.variant.pk))
        if found is None:
            errors.append(
                DomainError(
                    _("%(name)s is no longer sold by %(shop)s")
                    % {"name": line.variant.product.name, "shop": line.line.reseller_shop.name},
                    CheckoutErrorCode.RESALE_UNAVAILABLE,
                    field="lines",
                )
            )
        elif found.retail_unit_price != line.line.retail_unit_price_amount:
            errors.append(
                DomainError(
                    _("The price of %(name)s changed: look at the cart again") % {"name": line.variant.product.name},
                    CheckoutErrorCode.RESALE_PRICE_CHANGED,
                    field="lines",
                )
            )
        else:
            line.resale = found
    if errors:
        raise DomainErrors(errors)


def _resale_placed(info: CheckoutInfo, order_lines: dict, orders: list, buyer) -> None:
    """Tell the incubator which lines were sold through resellers (it records attribution and the
    DistributedLine rows), in this transaction."""
    placements = []
    by_id = {order.pk: order for order in orders}
    for line in info.lines:
        if line.resale is not None:
            order_line = order_lines[line.line.pk]
            placements.append(ResalePlacement(by_id[order_line.order_id], order_line, line.resale))
    if placements:
        resale_lines_placed.send(placements, buyer)


def _plan(info: CheckoutInfo) -> list[GroupPlan]:
    """Read the candidate stocks (with the units other checkouts and this one reserve, in the same query;
    no lock: stocks_take re-checks under the lock) and split each line over them: the units it holds
    first, then the fullest warehouse."""
    tracked = [line for line in info.lines if line.variant.track_inventory and line.campaign is None]
    points = {group.shop.pk: (group.delivery.collection_point if group.delivery else None) for group in info.groups}
    locked = _candidate_stocks(
        variant_ids=[line.variant.pk for line in tracked], token=info.checkout.pk, now=timezone.now()
    )
    free = {stock.pk: stock_free(stock, {stock.pk: stock.reserved_elsewhere}) for stock in locked}
    short = []
    plans = []
    for group in info.groups:
        point = points[group.shop.pk]
        line_plans = []
        for line in group.lines:
            if not line.variant.track_inventory or line.campaign is not None:
                line_plans.append(LinePlan(line, []))  # pre-sale units are allocated at harvest
                continue
            stocks = [
                stock
                for stock in locked
                if stock.variant_id == line.variant.pk
                and (point is None or point.kind == "station" or stock.warehouse_id == point.pk)
            ]
            stocks.sort(key=lambda stock: (-free[stock.pk], stock.pk))
            wanted, taken = line.line.quantity, {}
            # First the units this checkout holds (nobody else may take them while it completes),
            # then the fullest warehouse: a holder is never refused for another warehouse's units.
            for room in (lambda stock: min(free[stock.pk], stock.reserved_here), lambda stock: free[stock.pk]):
                for stock in stocks:
                    units = min(wanted, room(stock))
                    if units:
                        taken[stock] = taken.get(stock, 0) + units
                        free[stock.pk] -= units
                        stock.reserved_here -= min(units, stock.reserved_here)
                        wanted -= units
            taken = list(taken.items())
            if wanted:
                short.append(
                    DomainError(
                        _("Not enough %(sku)s left") % {"sku": line.variant.sku},
                        CheckoutErrorCode.INSUFFICIENT_STOCK,
                        field="lines",
                    )
                )
            line_plans.append(LinePlan(line, taken))
        plans.append(GroupPlan(group, line_plans))
    if short:
        raise InsufficientStock(short)
    return plans


_candidate_stocks = CompiledQuery(
    lambda variant_ids, token, now: (
        Stock.objects.filter(candidate_stocks_query(variant_ids))
        .select_related("warehouse")
        .annotate(
            reserved_elsewhere=reserved_by_others_subquery(token, now),
            reserved_here=reserved_by_checkout_subquery(token, now),
        )
        .order_by("pk")
    ),
    variant_ids=[int],
    token=uuid.UUID,
    now=datetime,
)


def _stocks_take(changes: list[tuple], token, allocations: list, movements: list) -> None:
    """The planned units leave the stocks' free units, written with their allocation and movement
    rows by one statement, or the whole completion rolls back."""
    if not changes:
        return
    taken = stocks_take(
        {stock.pk: units for stock, units in changes},
        token,
        also=(InsertPart("allocations", allocations), InsertPart("movements", movements)),
    )
    if taken is None:
        raise InsufficientStock([DomainError(_("Sold out"), CheckoutErrorCode.INSUFFICIENT_STOCK, field="lines")])
    after = {row[0]: row for row in taken}
    for stock, _units in changes:
        stock.quantity, stock.quantity_allocated = after[stock.pk][1], after[stock.pk][2]
    stock_low_notices(changes)


def _presale_capacity_check(info: CheckoutInfo) -> None:
    """Pre-sale lines may not sell beyond the expected harvest. The campaign rows are locked
    (ascending pk, after the checkout and before any stock) so two buyers cannot both take the last units."""
    wanted = {line.campaign.pk: line for line in info.lines if line.campaign is not None}
    if not wanted:
        return
    for campaign in PresaleCampaign.objects.select_for_update().filter(pk__in=list(wanted)).order_by("pk"):
        line = wanted[campaign.pk]
        left = campaign.expected_quantity - presale_campaign_sold(campaign)
        if campaign.status != "open" or line.line.quantity > left:
            raise InsufficientStock(
                [
                    DomainError(
                        _("Only %(count)s of %(sku)s left in this pre-sale")
                        % {"count": max(left, 0), "sku": line.variant.sku},
                        CheckoutErrorCode.INSUFFICIENT_STOCK,
                        field="lines",
                    )
                ]
            )


def checkout_deletion(checkout: Checkout) -> StatementPart:
    """The completed checkout goes (its orders keep the token): its reservations, deliveries, lines and
    row, as steps of the statement that writes the order lines (foreign keys are checked at commit).
    Its reservations no longer hold units: cached answers showing stock counts go after commit."""
    bump(STOCK)
    tables = {
        name: model._meta.db_table
        for name, model in (
            ("reservation", Reservation),
            ("delivery", CheckoutDelivery),
            ("line", CheckoutLine),
            ("checkout", Checkout),
        )
    }
    return StatementPart(
        router.db_for_write(Checkout),
        [
            (
                "checkout_reservations_gone",
                f"DELETE FROM {tables['reservation']} WHERE checkout_line_id IN "
                f"(SELECT id FROM {tables['line']} WHERE checkout_id = %(checkout_token)s)",
            ),
            ("checkout_deliveries_gone", f"DELETE FROM {tables['delivery']} WHERE checkout_id = %(checkout_token)s"),
            ("checkout_lines_gone", f"DELETE FROM {tables['line']} WHERE checkout_id = %(checkout_token)s"),
            ("checkout_gone", f"DELETE FROM {tables['checkout']} WHERE token = %(checkout_token)s"),
        ],
        {"checkout_token": checkout.pk},
    )


def _clearly_sold_out():
    """Whether the outer Checkout has a tracked line wanting more than its variant's whole unallocated
    stock (reservations ignored, so this can only under-refuse; the plan decides the rest), read with
    the checkout row so a buyer who comes too late is turned away before any other work. Pre-sale
    lines sell unharvested goods: skipped."""
    from django.db.models import Exists, F, OuterRef, Subquery, Sum
    from django.db.models.functions import Coalesce

    free = (
        Stock.objects.filter(variant_id=OuterRef("variant_id"))
        .values("variant_id")
        .annotate(free=Sum(F("quantity") - F("quantity_allocated")))
        .values("free")
    )
    presale = PresaleCampaign.objects.filter(variant_id=OuterRef("variant_id"), status="open")
    short = (
        CheckoutLine.objects.filter(checkout_id=OuterRef("token"), variant__track_inventory=True)
        .annotate(free=Coalesce(Subquery(free), 0))
        .filter(quantity__gt=F("free"))
        .exclude(Exists(presale))
    )
    return Exists(short)


_checkout_lock = CompiledQuery(
    lambda token: (
        Checkout.objects.select_for_update(of=("self",))
        .select_related(*CHECKOUT_RELATED)
        .annotate(sold_out=_clearly_sold_out())
        .filter(pk=token)
        .order_by()[:1]
    ),
    token=uuid.UUID,
)


def checkout_complete(token, *, user=None) -> CompletionResult:
    try:
        with transaction.atomic():
            generic_plans_for_transaction()
            checkout = next(iter(_checkout_lock(token=token)), None)
            if checkout is None:
                existing = orders_of_checkout(token)
                if existing:
                    return CompletionResult(existing, created=False)
                raise DomainError(_("Checkout not found"), CheckoutErrorCode.NOT_FOUND, field="id")
            if checkout.user_id and getattr(user, "is_authenticated", False) and user.pk != checkout.user_id:
                raise DomainError(_("Checkout not found"), CheckoutErrorCode.NOT_FOUND, field="id")
            if checkout.sold_out:
                raise InsufficientStock(
                    [DomainError(_("Sold out"), CheckoutErrorCode.INSUFFICIENT_STOCK, field="lines")]
                )
            info = checkout_info(checkout, with_shipping_methods=False)
            _validate(info, user)
            _resale_check(info)
            # Stock before payment: a buyer refused for stock (its money given back) who tries again
            # hears that the units are gone, not that it should pay again for nothing.
            _presale_capacity_check(info)
            plans = _plan(info)
            coverage = checkout_coverage(checkout.pk, info.due_now)
            if not coverage.allows(info.due_now):
                raise DomainError(
                    _("The checkout is not fully paid (%(covered)s of %(total)s)")
                    % {"covered": coverage.covered, "total": info.due_now},
                    CheckoutErrorCode.CHECKOUT_NOT_FULLY_PAID,
                    field="id",
                )
            orders, order_lines = orders_create_from_checkout(
                checkout,
                info.groups,
                user=checkout.user,
                payment_gateway=coverage.gateway,
                items=coverage.items,
                also=(checkout_deletion(checkout),),
            )
            _resale_placed(info, order_lines, orders, checkout.user)
            changes, allocations, movements = order_allocations_new(
                plans, order_lines, actor=checkout.user, note=", ".join(f"#{order.number}" for order in orders)
            )
            _stocks_take(changes, checkout.pk, allocations, movements)
    except InsufficientStock:
        checkout_payment_unwind(token, reason="stock ran out before the order was placed")
        raise
    return CompletionResult(orders, created=True)
