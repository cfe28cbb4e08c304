"""An order bought through a distributor's shop (issue 16 contract): routed to the supplier, priced at the
distributor's retail price, the reseller on the order, the supply price on the line, and one
DistributedLine per line with the commission frozen and the attribution recorded."""

from decimal import Decimal

from incubator.distribution.models import DistributedLine
from incubator.referrals.models import OrderAttribution
from tests.support.distribution import resale_orders


def test_order_through_a_distributor_goes_to_the_supplier_at_the_retail_price(buyer, rural, coop, distributor, pick):
    [order] = resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 3)])
    assert order.shop == coop["shop"]
    assert order.reseller_shop == distributor["shop"]
    [line] = order.lines.all()
    assert line.unit_price_amount == Decimal("13.80")
    assert line.total_price_amount == Decimal("41.40")
    assert line.supply_unit_price == Decimal("8.00")
    assert order.subtotal_amount == Decimal("41.40")
    distributed = DistributedLine.objects.get(order_line=line)
    assert distributed.retail_unit_price == Decimal("13.80")
    assert distributed.supply_unit_price == Decimal("8.00")
    assert distributed.quantity == 3
    assert distributed.commission_amount == Decimal("4.14")  # half-up(0.10 * 13.80 * 3)
    assert distributed.distributor_shop == distributor["shop"]
    assert distributed.supplier_shop == coop["shop"]
    assert distributed.attributed_shop == distributor["shop"]
    assert distributed.attribution_rule == "storefront"
    attribution = OrderAttribution.objects.get(order=order)
    assert attribution.credited_shop == distributor["shop"] and attribution.rule == "storefront"
