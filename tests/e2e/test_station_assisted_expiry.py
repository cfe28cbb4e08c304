"""An assisted order the villager never confirms, on a phone (390x844), in Chinese then in English: the
agent's page says by when the villager must confirm (and so does the code-sent message); once that time
has passed the page reads the order as expired, before any job ran, with nothing to confirm, and the
agent's list shows it expired; after the job, the same."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from marketplace.assisted.models import AssistedOrder
from marketplace.assisted.services import assisted_orders_expire_due
from tests.e2e.steps import log_in_as

LABELS = {
    "zh": {
        "phone": "村民手机号",
        "begin": "开始代购",
        "until": "村民须在",
        "sent": "前读出验证码",
        "expired": "已过期：村民未在期限内确认",
        "listed": "未确认，已过期",
    },
    "en": {
        "phone": "Villager's mobile number",
        "begin": "Start the order",
        "until": "The villager must confirm by",
        "sent": "Ask the villager to read it out before",
        "expired": "Expired: the villager did not confirm in time",
        "listed": "Expired unconfirmed",
    },
}


def lapses_unconfirmed(page, phone: str, labels: dict, screenshot, step: str, run_job: bool) -> None:
    page.goto("/station/assisted/")
    page.get_by_label(labels["phone"]).fill(phone)
    page.get_by_role("button", name=labels["begin"]).click()
    page.wait_for_url(re.compile(r"/station/assisted/[0-9a-f-]{36}/$"))
    assisted = AssistedOrder.objects.get(phone="+86" + phone)
    expect(page.locator("#assisted-expires")).to_contain_text(labels["until"])
    expect(page.locator("#assisted-expires")).to_contain_text(
        timezone.localtime(assisted.expires_at).strftime("%Y-%m-%d %H:%M")
    )
    page.locator("#assisted-send-code").click()
    expect(page.locator(".messages")).to_contain_text(labels["sent"])
    screenshot(page, f"{step}-confirm-by")
    AssistedOrder.objects.filter(pk=assisted.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    if run_job:
        assert assisted_orders_expire_due() == 2  # this one, and the one of the Chinese walk before it
    page.reload()
    expect(page.locator("#assisted-expired h2")).to_have_text(labels["expired"])
    expect(page.locator("#assisted-send-code")).to_have_count(0)
    expect(page.locator("#assisted-confirm-code")).to_have_count(0)
    screenshot(page, f"{step}-expired")
    page.goto("/station/assisted/")
    expect(page.locator(".order-card", has_text=phone[-4:]).locator(".state")).to_have_text(labels["listed"])
    screenshot(page, f"{step}-listed")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_unconfirmed_assisted_order_reads_expired_after_its_time(
    page, screenshot, station, station_agent, fertiliser, codes_unthrottled
):
    log_in_as(page, station_agent)
    lapses_unconfirmed(page, "13904178821", LABELS["zh"], screenshot, "zh", run_job=False)
    page.get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    lapses_unconfirmed(page, "13904178822", LABELS["en"], screenshot, "en", run_job=True)
    assert page.external_requests == []
