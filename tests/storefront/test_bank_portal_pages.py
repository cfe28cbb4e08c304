"""The bank portal (/bank/) and the trader's loan pages in the terminal: who may open them (an officer of
one bank sees only its bank's applications and loans; anyone else 403), the receipt check by number
and code with the signed statement, approving and rejecting an application, disbursing, the LTV chart,
the CSV export for the bank's core system, and the trader applying, repaying and being refused a
second pledge; list pages cost a fixed number of queries whatever their length."""

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from magnesium_exchange.credit.models import CreditReportRead
from magnesium_exchange.credit.services import credit_consent_grant
from magnesium_exchange.financing.models import Loan, LoanStatus
from magnesium_exchange.financing.selectors import loan_debt
from magnesium_exchange.financing.services.loans import loan_apply, loan_approve, loan_disburse
from magnesium_exchange.financing.services.margin import margin_call_review
from magnesium_exchange.financing.services.valuation_job import loans_value
from magnesium_exchange.marketdata.services import reference_price_set
from magnesium_exchange.members.services import trader_add
from magnesium_exchange.warehouses.models import ReceiptStatus
from meidu.accounts.roles import Role
from tests.magnesium_exchange.financing.lending import Lending, snapshot
from tests.support.graphql import PASSWORD

pytestmark = pytest.mark.django_db

B = "/bank/"
T = "/exchange/terminal/"


@pytest.fixture
def lending(market, make_user, operator_user):
    return Lending(market, make_user, operator_user)


def logged_in(user, language="zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=user.phone, password=PASSWORD)
    return client


def applied(lending, net="100.000", amount="100000.00", bank=None, holder=None):
    receipt = lending.receipt(holder, net=net)
    loan = loan_apply(
        member=holder or lending.borrower,
        bank=bank or lending.ccb,
        receipts=[receipt],
        amount=amount,
        term_days=90,
        purpose="采购菱镁矿",
        actor=lending.trader,
    )
    return loan, receipt


def active(lending, **kwargs):
    loan, receipt = applied(lending, **kwargs)
    bank = kwargs.get("bank") or lending.ccb
    officer = lending.ccb_officer if bank == lending.ccb else lending.hxb_officer
    loan = loan_approve(
        loan,
        bank=bank,
        principal=loan.amount_requested,
        annual_rate_percent="4.350",
        term_days=90,
        registry_filing_no="ZD2026120600123",
        actor=officer,
    )
    return loan_disburse(loan, bank=bank, actor=officer), receipt


def test_anonymous_visitors_log_in_and_others_are_refused(lending, make_user, client):
    loan, _receipt = active(lending)
    pages = [
        B,
        f"{B}verify/",
        f"{B}applications/",
        f"{B}loans/",
        f"{B}loans/{loan.number}/",
        f"{B}margin-calls/",
        f"{B}forced-sales/",
        f"{B}loans/export.csv",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    lone_officer = make_user(Role.BANK_OFFICER)  # the role without a bank
    for user in (make_user(Role.BUYER), lending.trader, make_user(Role.WAREHOUSE_OPERATOR), lone_officer):
        browser = logged_in(user)
        for url in pages:
            assert browser.get(url).status_code == 403, (user, url)


def test_every_page_renders_in_chinese_for_an_officer(lending):
    loan, _receipt = active(lending)
    waiting, _ = applied(lending, net="50.000", amount="50000.00")
    loans_value(timezone.localdate())
    browser = logged_in(lending.ccb_officer)
    pages = {
        B: ["银行门户", "待审申请", "风险贷款"],
        f"{B}verify/": ["核验仓单", "核验码", "扫描二维码"],
        f"{B}applications/": [waiting.number, "待审贷款申请"],
        f"{B}applications/{waiting.number}/": ["批准", "拒绝", "当前估值"],
        f"{B}loans/": [loan.number, "质押率"],
        f"{B}loans/{loan.number}/": ["质押率", "台账", "事件", "质押物"],
        f"{B}margin-calls/": ["追加保证金通知"],
        f"{B}forced-sales/": ["强制处置"],
    }
    for url, words in pages.items():
        response = browser.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for word in words:
            assert word in html, (url, word)
        assert "华夏银行" not in html  # nothing of the other bank


def test_an_officer_never_sees_another_banks_loan(lending):
    theirs, _receipt = active(lending, bank=lending.hxb)
    waiting, _ = applied(lending, net="40.000", amount="40000.00", bank=lending.hxb)
    browser = logged_in(lending.ccb_officer)
    for url in (f"{B}loans/{theirs.number}/", f"{B}applications/{waiting.number}/"):
        assert browser.get(url).status_code == 404
    before = snapshot()
    assert (
        browser.post(
            f"{B}applications/{waiting.number}/", {"action": "reject", "reject-reason": "不是我行的"}
        ).status_code
        == 404
    )
    assert browser.post(f"{B}loans/{theirs.number}/forced-sale/").status_code == 404
    assert snapshot() == before
    for url in (B, f"{B}loans/", f"{B}applications/", f"{B}margin-calls/"):
        html = browser.get(url).content.decode()
        assert theirs.number not in html and waiting.number not in html
    rows = list(csv.reader(io.StringIO(browser.get(f"{B}loans/export.csv").content.decode("utf-8-sig"))))
    assert rows[1:] == []


def test_verify_by_number_and_code_shows_the_signed_statement_and_our_pledge(lending):
    loan, receipt = active(lending)
    browser = logged_in(lending.ccb_officer)
    response = browser.post(f"{B}verify/", {"number": receipt.number.lower(), "code": receipt.verification_code})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-verification="valid"' in html
    assert f"已质押给贵行（贷款 {loan.number}）" in html
    assert lending.borrower.name in html  # a bank gets the owner in full
    assert "eyJ" in html and 'data-token' in html  # the compact JWS, copyable
    other = (
        logged_in(lending.hxb_officer)
        .post(f"{B}verify/", {"number": receipt.number, "code": receipt.verification_code})
        .content.decode()
    )
    assert "已质押给其他银行" in other and loan.number not in other and "建设银行" not in other

    wrong = browser.post(f"{B}verify/", {"number": receipt.number, "code": "ZZZZZZZZZZ"}).content.decode()
    assert "没有仓单同时匹配此编号和核验码" in wrong and "data-statement" not in wrong
    assert (
        "没有仓单同时匹配此编号和核验码"
        in browser.post(f"{B}verify/", {"number": "NOPE-1", "code": "ABC"}).content.decode()
    )
    hostile = browser.post(f"{B}verify/", {"number": "A" * 500, "code": "x"})
    assert hostile.status_code == 200 and "data-statement" not in hostile.content.decode()
    by_link = browser.get(f"{B}verify/?number={receipt.number}&code={receipt.verification_code}").content.decode()
    assert 'data-verification="valid"' in by_link


def test_approve_with_terms_pledges_the_receipt_and_a_refusal_writes_nothing(lending):
    loan, receipt = applied(lending, amount="200000.00")
    browser = logged_in(lending.ccb_officer)
    form = {
        "action": "approve",
        "approve-principal": "200000.00",
        "approve-annual_rate_percent": "4.35",
        "approve-term_days": "90",
        "approve-haircut_percent": "20",
        "approve-max_ltv_percent": "60",
        "approve-warning_percent": "65",
        "approve-liquidation_percent": "80",
        "approve-registry_filing_no": "ZD2026120600999",
    }
    before = snapshot()
    response = browser.post(f"{B}applications/{loan.number}/", form)  # 100 t x 3000 less 20% at 60% = 144,000
    assert response.status_code == 200 and "超过质押率上限" in response.content.decode()
    assert snapshot() == before
    for value in ("NaN", "Infinity", "1e30", "-5"):
        response = browser.post(f"{B}applications/{loan.number}/", {**form, "approve-principal": value})
        assert response.status_code == 200 and "error-text" in response.content.decode()
    assert snapshot() == before

    response = browser.post(f"{B}applications/{loan.number}/", {**form, "approve-principal": "140000.00"})
    assert response.status_code == 302 and response["Location"] == f"{B}loans/{loan.number}/"
    loan.refresh_from_db()
    receipt.refresh_from_db()
    assert loan.status == LoanStatus.APPROVED and loan.principal == Decimal("140000.00")
    assert loan.registry_filing_no == "ZD2026120600999" and receipt.status == ReceiptStatus.PLEDGED

    page = browser.get(f"{B}loans/{loan.number}/").content.decode()
    assert "放款给借款人" in page
    assert browser.post(f"{B}loans/{loan.number}/disburse/").status_code == 302
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    page = browser.get(f"{B}loans/{loan.number}/").content.decode()
    assert "质押贷款放款" in page and "140000.00" in page


def test_reject_with_a_reason(lending):
    loan, receipt = applied(lending)
    browser = logged_in(lending.ccb_officer)
    assert (
        "error-text"
        in browser.post(f"{B}applications/{loan.number}/", {"action": "reject", "reject-reason": ""}).content.decode()
    )
    response = browser.post(
        f"{B}applications/{loan.number}/", {"action": "reject", "reject-reason": "仓单品级不符合我行准入"}
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REJECTED and loan.rejection_reason == "仓单品级不符合我行准入"
    trader_page = logged_in(lending.trader).get(f"{T}loans/{loan.number}/").content.decode()
    assert "仓单品级不符合我行准入" in trader_page


def test_the_loan_page_charts_loan_to_value_and_the_margin_call(lending, operator_user):
    loan, receipt = active(lending, amount="140000.00")
    today = timezone.localdate()
    loans_value(today)
    browser = logged_in(lending.ccb_officer)
    page = browser.get(f"{B}loans/{loan.number}/").content.decode()
    assert 'data-chart="ltv"' in page and 'data-line="warning"' in page and 'data-line="liquidation"' in page
    # The price falls by a fifth: 140,000 / (100 t x 2400 x 0.8) = 72.92% — past the warning line.
    reference_price_set(grade=lending.grade, day=today, price="2400", reason="test", actor=operator_user)
    loans_value(today)
    call = margin_call_review(loan)
    assert call is not None and call.status == "open"
    page = browser.get(f"{B}loans/{loan.number}/").content.decode()
    assert "72.92%" in page and 'data-field="margin-call"' in page
    assert loan.number in browser.get(f"{B}margin-calls/").content.decode()
    assert loan.number in browser.get(B).content.decode()  # at risk on the home page
    terminal = logged_in(lending.trader).get(T).content.decode()
    assert 'data-field="margin-calls"' in terminal and loan.number in terminal and "追加保证金" in terminal


def test_csv_export_one_row_per_loan_with_a_bom_and_no_formulas(lending):
    evil = lending.market.member("=HYPERLINK(\"http://x\")镁业", funds="1000.00")
    trader = lending.make_user(Role.TRADER)
    trader_add(evil, trader, can_trade=True, can_settle=True, can_manage_funds=True)
    active(lending)
    receipt = lending.receipt(evil, net="20.000")
    loan_apply(member=evil, bank=lending.ccb, receipts=[receipt], amount="10000.00", term_days=30, actor=trader)
    active(lending, bank=lending.hxb)  # another bank's: not in the file
    response = logged_in(lending.ccb_officer).get(f"{B}loans/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "贷款编号" and len(rows) == 3
    borrowers = {row[1] for row in rows[1:]}
    assert "'=HYPERLINK(\"http://x\")镁业" in borrowers and lending.borrower.name in borrowers
    assert Loan.objects.count() == 3


def test_list_pages_cost_a_fixed_number_of_queries(lending, django_assert_max_num_queries):
    browser = logged_in(lending.ccb_officer)

    def load_all():
        for url in (
            B,
            f"{B}applications/",
            f"{B}loans/",
            f"{B}margin-calls/",
            f"{B}forced-sales/",
            f"{B}loans/export.csv",
        ):
            assert browser.get(url).status_code == 200

    active(lending, net="30.000", amount="30000.00")
    applied(lending, net="30.000", amount="30000.00")
    loans_value(timezone.localdate())
    browser.get(B)  # warm the session and permission caches
    with django_assert_max_num_queries(60) as few:
        load_all()
    for _ in range(6):
        active(lending, net="30.000", amount="30000.00")
        applied(lending, net="30.000", amount="30000.00")
    loans_value(timezone.localdate())
    with django_assert_max_num_queries(len(few.captured_queries)):
        load_all()


def test_trader_applies_from_the_receipts_page_and_a_second_pledge_is_refused(lending):
    receipt = lending.receipt(net="100.000")
    browser = logged_in(lending.trader)
    overview = browser.get(T).content.decode()
    assert f"{T}loans/apply/?receipt={receipt.pk}" in overview
    page = browser.get(f"{T}loans/apply/?receipt={receipt.pk}").content.decode()
    assert "建设银行大石桥支行" in page and "华夏银行营口分行" in page and "checked" in page
    before = snapshot()
    for bad in ({"amount": "NaN"}, {"amount": "1e30"}, {"term_days": "-3"}, {"receipts": []}):
        form = {"bank": lending.ccb.pk, "receipts": [receipt.pk], "amount": "100000", "term_days": "90", **bad}
        response = browser.post(f"{T}loans/apply/", form)
        assert response.status_code == 200 and "error-text" in response.content.decode(), bad
    assert snapshot() == before
    response = browser.post(
        f"{T}loans/apply/",
        {"bank": lending.ccb.pk, "receipts": [receipt.pk], "amount": "100000", "term_days": "90", "purpose": "采购"},
    )
    assert response.status_code == 302
    loan = Loan.objects.get()
    assert loan.borrower == lending.borrower and loan.status == LoanStatus.APPLIED
    loan_approve(
        loan, bank=lending.ccb, principal="100000", annual_rate_percent="4.35", term_days=90, actor=lending.ccb_officer
    )
    loans_page = browser.get(f"{T}loans/").content.decode()
    assert loan.number in loans_page and "建设银行大石桥支行" in loans_page

    # The receipt is pledged now: a second application is refused on the page, nothing written.
    before = snapshot()
    response = browser.post(
        f"{T}loans/apply/", {"bank": lending.hxb.pk, "receipts": [receipt.pk], "amount": "50000", "term_days": "30"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "一张仓单只能设立一个质押" in html
    assert snapshot() == before


def test_trader_repays_and_may_not_open_anothers_loan(lending, make_user):
    loan, _receipt = active(lending, amount="100000.00")
    browser = logged_in(lending.trader)
    page = browser.get(f"{T}loans/{loan.number}/").content.decode()
    assert "还款" in page and "追加质押物" in page
    response = browser.post(f"{T}loans/{loan.number}/repay/", {"repay-amount": "99999999", "repay-token": "t1"})
    assert response.status_code == 400 and "超过" in response.content.decode()
    response = browser.post(f"{T}loans/{loan.number}/repay/", {"repay-amount": "1000.00", "repay-token": "t2"})
    assert response.status_code == 302
    assert loan_debt(loan).total == Decimal("99000.00")
    stranger_member = lending.market.member("营口青花耐火材料股份有限公司")
    stranger = make_user(Role.TRADER)
    trader_add(stranger_member, stranger, can_trade=True, can_settle=True, can_manage_funds=True)
    other = logged_in(stranger)
    assert other.get(f"{T}loans/{loan.number}/").status_code == 404
    assert other.post(f"{T}loans/{loan.number}/repay/", {"repay-amount": "1", "repay-token": "t3"}).status_code == 404


def test_the_application_links_the_consented_credit_report(lending):
    loan, _receipt = applied(lending)
    browser = logged_in(lending.ccb_officer)
    page = browser.get(f"{B}applications/{loan.number}/").content.decode()
    assert 'data-field="credit-report"' not in page and "未授权贵行查阅其信用报告" in page
    credit_consent_grant(member=lending.borrower, bank=lending.ccb, actor=lending.trader)
    page = browser.get(f"{B}applications/{loan.number}/").content.decode()
    assert 'data-field="credit-report"' in page and f'action="{B}credit/"' in page
    assert not CreditReportRead.objects.exists()  # opening the application reads nothing
    report = browser.post(f"{B}credit/", {"credit_code": lending.borrower.credit_code})
    assert report.status_code == 200 and CreditReportRead.objects.get().bank == lending.ccb


def test_the_forced_sale_button_appears_past_the_liquidation_line_and_starts_the_sale(lending, operator_user):
    loan, _receipt = active(lending, amount="140000.00")
    browser = logged_in(lending.ccb_officer)
    assert "启动强制处置" not in browser.get(f"{B}loans/{loan.number}/").content.decode()
    before = snapshot()
    browser.post(f"{B}loans/{loan.number}/forced-sale/")  # before the line: refused, nothing written
    assert snapshot() == before
    # 140,000 / (100 t x 2000 x 0.8) = 87.5%: past the liquidation line (80%).
    reference_price_set(grade=lending.grade, day=timezone.localdate(), price="2000", reason="test", actor=operator_user)
    loans_value(timezone.localdate())
    assert "启动强制处置" in browser.get(f"{B}loans/{loan.number}/").content.decode()
    response = browser.post(f"{B}loans/{loan.number}/forced-sale/", follow=True)
    assert "强制处置已启动" in response.content.decode()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ENFORCING
    assert loan.number in browser.get(f"{B}forced-sales/").content.decode()
