"""The receipt state machine: every allowed transition, in one table.

active <-> listed (trading)      active <-> pledged (financing)
pledged -> listed (enforce: a forced sale under the pledge; the receipt keeps its encumbrance, and an
          unsold one goes back to pledged when its listing ends)
active | listed | pledged -> frozen -> back to where it was (unfreeze)
active -> withdrawn | cancelled | split | merged (terminal)
listed -> split (a partial pick: the parts stay listed)
active | listed | pledged -> active with a new holder (transfer: settlement or financing only)
"""

from magnesium_exchange.warehouses.models import ReceiptStatus as S

TRANSITIONS: dict[str, tuple[frozenset, str | None]] = {
    "list": (frozenset({S.ACTIVE}), S.LISTED),
    "unlist": (frozenset({S.LISTED}), S.ACTIVE),  # S.PLEDGED when the receipt carries an encumbrance
    "enforce": (frozenset({S.PLEDGED}), S.LISTED),
    "pledge": (frozenset({S.ACTIVE}), S.PLEDGED),
    "unpledge": (frozenset({S.PLEDGED}), S.ACTIVE),
    "freeze": (frozenset({S.ACTIVE, S.LISTED, S.PLEDGED}), S.FROZEN),
    "unfreeze": (frozenset({S.FROZEN}), None),  # back to frozen_from
    "withdraw": (frozenset({S.ACTIVE}), S.WITHDRAWN),
    "cancel": (frozenset({S.ACTIVE}), S.CANCELLED),
    "split": (frozenset({S.ACTIVE, S.LISTED}), S.SPLIT),
    "merge": (frozenset({S.ACTIVE}), S.MERGED),
    "transfer": (frozenset({S.ACTIVE, S.LISTED, S.PLEDGED}), S.ACTIVE),
}

# Statuses whose receipts still stand for goods in the warehouse (or goods that left, for withdrawn).
CLOSED = frozenset({S.WITHDRAWN, S.CANCELLED, S.SPLIT, S.MERGED})
# Superseded receipts: their quantity lives on in their parts or in the merged receipt.
SUPERSEDED = frozenset({S.SPLIT, S.MERGED})
