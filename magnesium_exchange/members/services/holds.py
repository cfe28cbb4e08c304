"""Funds holds: the deposits of live auction bids, reserved against a member's available funds
without a ledger posting per bid.

Why holds and not a ledger freeze per bid: a bid deposit is a promise that lives seconds to minutes
(a better bid releases it, the next own bid replaces it). Exchanges check such order-entry deposits
against a reservation kept beside the trading book and post to the funds ledger only what becomes a
contract; the ledger then records money that moved, not every bid, and its history (which the
no-negative check sums) stops growing with bidding. Here, per member and auction, one `FundsHold` row
is changed in place by each bid (one statement for all members a bid touches); at the close the
winners' applied deposits become one ledger freeze (available → frozen, as before) and the rest of
the holds fall to zero; a cancel drops them.

Spendable funds are the ledger's available balance minus the member's holds, everywhere: the
members' balances (`member_balances` shows holds as frozen), the trading facts, and every debit of
available in `funds` (freezes, withdrawals, settlement payments) checks them.

Lock protocol (keeps ledger available − holds ≥ 0): a hold grows, or available is debited, only under
the member's available ledger-account row lock (SELECT ... FOR UPDATE), and the balance and the holds
are read by a statement issued after the lock is granted (in READ COMMITTED a statement's snapshot is
taken when it starts, so reading them in the locking statement could miss a commit it waited for).
A hold falls without that lock (it only makes more funds spendable). Hold rows of one auction change
only under that auction's row lock, so two transactions never write the same hold row at once.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection, transaction

from magnesium_exchange.members.accounts import available_code
from magnesium_exchange.members.models import FundsHold
from meidu.core.ledger.selectors import ledger_account_lock_sql, ledger_balance_sql

ZERO = Decimal("0.00")
FEN = Decimal("0.01")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def funds_lock_statements(member_id: int) -> list[tuple[str, list]]:
    """The two statements of `funds_available_locked`, for a caller that sends them in one round trip
    after its own (the lock, then the read: separate statements, see above). The second one's single
    row is (what the member may still promise,). The ledger says how its account is locked and its
    balance summed (meidu.core.ledger.selectors); the holds are this app's."""
    code = available_code(member_id)
    balance, balance_params = ledger_balance_sql(code)
    return [
        ledger_account_lock_sql(code),
        (
            f"SELECT {balance} - (SELECT COALESCE(SUM(amount), 0) FROM {_table(FundsHold)} WHERE member_id = %s)",
            [*balance_params, member_id],
        ),
    ]


def funds_available_locked(member_id: int) -> Decimal:
    """Lock the member's available account and return what it may still promise: ledger available
    minus its holds. Inside a transaction; the lock lasts until it ends."""
    assert transaction.get_connection().in_atomic_block
    (lock, lock_params), (read, read_params) = funds_lock_statements(member_id)
    with connection.cursor() as cursor:
        cursor.execute(lock, lock_params)
        cursor.execute(read, read_params)
        return cursor.fetchone()[0].quantize(FEN)


def funds_holds_adjust(reference: str, deltas: dict[int, Decimal], batch) -> None:
    """Add each member's delta to its hold on `reference`, as one statement of `batch` (anything with
    `add(sql, params)`, e.g. meidu.core.sql.batch.Batch). The caller holds the row lock of the aggregate behind
    `reference`, and for every positive delta the member's available-account lock taken by
    `funds_available_locked` (whose answer covered it). A hold never goes below zero (a CHECK)."""
    rows = [(member_id, amount) for member_id, amount in sorted(deltas.items()) if amount]
    if not rows:
        return
    table = _table(FundsHold)
    values = ", ".join(["(%s::bigint, %s::numeric)"] * len(rows))
    batch.add(
        f"WITH d(member_id, amount) AS (VALUES {values}), "
        f"up AS (UPDATE {table} h SET amount = h.amount + d.amount, updated_at = now() FROM d "
        f"WHERE h.member_id = d.member_id AND h.reference = %s RETURNING h.member_id) "
        f"INSERT INTO {table} (member_id, reference, amount, updated_at) "
        f"SELECT d.member_id, %s, d.amount, now() FROM d WHERE d.member_id NOT IN (SELECT member_id FROM up)",
        [value for row in rows for value in row] + [reference, reference],
    )


def funds_holds_drop(reference: str, batch) -> None:
    """Forget the empty holds of a closed or cancelled aggregate (every hold of it is zero by then), as a
    statement of `batch` after its last adjustment."""
    batch.add(f"DELETE FROM {_table(FundsHold)} WHERE reference = %s AND amount = 0", [reference])


def funds_holds_of(reference: str) -> dict[int, Decimal]:
    """Per member, the funds held by `reference` (what the replay test compares with the journal)."""
    return dict(FundsHold.objects.filter(reference=reference).exclude(amount=0).values_list("member_id", "amount"))
