"""Fixtures of the presale tests: a pear campaign."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.presale.services import presale_campaign_open


@pytest.fixture
def campaign(pears, rural):
    return presale_campaign_open(
        pears["variant"],
        rural,
        actor=pears["owner"],
        deposit_percent="30",
        expected_quantity=10,
        harvest_expected_on=timezone.localdate() + timedelta(days=30),
    )
