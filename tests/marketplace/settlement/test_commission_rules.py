"""Which rule applies (most specific category, then shop kind, then the default; the latest in
effect), and that a new rule never rewrites the rate of orders already placed."""

from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.orders.services.lifecycle import order_refund
from marketplace.settlement.models import CommissionLine, CommissionRule
from marketplace.settlement.selectors import category_chain, commission_rule_for, commission_rules_effective
from marketplace.settlement.services.commission import commission_rule_create
from meidu.core.errors import DomainError
from tests.marketplace.factories import catalogue_basics
from tests.marketplace.settlement.helpers import order_postings
from tests.marketplace.settlement.journeys import cooker_order


def test_the_most_specific_rule_wins(rules):
    basics = catalogue_basics()
    effective = commission_rules_effective(timezone.now())
    pears, fruit = category_chain(basics["pears"].pk), category_chain(basics["fruit"].pk)
    assert pears == [basics["pears"].pk, basics["fruit"].pk]
    assert commission_rule_for(pears, "microshop", effective) == rules["pears"]
    assert commission_rule_for(pears, "store", effective) == rules["pears"]  # the category beats the shop kind
    assert commission_rule_for(fruit, "store", effective) == rules["fruit_store"]
    assert commission_rule_for(fruit, "microshop", effective) == rules["fruit"]
    assert commission_rule_for([], "store", effective) == rules["store"]
    assert commission_rule_for([], "cooperative", effective) == rules["default"]


def test_the_latest_rule_in_effect_wins_and_future_ones_wait(rules, operator):
    later = commission_rule_create(
        actor=operator,
        rate_percent="2.50",
        category=catalogue_basics()["pears"],
        effective_from=timezone.now() + timezone.timedelta(days=1),
    )
    chain = category_chain(catalogue_basics()["pears"].pk)
    assert commission_rule_for(chain, "microshop", commission_rules_effective(timezone.now())) == rules["pears"]
    tomorrow = timezone.now() + timezone.timedelta(days=2)
    assert commission_rule_for(chain, "microshop", commission_rules_effective(tomorrow)) == later


def test_a_new_rule_does_not_rewrite_settled_orders(buyer, rural, cooker, rules, operator):
    old = cooker_order(buyer, rural, cooker)
    commission_rule_create(
        actor=operator, rate_percent="10.00", category=catalogue_basics()["fruit"], shop_kind="store"
    )
    order_refund(old, "0.01", actor=cooker["owner"])  # re-settles the old order
    assert CommissionLine.objects.get(settlement__order=old).rate_percent == Decimal("6.00")
    new = cooker_order(buyer, rural, cooker, quantity=1)
    assert CommissionLine.objects.get(settlement__order=new).rate_percent == Decimal("10.00")
    assert order_postings(new)["commission"] == Decimal("19.90")


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"rate_percent": "100.01"}, "invalid", "ratePercent"),
        ({"rate_percent": "-1"}, "invalid", "ratePercent"),
        ({"rate_percent": "3.333"}, "invalid", "ratePercent"),
        ({"rate_percent": "abc"}, "invalid", "ratePercent"),
        ({"rate_percent": "3", "shop_kind": "bank"}, "invalid", "shopKind"),
        ({"rate_percent": "3", "effective_from": "past"}, "invalid", "effectiveFrom"),
    ],
    ids=["above_100", "negative", "sub_hundredth", "not_a_number", "unknown_kind", "backdated"],
)
def test_bad_rules_are_refused_and_nothing_is_written(operator, db, kwargs, code, field):
    if kwargs.get("effective_from") == "past":
        kwargs["effective_from"] = timezone.now() - timezone.timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        commission_rule_create(actor=operator, **kwargs)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not CommissionRule.objects.exists()


def test_two_rules_for_the_same_scope_and_time_are_refused(operator, db):
    start = timezone.now() + timezone.timedelta(hours=1)
    commission_rule_create(actor=operator, rate_percent="5", effective_from=start)
    with pytest.raises(DomainError) as duplicate:
        commission_rule_create(actor=operator, rate_percent="6", effective_from=start)
    assert duplicate.value.code == "unique"
    assert CommissionRule.objects.count() == 1
