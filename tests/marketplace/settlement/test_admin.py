"""Operators add rules (refusals shown on the form) and download a batch's bank file in Django admin."""

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.settlement.models import CommissionRule
from marketplace.settlement.services.payouts import payout_batch_create
from meidu.accounts.roles import Role
from tests.marketplace.settlement.journeys import released_cooker_order


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user(Role.OPERATOR))
    return client


def _form(rate, when):
    local = timezone.localtime(when)
    return {
        "category": "",
        "shop_kind": "store",
        "rate_percent": rate,
        "effective_from_0": local.strftime("%Y-%m-%d"),
        "effective_from_1": local.strftime("%H:%M:%S"),
        "note": "百货",
    }


def test_operator_adds_a_rule_and_a_backdated_one_is_refused(staff_client, db):
    url = reverse("admin:settlement_commissionrule_add")
    refused = staff_client.post(url, _form("7.00", timezone.now() - timezone.timedelta(days=2)))
    assert refused.status_code == 200 and not CommissionRule.objects.exists()
    done = staff_client.post(url, _form("7.00", timezone.now() + timezone.timedelta(days=1)))
    assert done.status_code == 302, done.context["adminform"].form.errors if done.status_code == 200 else ""
    rule = CommissionRule.objects.get()
    assert (rule.shop_kind, str(rule.rate_percent)) == ("store", "7.00")
    page = staff_client.get(reverse("admin:settlement_commissionrule_change", args=[rule.pk]))
    assert page.status_code == 200 and 'name="rate_percent"' not in page.content.decode()  # never edited in place


def test_operator_downloads_the_bank_file(staff_client, buyer, rural, cooker, rules):
    released_cooker_order(buyer, rural, cooker)
    batch = payout_batch_create(timezone.localdate())
    url = reverse("admin:settlement_payoutbatch_changelist")
    response = staff_client.post(url, {"action": "download_bank_file", "_selected_action": [batch.pk]})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf") and "374.12" in response.content.decode("utf-8-sig")


def test_sellers_do_not_reach_settlement_admin(client, make_user, db):
    client.force_login(make_user(Role.SELLER))
    assert client.get(reverse("admin:settlement_commissionrule_changelist")).status_code in (302, 403)
