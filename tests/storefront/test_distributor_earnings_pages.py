"""The distributor's earnings page (phone first, zh-Hans and English) and the incubator staff's
commission rules page: who may open them, what they show, the lawful refusals in the reader's language."""

from django.utils import timezone

from incubator.commission.models import CommissionSettings
from incubator.commission.services.lines import commission_earn_due
from marketplace.settlement.services.payouts import payout_batch_create
from tests.support.buying import html, login
from tests.support.commission import after_window, delivered
from tests.support.distribution import resale_orders

EARNINGS = "/distributor/earnings/"
RULES = "/operator/commission/"


def test_the_distributor_sees_pending_then_earned_then_paid(buyer, rural, coop, distributor, pick, rules):
    [order] = resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 3)])
    client = login(distributor["owner"])
    page = html(client.get(EARNINGS, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "佣金收益" in page and 'data-line-status="pending"' in page and "¥4.14" in page
    assert "<svg" in page and "<script" not in page and "style=" not in page
    english = html(client.get(EARNINGS, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Commission earnings" in english and "Pending" in english
    order = delivered(order, coop["owner"], buyer)
    commission_earn_due(after_window(order))
    assert 'data-line-status="earned"' in html(client.get(EARNINGS))
    payout_batch_create(timezone.localdate())
    page = html(client.get(EARNINGS, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert 'data-line-status="paid"' in page and "已打款" in page


def test_a_supplier_and_another_distributor_cannot_open_it(buyer, rural, coop, distributor, pick, rules):
    resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 1)])
    slug = distributor["shop"].slug
    assert login(coop["owner"]).get(f"{EARNINGS}?shop={slug}").status_code == 404
    assert "4.14" not in html(login(coop["owner"]).get(EARNINGS))
    assert login(buyer).get(f"{EARNINGS}?shop={slug}").status_code == 404


def test_staff_change_rules_and_a_third_level_is_refused(operator, buyer):
    client = login(operator)
    assert client.get(RULES).status_code == 200
    response = client.post(RULES, {"levels": "3"}, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
    assert "佣金最多两级" in html(response) and not CommissionSettings.objects.exists()
    response = client.post(RULES, {"levels": "2", "reason": ""}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "legal review" in html(response) and not CommissionSettings.objects.exists()
    client.post(RULES, {"levels": "1", "self_purchase_commission": "on", "note": "试点"})
    page = html(client.get(RULES, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert CommissionSettings.objects.get().self_purchase_commission and "自购计佣" in page
    assert login(buyer).get(RULES).status_code == 403
