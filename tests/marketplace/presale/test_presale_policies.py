"""marketplace.presale.policies: the shop and operators open campaigns and receive the harvest while
the campaign is open (actor kinds x campaign statuses)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from marketplace.presale import policies
from marketplace.presale.models import CampaignStatus, PresaleCampaign
from meidu.accounts.roles import Role
from meidu.core.permissions import AccountPermissions, ProductPermissions
from meidu.integrations.services.apps import app_create
from tests.marketplace.factories import open_shop

ACTORS = ["anonymous", "buyer", "rival_seller", "owner", "operator", "products_app", "other_app"]
MANAGERS = {"owner", "operator", "products_app"}


@pytest.fixture
def actors(make_user, buyer, pears):
    operator, rival = make_user(Role.OPERATOR), make_user()
    open_shop(rival)
    products_app, _raw = app_create(name="Catalogue", permissions=[ProductPermissions.MANAGE_PRODUCTS], actor=operator)
    other_app, _raw = app_create(name="CRM", permissions=[AccountPermissions.MANAGE_USERS], actor=operator)
    return {
        "anonymous": AnonymousUser(),
        "buyer": buyer,
        "rival_seller": rival,
        "owner": pears["owner"],
        "operator": operator,
        "products_app": products_app,
        "other_app": other_app,
    }


def test_open(actors, pears):
    assert {name for name in ACTORS if policies.presale_may_open(actors[name], pears["shop"].pk)} == MANAGERS


@pytest.mark.parametrize("status", list(CampaignStatus))
def test_manage_and_harvest(actors, pears, status):
    campaign = PresaleCampaign(variant=pears["variant"], status=status)
    assert policies.presale_campaign_is_open(campaign) == (status == CampaignStatus.OPEN)
    assert {name for name in ACTORS if policies.presale_may_manage(actors[name], campaign)} == MANAGERS
    assert {name for name in ACTORS if policies.presale_may_harvest(actors[name], campaign)} == (
        MANAGERS if status == CampaignStatus.OPEN else set()
    )
