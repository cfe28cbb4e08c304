"""Credit pages: the trader's consents page in the terminal (give and withdraw consent per bank, who read
the report and when, the report itself) and the bank portal's credit report page (read a consented
member's report with its signed statement; refused without consent, writing nothing). Phone first, in
Chinese by default and in English."""

import pytest
from django.db import connection
from django.test import Client

from magnesium_exchange.credit.models import CreditConsent, CreditReportRead
from magnesium_exchange.credit.services import credit_consent_grant, credit_report_read
from meidu.accounts.roles import Role
from meidu.core.statements import statement_public_jwks, statement_verify
from tests.support.graphql import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = "/exchange/terminal/credit/"
BANK_PAGE = "/bank-credit/credit/"


def logged_in(user, language="zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=user.phone, password=PASSWORD)
    return client


def writes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
        return cursor.fetchone()[0]


@pytest.fixture
def member(market):
    return market.member("鞍山钢铁耐材采购有限公司")


@pytest.fixture
def trader(member, trader_factory):
    return trader_factory(member, can_trade=False, can_settle=False, can_manage_funds=False)


def test_the_trader_gives_and_withdraws_consent_and_sees_who_read(member, trader, ccb, huaxia):
    client = logged_in(trader)
    html = client.get(PAGE).content.decode()
    assert "征信报告授权" in html and ccb.bank.name in html and huaxia.bank.name in html and "授权查询" in html
    assert "尚无银行查询过您的征信报告" in html and 'href="/exchange/terminal/credit/" aria-current="page"' in html
    response = client.post(f"{PAGE}{ccb.bank.code}/grant/", follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert CreditConsent.objects.get(member=member, bank=ccb.bank).revoked_at is None
    assert "可以查询" in response.content.decode()
    again = client.post(f"{PAGE}{ccb.bank.code}/grant/", follow=True).content.decode()
    assert "已获得您会员的授权" in again and CreditConsent.objects.count() == 1

    credit_report_read(member=member, bank=ccb.bank, actor=ccb.officer)
    credit_report_read(member=member, bank=ccb.bank, actor=ccb.app)
    html = client.get(PAGE).content.decode()
    reads = [r.pk for r in CreditReportRead.objects.all()]
    for pk in reads:
        assert f'data-read="{pk}"' in html
    assert ccb.app.name in html and ccb.officer.phone[-4:] in html
    assert 'data-bank="ccb-dashiqiao"' in html and 'data-consent="on"' in html

    response = client.post(f"{PAGE}{ccb.bank.code}/revoke/", follow=True)
    assert "已撤回授权" in response.content.decode()
    assert CreditConsent.objects.get(member=member, bank=ccb.bank).revoked_at is not None
    before = writes()
    twice = client.post(f"{PAGE}{ccb.bank.code}/revoke/", follow=True).content.decode()
    assert "没有生效中的授权" in twice
    assert client.post(f"{PAGE}no-such-bank/grant/").status_code == 404
    assert client.get(f"{PAGE}{ccb.bank.code}/grant/").status_code == 405
    assert writes() == before


def test_the_terminal_credit_page_in_english_and_for_strangers(member, trader, ccb, make_user, trader_factory, market):
    html = logged_in(trader, "en").get(PAGE).content.decode()
    assert "Credit report consents" in html and "Give consent" in html and "Trading volume by month" in html
    assert Client().get(PAGE).status_code == 302  # log in first
    for user in (make_user(Role.BUYER), ccb.officer):
        assert logged_in(user).get(PAGE).status_code == 403
    # another member's trader sees only its own member's consents
    credit_consent_grant(member=member, bank=ccb.bank, actor=trader)
    other = logged_in(trader_factory(market.member()))
    assert 'data-consent="on"' not in other.get(PAGE).content.decode()


def test_the_bank_reads_a_consented_report_with_its_statement(settings, member, trader, ccb, huaxia):
    settings.ROOT_URLCONF = "tests.storefront.bank_credit_urls"
    credit_consent_grant(member=member, bank=ccb.bank, actor=trader)
    officer = logged_in(ccb.officer)
    html = officer.get(BANK_PAGE).content.decode()
    assert "征信报告" in html and ccb.bank.name in html and member.credit_code in html and "统一社会信用代码" in html
    assert not CreditReportRead.objects.exists()  # looking at the page reads nothing

    html = officer.post(BANK_PAGE, {"credit_code": member.credit_code.lower()}).content.decode()
    read = CreditReportRead.objects.get()
    assert (read.bank, read.reader_user, read.member) == (ccb.bank, ccb.officer, member)
    assert f'data-credit-report="{member.credit_code}"' in html and "按月成交量" in html
    statement = html.split("<pre class=\"statement\" data-statement>")[1].split("</pre>")[0]
    assert statement_verify(statement, statement_public_jwks())["member"] == member.credit_code

    english = logged_in(ccb.officer, "en").get(BANK_PAGE).content.decode()
    assert "Read a member&#x27;s credit report" in english or "Read a member's credit report" in english

    # Huaxia: no consent; not found; malformed — each says so and writes nothing
    other = logged_in(huaxia.officer)
    before = writes()
    refused = other.post(BANK_PAGE, {"credit_code": member.credit_code}).content.decode()
    assert "尚未授权贵行查询" in refused and "data-credit-report" not in refused
    missing = other.post(BANK_PAGE, {"credit_code": "91210381000000000X"}).content.decode()
    assert "没有交易所会员使用此信用代码" in missing
    assert other.post(BANK_PAGE, {"credit_code": "9121\x00381"}).status_code in (200, 400)
    assert other.post(BANK_PAGE, {"credit_code": "x" * 5000}).status_code in (200, 400)
    assert writes() == before and CreditReportRead.objects.count() == 1


def test_only_bank_officers_open_the_bank_credit_page(settings, trader, make_user):
    settings.ROOT_URLCONF = "tests.storefront.bank_credit_urls"
    assert Client().get(BANK_PAGE).status_code == 302
    for user in (trader, make_user(Role.BUYER), make_user(Role.OPERATOR), make_user(Role.BANK_OFFICER)):
        assert logged_in(user).get(BANK_PAGE).status_code == 403
