"""The financing world (a plugin registered in tests/conftest.py, used by the financing tests and the bank
pages): two lending banks with officers and Apps, a borrowing member with a trader and receipts of fm-98, the
reference price published today, and the ledger/receipt/row totals a refusal must leave alone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from magnesium_exchange.commodities.models import Grade
from magnesium_exchange.financing.models import Bank, BankOfficer, FinancingRule, Loan, LoanCollateral, LoanEvent
from magnesium_exchange.financing.services.banks import bank_create, bank_officer_add
from magnesium_exchange.marketdata.services import reference_price_set
from magnesium_exchange.warehouses.models import Receipt, ReceiptEvent
from meidu.accounts.roles import Role
from meidu.core.audit.models import AuditEvent
from meidu.core.ledger.models import LedgerPosting, LedgerTransaction
from meidu.core.permissions import ExchangePermissions
from meidu.integrations.services.apps import app_create
from tests.magnesium_exchange.trading_factories import counts as trading_counts

PRICE = Decimal("3000.00")  # fm-98, CNY per tonne: 100 t = 300,000; less 20% = 240,000; at 60% = 144,000


class Lending:
    """Two banks (建设银行大石桥支行, 华夏银行营口分行), each with an officer and an App, and a borrower."""

    def __init__(self, market, make_user, operator):
        self.market, self.make_user, self.operator = market, make_user, operator
        # Apps get only permissions their creator holds: the one who registers a bank's App holds BANK_LENDING too.
        self.app_admin = make_user(Role.OPERATOR, Role.BANK_OFFICER)
        self.ccb, self.ccb_officer, self.ccb_app = self.bank("ccb-dsq", "建设银行大石桥支行")
        self.hxb, self.hxb_officer, self.hxb_app = self.bank("hxb-yk", "华夏银行营口分行")
        self.borrower = market.member("海城市华鑫镁业有限公司", funds="50000.00")
        self.trader = make_user(Role.TRADER)
        from magnesium_exchange.members.services import trader_add

        trader_add(self.borrower, self.trader, can_trade=True, can_settle=True, can_manage_funds=True)
        # Yesterday's price is in force for trading today; valuation reads the latest published, today's.
        for day in (timezone.localdate() - timedelta(days=1), timezone.localdate()):
            reference_price_set(grade=market.grade, day=day, price=PRICE, reason="test", actor=operator)

    def bank(self, code, name):
        app, token = app_create(
            name=f"{name}信贷系统", permissions=[ExchangePermissions.BANK_LENDING], actor=self.app_admin
        )
        app.raw_token = token
        bank = bank_create(code=code, name=name, app=app, actor=self.operator)
        officer = self.make_user(Role.BUYER)
        bank_officer_add(bank, officer, actor=self.operator)
        return bank, officer, app

    def receipt(self, holder=None, net="100.000"):
        return self.market.receipt(holder or self.borrower, net)

    @property
    def grade(self) -> Grade:
        return self.market.grade


@pytest.fixture
def lending(market, make_user, operator_user):
    return Lending(market, make_user, operator_user)


def ledger_sum() -> Decimal:
    return LedgerPosting.objects.aggregate(s=Sum("amount"))["s"] or Decimal("0")


def snapshot() -> dict:
    """Everything a refused financing call must leave as it was: rows of every table it could write,
    receipt statuses and encumbrances, the ledger."""
    rows = trading_counts()
    for model in (
        Bank,
        BankOfficer,
        FinancingRule,
        Loan,
        LoanCollateral,
        LoanEvent,
        ReceiptEvent,
        LedgerTransaction,
        AuditEvent,
    ):
        rows[model.__name__] = model.objects.count()
    rows["loans"] = sorted(Loan.objects.values_list("id", "status", "principal", "closed_at"))
    rows["collateral"] = sorted(LoanCollateral.objects.values_list("id", "status", "receipt_id"))
    rows["receipts"] = sorted(Receipt.objects.values_list("id", "status", "encumbrance", "holder_id"))
    rows["ledger"] = ledger_sum()
    return rows
