"""Supply and demand posts: aliases, refusals (window in the past, quantity <= 0, hostile input, another
user's post, an expired post), matching by item, window, quantity and distance with notices to both
sides, contact requests that reveal the phone once accepted, posting for a villager."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from incubator.posts.models import ContactRequest, PostMatch, SupplyDemandPost
from incubator.posts.policies import post_contact_phone
from incubator.posts.selectors import contact_accepted_post_ids, post_list_open
from incubator.posts.services import (
    contact_request_create,
    contact_request_decide,
    post_create,
    post_update,
    posts_expire_due,
)
from incubator.prices.models import FarmNotice
from incubator.prices.selectors import item_resolve
from meidu.core.errors import DomainError

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def post(
    user,
    farm,
    farm_county,
    *,
    side="supply",
    item="corn",
    village=0,
    quantity="1000",
    unit="jin",
    start=0,
    end=20,
    **extra,
):
    return post_create(
        user,
        side=side,
        item=farm[item],
        quantity=quantity,
        quantity_unit=unit,
        window_start=days(start),
        window_end=days(end),
        village=farm_county["villages"][village],
        **extra,
    )


def test_aliases_resolve_to_the_catalogue_item(farm):
    assert item_resolve("苞米") == farm["corn"]
    assert item_resolve("棒子") == farm["corn"]
    assert item_resolve(" 玉米 ") == farm["corn"]
    assert item_resolve("corn") == farm["corn"]
    assert item_resolve("土豆") is None


def test_a_post_is_stored_in_base_units_with_its_place(farm, farm_county, farmer):
    created, _matches = post(
        farmer, farm, farm_county, quantity="2.5", unit="tonne", price_wish="2.40", price_unit="kg"
    )
    assert created.quantity_base == Decimal("5000.000") and created.price_wish == Decimal("1.20")
    assert created.town == farm_county["villages"][0].town
    assert created.contact_phone == farmer.phone


@pytest.mark.parametrize(
    "changes, code, field",
    [
        ({"start": -10, "end": -1}, "window_in_past", "windowEnd"),
        ({"start": 5, "end": 2}, "window_invalid", "windowEnd"),
        ({"quantity": "0"}, "quantity_not_positive", "quantity"),
        ({"quantity": "-5"}, "quantity_not_positive", "quantity"),
        ({"quantity": "NaN"}, "invalid", "quantity"),
        ({"quantity": "1e30"}, "invalid", "quantity"),
        ({"quantity": "Infinity"}, "invalid", "quantity"),
        ({"unit": "head"}, "wrong_unit", "quantityUnit"),
        ({"price_wish": "NaN"}, "invalid", "priceWish"),
        ({"price_wish": "2", "price_unit": "head"}, "wrong_unit", "priceUnit"),
        ({"note": "x" * 501}, "invalid", "note"),
        ({"note": "bad\x00"}, "invalid", "note"),
        ({"contact_phone": "call me\x07"}, "invalid", "contactPhone"),
        ({"contact_phone": "not a phone"}, "invalid", "contactPhone"),
        ({"on_behalf_of": "王大娘"}, "invalid", "onBehalfOf"),  # a farmer is no information officer
    ],
)
def test_bad_posts_are_refused_and_nothing_is_written(farm, farm_county, farmer, changes, code, field):
    with pytest.raises(DomainError) as refused:
        post(farmer, farm, farm_county, **changes)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not SupplyDemandPost.objects.exists()


def test_an_information_officer_posts_for_a_villager(farm, farm_county, info_officer):
    created, _ = post(info_officer, farm, farm_county, on_behalf_of="王大娘", contact_phone="+8613904170001")
    assert created.poster == info_officer and created.on_behalf_of == "王大娘"
    assert created.contact_name == "王大娘" and created.contact_phone == "+8613904170001"


def test_a_new_post_matches_the_other_side_ranked_and_both_sides_are_told(
    farm, farm_county, farmer, make_user, farm_alert_webhook
):
    buyer, other = make_user(), make_user()
    near, _ = post(buyer, farm, farm_county, side="demand", village=1, quantity="1000")
    far, _ = post(other, farm, farm_county, side="demand", village=80, quantity="1000")
    post(other, farm, farm_county, side="demand", village=2, item="pear")  # another item
    post(other, farm, farm_county, side="demand", village=3, start=40, end=60)  # window does not overlap
    post(other, farm, farm_county, side="supply", village=4)  # same side
    supply, matches = post(farmer, farm, farm_county, side="supply", village=0, quantity="1000")
    assert [m.demand_id for m in matches] == [near.pk, far.pk]
    assert matches[0].score > matches[1].score and matches[0].distance_km < matches[1].distance_km
    assert FarmNotice.objects.filter(user=farmer, kind="post_matched").get().data["count"] == 2
    told = FarmNotice.objects.filter(user=buyer, kind="post_matched")
    assert supply.pk in [notice.data["post"] for notice in told]
    assert PostMatch.objects.filter(supply=supply).count() == 2


def test_a_post_past_its_window_never_reads_open(farm, farm_county, farmer):
    created, _ = post(farmer, farm, farm_county, start=-5, end=1)
    assert list(post_list_open()) == [created]
    SupplyDemandPost.objects.filter(pk=created.pk).update(window_end=days(-1))  # time passes
    assert list(post_list_open()) == []
    assert posts_expire_due() == 1
    created.refresh_from_db()
    assert created.status == "expired"


def test_contact_requests_reveal_the_phone_once_accepted(farm, farm_county, farmer, make_user):
    buyer = make_user()
    supply, _ = post(farmer, farm, farm_county)
    assert post_contact_phone(buyer, supply, set()) == f"{farmer.phone[:-8]}****{farmer.phone[-4:]}"
    request = contact_request_create(buyer, supply, message="想要两吨")
    assert post_contact_phone(buyer, supply, contact_accepted_post_ids(buyer)) != farmer.phone
    assert FarmNotice.objects.filter(user=farmer, kind="contact_requested").exists()
    contact_request_decide(farmer, request, accept=True)
    assert post_contact_phone(buyer, supply, contact_accepted_post_ids(buyer)) == farmer.phone
    assert FarmNotice.objects.filter(user=buyer, kind="contact_accepted").exists()
    assert list(request.events.values_list("status", flat=True)) == ["pending", "accepted"]
    with pytest.raises(DomainError) as again:
        contact_request_decide(farmer, request, accept=False)
    assert again.value.code == "request_decided"


def test_contact_request_refusals(farm, farm_county, farmer, make_user):
    buyer = make_user()
    supply, _ = post(farmer, farm, farm_county, start=-3, end=2)
    with pytest.raises(DomainError) as own:
        contact_request_create(farmer, supply)
    assert own.value.code == "own_post"
    contact_request_create(buyer, supply)
    with pytest.raises(DomainError) as twice:
        contact_request_create(buyer, supply)
    assert twice.value.code == "already_requested"
    SupplyDemandPost.objects.filter(pk=supply.pk).update(window_end=days(-1))
    supply.refresh_from_db()
    late = make_user()
    with pytest.raises(DomainError) as expired:
        contact_request_create(late, supply)
    assert expired.value.code == "post_expired"
    assert ContactRequest.objects.count() == 1
    request = ContactRequest.objects.get()
    with pytest.raises(DomainError) as not_poster:
        contact_request_decide(late, request, accept=True)
    assert not_poster.value.code == "not_found"


def test_another_users_post_cannot_be_edited(farm, farm_county, farmer, make_user):
    supply, _ = post(farmer, farm, farm_county, quantity="1000")
    with pytest.raises(DomainError) as refused:
        post_update(make_user(), supply, quantity="5")
    assert refused.value.code == "not_poster"
    supply.refresh_from_db()
    assert supply.quantity == Decimal("1000")
    updated = post_update(farmer, supply, quantity="2", quantity_unit="tonne")
    assert updated.quantity_base == Decimal("4000")
