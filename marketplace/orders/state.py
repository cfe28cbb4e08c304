"""Which status an order may move to by which action (the order's state machine)."""

from marketplace.orders.models import OrderStatus

S = OrderStatus

TRANSITIONS = {
    "confirm": ({S.UNCONFIRMED}, S.UNFULFILLED),
    "fulfill": ({S.UNFULFILLED, S.PARTIALLY_FULFILLED}, None),  # to PARTIALLY_FULFILLED or FULFILLED
    "deliver": ({S.FULFILLED}, S.DELIVERED),
    "cancel": ({S.UNCONFIRMED, S.UNFULFILLED}, S.CANCELED),
    "return": ({S.FULFILLED, S.DELIVERED, S.PARTIALLY_RETURNED}, None),  # to PARTIALLY_RETURNED or RETURNED
}


def allowed(action: str, status: str) -> bool:
    sources, _ = TRANSITIONS[action]
    return status in sources


def target(action: str) -> str | None:
    return TRANSITIONS[action][1]


def sources(action: str) -> list[str]:
    """The statuses ``action`` starts from, in the order OrderStatus declares them (for filters)."""
    return [status for status in OrderStatus if status in TRANSITIONS[action][0]]
