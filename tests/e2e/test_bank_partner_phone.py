"""On a phone (390x844), in Chinese and in English: a trader applies for a loan from the terminal's
receipts page; the bank officer logs in, verifies a pledged receipt by its number and code (and sees the
pledge is to its own bank), opens the application queue, approves the loan with terms and sees its
loan-to-value chart; the other bank's officer cannot open that loan; the trader's second pledge of the same
receipt is refused on the page with the clear message; after a price fall the trader's terminal home
shows the margin-call notice."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from magnesium_exchange.financing.models import Loan, LoanStatus
from magnesium_exchange.financing.services.loans import loan_apply, loan_approve
from magnesium_exchange.financing.services.margin import margin_call_review
from magnesium_exchange.financing.services.valuation_job import loans_value
from magnesium_exchange.marketdata.services import reference_price_set
from tests.e2e.steps import log_in_as
from tests.magnesium_exchange.financing.lending import Lending

WIDTH = 390

WORDS = {
    "zh-hans": {
        "apply": "申请贷款",
        "bank": "银行",
        "receipts": "拟质押仓单",
        "amount": "金额（元）",
        "term": "期限（天）",
        "send": "提交申请",
        "sent": "已提交给",
        "portal": "银行门户",
        "verify": "核验仓单",
        "number": "仓单编号",
        "code": "核验码",
        "verify_button": "核验",
        "ours": "已质押给贵行",
        "queue": "贷款申请",
        "approve": "批准贷款",
        "principal": "本金（元）",
        "rate": "年利率（%）",
        "approved": "已批准",
        "refused": "一张仓单只能设立一个质押",
        "margin": "追加保证金通知",
        "disburse": "放款给借款人",
        "disbursed": "已放款",
    },
    "en": {
        "apply": "Apply for a loan",
        "bank": "Bank",
        "receipts": "Receipts to pledge",
        "amount": "Amount (yuan)",
        "term": "Term (days)",
        "send": "Send the application",
        "sent": "sent to",
        "portal": "Bank portal",
        "verify": "Verify a receipt",
        "number": "Receipt number",
        "code": "Verification code",
        "verify_button": "Verify",
        "ours": "Pledged to your bank",
        "queue": "Applications",
        "approve": "Approve the loan",
        "principal": "Principal (yuan)",
        "rate": "Annual rate (%)",
        "approved": "approved",
        "refused": "a receipt can carry one pledge only",
        "margin": "Margin call",
        "disburse": "Disburse to the borrower",
        "disbursed": "disbursed",
    },
}


def fits(page) -> None:
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 390)
        .slice(-3).map(e => e.tagName + '.' + e.className)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, wide  # names what sticks out


def switch_language(page, language):
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()


def phone(page):
    """Another phone (a new browser context) on the same live server."""
    context = page.context.browser.new_context(
        viewport={"width": WIDTH, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=page.url.split("/exchange")[0],
    )
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_bank_officer_verifies_approves_and_watches_ltv(page, screenshot, market, make_user, operator_user, language):
    words = WORDS[language]
    lending = Lending(market, make_user, operator_user)
    pledged = lending.receipt(net="60.000")  # already pledged to 建设银行 by an earlier loan
    earlier = loan_apply(
        member=lending.borrower,
        bank=lending.ccb,
        receipts=[pledged],
        amount="80000",
        term_days=90,
        actor=lending.trader,
    )
    loan_approve(
        earlier,
        bank=lending.ccb,
        principal="80000",
        annual_rate_percent="4.35",
        term_days=90,
        actor=lending.ccb_officer,
    )
    receipt = lending.receipt(net="100.000")

    # The trader applies from the terminal's receipts page.
    log_in_as(page, lending.trader)
    page.goto("/exchange/terminal/")
    switch_language(page, language)
    page.locator(f'[data-receipt="{receipt.number}"] [data-action="apply-loan"]').click()
    page.wait_for_url("**/exchange/terminal/loans/apply/**")
    fits(page)
    page.get_by_label(words["bank"]).select_option(str(lending.ccb.pk))
    expect(page.get_by_label(re.compile(re.escape(receipt.number)))).to_be_checked()
    page.get_by_label(words["amount"]).fill("140000")
    page.get_by_label(words["term"]).fill("90")
    screenshot(page, f"apply-{language}")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.locator(".messages")).to_contain_text(words["sent"])
    loan = Loan.objects.get(collateral__receipt=receipt)

    # Meanwhile the trader opens the form again with the same receipt, to ask the other bank too.
    page.goto(f"/exchange/terminal/loans/apply/?receipt={receipt.pk}")
    page.get_by_label(words["bank"]).select_option(str(lending.hxb.pk))
    page.get_by_label(words["amount"]).fill("50000")
    page.get_by_label(words["term"]).fill("30")
    log_out_later = page.url

    # The bank officer, on another phone.
    officer_page = phone(page)
    log_in_as(officer_page, lending.ccb_officer)
    switch_language(officer_page, language)
    officer_page.get_by_role("navigation", name=re.compile("主导航|Main")).get_by_role(
        "link", name=words["portal"]
    ).click()
    officer_page.wait_for_url("**/bank/")
    fits(officer_page)
    officer_page.locator(".terminal-nav").get_by_role("link", name=words["verify"]).click()
    officer_page.get_by_label(words["number"]).fill(pledged.number)
    officer_page.get_by_label(words["code"]).fill(pledged.verification_code)
    officer_page.get_by_role("button", name=words["verify_button"], exact=True).click()
    expect(officer_page.locator('[data-verification="valid"]')).to_be_visible()
    expect(officer_page.locator('[data-field="pledge"]')).to_contain_text(words["ours"])
    expect(officer_page.locator("[data-token]")).to_have_value(re.compile(r"^eyJ[\w-]+\.[\w-]+\.[\w-]+$"))
    fits(officer_page)
    screenshot(officer_page, f"verify-{language}")

    officer_page.locator(".terminal-nav").get_by_role("link", name=words["queue"]).click()
    officer_page.locator(f'[data-loan="{loan.number}"] a').click()
    officer_page.get_by_label(words["principal"]).fill("140000")
    officer_page.get_by_label(words["rate"]).fill("4.35")
    fits(officer_page)
    officer_page.get_by_role("button", name=words["approve"]).click()
    officer_page.wait_for_url(f"**/bank/loans/{loan.number}/")
    expect(officer_page.locator(".messages")).to_contain_text(words["approved"])
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.APPROVED
    officer_page.get_by_role("button", name=words["disburse"]).click()
    expect(officer_page.locator(".messages")).to_contain_text(words["disbursed"])
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.ACTIVE
    loans_value(timezone.localdate())
    officer_page.reload()
    expect(officer_page.locator('[data-chart="ltv"]')).to_be_visible()
    expect(officer_page.locator('[data-field="ltv"]')).to_contain_text("58.34%")  # 140,000 / (100 t x 3000 x 0.8)
    fits(officer_page)
    screenshot(officer_page, f"loan-ltv-{language}")
    officer_page.context.close()

    # The other bank's officer, on a third phone, cannot open that loan.
    other_page = phone(page)
    log_in_as(other_page, lending.hxb_officer)
    response = other_page.goto(f"/bank/loans/{loan.number}/")
    assert response.status == 404
    assert loan.number not in other_page.goto("/bank/loans/").text()
    other_page.context.close()

    # Back on the trader's phone: the second pledge of the same receipt is refused, clearly.
    assert page.url == log_out_later
    page.get_by_role("button", name=words["send"]).click()
    expect(page.locator(".error-text").first).to_contain_text(words["refused"])
    assert Loan.objects.filter(bank=lending.hxb).count() == 0
    screenshot(page, f"second-pledge-refused-{language}")

    # The price falls; the trader's terminal home shows the margin call with its deadline.
    reference_price_set(grade=lending.grade, day=timezone.localdate(), price="2400", reason="test", actor=operator_user)
    loans_value(timezone.localdate())
    assert margin_call_review(Loan.objects.get(pk=loan.pk)) is not None
    page.goto("/exchange/terminal/")
    notice = page.locator('[data-field="margin-calls"]')
    expect(notice).to_contain_text(words["margin"])
    expect(notice).to_contain_text(loan.number)
    fits(page)
    screenshot(page, f"margin-call-{language}")
    assert page.external_requests == []
