"""The commission line's state machine: which event moves which status where (one place).

    pending --earn (after-sales window closed)--> earned --pay (weekly batch)--> paid
    pending | earned | paid --claw_back (full refund or return)--> clawed_back
    clawed_back --restore (money received again)--> pending | earned
    paid --payout_returned (bank returned the transfer)--> earned
    (no attribution, or the distributor's own purchase with self-purchase off) --> excluded

A partial refund claws back part of the amount and keeps the status; the event row records it.
"""

from __future__ import annotations

from incubator.commission.models import CommissionStatus

S = CommissionStatus

TRANSITIONS: dict[str, tuple[frozenset, frozenset]] = {
    "earn": (frozenset({S.PENDING}), frozenset({S.EARNED})),
    "pay": (frozenset({S.EARNED}), frozenset({S.PAID})),
    "claw_back": (frozenset({S.PENDING, S.EARNED, S.PAID}), frozenset({S.CLAWED_BACK})),
    "restore": (frozenset({S.CLAWED_BACK}), frozenset({S.PENDING, S.EARNED})),
    "payout_returned": (frozenset({S.PAID}), frozenset({S.EARNED})),
}


def allowed(action: str, from_status: str, to_status: str) -> bool:
    sources, targets = TRANSITIONS[action]
    return from_status in sources and to_status in targets
