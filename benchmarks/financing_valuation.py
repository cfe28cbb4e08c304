"""The daily valuation job (financing.services.valuation_job.loans_value) over 10,000 pledged receipts.

    .venv/bin/python benchmarks/financing_valuation.py [--receipts 10000] [--per-loan 5] [--runs 3]

Seeds, in bulk (bulk_create, one ledger transaction for every disbursement and one for a day of
interest), borrowers, two banks, receipts of the fused-magnesia grades pledged to active loans
(--per-loan receipts each), their collateral rows and debts, and publishes today's reference prices
(3,000, 2,900, 2,800 ... a tonne by grade). Loans were approved at 3,000 for 50-62% of the value after
the haircut, so those on the cheaper grades near the top cross their 65% warning line and get a margin
call on the first run (97 of 2,000 with the defaults). Seeding is skipped when the database already
holds the receipts, then VACUUM (ANALYZE). Times ``loans_value()`` --runs times: the first run of the day (writes every
valuation and opens the margin calls), then reruns (rewrite the day's rows, open nothing); reports
wall and CPU time (this process), SQL statements, loans, receipts and calls.

Uses BENCH_DATABASE_URL, or a `meidu_bench_valuation` database on the embedded PostgreSQL. The first
run's figure is meaningful on a fresh database (the margin calls it opens stay open).
"""

import argparse
import datetime as dt
import random
import time
from decimal import Decimal

from _report import report
from _setup import setup

HAIRCUT, WARNING, LIQUIDATION = Decimal("20.00"), Decimal("65.00"), Decimal("80.00")


def _seed(receipts: int, per_loan: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from magnesium_exchange.commodities.models import Commodity, Grade
    from magnesium_exchange.commodities.services import commodities_seed
    from magnesium_exchange.financing.accounts import interest_code, interest_income_code, principal_code
    from magnesium_exchange.financing.models import Bank, CollateralStatus, Loan, LoanCollateral, LoanStatus
    from magnesium_exchange.marketdata.services import reference_price_set
    from magnesium_exchange.members.accounts import available_code
    from magnesium_exchange.members.credit_code import credit_code_check_char
    from magnesium_exchange.members.models import Member
    from magnesium_exchange.members.services import member_create
    from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus, Warehouse
    from magnesium_exchange.warehouses.services import warehouse_create
    from meidu.core.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction

    have = LoanCollateral.objects.filter(status=CollateralStatus.PLEDGED, loan__number__startswith="BV").count()
    if have >= receipts:
        print(f"{have} pledged receipts already seeded")
        return
    started = time.perf_counter()
    rng = random.Random(15)
    if not Commodity.objects.exists():
        commodities_seed()
    commodity = Commodity.objects.get(code="fused-magnesia")
    grades = list(Grade.objects.filter(commodity=commodity).order_by("id"))
    warehouse = Warehouse.objects.filter(code="BV01").first() or warehouse_create(
        code="BV01", name="基准测试监管仓", address="辽宁省海城市西柳镇", keeper_name="海城物产仓储有限公司"
    )
    members = list(Member.objects.filter(name__startswith="基准质押客户"))
    for n in range(len(members), 200):
        first17 = f"91210381{900_000_000 + n:09d}"
        members.append(
            member_create(
                name=f"基准质押客户{n}号有限公司",
                credit_code=first17 + credit_code_check_char(first17),
                legal_representative="王建国",
                registered_address="辽宁省海城市",
                bank_name="中国工商银行海城支行",
                bank_account_name=f"基准质押客户{n}号有限公司",
                bank_account_number=f"0999{n:012d}",
            )
        )
    banks = [
        Bank.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in (("bench-ccb", "基准建设银行"), ("bench-hxb", "基准华夏银行"))
    ]
    today = timezone.localdate()
    now = timezone.now()
    prices = {grade.pk: Decimal("3000") - 100 * i for i, grade in enumerate(grades)}
    for grade in grades:
        reference_price_set(grade=grade, day=today, price=prices[grade.pk], reason="benchmark")
    with transaction.atomic():
        first = Loan.objects.filter(number__startswith="BV").count()
        loans_n = receipts // per_loan
        loans = Loan.objects.bulk_create(
            [
                Loan(
                    number=f"BV{first + i:010d}",
                    bank=banks[i % 2],
                    borrower=members[i % len(members)],
                    status=LoanStatus.ACTIVE,
                    amount_requested=Decimal("1"),
                    term_days_requested=90,
                    principal=Decimal("1"),
                    annual_rate_percent=Decimal("4.350"),
                    term_days=90,
                    haircut_percent=HAIRCUT,
                    max_ltv_percent=Decimal("60.00"),
                    warning_percent=WARNING,
                    liquidation_percent=LIQUIDATION,
                    margin_call_hours=72,
                    approved_at=now,
                    disbursed_at=now,
                    due_date=today + dt.timedelta(days=90),
                    interest_accrued_until=today,
                )
                for i in range(loans_n)
            ],
            batch_size=2000,
        )
        rows, principals = [], {}
        for i, loan in enumerate(loans):
            grade = grades[i % len(grades)]
            value = Decimal("0")
            for j in range(per_loan):
                tonnes = Decimal(rng.randint(20, 200))
                value += tonnes * prices[grade.pk]
                rows.append(
                    Receipt(
                        number=f"BVR{loan.pk:08d}{j:02d}",
                        warehouse=warehouse,
                        commodity=commodity,
                        grade=grade,
                        quantity=tonnes,
                        depositor=loan.borrower,
                        holder=loan.borrower,
                        storage_start=today,
                        keeper="海城物产仓储有限公司",
                        issued_at=now,
                        status=ReceiptStatus.PLEDGED,
                        encumbrance=f"loan:{loan.pk}",
                    )
                )
            # Approved at 3,000 a tonne for every grade at 50-62% of the value after the haircut; marked today
            # at the grade's own price, the cheaper grades cross the 65% warning line.
            at_approval = sum(r.quantity for r in rows[-per_loan:]) * Decimal("3000") * Decimal("0.8")
            principals[loan.pk] = (at_approval * Decimal(rng.randint(50, 62)) / 100).quantize(Decimal("1.00"))
        made = Receipt.objects.bulk_create(rows, batch_size=2000)
        Loan.objects.bulk_update(
            [Loan(pk=pk, principal=p, amount_requested=p) for pk, p in principals.items()],
            ["principal", "amount_requested"],
            batch_size=2000,
        )
        by_loan = {loan.pk: loan for loan in loans}
        LoanCollateral.objects.bulk_create(
            [
                LoanCollateral(
                    loan_id=int(r.encumbrance.split(":")[1]),
                    receipt=r,
                    bank=by_loan[int(r.encumbrance.split(":")[1])].bank,
                    quantity=r.quantity,
                    status=CollateralStatus.PLEDGED,
                    pledged_at=now,
                )
                for r in made
            ],
            batch_size=2000,
        )
        codes = {}
        for loan in loans:
            codes[principal_code(loan.pk)] = f"{loan.number} 贷款本金"
            codes[interest_code(loan.pk)] = f"{loan.number} 应收利息"
        for bank in banks:
            codes[interest_income_code(bank.pk)] = f"{bank.name} 利息收入"
        LedgerAccount.objects.bulk_create(
            [LedgerAccount(code=c, name=n, allow_negative=True) for c, n in codes.items()],
            ignore_conflicts=True,
            batch_size=2000,
        )
        accounts = dict(
            LedgerAccount.objects.filter(code__in=list(codes) + [available_code(m.pk) for m in members]).values_list(
                "code", "pk"
            )
        )
        disbursed = LedgerTransaction.objects.create(description="基准放款", reference="bench")
        interest = LedgerTransaction.objects.create(description="基准计息", reference="bench")
        postings = []
        for loan in loans:
            p = principals[loan.pk]
            i = (p * Decimal("4.350") / 36500).quantize(Decimal("0.01"))
            postings += [
                LedgerPosting(
                    transaction=disbursed, account_id=accounts[principal_code(loan.pk)], amount=-p, currency="CNY"
                ),
                LedgerPosting(
                    transaction=disbursed,
                    account_id=accounts[available_code(loan.borrower_id)],
                    amount=p,
                    currency="CNY",
                ),
                LedgerPosting(
                    transaction=interest, account_id=accounts[interest_code(loan.pk)], amount=-i, currency="CNY"
                ),
                LedgerPosting(
                    transaction=interest,
                    account_id=accounts[interest_income_code(loan.bank_id)],
                    amount=i,
                    currency="CNY",
                ),
            ]
        LedgerPosting.objects.bulk_create(postings, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(f"seeded {len(made)} pledged receipts on {len(loans)} loans in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--receipts", type=int, default=10_000)
    parser.add_argument("--per-loan", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup("meidu_bench_valuation")
    from django.db import connection

    from magnesium_exchange.financing.services.valuation_job import loans_value

    _seed(args.receipts, args.per_loan)
    for run in range(1, args.runs + 1):
        statements = [0]

        def count(execute, sql, params, many, context, statements=statements):
            statements[0] += 1
            return execute(sql, params, many, context)

        wall, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(count):
            result = loans_value()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"run {run}: {result.receipts} receipts, {result.loans} loans in {wall:.2f} s wall, {cpu:.2f} s CPU "
            f"(this process), {statements[0]} SQL statements; {result.valuations_written} valuations written, "
            f"{result.calls_opened} margin calls opened, {result.calls_resolved} resolved"
        )
        if run == 1:  # the day's first run writes every valuation: the job's real cost
            met = wall <= 60 if result.receipts >= 10_000 else None  # the goal is for 10,000 receipts
            report(
                f"daily valuation job over {result.receipts:,} pledged receipts, first run",
                "time",
                f"{wall:.2f} s ({cpu:.2f} s CPU, {statements[0]} SQL)",
                "10,000 receipts in <= 60 s",
                met,
            )


if __name__ == "__main__":
    main()
