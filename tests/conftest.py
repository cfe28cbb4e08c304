"""Fixtures shared by every test: GraphQL clients, users per role, a clean cache.

Fixtures that several folders share live in helper modules registered here as plugins (a test module
imports helpers from ``tests.support`` and the folders' helper modules, never another test module or a
conftest); the race harness is ``tests.support.races``."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from meidu.accounts.models import User
from meidu.accounts.roles import Role
from meidu.accounts.services import account_register, user_roles_set
from tests.support.graphql import PASSWORD, GraphQLClient, token_for

pytest_plugins = [
    "tests.support.buying",  # the buying world: channels, zones, pears, cooker, station, commission rules
    "tests.magnesium_exchange.records_factories",  # the exchange's catalogue, members, warehouses, receipts
    "tests.magnesium_exchange.trading_factories",  # the market
    "tests.magnesium_exchange.credit.lenders",  # lending banks (credit tests and pages)
    "tests.magnesium_exchange.financing.lending",  # the financing world
    "tests.marketplace.payments.stripe_server",  # a Stripe API double
    "tests.support.alipay_server",  # a local Alipay open-platform gateway
    "tests.support.wechatpay_server",  # a local WeChat Pay API v3 (real signatures, real HTTP)
    "tests.meidu.integrations.broker",  # a real Celery broker
    "tests.support.fake_sms",  # local Aliyun and Tencent Cloud SMS fakes that check signatures
    "tests.support.phone_codes",  # codes read from the demo outbox; codes_unthrottled
    "tests.support.distribution",  # issue 16: a cooperative's pear offer, a distributor shop, its pick
    "tests.incubator.farm_world",  # the farm information service: items, markets, officers
    "tests.support.assisted",  # assisted buying at a station: fertiliser for sale, the villager's number
]


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    counter = iter(range(100, 10_000))

    def make(*roles: Role, phone: str | None = None, email: str | None = None, password: str = PASSWORD) -> User:
        phone = phone or (None if email else f"139{next(counter):08d}")
        user = account_register(phone=phone, email=email, password=password, roles=())
        user_roles_set(user, [str(role) for role in roles] or [Role.BUYER.value])
        return user

    return make


@pytest.fixture
def buyer(make_user):
    return make_user(Role.BUYER)


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR)


@pytest.fixture
def api_client(db):
    return GraphQLClient()


@pytest.fixture
def buyer_api_client(buyer):
    return GraphQLClient(token_for(buyer))


@pytest.fixture
def operator_api_client(operator):
    return GraphQLClient(token_for(operator))
