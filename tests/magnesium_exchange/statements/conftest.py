"""Banks, their officers and Apps, and a pledge of a receipt, for the statement tests."""

from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.financing.models import Bank, BankOfficer, CollateralStatus, Loan, LoanCollateral, LoanStatus
from magnesium_exchange.warehouses.services.custody import ReceiptLockPurpose, receipt_lock
from meidu.accounts.roles import Role
from meidu.core.permissions import ExchangePermissions
from meidu.integrations.services.apps import app_create
from tests.conftest import GraphQLClient, token_for
from tests.magnesium_exchange.records_factories import *  # noqa: F401,F403


@pytest.fixture
def bank_factory(make_user):
    # an App may only be given permissions its creator holds: an operator who is also a bank officer
    creator = make_user(Role.OPERATOR, Role.BANK_OFFICER)

    def make(code: str, name: str):
        app, token = app_create(name=f"{name} 核心系统", permissions=[ExchangePermissions.BANK_LENDING], actor=creator)
        bank = Bank.objects.create(code=code, name=name, app=app)
        officer = make_user(Role.BANK_OFFICER)
        BankOfficer.objects.create(bank=bank, user=officer)
        bank.officer, bank.app_token = officer, token
        bank.officer_client = GraphQLClient(token_for(officer))
        bank.app_client = GraphQLClient(token)
        return bank

    return make


@pytest.fixture
def ccb(bank_factory):
    return bank_factory("ccb-dsq", "建设银行大石桥支行")


@pytest.fixture
def hxb(bank_factory):
    return bank_factory("hxb-yk", "华夏银行营口分行")


def pledge(receipt, bank, actor=None):
    """The receipt pledged to ``bank`` as an approved loan leaves it: the collateral row in force and the
    receipt locked (pledged, encumbered) through the custody service, on its signed chain."""
    loan = Loan.objects.create(number=f"L{receipt.pk:06d}", bank=bank, borrower=receipt.holder, status=LoanStatus.APPROVED,
                               amount_requested=Decimal("100000.00"), term_days_requested=90, principal=Decimal("100000.00"),
                               approved_at=timezone.now())
    LoanCollateral.objects.create(loan=loan, receipt=receipt, bank=bank, quantity=receipt.quantity,
                                  status=CollateralStatus.PLEDGED, pledged_at=timezone.now())
    return receipt_lock(receipt, holder=receipt.holder, purpose=ReceiptLockPurpose.PLEDGE, reference=f"loan:{loan.pk}",
                        actor=actor)
