"""The incubator console's panels (storefront/incubator/panels.py), in Chinese and English: each
distributor's weekly commission beside its sales (pending, earned, paid, clawed back), the offers
awaiting review with approve and refuse (a reason required; refusals with a code, nothing written),
the commission rules with their latest changes and a link to the full trail; a fixed number of
queries whatever the number of distributors and offers; panels hidden from staff without their
permission."""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.utils import timezone

from incubator.commission.selectors import commission_weekly_totals, week_start
from incubator.commission.services.lines import commission_earn_due
from incubator.commission.services.settings import commission_settings_change
from incubator.distribution.services import distribution_pick
from incubator.supply.models import OfferState, SupplyOfferEvent
from marketplace.orders.services.lifecycle import order_refund
from marketplace.settlement.services.payouts import payout_batch_create
from meidu.accounts.roles import Role
from tests.marketplace.factories import open_shop
from tests.support.buying import html, login
from tests.support.commission import after_window, delivered, fresh
from tests.support.distribution import resale_orders

CONSOLE = "/incubator/"


def this_week_cell(page: str, shop, kind: str) -> str:
    card = re.search(rf'data-distributor="{shop.pk}".*?</article>', page, re.S).group(0)
    first_row = re.search(r"<tr data-week=.*?</tr>", card, re.S).group(0)
    return re.search(rf'data-commission="{kind}">([^<]*)<', first_row).group(1)


def test_a_distributors_commission_reads_pending_earned_paid_then_clawed_back(
    operator, buyer, rural, coop, distributor, pick, rules
):
    [order] = resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 3)])
    client = login(operator)
    page = html(client.get(CONSOLE, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "分销商：按周销售额与佣金" in page and this_week_cell(page, distributor["shop"], "pending") == "¥4.14"
    card = re.search(rf'data-distributor="{distributor["shop"].pk}".*?</article>', page, re.S).group(0)
    assert re.search(r"data-sales>¥([\d.]+)<", card).group(1) == str(order.total_amount)  # resold through it
    assert "<script" not in page and "style=" not in page
    order = delivered(order, coop["owner"], buyer)
    commission_earn_due(after_window(order))
    page = html(client.get(CONSOLE))
    assert this_week_cell(page, distributor["shop"], "earned") == "¥4.14"
    assert this_week_cell(page, distributor["shop"], "pending") == "¥0.00"
    payout_batch_create(timezone.localdate())
    page = html(client.get(CONSOLE, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Distributors: sales and commission by week" in page
    assert this_week_cell(page, distributor["shop"], "paid") == "¥4.14"
    order_refund(fresh(order), fresh(order).charged_amount, actor=coop["owner"], reason="退货")
    page = html(client.get(CONSOLE))
    assert this_week_cell(page, distributor["shop"], "clawed_back") == "¥4.14"
    assert this_week_cell(page, distributor["shop"], "earned") == "¥-4.14"  # carried into next week


def test_a_pending_line_past_its_window_reads_as_earned_before_the_job_runs(
    buyer, rural, coop, distributor, pick, rules
):
    [order] = resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 3)])
    order = delivered(order, coop["owner"], buyer)
    weeks = commission_weekly_totals([distributor["shop"].pk], now=after_window(order))[distributor["shop"].pk]
    [week] = [w for w in weeks if w.start == week_start(timezone.localtime(order.created_at).date())]
    assert (week.pending, week.earned) == (0, Decimal("4.14"))
    [now] = [w for w in commission_weekly_totals([distributor["shop"].pk])[distributor["shop"].pk][:1]]
    assert (now.pending, now.earned) == (Decimal("4.14"), 0)  # before the window closes: pending


def test_the_console_reads_in_a_fixed_number_of_queries(
    operator, make_user, buyer, rural, coop, offer, distributor, pick, rules, django_assert_max_num_queries
):
    resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 1)])
    client = login(operator)
    client.get(CONSOLE)  # warm the session and content types
    with django_assert_max_num_queries(20) as few:
        client.get(CONSOLE)
    for n in range(4):
        owner = make_user(Role.BUYER)
        shop = open_shop(owner, name=f"小店{n}", kind="distributor")
        distribution_pick(actor=owner, shop=shop, offer=offer, retail_price="13.80")
        resale_orders(buyer, rural, shop, [(coop["variant"], 1)], key=f"pay-{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = html(client.get(CONSOLE))
    assert page.count("data-distributor=") == 5


def test_staff_approve_an_offer_and_it_leaves_the_list(operator, offer):
    client = login(operator)
    page = html(client.get(CONSOLE, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "待审核的供货" in page and f'data-offer="{offer.pk}"' in page and "南果梨" in page and "10%" in page
    response = client.post(f"/incubator/offers/{offer.pk}/approve/", HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
    assert "已通过" in html(response) and f'data-offer="{offer.pk}"' not in html(response)
    offer.refresh_from_db()
    assert offer.reviewed_by == operator and offer.state == OfferState.OPEN


def test_refusing_needs_a_reason_and_pauses_the_offer(operator, offer, coop):
    client = login(operator)
    url = f"/incubator/offers/{offer.pk}/refuse/"
    for reason, language, shown in (
        ("", "zh-hans", "请说明拒绝的理由"),
        ("坏\x00", "en", "NUL"),
        ("x" * 501, "en", "500"),
    ):
        response = client.post(url, {"reason": reason}, HTTP_ACCEPT_LANGUAGE=language, follow=True)
        assert shown in html(response)
    offer.refresh_from_db()
    assert offer.state == OfferState.OPEN and not SupplyOfferEvent.objects.filter(action="refused").exists()
    response = client.post(url, {"reason": "图片与实物不符"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Offer refused" in html(response) and f'data-offer="{offer.pk}"' not in html(response)
    offer.refresh_from_db()
    assert offer.state == OfferState.PAUSED and offer.reviewed_at is None
    event = SupplyOfferEvent.objects.get(action="refused")
    assert event.data == {"reason": "图片与实物不符"} and event.actor == operator
    again = client.post(url, {"reason": "再次"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Only an open offer awaiting review can be refused" in html(again)
    assert SupplyOfferEvent.objects.filter(action="refused").count() == 1


def test_only_staff_review_and_nothing_is_written_otherwise(operator, buyer, offer, coop, make_user):
    for user in (buyer, coop["owner"]):
        assert login(user).post(f"/incubator/offers/{offer.pk}/approve/").status_code == 403
        assert login(user).post(f"/incubator/offers/{offer.pk}/refuse/", {"reason": "x"}).status_code == 403
    assert login(operator).get(f"/incubator/offers/{offer.pk}/approve/").status_code == 405
    assert login(operator).post("/incubator/offers/999999/approve/").status_code == 404
    offer.refresh_from_db()
    assert offer.reviewed_at is None and offer.state == OfferState.OPEN
    trainer = make_user(Role.BUYER)  # incubator staff for training only: the console without the other panels
    trainer.user_permissions.add(Permission.objects.get(codename="manage_training"))
    page = html(login(trainer).get(CONSOLE))
    assert "Training funnel" in page or "培训漏斗" in page
    assert 'id="offers-awaiting-review"' not in page and 'id="distributor-commission"' not in page
    assert 'id="commission-rules"' not in page
    assert login(trainer).post(f"/incubator/offers/{offer.pk}/approve/").status_code == 403


def test_the_rules_panel_shows_the_latest_changes_and_links_to_the_trail(operator):
    client = login(operator)
    page = html(client.get(CONSOLE, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert 'data-rule="levels">1<' in page and 'href="/operator/commission/"' in page
    commission_settings_change(
        actor=operator, levels="2", second_level_rate_percent="20", reason="法务审查意见 2026-12", note=""
    )
    page = html(client.get(CONSOLE, HTTP_ACCEPT_LANGUAGE="en"))
    assert 'data-rule="levels">2<' in page and "法务审查意见 2026-12" in page and "Latest changes" in page
