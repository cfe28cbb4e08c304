"""The complaint's state machine: which named action moves which status where, and the code a
refused action gets.

    awaiting_shop --respond--> responded
    awaiting_shop | responded --escalate (deadline missed)--> escalated
    awaiting_shop | responded --shop_resolve--> resolved
    awaiting_shop | responded | escalated --operator_resolve--> resolved
    resolved --rate (buyer)--> closed
"""

from __future__ import annotations

from marketplace.complaints.error_codes import ComplaintErrorCode
from marketplace.complaints.models import ComplaintStatus

S = ComplaintStatus

TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    "respond": (frozenset({S.AWAITING_SHOP}), S.RESPONDED),
    "escalate": (frozenset({S.AWAITING_SHOP, S.RESPONDED}), S.ESCALATED),
    "shop_resolve": (frozenset({S.AWAITING_SHOP, S.RESPONDED}), S.RESOLVED),
    "operator_resolve": (frozenset({S.AWAITING_SHOP, S.RESPONDED, S.ESCALATED}), S.RESOLVED),
    "rate": (frozenset({S.RESOLVED}), S.CLOSED),
}

# Statuses in which the shop's deadline runs (the escalation task watches these).
DEADLINE_STATUSES = (S.AWAITING_SHOP, S.RESPONDED)


def allowed(action: str, status: str) -> bool:
    return status in TRANSITIONS[action][0]


def target(action: str) -> str:
    return TRANSITIONS[action][1]


def refusal_code(action: str, status: str) -> ComplaintErrorCode:
    """The most telling code for ``action`` refused in ``status``."""
    if action in ("shop_resolve", "operator_resolve") and status in (S.RESOLVED, S.CLOSED):
        return ComplaintErrorCode.ALREADY_RESOLVED
    if action in ("shop_resolve", "respond") and status == S.ESCALATED:
        return ComplaintErrorCode.ESCALATED_TO_OPERATOR
    if action == "rate":
        return ComplaintErrorCode.ALREADY_RATED if status == S.CLOSED else ComplaintErrorCode.NOT_RESOLVED
    return ComplaintErrorCode.INVALID_TRANSITION
