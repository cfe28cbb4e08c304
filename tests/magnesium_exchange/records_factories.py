"""Fixtures of the exchange's record-keeping apps (commodities, members, warehouses), built through
their services. Imported by the conftest of each of those test folders."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from magnesium_exchange.commodities.models import Commodity, Grade
from magnesium_exchange.commodities.services import commodities_seed
from magnesium_exchange.members.credit_code import credit_code_check_char
from magnesium_exchange.members.services import funds_deposit_confirm, funds_deposit_request, member_create, trader_add
from magnesium_exchange.warehouses.services import (
    inbound_ticket_create,
    receipt_issue,
    warehouse_create,
    warehouse_staff_add,
)
from meidu.accounts.roles import Role
from meidu.core.permissions import ExchangePermissions
from meidu.integrations.services.apps import app_create
from tests.support.graphql import GraphQLClient, token_for

_serial = itertools.count(1)

FUSED_98_ASSAY = {"mgo": "98.200", "sio2": "0.400", "cao": "0.900", "fe2o3": "0.500", "bulk_density": "3.520"}
FUSED_97_ASSAY = {"mgo": "97.300", "sio2": "0.800", "cao": "1.300", "fe2o3": "0.700", "bulk_density": "3.460"}


def credit_code(n: int | None = None) -> str:
    """A valid unified social credit code (category 91, Haicheng region 210381)."""
    first17 = f"91210381{(n if n is not None else next(_serial)) + 10_000:09d}"
    return first17 + credit_code_check_char(first17)


def make_member(name: str | None = None, **kwargs):
    n = next(_serial)
    defaults = dict(
        name=name or f"海城镁业{n}号有限公司",
        credit_code=credit_code(n),
        legal_representative="王建国",
        registered_address="辽宁省鞍山市海城市牌楼镇",
        bank_name="中国工商银行海城支行",
        bank_account_name=name or f"海城镁业{n}号有限公司",
        bank_account_number=f"0704{n:012d}",
    )
    defaults.update(kwargs)
    return member_create(**defaults)


@pytest.fixture
def catalogue(db):
    commodities_seed()
    return {c.code: c for c in Commodity.objects.all()}


@pytest.fixture
def fused(catalogue) -> Commodity:
    return catalogue["fused-magnesia"]


@pytest.fixture
def grades(catalogue) -> dict[str, Grade]:
    return {g.code: g for g in Grade.objects.all()}


@pytest.fixture
def member_factory(db):
    return make_member


@pytest.fixture
def seller_member(db):
    return make_member("海城市华鑫镁业有限公司")


@pytest.fixture
def buyer_member(db):
    return make_member("鞍山钢铁耐材采购有限公司")


@pytest.fixture
def trader_factory(make_user):
    def make(member, **grants):
        user = make_user(Role.TRADER)
        trader_add(member, user, **{"can_trade": True, "can_settle": True, "can_manage_funds": True, **grants})
        return user

    return make


@pytest.fixture
def operator_user(make_user):
    return make_user(Role.OPERATOR)


@pytest.fixture
def bank_app(operator_user):
    app, token = app_create(
        name="海城农商银行结算", permissions=[ExchangePermissions.CONFIRM_FUNDS], actor=operator_user
    )
    app.raw_token = token
    return app


@pytest.fixture
def bank_client(bank_app):
    return GraphQLClient(bank_app.raw_token)


@pytest.fixture
def warehouse(db):
    return warehouse_create(
        code="HC01",
        name="海城西柳监管仓",
        address="辽宁省海城市西柳镇物流园 3 号",
        keeper_name="海城物产仓储有限公司",
        supervisor_name="中储发展监管部",
        loss_tolerance_percent=Decimal("0.300"),
    )


@pytest.fixture
def other_warehouse(db):
    return warehouse_create(
        code="DSQ02",
        name="大石桥南楼监管仓",
        address="辽宁省大石桥市南楼经济开发区",
        keeper_name="大石桥港储物流有限公司",
    )


@pytest.fixture
def keeper(make_user, warehouse):
    user = make_user(Role.WAREHOUSE_OPERATOR)
    warehouse_staff_add(warehouse, user)
    return user


@pytest.fixture
def keeper_client(keeper):
    return GraphQLClient(token_for(keeper))


def issue(warehouse, commodity, depositor, net="100.000", tare="20.000", assay=None, actor=None, **kwargs):
    """Weigh in and issue one receipt of ``net`` tonnes."""
    net = Decimal(net)
    ticket = inbound_ticket_create(
        warehouse,
        commodity=commodity,
        depositor=depositor,
        gross=net + Decimal(tare),
        tare=tare,
        net=net,
        assay=assay or FUSED_98_ASSAY,
        vehicle_plate="辽C12345",
        lot_no="L2026-11",
        actor=actor,
    )
    return receipt_issue(
        ticket,
        packaging="吨袋",
        pieces=int(net),
        location="A区3垛",
        insured_value=net * 3000,
        insurer="中国人保海城支公司",
        insurance_policy_no="PICC-2026-001",
        actor=actor,
        **kwargs,
    )


@pytest.fixture
def receipt_factory(warehouse, fused, keeper):
    def make(depositor, net="100.000", **kwargs):
        return issue(warehouse, fused, depositor, net=net, actor=keeper, **kwargs)

    return make


def fund(member, amount, app):
    request = funds_deposit_request(member, Decimal(amount))
    return funds_deposit_confirm(request, app=app, bank_reference=f"BANK-{request.pk}")
