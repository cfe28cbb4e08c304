"""A rule added with an effective date a few minutes back (accepted for a form's clock) never
reaches an order placed before the rule itself was added, even one first settled afterwards."""

from decimal import Decimal

from django.utils import timezone

from marketplace.settlement.models import CommissionLine
from marketplace.settlement.selectors import category_chain, commission_rule_for, commission_rules_effective
from marketplace.settlement.services.commission import commission_rule_create
from tests.marketplace.checkout.helpers import COD, placed_orders
from tests.marketplace.factories import catalogue_basics
from tests.marketplace.settlement.helpers import assert_every_transaction_balances, order_postings
from tests.marketplace.settlement.journeys import collected_at_station

D = Decimal


def test_a_backdated_rule_does_not_reach_an_order_placed_before_it(
    buyer, rural, pears, station, station_agent, operator, rules
):
    [placed] = placed_orders(buyer, rural, [(pears["variant"], 2)], pickup=station, gateway=COD, key="fix-cod-before")
    # Added after the order, but effective from 4 minutes back (within the accepted tolerance).
    rule = commission_rule_create(
        actor=operator,
        rate_percent="20.00",
        category=catalogue_basics()["pears"],
        effective_from=timezone.now() - timezone.timedelta(minutes=4),
    )
    assert rule.effective_from < placed.created_at < rule.created_at
    collected_at_station(placed, pears, station, station_agent)  # first settled now, after the rule
    line = CommissionLine.objects.get(settlement__order=placed)
    assert (line.rule, line.rate_percent) == (rules["pears"], D("3.00"))
    assert order_postings(placed)["commission"] == D("0.75")  # 3% of 25.00

    [after] = placed_orders(buyer, rural, [(pears["variant"], 2)], pickup=station, gateway=COD, key="fix-cod-after")
    collected_at_station(after, pears, station, station_agent)
    assert CommissionLine.objects.get(settlement__order=after).rate_percent == D("20.00")
    assert order_postings(after)["commission"] == D("5.00")
    assert_every_transaction_balances()


def test_rules_in_force_at_a_time_are_those_already_added_then(rules, operator):
    before = timezone.now()
    backdated = commission_rule_create(
        actor=operator,
        rate_percent="20.00",
        category=catalogue_basics()["pears"],
        effective_from=before - timezone.timedelta(minutes=4),
    )
    chain = category_chain(catalogue_basics()["pears"].pk)
    assert backdated not in commission_rules_effective(before)
    assert commission_rule_for(chain, "microshop", commission_rules_effective(before)) == rules["pears"]
    assert commission_rule_for(chain, "microshop", commission_rules_effective(timezone.now())) == backdated
