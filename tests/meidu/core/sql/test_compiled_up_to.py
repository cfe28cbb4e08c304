"""run_compiled_up_to: a short list runs the compiled statement, a long one the queryset itself; both answer
what the queryset answers (a long list must not keep one more compiled statement per length)."""

from __future__ import annotations

import pytest

from meidu.accounts.models import Address
from meidu.core.sql.compiled import CompiledQuery, run_compiled_up_to

pytestmark = pytest.mark.django_db


def _addresses(ids):
    return Address.objects.filter(pk__in=ids).order_by("pk")


def test_short_lists_are_compiled_and_long_ones_are_not(make_user):
    user = make_user()
    made = [
        Address.objects.create(
            user=user,
            first_name="秀英",
            last_name="王",
            street_address_1=f"周家镇青山村{n}组",
            city="营口市",
            city_area="大石桥市",
            country_area="辽宁省",
            phone="+8613904170001",
        ).pk
        for n in range(12)
    ]
    query = CompiledQuery(_addresses, ids=[int])
    short = run_compiled_up_to(query, 8, ids=made[:3])
    long = run_compiled_up_to(query, 8, ids=made)
    assert [a.pk for a in short] == made[:3] and [a.pk for a in long] == made
    assert [a.pk for a in run_compiled_up_to(query, 8, ids={*made[:2]})] == made[:2]
    assert len(query._compiled) == 2  # the lengths 3 and 2; the list of 12 ran the queryset itself
