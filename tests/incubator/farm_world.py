"""The farm information world the incubator tests share (a pytest plugin registered in tests/conftest.py):
the farm_county's geography, produce items with aliases (pears, corn as 苞米/棒子, live pigs per head), three
markets, a village information officer, a farmer and a buyer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from incubator.prices.models import Market, PriceObservation, PriceSource, ProduceAlias, ProduceItem
from logistics.geography.models import Town, Village
from logistics.geography.services import geography_load_county
from meidu.accounts.roles import Role


@pytest.fixture
def farm_county(db):
    geography_load_county()
    return {"towns": list(Town.objects.order_by("code")), "villages": list(Village.objects.order_by("code"))}


@pytest.fixture
def farm(farm_county):
    pear = ProduceItem.objects.create(code="nanguo-pear", name="南果梨", name_en="Nanguo pears", unit="jin")
    corn = ProduceItem.objects.create(code="corn", name="玉米", name_en="Corn", unit="jin", position=1)
    pig = ProduceItem.objects.create(code="pig", name="生猪", name_en="Live pigs", unit="head", position=2)
    ProduceAlias.objects.bulk_create(
        [
            ProduceAlias(item=pear, alias="梨"),
            ProduceAlias(item=corn, alias="苞米"),
            ProduceAlias(item=corn, alias="棒子"),
        ]
    )
    wholesale = Market.objects.create(code="wholesale", name="批发市场", kind="wholesale", position=0)
    town = Market.objects.create(
        code="zhoujia", name="周家镇大集", kind="town", position=1, town=farm_county["towns"][0]
    )
    platform = Market.objects.create(code="platform", name="美都集市", kind="platform", position=2)
    return {"pear": pear, "corn": corn, "pig": pig, "wholesale": wholesale, "town": town, "platform": platform}


def history(item, market, prices, *, until: dt.date | None = None) -> list[PriceObservation]:
    """Observations of ``prices`` (oldest first) on consecutive days ending the day before ``until`` (today)."""
    until = until or timezone.localdate()
    start = until - dt.timedelta(days=len(prices))
    return PriceObservation.objects.bulk_create(
        [
            PriceObservation(
                item=item,
                market=market,
                day=start + dt.timedelta(days=i),
                price=Decimal(str(p)),
                entered_price=Decimal(str(p)),
                entered_unit=item.unit,
                source=PriceSource.REPORTER,
            )
            for i, p in enumerate(prices)
        ]
    )


@pytest.fixture
def pear_history(farm):
    return history(farm["pear"], farm["wholesale"], [2.5, 2.6, 2.4, 2.5, 2.7, 2.6, 2.5, 2.8])


@pytest.fixture
def info_officer(make_user):
    return make_user(Role.STATION_AGENT)


@pytest.fixture
def farmer(make_user):
    return make_user(Role.BUYER)


@pytest.fixture
def farm_alert_webhook(operator):
    """An App subscribed to the farm events (a farm_county SMS gateway), so the outbox records them."""
    from meidu.core.permissions import FarmPermissions
    from meidu.integrations.event_types import WebhookEventType
    from meidu.integrations.services.apps import app_create
    from meidu.integrations.services.webhooks import webhook_create

    app, _raw = app_create(
        name="County SMS gateway",
        permissions=[FarmPermissions.REPORT_PRICES, FarmPermissions.POST_FOR_VILLAGERS],
        actor=operator,
    )
    return webhook_create(
        app,
        target_url="http://127.0.0.1:9/farm",
        events=[WebhookEventType.FARM_PRICE_ALERT_FIRED.value, WebhookEventType.FARM_POST_MATCHED.value],
        actor=operator,
    )
