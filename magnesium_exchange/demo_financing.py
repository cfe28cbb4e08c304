"""Demo data of bank financing: the county's two lending banks, 建设银行大石桥支行 (officer +8613800000009,
the demo bank officer) and 华夏银行营口分行 (officer +8613800000011), each with its App (BANK_LENDING) and
default financing rules; a loan in good standing (disbursed three weeks ago, valued every day since), a
loan with an open margin call (its grade's reference price fell, so that its loan-to-value sits between
the warning and liquidation lines), an application waiting in the queue, and credit report consents.

Every step goes through the services (bank_create, bank_officer_add, financing_rule_set, loan_apply,
loan_approve, loan_disburse, margin_call_review, credit_consent_grant) and is idempotent: a second run
writes nothing. The loans are the demo trader's (+8613800000007, 金鼎镁业) so that its terminal shows them,
and one application of the second trader's firm (华鑫镁砂) waits in 建设银行's queue.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal

from django.db import transaction
from django.utils import timezone

from magnesium_exchange.credit.models import CreditConsent
from magnesium_exchange.credit.services import credit_consent_grant
from magnesium_exchange.demo_firms import demo_credit_code
from magnesium_exchange.financing.models import (
    Bank,
    BankOfficer,
    FinancingRule,
    Loan,
    LoanCollateral,
    LoanStatus,
    LoanValuation,
)
from magnesium_exchange.financing.selectors import loan_debt
from magnesium_exchange.financing.services.banks import bank_create, bank_officer_add, financing_rule_set
from magnesium_exchange.financing.services.loans import loan_apply, loan_approve, loan_disburse
from magnesium_exchange.financing.services.margin import margin_call_review
from magnesium_exchange.financing.services.valuation_job import loans_value
from magnesium_exchange.financing.valuation import after_haircut, valuation_prices
from magnesium_exchange.marketdata.services import reference_price_set
from magnesium_exchange.members.models import Member
from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus
from meidu.accounts.demo_data import DEMO_PASSWORD, seed_demo_users
from meidu.accounts.models import User
from meidu.accounts.roles import Role
from meidu.accounts.services import account_register, user_roles_set
from meidu.core.permissions import ExchangePermissions
from meidu.integrations.models import App
from meidu.integrations.services.apps import app_create

CCB_OFFICER_PHONE = "+8613800000009"
HXB_OFFICER_PHONE = "+8613800000011"
OPERATOR_PHONE = "+8613800000010"

# (code, name, short name, officer phone, officer surname and given name, App name)
BANKS = [
    ("ccb-dsq", "建设银行大石桥支行", "建行大石桥", CCB_OFFICER_PHONE, ("周", "敏"), "建设银行大石桥支行信贷系统"),
    ("hxb-yk", "华夏银行营口分行", "华夏营口", HXB_OFFICER_PHONE, ("郑", "秋实"), "华夏银行营口分行信贷系统"),
]
RULE = {
    "haircut_percent": Decimal("20.00"),
    "max_ltv_percent": Decimal("60.00"),
    "warning_percent": Decimal("65.00"),
    "liquidation_percent": Decimal("80.00"),
    "margin_call_hours": 72,
}
GOOD_DAYS_AGO = 21
RATE = Decimal("4.350")
# The margin-call loan's grade: not traded on the demo's live market, so its fall moves nothing else.
FALLING_GRADE = "lb-90"
TARGET_LTV = Decimal("72")  # between the warning (65) and liquidation (80) lines


def _member(serial: int) -> Member:
    return Member.objects.get(credit_code=demo_credit_code(serial))


def _officer(phone: str, last_name: str, first_name: str) -> User:
    """The officer's account with the bank officer role (and the buyer's, as every demo user)."""

    user = User.objects.filter(phone=phone).first()
    if user is None and phone == CCB_OFFICER_PHONE:
        seed_demo_users()
        user = User.objects.get(phone=phone)
    if user is None:
        user = account_register(
            phone=phone, password=DEMO_PASSWORD, last_name=last_name, first_name=first_name, roles=()
        )
        user_roles_set(user, [Role.BANK_OFFICER.value, Role.BUYER.value])
    return user


def bank_by_code(code: str) -> Bank:
    return Bank.objects.get(code=code)


def seed_financing_banks() -> int:
    """The two banks, their Apps and officers, and each bank's default rule."""
    created = 0
    operator = User.objects.filter(phone=OPERATOR_PHONE).first()
    for code, name, short_name, phone, (last_name, first_name), app_name in BANKS:
        user = _officer(phone, last_name, first_name)
        bank = Bank.objects.filter(code=code).first()
        if bank is None:
            app = App.objects.filter(name=app_name).first()
            if app is None:  # the bank's officer registers its App: one may grant only what one holds
                app, _token = app_create(name=app_name, permissions=[ExchangePermissions.BANK_LENDING], actor=user)
            bank = bank_create(code=code, name=name, short_name=short_name, app=app, actor=operator)
            created += 1
        if not BankOfficer.objects.filter(bank=bank, user=user, is_active=True).exists():
            bank_officer_add(bank, user, actor=operator)
            created += 1
        if not FinancingRule.objects.filter(bank=bank, grade__isnull=True).exists():
            financing_rule_set(bank=bank, actor=operator, **RULE)
            created += 1
    return created


def _free_receipt(member: Member, grade_code: str, exclude=()) -> Receipt | None:
    """The member's biggest active receipt of the grade that no loan holds or offers."""
    offered = LoanCollateral.objects.filter(status__in=["proposed", "pledged", "selling"]).values("receipt_id")
    return (
        Receipt.objects.filter(holder=member, grade__code=grade_code, status=ReceiptStatus.ACTIVE)
        .exclude(pk__in=offered)
        .exclude(pk__in=list(exclude))
        .order_by("-quantity", "id")
        .first()
    )


def _principal(receipt: Receipt, percent: Decimal, day: dt.date) -> Decimal:
    """``percent`` of the receipt's value after the haircut at the day's reference price, in whole thousands."""
    price = valuation_prices([receipt.grade_id], day)[receipt.grade_id]
    carried = after_haircut(receipt.quantity * price, RULE["haircut_percent"]) * percent / 100
    return (carried / 1000).quantize(Decimal(1), rounding=ROUND_FLOOR) * 1000


def _lend(bank: Bank, member: Member, receipt: Receipt, *, percent: Decimal, purpose: str, filing: str, now) -> Loan:
    day = timezone.localdate(now)
    amount = _principal(receipt, percent, day)
    officer = bank.officers.filter(is_active=True).select_related("user").first().user
    with transaction.atomic():
        loan = loan_apply(
            member=member,
            bank=bank,
            receipts=[receipt],
            amount=amount,
            term_days=180,
            purpose=purpose,
            idempotency_key=f"demo-loan-{bank.code}-{receipt.number}",
        )
        loan = loan_approve(
            loan,
            bank=bank,
            principal=amount,
            annual_rate_percent=RATE,
            term_days=180,
            registry_filing_no=filing,
            actor=officer,
            now=now,
        )
        return loan_disburse(loan, bank=bank, actor=officer, now=now)


def seed_financing_loans() -> int:
    """A loan of 建设银行 in good standing, disbursed three weeks ago and valued each day since; a loan of
    华夏银行 at ~72% loan-to-value with its margin call open; an application in 建设银行's queue."""
    ccb, hxb = bank_by_code("ccb-dsq"), bank_by_code("hxb-yk")
    trader_firm, second_firm, third_firm = _member(1), _member(2), _member(3)
    written = 0
    today = timezone.localdate()
    if not Loan.objects.filter(bank=ccb, borrower=trader_firm).exclude(status=LoanStatus.APPLIED).exists():
        receipt = _free_receipt(trader_firm, "db-95")
        if receipt is not None:
            started = timezone.now() - dt.timedelta(days=GOOD_DAYS_AGO)
            _lend(
                ccb,
                trader_firm,
                receipt,
                percent=Decimal("45"),
                purpose="采购原矿流动资金",
                filing="ZD2026-0210-0001",
                now=started,
            )
            written += 1
    good = Loan.objects.filter(bank=ccb, borrower=trader_firm, status=LoanStatus.ACTIVE).first()
    if good is not None and not LoanValuation.objects.filter(loan=good).exists():
        for back in range(GOOD_DAYS_AGO, -1, -1):  # the daily job's marks since the disbursement
            loans_value(today - dt.timedelta(days=back))
        written += 1
    if not Loan.objects.filter(bank=hxb, borrower=third_firm).exists():
        receipt = _free_receipt(third_firm, FALLING_GRADE)
        if receipt is not None:
            _lend(
                hxb,
                third_firm,
                receipt,
                percent=Decimal("58"),
                purpose="冬储备货",
                filing="ZD2026-0210-0002",
                now=timezone.now(),
            )
            written += 1
    written += _price_fall(hxb, third_firm, today)
    if not Loan.objects.filter(bank=ccb, borrower=second_firm, status=LoanStatus.APPLIED).exists():
        receipt = _free_receipt(second_firm, "fm-97")
        if receipt is not None:
            loan_apply(
                member=second_firm,
                bank=ccb,
                receipts=[receipt],
                amount=_principal(receipt, Decimal("50"), today),
                term_days=90,
                purpose="扩大电熔镁砂产能",
                idempotency_key=f"demo-apply-{receipt.number}",
            )
            written += 1
    return written


def _price_fall(bank: Bank, member: Member, today: dt.date) -> int:
    """Publish today's reference price of the falling grade so that the loan's loan-to-value is about
    TARGET_LTV, value today, and review the loan: its margin call opens (idempotent: nothing when the
    loan already sits between the lines with its call open)."""
    loan = Loan.objects.filter(bank=bank, borrower=member, status=LoanStatus.ACTIVE).first()
    if loan is None or loan.margin_calls.filter(status="open").exists():
        return 0
    pledged = loan.collateral.filter(status="pledged").select_related("receipt__grade").first()
    tonnes, grade = pledged.quantity, pledged.receipt.grade
    carried = loan_debt(loan).total * 100 / TARGET_LTV  # the collateral value that gives the target LTV
    price = carried * 100 / (100 - loan.haircut_percent) / tonnes
    tick = grade.commodity.price_tick
    price = (price / tick).quantize(Decimal(1)) * tick
    operator = User.objects.filter(phone=OPERATOR_PHONE).first()
    reference_price_set(grade=grade, day=today, price=price, reason="演示：轻烧镁粉价格大幅下跌", actor=operator)
    loans_value(today)
    margin_call_review(loan)
    return 1


def seed_financing_consents() -> int:
    """The demo trader's firm lets both banks read its credit report; the applicant lets 建设银行."""
    created = 0
    wanted = [(_member(1), "ccb-dsq"), (_member(1), "hxb-yk"), (_member(2), "ccb-dsq"), (_member(3), "hxb-yk")]
    for member, code in wanted:
        bank = bank_by_code(code)
        if CreditConsent.objects.filter(member=member, bank=bank, revoked_at__isnull=True).exists():
            continue
        trader = member.traders.filter(is_active=True).select_related("user").first()
        credit_consent_grant(member=member, bank=bank, actor=trader.user)
        created += 1
    return created


FINANCING_DEMO_STEPS = [
    ("lending banks, their officers, apps and rules", seed_financing_banks),
    ("loans on receipts: one in good standing, one under a margin call, one application", seed_financing_loans),
    ("credit report consents", seed_financing_consents),
]

FINANCING_DEMO_LOGINS = [("bank officer (华夏银行营口分行)", HXB_OFFICER_PHONE)]
