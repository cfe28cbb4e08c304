"""The credit report: its numbers come from trades, settlements and weighbridge tickets made through the
exchange's own services (and loans and margin calls as the financing tables hold them); it costs the same
few queries whatever the history; its signed statement verifies and one changed byte does not."""

import datetime as dt
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.credit.selectors import credit_report_build
from magnesium_exchange.credit.services import credit_consent_grant, credit_report_read
from magnesium_exchange.financing.models import Loan, LoanStatus, MarginCall, MarginCallStatus
from magnesium_exchange.settlement.models import Settlement
from magnesium_exchange.settlement.services import settlement_default, settlement_pay
from magnesium_exchange.trading.services import listing_open, listing_pick
from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus
from magnesium_exchange.warehouses.services import receipt_withdraw
from meidu.core.statements import StatementInvalid, statement_public_jwks, statement_verify
from tests.magnesium_exchange.trading_factories import REFERENCE

pytestmark = pytest.mark.django_db


def picks(market, seller, buyer, tonnes: list[str], price="3000"):
    listing = listing_open(
        member=seller,
        grade=market.grade,
        price=Decimal(price),
        receipts=[market.receipt(seller, "100.000")],
        reference_price_fallback=REFERENCE,
        min_pick="10",
        step="10",
    )
    return [listing_pick(listing, member=buyer, quantity=t) for t in tonnes]


_loan_serial = iter(range(1, 10_000))


def loan(bank, borrower, status, principal="50000.00", due_in_days=90, disbursed=True):
    """A loan row as the financing services leave it in ``status`` (their lifecycle is the loans part's)."""
    now = timezone.now()
    return Loan.objects.create(
        number=f"L-TEST-{next(_loan_serial):05d}",
        bank=bank,
        borrower=borrower,
        status=status,
        amount_requested=Decimal(principal),
        term_days_requested=90,
        principal=Decimal(principal) if disbursed else None,
        annual_rate_percent=Decimal("4.350") if disbursed else None,
        term_days=90 if disbursed else None,
        approved_at=now if disbursed else None,
        disbursed_at=now if disbursed else None,
        due_date=timezone.localdate() + timedelta(days=due_in_days) if disbursed else None,
    )


def margin_call(loan_row, status):
    now = timezone.now()
    return MarginCall.objects.create(
        loan=loan_row,
        status=status,
        ltv_percent=Decimal("66.00"),
        opened_at=now,
        deadline=now + timedelta(hours=72),
        resolved_at=None if status == MarginCallStatus.OPEN else now,
    )


@pytest.fixture
def history(market, ccb, huaxia):
    """Buyer: three purchases (paid on time, defaulted, unpaid), a delivered receipt withdrawn 1 t short,
    four loans (one overdue, one repaid, one closed with a shortfall, one rejected), three margin calls."""
    seller = market.member("海城市华鑫镁业有限公司")
    buyer = market.member("鞍山钢铁耐材采购有限公司", funds="500000.00")
    stranger = market.member("营口青花耐火材料有限公司", funds="500000.00")
    paid, defaulted, unpaid = picks(market, seller, buyer, ["40", "20", "10"])
    picks(market, seller, stranger, ["30"])  # not the buyer's
    settlement_pay(Settlement.objects.get(trade=paid), member=buyer, now=paid.executed_at + timedelta(hours=1))
    settlement_default(Settlement.objects.get(trade=defaulted), now=defaulted.settlement_due_at + timedelta(seconds=1))
    delivered = Receipt.objects.get(number=Settlement.objects.get(trade=paid).delivered_receipts[0])
    short = receipt_withdraw(delivered, gross="49.000", tare="10.000", net="39.000", actor=market.keeper)
    assert short.within_tolerance is False and short.receipt.status == ReceiptStatus.FROZEN
    exact = market.receipt(buyer, "25.000")
    assert receipt_withdraw(exact, gross="35.000", tare="10.000", net="25.000", actor=market.keeper).within_tolerance
    overdue = loan(ccb.bank, buyer, LoanStatus.ACTIVE, "80000.00", due_in_days=-3)
    repaid = loan(huaxia.bank, buyer, LoanStatus.REPAID, "30000.00")
    loan(ccb.bank, buyer, LoanStatus.DEFAULTED, "20000.00")
    loan(huaxia.bank, buyer, LoanStatus.REJECTED, disbursed=False)
    loan(ccb.bank, stranger, LoanStatus.DEFAULTED)  # not the buyer's
    margin_call(overdue, MarginCallStatus.MISSED)
    margin_call(repaid, MarginCallStatus.RESOLVED)
    margin_call(overdue, MarginCallStatus.OPEN)
    return {"seller": seller, "buyer": buyer, "stranger": stranger, "trades": (paid, defaulted, unpaid)}


def month_of(report, when):
    key = f"{timezone.localtime(when):%Y-%m}"
    return next(row for row in report["trading"]["months"] if row["month"] == key)


def test_the_report_counts_the_members_own_records(history):
    buyer, seller = history["buyer"], history["seller"]
    paid, _defaulted, unpaid = history["trades"]
    report = credit_report_build(buyer)
    assert report["member"]["credit_code"] == buyer.credit_code and report["currency"] == "CNY"
    months = report["trading"]["months"]
    assert len(months) == 12 and months[-1]["month"] == f"{timezone.localdate():%Y-%m}"
    this_month = month_of(report, paid.executed_at)
    assert (this_month["bought_trades"], this_month["bought_tonnes"], this_month["bought_value"]) == (
        3,
        "70.000",
        "210000.00",
    )
    assert (this_month["sold_trades"], this_month["sold_tonnes"], this_month["sold_value"]) == (0, "0.000", "0.00")
    assert report["trading"]["totals"]["bought_value"] == "210000.00"
    assert report["settlements"]["as_buyer"] == {
        "on_time": 1,
        "late": 0,
        "defaulted": 1,
        "pending": 1,
        "defaulted_value": "60000.00",
    }
    assert report["settlements"]["as_seller"] == {
        "on_time": 0,
        "late": 0,
        "defaulted": 0,
        "pending": 0,
        "defaulted_value": "0.00",
    }
    weighbridge = report["weighbridge"]
    assert (weighbridge["discrepancies"], weighbridge["unresolved"], weighbridge["difference_tonnes"]) == (
        1,
        1,
        "1.000",
    )
    assert (
        weighbridge["latest"][0]["difference_tonnes"] == "-1.000"
        and weighbridge["latest"][0]["tolerance_tonnes"] == "0.120"
    )
    assert report["loans"] == {
        "applied": 4,
        "rejected": 1,
        "taken": 3,
        "active": 1,
        "overdue": 1,
        "forced_sale": 0,
        "repaid": 1,
        "in_default": 1,
        "principal_taken": "130000.00",
        "principal_running": "80000.00",
    }
    assert report["margin_calls"] == {"opened": 3, "resolved": 1, "missed": 1, "open": 1}

    sold = credit_report_build(seller)
    assert month_of(sold, paid.executed_at)["sold_tonnes"] == "100.000"  # 70 t to the buyer, 30 t to another member
    assert month_of(sold, paid.executed_at)["sold_value"] == "300000.00"
    assert sold["settlements"]["as_seller"]["on_time"] == 1 and sold["settlements"]["as_seller"]["defaulted"] == 1
    # the seller deposited the goods of the receipt withdrawn short: the discrepancy is on its record too
    assert sold["weighbridge"]["discrepancies"] == 1
    assert sold["loans"]["taken"] == 0 and sold["margin_calls"]["opened"] == 0


def test_the_window_and_the_day_of_the_report(history):
    buyer = history["buyer"]
    _paid, _defaulted, unpaid = history["trades"]
    after_deadline = timezone.localtime(unpaid.settlement_due_at).date() + timedelta(days=1)
    later = credit_report_build(buyer, today=after_deadline)
    assert later["settlements"]["as_buyer"]["late"] == 1 and later["settlements"]["as_buyer"]["pending"] == 0
    in_two_months = timezone.localdate() + timedelta(days=62)
    shifted = credit_report_build(buyer, today=in_two_months)
    assert month_of(shifted, unpaid.executed_at)["bought_tonnes"] == "70.000"
    assert shifted["trading"]["months"][-1]["bought_tonnes"] == "0.000"
    next_year = credit_report_build(buyer, today=timezone.localdate() + timedelta(days=400))
    assert next_year["trading"]["totals"]["bought_trades"] == 0  # older than twelve months
    before = credit_report_build(buyer, today=timezone.localdate() - timedelta(days=40))
    assert before["trading"]["totals"]["bought_trades"] == 0  # not yet traded then


def test_a_new_member_has_an_empty_report(market):
    report = credit_report_build(market.member())
    assert report["trading"]["totals"]["bought_value"] == "0.00"
    assert report["settlements"]["as_buyer"]["on_time"] == 0 and report["loans"]["taken"] == 0
    assert report["weighbridge"] == {"discrepancies": 0, "unresolved": 0, "difference_tonnes": "0.000", "latest": []}


def test_the_query_count_is_fixed_whatever_the_history(market, history, ccb, django_assert_num_queries):
    newcomer = market.member()
    with django_assert_num_queries(6):
        credit_report_build(newcomer)
    with django_assert_num_queries(6):
        small = credit_report_build(history["buyer"])
    buyer = history["buyer"]
    picks(market, history["seller"], buyer, ["10"] * 9)
    for _ in range(6):
        margin_call(loan(ccb.bank, buyer, LoanStatus.REPAID), MarginCallStatus.RESOLVED)
    with django_assert_num_queries(6):
        big = credit_report_build(buyer)
    assert big["trading"]["totals"]["bought_trades"] == small["trading"]["totals"]["bought_trades"] + 9
    assert big["margin_calls"]["opened"] == small["margin_calls"]["opened"] + 6


def test_the_signed_report_verifies_and_one_changed_byte_does_not(history, ccb, trader_factory):
    buyer = history["buyer"]
    credit_consent_grant(member=buyer, bank=ccb.bank, actor=trader_factory(buyer))
    report, statement = credit_report_read(member=buyer, bank=ccb.bank, actor=ccb.officer)
    jwks = {"keys": statement_public_jwks()}
    claims = statement_verify(statement, jwks)
    assert (
        claims["type"] == "credit_report" and claims["member"] == buyer.credit_code and claims["bank"] == ccb.bank.code
    )
    assert claims["report"] == report
    assert dt.datetime.fromisoformat(claims["generated_at"]) <= timezone.now()
    header, payload, signature = statement.split(".")
    for index, part in ((1, payload), (2, signature)):
        for position in (0, len(part) // 2, len(part) - 2):
            flipped = part[:position] + ("A" if part[position] != "A" else "B") + part[position + 1 :]
            tampered = ".".join(
                [header, payload, signature][:index] + [flipped] + [header, payload, signature][index + 1 :]
            )
            with pytest.raises(StatementInvalid):
                statement_verify(tampered, jwks)
