"""An order bought through a distributor (issue 16): the supplier ships it and answers its complaints, and
the distributor's shop hears of every review and complaint too (a shop notice)."""

from marketplace.complaints.models import Complaint
from marketplace.complaints.services import complaint_create
from marketplace.orders.services.lifecycle import order_confirm
from marketplace.reviews.services import review_create
from marketplace.shops.models import ShopNotice
from tests.marketplace.reviews.helpers import deliver
from tests.support.distribution import resale_orders


def test_a_review_and_a_complaint_reach_the_supplier_and_the_distributor(buyer, rural, coop, distributor, pick):
    [order] = resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 1)])
    order_confirm(order, actor=coop["owner"])
    order = deliver(order, coop["owner"], buyer)
    review = review_create(buyer, order.lines.get(), rating=5, text="很甜")
    assert review.shop_id == coop["shop"].pk
    notice = ShopNotice.objects.get(shop=distributor["shop"], kind="review_received")
    assert notice.data["review"] == review.pk
    complaint = complaint_create(order, buyer=buyer, category="quality", description="有两个梨碰伤了")
    assert Complaint.objects.get(pk=complaint.pk).order.shop == coop["shop"]
    assert ShopNotice.objects.filter(shop=coop["shop"], kind="complaint_received").exists()
    assert ShopNotice.objects.filter(shop=distributor["shop"], kind="complaint_received").exists()
