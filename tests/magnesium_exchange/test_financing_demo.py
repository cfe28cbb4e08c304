"""The financing demo: two banks with Apps, officers and rules; a loan in good standing valued daily, one
between the warning and liquidation lines with its margin call open, an application in the queue,
consents; idempotent (a second run writes nothing)."""

import pytest

from magnesium_exchange.credit.models import CreditConsent
from magnesium_exchange.demo_data import EXCHANGE_DEMO_STEPS
from magnesium_exchange.demo_financing import (
    CCB_OFFICER_PHONE,
    FINANCING_DEMO_STEPS,
    HXB_OFFICER_PHONE,
)
from magnesium_exchange.financing.models import Bank, BankOfficer, FinancingRule, Loan, LoanStatus, MarginCall
from meidu.core.permissions import ExchangePermissions
from meidu.demo_data import DEMO_MORE_LOGINS, DEMO_STEPS, seed_demo_users
from meidu.integrations.services.apps import actor_has_permission
from storefront.bank.access import officer_bank

pytestmark = pytest.mark.django_db


def test_financing_demo_builds_two_banks_and_their_loans_and_is_idempotent():
    assert all(step in DEMO_STEPS for step in FINANCING_DEMO_STEPS)
    assert ("bank officer (华夏银行营口分行)", HXB_OFFICER_PHONE) in DEMO_MORE_LOGINS
    seed_demo_users()
    for _label, step in EXCHANGE_DEMO_STEPS + FINANCING_DEMO_STEPS:
        step()

    ccb, hxb = Bank.objects.get(code="ccb-dsq"), Bank.objects.get(code="hxb-yk")
    assert (ccb.name, hxb.name) == ("建设银行大石桥支行", "华夏银行营口分行")
    for bank, phone in ((ccb, CCB_OFFICER_PHONE), (hxb, HXB_OFFICER_PHONE)):
        officer = BankOfficer.objects.get(bank=bank)
        assert officer.user.phone == phone and officer_bank(officer.user) == bank
        assert actor_has_permission(bank.app, ExchangePermissions.BANK_LENDING)
        assert FinancingRule.objects.filter(bank=bank, grade__isnull=True).exists()

    good = Loan.objects.get(bank=ccb, status=LoanStatus.ACTIVE)
    assert good.valuations.count() >= 20
    assert good.valuations.order_by("-day").first().ltv_percent < good.warning_percent
    assert not good.margin_calls.exists()
    called = Loan.objects.get(bank=hxb, status=LoanStatus.ACTIVE)
    ltv = called.valuations.order_by("-day").first().ltv_percent
    assert called.warning_percent <= ltv < called.liquidation_percent
    assert MarginCall.objects.get(loan=called).status == "open"
    assert Loan.objects.filter(bank=ccb, status=LoanStatus.APPLIED).count() == 1
    assert CreditConsent.objects.filter(revoked_at__isnull=True).count() == 4

    for _label, step in FINANCING_DEMO_STEPS:
        assert step() == 0
