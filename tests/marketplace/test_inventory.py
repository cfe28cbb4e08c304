import pytest
from django.db import IntegrityError, transaction

from marketplace.inventory.models import Stock
from marketplace.inventory.selectors import stock_from_journal
from marketplace.inventory.services import stock_receive, stock_update, warehouse_create
from marketplace.shops.models import ShopNotice
from meidu.core.errors import DomainError
from tests.marketplace.factories import listed_product
from tests.support.races import race

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(farmer, farmer_shop, rural):
    product = listed_product(farmer_shop, farmer, rural, quantity=20)
    variant = product.variants.get()
    warehouse = farmer_shop.warehouses.get()
    return variant, warehouse


def test_journal_recomputes_the_quantity(farmer, stocked):
    variant, warehouse = stocked
    stock_update(warehouse, variant, actor=farmer, quantity=12, note="盘点")
    stock_receive(warehouse, variant, actor=farmer, quantity=30, note="新采收")
    stock = Stock.objects.get(variant=variant, warehouse=warehouse)
    assert stock.quantity == 42
    assert stock_from_journal(stock) == (42, 0)
    assert list(stock.movements.values_list("kind", "quantity_delta")) == [
        ("received", 20),
        ("adjusted", -8),
        ("received", 30),
    ]


def test_low_stock_notice_once_when_crossing_the_threshold(farmer, farmer_shop, stocked):
    variant, warehouse = stocked
    stock_update(warehouse, variant, actor=farmer, quantity=3)
    stock_update(warehouse, variant, actor=farmer, quantity=2)
    notices = ShopNotice.objects.filter(shop=farmer_shop, kind="low_stock")
    assert notices.count() == 1 and notices.get().data["available"] == 3


def test_database_refuses_negative_stock_written_around_the_service(stocked):
    variant, warehouse = stocked
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Stock.objects.filter(variant=variant).update(quantity=-1)


def test_cannot_count_below_what_is_allocated(farmer, stocked):
    variant, warehouse = stocked
    Stock.objects.filter(variant=variant).update(quantity_allocated=5)
    with pytest.raises(DomainError) as exc:
        stock_update(warehouse, variant, actor=farmer, quantity=4)
    assert exc.value.code == "insufficient_stock"


def test_warehouse_needs_a_known_kind(farmer, farmer_shop):
    with pytest.raises(DomainError) as exc:
        warehouse_create(farmer_shop, actor=farmer, name="仓", kind="castle")
    assert exc.value.code == "invalid"


@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_all_count(make_user, channel_pair):
    """Six connections receive stock at once: the row lock keeps every unit and every journal line."""
    from tests.marketplace.factories import open_shop

    owner = make_user()
    shop = open_shop(owner)
    product = listed_product(shop, owner, channel_pair[1], quantity=0)
    variant, warehouse = product.variants.get(), shop.warehouses.get()

    def receive():
        stock_receive(warehouse, variant, actor=owner, quantity=5)

    outcomes = race(*[receive] * 6)
    assert [outcome.code for outcome in outcomes] == ["ok"] * 6
    stock = Stock.objects.get(variant=variant, warehouse=warehouse)
    assert stock.quantity == 30 and stock_from_journal(stock) == (30, 0)
