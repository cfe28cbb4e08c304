"""Banks, their officers and Apps, for the statement tests (the pledge helper is in pledges.py)."""

import pytest

from magnesium_exchange.financing.models import Bank, BankOfficer
from meidu.accounts.roles import Role
from meidu.core.permissions import ExchangePermissions
from meidu.integrations.services.apps import app_create
from tests.support.graphql import GraphQLClient, token_for


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
