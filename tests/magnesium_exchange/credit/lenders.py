"""Lending banks for the credit tests and the storefront's credit pages: two banks, each with an officer
(a user with the bank officer role and a BankOfficer row) and an App holding BANK_LENDING."""

import pytest

from magnesium_exchange.financing.models import Bank, BankOfficer
from meidu.accounts.roles import Role
from meidu.core.permissions import ExchangePermissions
from meidu.integrations.services.apps import app_create
from tests.support.graphql import GraphQLClient, token_for


class Lender:
    """A bank as the tests use it: the row, an officer (user), its App and API clients for both."""

    def __init__(self, bank, officer, app, app_token):
        self.bank, self.officer, self.app, self.app_token = bank, officer, app, app_token

    @property
    def officer_client(self) -> GraphQLClient:
        return GraphQLClient(token_for(self.officer))

    @property
    def app_client(self) -> GraphQLClient:
        return GraphQLClient(self.app_token)


@pytest.fixture
def lender_factory(make_user):
    # an operator gives an App only permissions they hold: this one also holds the bank officer role
    admin = make_user(Role.OPERATOR, Role.BANK_OFFICER)

    def make(code, name):
        app, token = app_create(name=name, permissions=[ExchangePermissions.BANK_LENDING], actor=admin)
        bank = Bank.objects.create(code=code, name=name, short_name=name[:4], app=app)
        officer = make_user(Role.BANK_OFFICER)
        BankOfficer.objects.create(bank=bank, user=officer)
        return Lender(bank, officer, app, token)

    return make


@pytest.fixture
def ccb(lender_factory):
    return lender_factory("ccb-dashiqiao", "中国建设银行大石桥支行")


@pytest.fixture
def huaxia(lender_factory):
    return lender_factory("huaxia-yingkou", "华夏银行营口分行")
