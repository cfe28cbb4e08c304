"""The shop state machine: every allowed transition, in one table.

apply -> (computed checklist) -> submit for review -> approve -> active
                                               \\-> reject (reasons) -> resubmit
active <-> suspend / reinstate;  any but closed -> close (terminal).
"""

from marketplace.shops.models import ShopStatus as S

TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    "submit": (frozenset({S.APPLIED, S.REJECTED}), S.IN_REVIEW),
    "approve": (frozenset({S.IN_REVIEW}), S.ACTIVE),
    "reject": (frozenset({S.IN_REVIEW}), S.REJECTED),
    "suspend": (frozenset({S.ACTIVE}), S.SUSPENDED),
    "reinstate": (frozenset({S.SUSPENDED}), S.ACTIVE),
    "close": (frozenset({S.APPLIED, S.IN_REVIEW, S.ACTIVE, S.REJECTED, S.SUSPENDED}), S.CLOSED),
}

# Statuses in which members may keep building their catalogue.
EDITABLE = frozenset({S.APPLIED, S.IN_REVIEW, S.ACTIVE, S.REJECTED, S.SUSPENDED})
