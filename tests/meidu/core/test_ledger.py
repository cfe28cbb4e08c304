from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from meidu.core.errors import DomainError
from meidu.core.ledger.models import LedgerPosting, LedgerTransaction
from meidu.core.ledger.selectors import ledger_balance, ledger_balances
from meidu.core.ledger.services import ledger_account_open, ledger_post
from meidu.core.money import Money
from tests.support.races import race

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts():
    return {
        "clearing": ledger_account_open("platform:clearing", "Platform clearing"),
        "seller": ledger_account_open("shop:1:earnings", "Seller earnings", allow_negative=False),
        "fees": ledger_account_open("platform:fees", "Platform commission"),
    }


def test_balanced_posting_updates_derived_balances(accounts):
    ledger_post(
        [
            (accounts["clearing"], Decimal("-100.00")),
            (accounts["seller"], Decimal("95.00")),
            (accounts["fees"], Decimal("5.00")),
        ],
        description="Order 1 paid",
        reference="order:1",
    )
    assert ledger_balance(accounts["seller"]) == Money("95.00")
    balances = ledger_balances(list(accounts.values()))
    assert sum(m.amount for m in balances.values()) == 0
    assert balances[accounts["fees"].pk] == Money("5.00")


@pytest.mark.parametrize(
    ("entries", "code"),
    [
        ([("clearing", "-100.00"), ("seller", "90.00")], "unbalanced"),
        ([("clearing", "-100.00")], "empty"),
        ([("clearing", "0"), ("seller", "0")], "invalid_amount"),
        ([("clearing", "-1.005"), ("fees", "1.005")], "invalid_amount"),
        ([("clearing", "abc"), ("fees", "1")], "invalid_amount"),
        ([("fees", "-10.00"), ("seller", "-10.00"), ("clearing", "20.00")], "insufficient_funds"),
    ],
    ids=[
        "unbalanced_case",
        "single_posting_case",
        "zero_case",
        "sub_fen_case",
        "not_a_number_case",
        "negative_guarded_case",
    ],
)
def test_refused_postings_write_nothing(accounts, entries, code):
    with pytest.raises(DomainError) as exc:
        ledger_post([(accounts[name], value) for name, value in entries], description="bad")
    assert exc.value.code == code
    assert LedgerTransaction.objects.count() == 0
    assert LedgerPosting.objects.count() == 0


def test_floats_are_refused(accounts):
    with pytest.raises(DomainError) as exc:
        ledger_post([(accounts["clearing"], -0.1), (accounts["fees"], 0.1)], description="float")
    assert exc.value.code == "invalid_amount"


def test_account_reopened_with_other_currency_is_refused(accounts):
    with pytest.raises(DomainError) as exc:
        ledger_account_open("platform:fees", "Fees", currency="USD")
    assert exc.value.code == "account_conflict"


def test_tonnes_ledger_uses_three_decimals():
    vault = ledger_account_open("warehouse:1:vault", "Vault", currency="TNE")
    owner = ledger_account_open("member:1:receipts", "Receipts", currency="TNE", allow_negative=False)
    ledger_post([(vault, Decimal("-12.345")), (owner, Decimal("12.345"))], description="receipt issued")
    assert ledger_balance(owner) == Money("12.345", "TNE")


def test_idempotency_key_returns_the_first_transaction(accounts):
    entries = [(accounts["clearing"], Decimal("-10.00")), (accounts["fees"], Decimal("10.00"))]
    first = ledger_post(entries, description="fee", idempotency_key="fee-1")
    again = ledger_post(entries, description="fee", idempotency_key="fee-1")
    assert first.pk == again.pk
    assert LedgerPosting.objects.count() == 2
    with pytest.raises(DomainError) as exc:
        ledger_post(
            [(accounts["clearing"], Decimal("-11.00")), (accounts["fees"], Decimal("11.00"))],
            description="fee",
            idempotency_key="fee-1",
        )
    assert exc.value.code == "idempotency_key_reused"


def test_database_refuses_unbalanced_postings_written_around_the_service(accounts):
    txn = LedgerTransaction.objects.create(description="raw")
    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic():
            LedgerPosting.objects.create(
                transaction=txn, account=accounts["fees"], amount=Decimal("1.00"), currency="CNY"
            )
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_postings_are_append_only(accounts):
    ledger_post([(accounts["clearing"], Decimal("-1.00")), (accounts["fees"], Decimal("1.00"))], description="x")
    posting = LedgerPosting.objects.first()
    with pytest.raises(IntegrityError, match="append-only"):
        with transaction.atomic():
            LedgerPosting.objects.filter(pk=posting.pk).update(amount=Decimal("2.00"))
    with pytest.raises(IntegrityError, match="append-only"):
        with transaction.atomic():
            LedgerPosting.objects.filter(pk=posting.pk).delete()


@pytest.mark.django_db(transaction=True)
def test_concurrent_withdrawals_never_overdraw_a_guarded_account():
    """Eight connections race to take 30 from a balance of 100: exactly three win."""
    funding = ledger_account_open("bank:funding", "Funding")
    wallet = ledger_account_open("member:9:funds", "Member funds", allow_negative=False)
    payee = ledger_account_open("member:10:funds", "Payee")
    ledger_post([(funding, Decimal("-100.00")), (wallet, Decimal("100.00"))], description="deposit")

    def withdraw():
        ledger_post([(wallet, Decimal("-30.00")), (payee, Decimal("30.00"))], description="pay")

    outcomes = [outcome.code for outcome in race(*[withdraw] * 8)]
    assert outcomes.count("ok") == 3
    assert outcomes.count("insufficient_funds") == 5
    assert ledger_balance(wallet) == Money("10.00")
