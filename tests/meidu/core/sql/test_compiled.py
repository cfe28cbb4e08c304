"""CompiledQuery: a queryset compiled once gives, for any values, what the queryset itself gives."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import JSONObject
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from meidu.accounts.models import Address, User
from meidu.core.sql.compiled import CompiledQuery


def _address(user, **extra) -> Address:
    data = {
        "first_name": "秀英",
        "last_name": "王",
        "street_address_1": "周家镇青山村3组12号",
        "city": "营口市",
        "city_area": "大石桥市",
        "country_area": "辽宁省",
        "phone": "+8613904170001",
    } | extra
    return Address.objects.create(user=user, **data)


def _addresses_of(user_id, area):
    """A user's addresses in a county, with the user (select_related), an Exists and a Count annotation."""
    return (
        Address.objects.filter(user_id=user_id, city_area=area)
        .select_related("user")
        .annotate(
            has_twin=Exists(
                Address.objects.filter(user_id=OuterRef("user_id"), city=OuterRef("city")).exclude(pk=OuterRef("pk"))
            ),
            user_addresses=Count("user__addresses"),
        )
        .order_by("pk")
    )


addresses_of = CompiledQuery(_addresses_of, user_id=int, area=str)


def _as_rows(addresses) -> list[tuple]:
    return [
        (a.pk, a.user_id, a.user.phone, a.street_address_1, a.has_twin, a.user_addresses, a._state.adding)
        for a in addresses
    ]


@pytest.fixture
def two_buyers(make_user):
    first, second = make_user(), make_user()
    _address(first)
    _address(first, street_address_1="虎庄镇东村1号")
    _address(first, city_area="盖州市", city="营口市")
    _address(second, street_address_1="石佛镇南村8号")
    return first, second


def test_gives_what_the_queryset_gives_for_each_set_of_values(two_buyers, django_assert_num_queries):
    first, second = two_buyers
    for user, area in [(first, "大石桥市"), (first, "盖州市"), (second, "大石桥市"), (second, "盖州市")]:
        expected = _as_rows(_addresses_of(user.pk, area))
        with django_assert_num_queries(1):
            got = addresses_of(user_id=user.pk, area=area)
        assert _as_rows(got) == expected
    assert len(addresses_of(user_id=first.pk, area="大石桥市")) == 2
    assert addresses_of(user_id=second.pk, area="盖州市") == []


def test_instances_behave_like_loaded_ones(two_buyers):
    first, _ = two_buyers
    address = addresses_of(user_id=first.pk, area="盖州市")[0]
    assert isinstance(address.user, User) and address.user == first
    address.street_address_2 = "2号楼"
    address.save(update_fields=["street_address_2"])  # a loaded row: an UPDATE, not an INSERT
    assert Address.objects.get(pk=address.pk).street_address_2 == "2号楼"


def test_values_are_coerced_like_lookups(two_buyers):
    first, _ = two_buyers
    assert _as_rows(addresses_of(user_id=str(first.pk), area="大石桥市")) == _as_rows(
        _addresses_of(first.pk, "大石桥市")
    )
    with pytest.raises(ValueError):
        addresses_of(user_id="not a number", area="大石桥市")
    with pytest.raises(TypeError, match="expected the values"):
        addresses_of(user_id=first.pk)


def test_in_lists_compile_per_length_without_duplicates(two_buyers, django_assert_num_queries):
    first, second = two_buyers
    by_users = CompiledQuery(lambda ids: User.objects.filter(pk__in=ids).order_by("pk"), ids=[int])
    assert [u.pk for u in by_users(ids=[second.pk, first.pk])] == sorted([first.pk, second.pk])
    assert [u.pk for u in by_users(ids=[first.pk, first.pk])] == [first.pk]
    assert [u.pk for u in by_users(ids=[second.pk])] == [second.pk]
    with django_assert_num_queries(0):
        assert by_users(ids=[]) == []


def test_uuid_and_datetime_values(two_buyers):
    first, _ = two_buyers
    later = CompiledQuery(
        lambda since, key: User.objects.filter(date_joined__gte=since).exclude(jwt_token_key=key),
        since=datetime,
        key=str,
    )
    assert first in later(since=timezone.now() - timedelta(hours=1), key="none")
    assert first not in later(since=timezone.now() + timedelta(hours=1), key="none")
    assert first not in later(since=timezone.now() - timedelta(hours=1), key=first.jwt_token_key)
    with pytest.raises(TypeError, match="aware datetime"):
        later(since=datetime(2026, 11, 29), key="none")
    from marketplace.checkout.models import Checkout

    by_token = CompiledQuery(
        lambda token: Checkout.objects.filter(Q(pk=token) | Q(email="nobody@example.com")), token=uuid.UUID
    )
    assert by_token(token=uuid.uuid4()) == []
    assert by_token(token=str(uuid.uuid4())) == []


def test_refuses_a_queryset_whose_sql_depends_on_its_values(two_buyers):
    first, _ = two_buyers
    fuzzy = CompiledQuery(lambda name: Address.objects.filter(first_name__icontains=name), name=str)
    with pytest.raises(ValueError, match="depends on its values"):
        fuzzy(name="秀")
    unused = CompiledQuery(lambda user_id: Address.objects.all(), user_id=int)
    with pytest.raises(ValueError, match="depends on its values"):
        unused(user_id=first.pk)


def test_refuses_what_it_cannot_build():
    with pytest.raises(TypeError):
        CompiledQuery(lambda when: User.objects.filter(date_joined=when), when=float)
    as_values = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values("phone"), pk=int)
    with pytest.raises(TypeError, match="model instances"):
        as_values(pk=1)


@pytest.mark.django_db(transaction=True)
def test_a_locking_query_needs_a_transaction(two_buyers):
    first, _ = two_buyers
    locked = CompiledQuery(lambda pk: User.objects.select_for_update().filter(pk=pk), pk=int)
    with transaction.atomic():
        assert locked(pk=first.pk) == [first]
    with pytest.raises(TransactionManagementError):
        locked(pk=first.pk)


def _labels_of(user_id):
    """An annotation whose value a field converter turns into Python (JSONField.from_db_value)."""
    return (
        Address.objects.filter(user_id=user_id)
        .annotate(label=JSONObject(street="street_address_1", county="city_area"))
        .order_by("pk")
    )


labels_of = CompiledQuery(_labels_of, user_id=int)


def test_field_converters_apply_to_every_row(two_buyers):
    first, second = two_buyers
    for user in (first, second, first):  # converters found once serve every later call
        got = [address.label for address in labels_of(user_id=user.pk)]
        assert got == [address.label for address in _labels_of(user.pk)]
        assert all(isinstance(label, dict) for label in got) and got[0]["county"]


def test_instances_hold_what_from_db_gives_them(two_buyers):
    """Rows are written into instances without ``Model.__init__`` (compiled._plain_builder): the same
    attributes, the same loaded state, the select_related user cached both ways as Django caches it."""
    first, _ = two_buyers
    ours = addresses_of(user_id=first.pk, area="大石桥市")
    django = list(_addresses_of(first.pk, "大石桥市"))

    def held(instance) -> dict:
        return {key: value for key, value in instance.__dict__.items() if key != "_state"}

    for mine, theirs in zip(ours, django, strict=True):
        assert type(mine) is Address and held(mine) == held(theirs)
        assert (mine._state.db, mine._state.adding) == (theirs._state.db, theirs._state.adding) == ("default", False)
        assert mine.user is not None and held(mine.user) == held(theirs.user) and mine.user._state.adding is False
        assert mine._state.fields_cache.keys() == theirs._state.fields_cache.keys()


def test_init_signal_receivers_still_see_every_instance(two_buyers):
    """A model with a pre_init or post_init receiver is built by ``Model.from_db`` as before."""
    from django.db.models.signals import post_init

    first, _ = two_buyers
    seen: list = []

    def receiver(sender, instance, **kwargs):
        seen.append((sender, instance.pk))

    post_init.connect(receiver, sender=User)
    try:
        rows = addresses_of(user_id=first.pk, area="大石桥市")
    finally:
        post_init.disconnect(receiver, sender=User)
    assert seen == [(User, first.pk)] * len(rows) and len(rows) == 2
    assert addresses_of(user_id=first.pk, area="大石桥市")[0].user == first
