"""The market (a plugin registered in tests/conftest.py, with records_factories under it) for the trading and
settlement tests and the terminal pages: a market with a seller holding receipts of fm-98, funded
buyers, and the ledger/receipt totals the conservation checks compare."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from magnesium_exchange.members.accounts import available_code, frozen_code
from magnesium_exchange.members.models import FundsHold
from magnesium_exchange.warehouses.models import Receipt
from magnesium_exchange.warehouses.state import SUPERSEDED
from meidu.core.ledger.models import LedgerPosting
from tests.magnesium_exchange.records_factories import fund, issue, make_member

REFERENCE = Decimal("3000.00")  # band ±8%: 2760 .. 3240


class Market:
    def __init__(self, warehouse, fused, keeper, bank_app):
        self.warehouse, self.fused, self.keeper, self.bank_app = warehouse, fused, keeper, bank_app

    def member(self, name=None, funds=None, **kwargs):
        member = make_member(name, **kwargs)
        if funds:
            fund(member, funds, self.bank_app)
        return member

    def receipt(self, holder, net="100.000"):
        return issue(self.warehouse, self.fused, holder, net=net, actor=self.keeper)

    @property
    def grade(self):
        from magnesium_exchange.commodities.models import Grade

        return Grade.objects.get(code="fm-98")


@pytest.fixture
def market(warehouse, fused, keeper, bank_app):
    return Market(warehouse, fused, keeper, bank_app)


def ledger_balances(member) -> tuple[Decimal, Decimal]:
    """(available, frozen) on the ledger alone, summed from postings."""

    def total(code):
        return LedgerPosting.objects.filter(account__code=code).aggregate(s=Sum("amount"))["s"] or Decimal("0")

    return total(available_code(member.pk)), total(frozen_code(member.pk))


def held(member) -> Decimal:
    """The member's funds held by live auction bids (not ledger postings)."""
    return FundsHold.objects.filter(member=member).aggregate(s=Sum("amount"))["s"] or Decimal("0")


def balances(member) -> tuple[Decimal, Decimal]:
    """(spendable, not spendable) as the member sees them: auction holds count as frozen."""
    available, frozen = ledger_balances(member)
    holds = held(member)
    return available - holds, frozen + holds


def ledger_total() -> Decimal:
    return LedgerPosting.objects.aggregate(s=Sum("amount"))["s"] or Decimal("0")


def live_tonnes() -> Decimal:
    return Receipt.objects.exclude(status__in=SUPERSEDED).aggregate(s=Sum("quantity"))["s"] or Decimal("0")


def counts() -> dict:
    """Row counts of every table a refused command must leave alone."""
    from magnesium_exchange.settlement.models import Settlement
    from magnesium_exchange.trading.models import Auction, Contract, JournalEntry, Listing, LotReceipt, Rfq, Trade
    from magnesium_exchange.warehouses.models import ReceiptEvent
    from meidu.core.ledger.models import LedgerTransaction

    rows = {
        model.__name__: model.objects.count()
        for model in (
            Listing,
            Auction,
            Rfq,
            JournalEntry,
            Trade,
            Contract,
            LotReceipt,
            Settlement,
            ReceiptEvent,
            LedgerTransaction,
            FundsHold,
        )
    }
    rows["held"] = FundsHold.objects.aggregate(s=Sum("amount"))["s"] or Decimal("0")  # holds change in place
    return rows
