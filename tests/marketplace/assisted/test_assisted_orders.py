"""Assisted buying at a village station (网络代购): the agent orders for a villager, who confirms by a
code read out from their phone or by signing at the counter; the order is the villager's and names
the agent as the assistant."""

from decimal import Decimal
from functools import partial

from django.utils import timezone

from marketplace.assisted.models import AssistedOrder, AssistedOrderStatus
from marketplace.assisted.services import (
    assisted_order_code_send,
    assisted_order_confirm,
    assisted_order_delivery_set,
    assisted_order_quantity_set,
    assisted_order_start,
)
from marketplace.checkout.models import Checkout
from marketplace.orders.models import AssistConfirmation, DeliveryKind, Order, OrderAssistance
from meidu.accounts.models import PhoneCode, User
from meidu.accounts.roles import Role
from tests.marketplace.checkout.factories import village_station
from tests.refusals import assert_refused
from tests.support.assisted import VILLAGER_PHONE, assisted_cart, confirmed_by_code
from tests.support.phone_codes import code_for, latest_code


def _written():
    return (
        Order.objects.count(),
        OrderAssistance.objects.count(),
        User.objects.count(),
        list(AssistedOrder.objects.values_list("status", flat=True)),
        PhoneCode.objects.filter(used_at__isnull=False).count(),
    )


def test_a_new_villager_confirms_by_code_and_the_order_is_theirs(station, station_agent, fertiliser):
    assisted, [order] = confirmed_by_code(station_agent, station, fertiliser["variant"], 2)
    villager = User.objects.get(phone=VILLAGER_PHONE)
    assert order.user == villager and not villager.has_usable_password()
    assert order.delivery_kind == DeliveryKind.COLLECTION and order.collection_point == station
    assert order.payment_gateway == "meidu.payments.cod" and order.total_amount == Decimal("300.00")
    assert [(line.product_name, line.quantity) for line in order.lines.all()] == [("复合肥 40kg", 2)]
    assistance = order.assistance
    assert assistance.assistant == station_agent and assistance.station == station
    assert assistance.confirmation == AssistConfirmation.PHONE_CODE
    assisted.refresh_from_db()
    assert assisted.status == AssistedOrderStatus.PLACED and assisted.villager == villager
    assert PhoneCode.objects.get(phone=VILLAGER_PHONE, purpose="assisted_order").used_at is not None


def test_an_existing_villager_gets_the_order_without_their_saved_address(make_user, station, station_agent, fertiliser):
    villager = make_user(Role.BUYER, phone="13904178801")
    assisted = assisted_cart(station_agent, station, fertiliser["variant"], 1)
    assert Checkout.objects.get(pk=assisted.checkout_token).user is None
    assisted_order_code_send(assisted, agent=station_agent)
    [order] = assisted_order_confirm(assisted, agent=station_agent, code=latest_code(VILLAGER_PHONE))
    assert order.user == villager and order.shipping_address is None
    assert User.objects.filter(phone=VILLAGER_PHONE).count() == 1


def test_a_villager_without_a_phone_signs_at_the_counter(station, station_agent, fertiliser):
    assisted = assisted_cart(station_agent, station, fertiliser["variant"], 2)
    [order] = assisted_order_confirm(assisted, agent=station_agent, signed_name=" 王秀英 ", attested=True)
    assert order.assistance.confirmation == AssistConfirmation.COUNTER_SIGNATURE
    assert order.assistance.signed_name == "王秀英" and order.assistance.attested_at is not None


def test_village_delivery_takes_the_shops_cheapest_delivery_there(station, station_agent, fertiliser):
    from logistics.geography.models import Village

    village = Village.objects.select_related("town").order_by("code")[3]
    assisted = assisted_order_start(agent=station_agent, station=station, phone=VILLAGER_PHONE)
    assisted_order_quantity_set(assisted, agent=station_agent, variant=fertiliser["variant"], quantity=2)
    assisted_order_delivery_set(
        assisted, agent=station_agent, delivery="village", village=village, recipient="王秀英", detail="3组12号"
    )
    [order] = assisted_order_confirm(assisted, agent=station_agent, signed_name="王秀英", attested=True)
    assert order.delivery_kind == DeliveryKind.SHIPPING and order.shipping_address.village == village
    assert order.shipping_address.street_address_1.endswith("3组12号") and order.shipping_method_name


def test_without_the_villagers_confirmation_nothing_is_placed(station, station_agent, fertiliser, codes_unthrottled):
    assisted = assisted_cart(station_agent, station, fertiliser["variant"], 2)
    confirm = partial(assisted_order_confirm, assisted, agent=station_agent)
    assert_refused(_written, "confirmation_required", confirm)
    assert_refused(_written, "confirmation_required", partial(confirm, code="", signed_name=""))
    assert_refused(_written, "confirmation_required", partial(confirm, signed_name="王秀英"))
    assert_refused(_written, "invalid", partial(confirm, signed_name="王\x00秀英", attested=True))
    assert_refused(_written, "invalid", partial(confirm, signed_name="王" * 31, attested=True))
    # a code never sent, then a wrong one, then one texted to another number
    assert_refused(_written, "invalid_code", partial(confirm, code="123456"))  # no code was sent yet
    assisted_order_code_send(assisted, agent=station_agent)
    right = latest_code(VILLAGER_PHONE)
    wrong = "000000" if right != "000000" else "111111"
    assert_refused(_written, "invalid_code", partial(confirm, code=wrong))
    assert_refused(_written, "invalid_code", partial(confirm, code="12345x"))
    other = code_for("13904178802", "assisted_order")
    if other != right:
        assert_refused(_written, "invalid_code", partial(confirm, code=other))
    assert Order.objects.count() == 0 and Checkout.objects.filter(pk=assisted.checkout_token).exists()


def test_an_expired_or_used_code_is_refused(station, station_agent, fertiliser, codes_unthrottled):
    assisted = assisted_cart(station_agent, station, fertiliser["variant"], 1)
    assisted_order_code_send(assisted, agent=station_agent)
    code = latest_code(VILLAGER_PHONE)
    PhoneCode.objects.filter(phone=VILLAGER_PHONE).update(expires_at=timezone.now())
    confirm = partial(assisted_order_confirm, assisted, agent=station_agent)
    assert_refused(_written, "code_expired", partial(confirm, code=code))
    assisted_order_code_send(assisted, agent=station_agent)
    assisted_order_confirm(assisted, agent=station_agent, code=latest_code(VILLAGER_PHONE))
    again = assisted_cart(station_agent, station, fertiliser["variant"], 1)
    used = latest_code(VILLAGER_PHONE)
    assert_refused(_written, "code_used", partial(assisted_order_confirm, again, agent=station_agent, code=used))
    assert_refused(_written, "already_placed", partial(confirm, code="123456"))


def test_only_the_agents_of_the_station_order_for_villagers(make_user, station, station_agent, fertiliser):
    def started():
        return AssistedOrder.objects.count(), Checkout.objects.count()

    buyer = make_user(Role.BUYER)
    assert_refused(
        started, "not_station_agent", assisted_order_start, agent=buyer, station=station, phone="13904178801"
    )
    other_agent = make_user(Role.BUYER)
    other_station = village_station(make_user(Role.BUYER), other_agent)
    assert_refused(
        started, "not_station_agent", assisted_order_start, agent=other_agent, station=station, phone="13904178801"
    )
    # a station's member without the station agent role (its owner, a seller) is not an agent either
    owner = station.shop.members.get(role="owner").user
    assert_refused(started, "not_station_agent", assisted_order_start, agent=owner, station=station, phone="139")
    assert_refused(
        started,
        "not_station_agent",
        assisted_order_start,
        agent=station_agent,
        station=fertiliser["warehouse"],
        phone="13904178801",
    )
    # someone else's assisted order is not theirs to fill or confirm
    assisted = assisted_cart(station_agent, station, fertiliser["variant"], 1)
    assert_refused(
        _written, "not_found", assisted_order_confirm, assisted, agent=other_agent, signed_name="王", attested=True
    )
    assert_refused(
        _written,
        "not_found",
        assisted_order_quantity_set,
        assisted,
        agent=other_agent,
        variant=fertiliser["variant"],
        quantity=3,
    )
    assert other_station.pk != station.pk


def test_hostile_phone_numbers_are_refused_with_a_code(rural, station, station_agent):
    def started():
        return AssistedOrder.objects.count(), Checkout.objects.count()

    for phone, code in [
        ("", "required"),
        (None, "required"),
        ("1390417\x008801", "invalid_phone"),
        ("13904178801\n", "invalid_phone"),
        ("NaN", "invalid_phone"),
        ("Infinity", "invalid_phone"),
        ("1e30", "invalid_phone"),
        ("+1 415 555 0100", "invalid_phone"),
        ("1" * 10_000, "invalid_phone"),
        ("<script>", "invalid_phone"),
        (13904178801, "required"),
    ]:
        assert_refused(started, code, assisted_order_start, agent=station_agent, station=station, phone=phone)


def test_hostile_quantities_and_delivery_are_refused(station, station_agent, fertiliser):
    assisted = assisted_order_start(agent=station_agent, station=station, phone=VILLAGER_PHONE)

    def lines():
        return list(Checkout.objects.get(pk=assisted.checkout_token).lines.values_list("quantity", flat=True))

    variant = fertiliser["variant"]
    for quantity in (-1, 1e30, float("nan"), "2", True, 10**30):
        assert_refused(
            lines,
            "invalid",
            assisted_order_quantity_set,
            assisted,
            agent=station_agent,
            variant=variant,
            quantity=quantity,
        )
    assert_refused(
        lines,
        "quantity_greater_than_limit",
        assisted_order_quantity_set,
        assisted,
        agent=station_agent,
        variant=variant,
        quantity=10**6,
    )
    assert_refused(lines, "invalid", assisted_order_delivery_set, assisted, agent=station_agent, delivery="moon")
    assert_refused(
        lines,
        "required",
        assisted_order_delivery_set,
        assisted,
        agent=station_agent,
        delivery="village",
        village=None,
        recipient="王秀英",
    )
