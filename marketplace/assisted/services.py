"""Assisted buying at a village station (网络代购): a station agent orders for a villager.

Steps: ``assisted_order_start`` (the villager's mobile number; a cart in the assisted channel with
no user yet) → ``assisted_order_quantity_set`` (goods) → ``assisted_order_delivery_set`` (pickup at
the agent's station, or delivery to the villager's village) → ``assisted_order_code_send`` (a
six-digit ASSISTED_ORDER code texted to that number) → ``assisted_order_confirm`` with the code the
villager reads out, or with the name the villager signed at the counter and the agent's attestation.
Payment is cash on delivery, at the counter or at the door. Only the confirmation places orders:
in the villager's name (an account found by the number, or opened for it without a password: the
villager signs in by code), with the agent recorded as the assistant (orders.OrderAssistance).

What the agent sees: the number typed, the cart and its total, and the orders placed from it.
Whether the number has an account is never said (the villager's account is looked up only at
placement, and every answer is the same either way); the villager's addresses and other orders are
never read. A new account opened on a counter signature has no password: only a sign-in code to that
number opens it, so the number's owner, not the agent, holds it.

An order the villager has not confirmed by ``expires_at`` (ASSISTED_ORDER_EXPIRY_HOURS after its start)
is refused EXPIRED by every step from that moment, and ``assisted_orders_expire_due`` (the periodic job
assisted-orders-expire-due) marks it EXPIRED and discards its cart, releasing the stock it reserved.

Lock order of assisted_order_confirm: the AssistedOrder row → the Checkout row (customer assign, then
checkout_complete's order: checkout, orders, stocks in ascending pk) → the checkout's payment lock
(cash on delivery, before completion) → the PhoneCode row (spent last, as phone_codes asks).
assisted_orders_expire_due takes a prefix of it: the AssistedOrder row → the Checkout row (discarded
with its lines and reservations), so a confirmation and the expiry of one order queue on its row.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.assisted.error_codes import AssistedOrderErrorCode as Code
from marketplace.assisted.models import AssistedDelivery, AssistedOrder, AssistedOrderStatus
from marketplace.assisted.policies import assisted_may_order_at
from marketplace.assisted.selectors import assisted_channel
from marketplace.catalog.models import ProductVariant
from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.selectors import checkout_get, checkout_info, shipping_quotes_for
from marketplace.checkout.services import (
    checkout_create,
    checkout_customer_assign,
    checkout_delivery_method_update,
    checkout_discard,
    checkout_lines_update,
    checkout_shipping_address_update,
)
from marketplace.orders.models import AssistConfirmation, Order
from marketplace.orders.services.assisted import order_assistance_record
from marketplace.payments.services import transaction_initialize
from meidu.accounts.models import PhoneCodePurpose, User
from meidu.accounts.services import account_register
from meidu.accounts.services.phone_codes import (
    PhoneCodeSent,
    phone_clean,
    phone_code_check,
    phone_code_request,
    phone_code_spend,
)
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError

COD = "meidu.payments.cod"
MAX_NAME = 30
MAX_DETAIL = 60
MAX_QUANTITY_INPUT = 10**6
ZERO = Decimal("0.00")


def _refuse_unless_agent(agent, station) -> None:
    if not assisted_may_order_at(agent, station):
        raise DomainError(
            _("Only the agents of this village station can order for villagers"),
            Code.NOT_STATION_AGENT,
            field="station",
        )


def _open(assisted: AssistedOrder, agent) -> None:
    if assisted.agent_id != getattr(agent, "pk", None):
        raise DomainError(_("Assisted order not found"), Code.NOT_FOUND, field="id")
    _refuse_unless_agent(agent, assisted.station)
    state = assisted.state_at(timezone.now())
    if state == AssistedOrderStatus.EXPIRED:
        raise DomainError(
            _("The villager did not confirm this order in time: it expired. Start a new one."),
            Code.EXPIRED,
            field="id",
        )
    if state != AssistedOrderStatus.OPEN:
        raise DomainError(_("This order was already placed"), Code.ALREADY_PLACED, field="id")


def _checkout(assisted: AssistedOrder):
    checkout = checkout_get(assisted.checkout_token)
    if checkout is None:
        raise DomainError(_("This order was already placed"), Code.ALREADY_PLACED, field="id")
    return checkout


def _text(value, *, field: str, limit: int, required: bool = True) -> str:
    """A short line typed at the counter: no control characters, at most ``limit`` characters."""
    text = value.strip() if isinstance(value, str) else ""
    if isinstance(value, str) and any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise DomainError(_("Use letters and digits only"), Code.INVALID, field=field)
    if len(text) > limit:
        raise DomainError(_("At most %(limit)s characters") % {"limit": limit}, Code.INVALID, field=field)
    if required and not text:
        raise DomainError(_("This field is required"), Code.REQUIRED, field=field)
    return text


def assisted_order_start(*, agent, station, phone) -> AssistedOrder:
    """Open an assisted order for the villager of ``phone`` at ``station``: an empty cart in the
    assisted channel (ASSISTED_ORDER_CHANNEL) that belongs to nobody yet. Refusals:
    NOT_STATION_AGENT, REQUIRED / INVALID_PHONE (hostile or foreign numbers), CHANNEL_INACTIVE."""
    _refuse_unless_agent(agent, station)
    clean = phone_clean(phone)
    channel = assisted_channel()
    with transaction.atomic():
        checkout = checkout_create(channel=channel)
        assisted = AssistedOrder.objects.create(
            agent=agent,
            station=station,
            phone=clean,
            checkout_token=checkout.pk,
            expires_at=timezone.now() + timedelta(hours=settings.ASSISTED_ORDER_EXPIRY_HOURS),
        )
        audit_record("assisted.order_started", actor=agent, target=assisted, data={"station": station.pk})
    return assisted


def _quantity(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_QUANTITY_INPUT:
        raise DomainError(_("The quantity is a whole number"), Code.INVALID, field="quantity")
    return value


def assisted_order_quantity_set(assisted: AssistedOrder, *, agent, variant: ProductVariant, quantity) -> None:
    """Set how many of ``variant`` the villager buys (0 takes it out of the cart); the checkout's
    own refusals pass through (unavailable, stock, per-customer limits at placement)."""
    _open(assisted, agent)
    checkout_lines_update(_checkout(assisted), [(variant, _quantity(quantity))])


def _village_address(assisted: AssistedOrder, village, recipient, detail) -> dict:
    name = _text(recipient, field="recipient", limit=MAX_NAME)
    detail = _text(detail, field="detail", limit=MAX_DETAIL, required=False)
    if village is None:
        raise DomainError(_("Choose the village"), Code.REQUIRED, field="village")
    return {
        "first_name": name,
        "street_address_1": f"{village.town.name}{village.name}{detail}",
        "city": "营口市",
        "city_area": village.town.county,
        "country_area": "辽宁省",
        "phone": assisted.phone,
        "country": "CN",
        "village_id": village.pk,
    }


def assisted_order_delivery_set(
    assisted: AssistedOrder, *, agent, delivery: str, village=None, recipient: str = "", detail: str = ""
) -> None:
    """STATION: every shop's part waits at the agent's station. VILLAGE: to the villager's village
    (``recipient`` and ``detail`` such as 3组12号, typed by the agent), each shop by its cheapest
    delivery there. Refusals: INVALID, REQUIRED, NO_LINES, SHIPPING_METHOD_NOT_APPLICABLE."""
    _open(assisted, agent)
    if delivery not in AssistedDelivery.values:
        raise DomainError(_("Choose pickup at the station or delivery to the village"), Code.INVALID, field="delivery")
    checkout = _checkout(assisted)
    with transaction.atomic():
        if delivery == AssistedDelivery.STATION:
            checkout_delivery_method_update(checkout, collection_point=assisted.station)
        else:
            checkout = checkout_shipping_address_update(
                checkout, _village_address(assisted, village, recipient, detail)
            )
            info = checkout_info(checkout)
            if not info.groups:
                raise DomainError(_("The cart is empty"), Code.NO_LINES, field="lines")
            for group in info.groups:
                quotes = sorted(
                    shipping_quotes_for(group, checkout.shipping_address),
                    key=lambda quote: (quote.price, quote.method.pk),
                )
                if not quotes:
                    raise DomainError(
                        _("%(shop)s does not deliver to this village") % {"shop": group.shop.name},
                        Code.SHIPPING_METHOD_NOT_APPLICABLE,
                        field="delivery",
                    )
                checkout_delivery_method_update(checkout, shipping_method=quotes[0].method, shop=group.shop)
        AssistedOrder.objects.filter(pk=assisted.pk).update(delivery=delivery)
    assisted.delivery = delivery


def assisted_order_prepare(
    *,
    agent,
    station,
    phone,
    lines: list[tuple[ProductVariant, int]],
    delivery: str,
    village=None,
    recipient: str = "",
    detail: str = "",
) -> AssistedOrder:
    """Start, fill and route an assisted order in one step (the API's assistedOrderStart): all of it
    or, on any refusal, nothing."""
    if not lines:
        raise DomainError(_("Add what the villager buys"), Code.NO_LINES, field="lines")
    with transaction.atomic():
        assisted = assisted_order_start(agent=agent, station=station, phone=phone)
        for variant, quantity in lines:
            if _quantity(quantity) == 0:
                raise DomainError(_("The quantity must be greater than zero"), Code.ZERO_QUANTITY, field="quantity")
            assisted_order_quantity_set(assisted, agent=agent, variant=variant, quantity=quantity)
        assisted_order_delivery_set(
            assisted, agent=agent, delivery=delivery, village=village, recipient=recipient, detail=detail
        )
    return assisted


def assisted_order_code_send(assisted: AssistedOrder, *, agent, ip_address: str | None = None) -> PhoneCodeSent:
    """Text the villager an ASSISTED_ORDER code (phone codes' throttles apply: CODE_COOLDOWN,
    RATE_LIMITED, SMS_UNAVAILABLE). The code goes to the number the agent typed, and only there."""
    _open(assisted, agent)
    return phone_code_request(assisted.phone, PhoneCodePurpose.ASSISTED_ORDER, ip_address=ip_address)


def _villager(phone: str, agent) -> User:
    """The account of ``phone``, or a new one without a password (signs in by code)."""
    user = User.objects.filter(phone=phone).first()
    if user is not None:
        if not user.is_active:
            raise DomainError(_("This account cannot order now"), Code.ACCOUNT_INACTIVE, field="phone")
        return user
    # phone_verified: the account has no password; only a sign-in code texted to the number opens it.
    user = account_register(phone=phone, password=None, phone_verified=True)
    audit_record("assisted.account_opened", actor=agent, target=user)
    return user


def _fee_terms() -> tuple[Decimal, Decimal]:
    return Decimal(settings.ASSISTED_ORDER_FEE_PERCENT), Decimal(settings.ASSISTED_ORDER_FEE_MINIMUM)


def assisted_order_confirm(
    assisted: AssistedOrder,
    *,
    agent,
    code: str | None = None,
    signed_name: str | None = None,
    attested: bool = False,
    ip_address: str | None = None,
) -> list[Order]:
    """Place the cart as the villager's orders, paid cash on delivery, once the villager confirmed:
    ``code`` (the ASSISTED_ORDER code texted to the villager's number, read out to the agent) or,
    for a villager without a phone at hand, ``signed_name`` (the name as signed at the counter) with
    ``attested`` (the agent attests the signature). Without either nothing is written
    (CONFIRMATION_REQUIRED); a wrong, expired, used code or one for another number is refused with
    the phone codes' code and counted as a wrong try; the checkout's refusals pass through.
    Lock order: see the module docstring."""
    _open(assisted, agent)
    code_id = None
    name = ""
    if code not in (None, ""):
        code_id = phone_code_check(assisted.phone, PhoneCodePurpose.ASSISTED_ORDER, code, ip_address=ip_address)
        confirmation = AssistConfirmation.PHONE_CODE
    elif signed_name not in (None, ""):
        name = _text(signed_name, field="signedName", limit=MAX_NAME)
        if attested is not True:
            raise DomainError(
                _("Attest that the villager signed at the counter"), Code.CONFIRMATION_REQUIRED, field="attested"
            )
        confirmation = AssistConfirmation.COUNTER_SIGNATURE
    else:
        raise DomainError(
            _("The villager confirms with the code sent to their phone, or signs at the counter"),
            Code.CONFIRMATION_REQUIRED,
            field="code",
        )
    percent, minimum = _fee_terms()
    with transaction.atomic():
        locked = AssistedOrder.objects.select_for_update().select_related("station").get(pk=assisted.pk)
        _open(locked, agent)
        checkout = _checkout(locked)
        villager = _villager(locked.phone, agent)
        checkout_customer_assign(checkout, villager)
        transaction_initialize(
            checkout_token=checkout.pk, gateway_id=COD, idempotency_key=f"assisted:{locked.pk}", user=agent
        )
        orders = checkout_complete(checkout.pk).orders
        if code_id is not None:
            phone_code_spend(code_id)
        order_assistance_record(
            orders,
            assistant=agent,
            station=locked.station,
            confirmation=confirmation,
            signed_name=name,
            fee_percent=percent,
            fee_minimum=minimum,
        )
        locked.status = AssistedOrderStatus.PLACED
        locked.villager = villager
        locked.confirmation = confirmation
        locked.placed_at = timezone.now()
        locked.save(update_fields=["status", "villager", "confirmation", "placed_at"])
        audit_record(
            "assisted.order_placed",
            actor=agent,
            target=locked,
            data={"orders": [order.number for order in orders], "confirmation": confirmation},
        )
    assisted.status, assisted.villager, assisted.confirmation = locked.status, villager, confirmation
    return orders


def assisted_orders_expire_due(now=None, limit: int = 500) -> int:
    """The periodic job: open assisted orders past their expiry become EXPIRED and their carts go
    (``checkout_discard``: the stock they reserved is free again). Each in its own transaction, the
    AssistedOrder row locked first (SKIP LOCKED: one being confirmed right now is left to its
    confirmation, which refuses it as expired, and to the next run). Idempotent: an order already
    expired is not found again, a cart already gone is skipped. The number of orders expired."""
    now = now or timezone.now()
    due = list(
        AssistedOrder.objects.filter(status=AssistedOrderStatus.OPEN, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )
    expired = 0
    for token in due:
        with transaction.atomic():
            locked = (
                AssistedOrder.objects.select_for_update(skip_locked=True)
                .filter(pk=token, status=AssistedOrderStatus.OPEN, expires_at__lte=now)
                .first()
            )
            if locked is None:
                continue
            checkout_discard(locked.checkout_token)
            locked.status = AssistedOrderStatus.EXPIRED
            locked.save(update_fields=["status"])
            audit_record(
                "assisted.order_expired", actor=None, target=locked, data={"expires_at": str(locked.expires_at)}
            )
        expired += 1
    return expired
