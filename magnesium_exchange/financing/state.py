"""The loan state machine: every allowed transition, in one table (action -> from statuses, to status).

applied -> approved (approve: the pledge is registered) | rejected | withdrawn (by the borrower)
approved -> active (disburse) | cancelled (before disbursement: the pledge is released)
active -> repaid (the last repayment) | enforcing (the bank starts a forced sale)
enforcing -> repaid (the proceeds covered the debt) | defaulted (they did not) | active (repaid in full is
             'repaid'; an unsold auction leaves the loan enforcing for the next attempt)
"""

from magnesium_exchange.financing.models import LoanStatus as S

TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    "approve": (frozenset({S.APPLIED}), S.APPROVED),
    "reject": (frozenset({S.APPLIED}), S.REJECTED),
    "withdraw": (frozenset({S.APPLIED}), S.WITHDRAWN),
    "disburse": (frozenset({S.APPROVED}), S.ACTIVE),
    "cancel": (frozenset({S.APPROVED}), S.CANCELLED),
    "repay_in_full": (frozenset({S.ACTIVE, S.ENFORCING}), S.REPAID),
    "forced_sale_start": (frozenset({S.ACTIVE, S.ENFORCING}), S.ENFORCING),
    "close_with_shortfall": (frozenset({S.ENFORCING}), S.DEFAULTED),
}

# Loans whose receipts are pledged to the bank.
PLEDGED_STATUSES = frozenset({S.APPROVED, S.ACTIVE, S.ENFORCING})
# Loans that owe money.
OWING_STATUSES = frozenset({S.ACTIVE, S.ENFORCING})
CLOSED_STATUSES = frozenset({S.REJECTED, S.WITHDRAWN, S.CANCELLED, S.REPAID, S.DEFAULTED})
