import pytest
from django.utils import timezone

from marketplace.catalog.models import Category
from marketplace.settlement.models import CommissionRule
from tests.marketplace.checkout.conftest import cooker, pears, station, station_agent, zones  # noqa: F401
from tests.marketplace.factories import catalogue_basics


@pytest.fixture
def rules(db):
    """Default 5%; fruit 4%; pears (a sub-category of fruit) 3%; fruit sold by stores 6%; stores 8%.
    The pears of the farmer's microshop pay 3%, the department store's cooker (filed under fruit) 6%."""
    basics = catalogue_basics()
    start = timezone.now() - timezone.timedelta(days=30)
    made = {
        "default": CommissionRule.objects.create(rate_percent="5.00", effective_from=start),
        "fruit": CommissionRule.objects.create(category=basics["fruit"], rate_percent="4.00", effective_from=start),
        "pears": CommissionRule.objects.create(category=basics["pears"], rate_percent="3.00", effective_from=start),
        "fruit_store": CommissionRule.objects.create(category=basics["fruit"], shop_kind="store", rate_percent="6.00",
                                                     effective_from=start),
        "store": CommissionRule.objects.create(shop_kind="store", rate_percent="8.00", effective_from=start),
    }
    assert Category.objects.get(slug="pears").parent_id == basics["fruit"].pk
    return made
