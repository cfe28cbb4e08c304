"""Who may act on, or see, a loan: plain functions the API, the pages and the services share.

* the borrower: the active traders of the borrowing member; acting (apply, withdraw, repay, add or
  release collateral) needs the member's grant to manage funds, seeing a loan does not;
* the bank: the active officers of the loan's bank and the bank's App, holding BANK_LENDING; an
  officer of one bank never sees or acts on another bank's loan;
* operators (MANAGE_EXCHANGE) see every loan and set the financing rules; they do not decide loans
  for a bank.
"""

from __future__ import annotations

from magnesium_exchange.financing.models import Bank, Loan
from magnesium_exchange.financing.selectors import actor_is_operator, bank_of_actor, trader_of
from meidu.core.permissions import ExchangePermissions
from meidu.integrations.services.apps import actor_has_permission

BORROWER_GRANT = "can_manage_funds"


def lending_bank_of(actor) -> Bank | None:
    """The bank ``actor`` lends for: a bank's officer or App holding BANK_LENDING, else None."""
    bank = bank_of_actor(actor)
    if bank is None or not actor_has_permission(actor, ExchangePermissions.BANK_LENDING):
        return None
    return bank


def member_may_borrow(actor, member) -> bool:
    """``actor`` is a trader of ``member`` with the grant to manage its funds (apply for a loan)."""
    trader = trader_of(actor, BORROWER_GRANT)
    return trader is not None and trader.member_id == getattr(member, "pk", member)


def loan_is_borrowers(actor, loan: Loan, *, acting: bool = True) -> bool:
    trader = trader_of(actor, BORROWER_GRANT if acting else None)
    return trader is not None and trader.member_id == loan.borrower_id


def loan_is_banks(actor, loan: Loan) -> bool:
    bank = lending_bank_of(actor)
    return bank is not None and bank.pk == loan.bank_id


def loan_may_view(actor, loan: Loan) -> bool:
    if loan_is_banks(actor, loan):
        return True
    if bank_of_actor(actor) is not None:  # another bank's officer or App, whatever else they hold
        return False
    return actor_is_operator(actor) or loan_is_borrowers(actor, loan, acting=False)


def loan_may_act_as_borrower(actor, loan: Loan) -> bool:
    """Withdraw, repay, add collateral."""
    return loan_is_borrowers(actor, loan)


def loan_may_act_as_bank(actor, loan: Loan) -> bool:
    """Approve, reject, cancel, disburse."""
    return loan_is_banks(actor, loan)


def loan_may_release_collateral(actor, loan: Loan) -> bool:
    """The borrower or the bank (the loan-to-value rule applies to both)."""
    return loan_is_banks(actor, loan) or loan_is_borrowers(actor, loan)


def financing_rules_may_set(actor) -> bool:
    return actor_is_operator(actor)


def loan_dispute_side_of(actor, loan: Loan) -> str | None:
    """The side ``actor`` may raise a dispute for: the loan's bank, or any active trader of the borrower
    (seeing the loan is enough: a dispute moves no money); None for anyone else."""
    if loan_is_banks(actor, loan):
        return "bank"
    if bank_of_actor(actor) is None and loan_is_borrowers(actor, loan, acting=False):
        return "borrower"
    return None


def loan_disputes_may_resolve(actor) -> bool:
    """Exchange operators decide disputes between a bank and a borrower."""
    return actor_is_operator(actor)
