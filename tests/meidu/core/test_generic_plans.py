"""generic_plans_for_transaction: the hot path's prepared statements skip re-planning, for one transaction only."""

import pytest
from django.db import connection, transaction

from meidu.core.queries import generic_plans_for_transaction


def _mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_generic_plans_last_one_transaction():
    assert _mode() == "auto"
    with transaction.atomic():
        generic_plans_for_transaction()
        assert _mode() == "force_generic_plan"
    assert _mode() == "auto"
