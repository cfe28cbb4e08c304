"""The offer's state machine, in one place: which named action moves an offer from which state to which."""

from incubator.supply.models import OfferState

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "open": (frozenset({OfferState.DRAFT, OfferState.PAUSED}), OfferState.OPEN),
    "pause": (frozenset({OfferState.OPEN}), OfferState.PAUSED),
    "close": (frozenset({OfferState.DRAFT, OfferState.OPEN, OfferState.PAUSED}), OfferState.CLOSED),
}


def offer_next_state(state: str, action: str) -> str | None:
    """The state ``action`` leads to from ``state``, or None when it is not allowed there."""
    allowed, target = TRANSITIONS[action]
    return target if state in allowed else None
