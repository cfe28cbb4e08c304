"""Two freezes racing for the same funds on real connections: the ledger's row lock lets one win."""

from decimal import Decimal

import pytest

from magnesium_exchange.members.selectors import member_balances
from magnesium_exchange.members.services import funds_freeze
from tests.magnesium_exchange.records_factories import fund
from tests.support.races import codes, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_freezes_racing_for_the_same_funds(seller_member, bank_app):
    fund(seller_member, "100.00", bank_app)
    outcomes = race(
        lambda: funds_freeze(seller_member, "60.00", reference="a", idempotency_key="race-a"),
        lambda: funds_freeze(seller_member, "60.00", reference="b", idempotency_key="race-b"),
    )
    assert codes(outcomes) == ["insufficient_funds", "ok"]
    balances = member_balances(seller_member)
    assert (balances.available.amount, balances.frozen.amount) == (Decimal("40.00"), Decimal("60.00"))
