"""bulk_insert writes the rows bulk_create would, in one statement with one SQL text per model."""

from __future__ import annotations

import pytest
from django.db.models import Value
from django.db.models.functions import Upper

from meidu.accounts.models import Address
from meidu.core.sql.bulk import bulk_insert

ADDRESS = {
    "first_name": "秀英",
    "last_name": "王",
    "street_address_1": "周家镇青山村3组12号",
    "city": "营口市",
    "city_area": "大石桥市",
    "country_area": "辽宁省",
    "phone": "+8613904170001",
}


def _columns(address: Address) -> dict:
    return {
        field.attname: getattr(address, field.attname)
        for field in Address._meta.concrete_fields
        if not field.primary_key
    }


def test_same_rows_as_bulk_create_with_keys_set(make_user, django_assert_num_queries):
    user = make_user()
    made = [
        Address(user=user, **ADDRESS),
        Address(**ADDRESS | {"street_address_1": "虎庄镇东村1号", "postal_code": "115100"}),
    ]
    reference = Address.objects.bulk_create(
        [
            Address(user=user, **ADDRESS),
            Address(**ADDRESS | {"street_address_1": "虎庄镇东村1号", "postal_code": "115100"}),
        ]
    )
    with django_assert_num_queries(1):
        assert bulk_insert(made) is made
    assert all(address.pk and not address._state.adding and address._state.db == "default" for address in made)
    stored = {address.pk: address for address in Address.objects.filter(pk__in=[a.pk for a in made + reference])}
    assert [_columns(stored[a.pk]) for a in made] == [_columns(stored[a.pk]) for a in reference]


def test_one_sql_text_whatever_the_number_of_rows(make_user, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_user()
    texts = set()
    for count in (1, 2, 5):
        with CaptureQueriesContext(connection) as captured:
            bulk_insert([Address(user=user, **ADDRESS) for _ in range(count)])
        texts |= {query["sql"].split(" SELECT ")[0] for query in captured.captured_queries}
    assert len(texts) == 1 and Address.objects.filter(user=user).count() == 8
    assert bulk_insert([]) == []


def test_what_it_cannot_express_goes_through_bulk_create(make_user):
    user = make_user()
    computed = Address(user=user, **ADDRESS | {"first_name": Upper(Value("xiuying"))})
    bulk_insert([computed])
    assert Address.objects.get(pk=computed.pk).first_name == "XIUYING"


def test_an_unsaved_related_object_is_refused(make_user):
    from meidu.accounts.models import User

    with pytest.raises(ValueError, match="unsaved related object"):
        bulk_insert([Address(user=User(phone="+8613900000999"), **ADDRESS)])
    assert not Address.objects.filter(phone=ADDRESS["phone"]).exists()


def test_parts_of_one_statement_get_their_keys_in_order(make_user, django_assert_num_queries):
    from meidu.accounts.models import User
    from meidu.core.sql.bulk import InsertPart, insert_together

    user = make_user()
    addresses = [Address(user=user, **ADDRESS | {"street_address_1": f"青山村{n}号"}) for n in range(3)]
    users = [User(phone=f"+86139000009{n:02d}") for n in range(2)]
    with django_assert_num_queries(1):
        insert_together(InsertPart("addresses", addresses), InsertPart("users", users))
    assert [Address.objects.get(pk=a.pk).street_address_1 for a in addresses] == ["青山村0号", "青山村1号", "青山村2号"]
    assert [User.objects.get(pk=u.pk).phone for u in users] == ["+8613900000900", "+8613900000901"]
    assert not any(obj._state.adding for obj in addresses + users)


def test_a_part_refuses_what_it_cannot_express(make_user):
    from marketplace.orders.models import Order
    from meidu.core.sql.bulk import InsertPart

    with pytest.raises(ValueError):
        InsertPart("nothing", [])
    with pytest.raises(TypeError, match="cannot be inserted as a part"):
        InsertPart("orders", [Order()])  # its number is a database default read back separately
    with pytest.raises(TypeError, match="expressions"):
        InsertPart("addresses", [Address(user=make_user(), **ADDRESS | {"first_name": Upper(Value("x"))})])


def test_other_steps_run_in_the_inserts_statement(make_user, django_assert_num_queries):
    from meidu.core.sql.bulk import InsertPart, StatementPart, insert_together

    user = make_user()
    old = Address.objects.create(user=user, **ADDRESS)
    new = [Address(user=user, **ADDRESS | {"street_address_1": "虎庄镇东村1号"})]
    gone = StatementPart(
        "default", [("old_gone", 'DELETE FROM "accounts_address" WHERE id = %(old_id)s')], {"old_id": old.pk}
    )
    with django_assert_num_queries(1):
        insert_together(InsertPart("addresses", new), gone)
    assert list(Address.objects.filter(user=user).values_list("street_address_1", flat=True)) == ["虎庄镇东村1号"]
    assert new[0].pk is not None
    with pytest.raises(ValueError):
        insert_together(gone)  # nothing to insert: not this helper's job
