"""The shipment's state machine: each named action, the states it may start from and where it leads.

Delivery may be recorded from any state a parcel can physically be in (the county's drivers hand a
parcel over straight from the van); a failed attempt sends it back to be tried again or returned."""

from __future__ import annotations

from .models import ShipmentStatus as S

MOVING = {S.CREATED, S.PICKED_UP, S.AT_HUB, S.ON_RUN, S.AT_STATION, S.OUT_FOR_DELIVERY, S.FAILED_ATTEMPT}

ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "pick_up": (frozenset({S.CREATED}), S.PICKED_UP),
    "arrive_hub": (frozenset({S.CREATED, S.PICKED_UP, S.FAILED_ATTEMPT}), S.AT_HUB),
    "load_on_run": (frozenset({S.CREATED, S.PICKED_UP, S.AT_HUB, S.FAILED_ATTEMPT}), S.ON_RUN),
    "arrive_station": (frozenset({S.ON_RUN, S.PICKED_UP, S.AT_HUB, S.OUT_FOR_DELIVERY}), S.AT_STATION),
    "out_for_delivery": (frozenset({S.AT_HUB, S.ON_RUN, S.AT_STATION, S.FAILED_ATTEMPT}), S.OUT_FOR_DELIVERY),
    "deliver": (frozenset(MOVING), S.DELIVERED),
    "fail": (frozenset({S.ON_RUN, S.AT_STATION, S.OUT_FOR_DELIVERY, S.PICKED_UP}), S.FAILED_ATTEMPT),
    "return_to_sender": (frozenset(MOVING - {S.CREATED}), S.RETURNED),
}


# How far along the way to the buyer a status is: a carrier's scan that reports a status behind the
# current one (an old scan arriving late) goes into the history without moving the shipment back.
PROGRESS = {
    S.CREATED: 0,
    S.PICKED_UP: 1,
    S.AT_HUB: 2,
    S.ON_RUN: 3,
    S.AT_STATION: 4,
    S.OUT_FOR_DELIVERY: 5,
    S.FAILED_ATTEMPT: 6,
    S.DELIVERED: 9,
    S.RETURNED: 9,
}
ACTION_TO = {to: action for action, (_from, to) in ACTIONS.items()}


def allowed(action: str, status: str) -> bool:
    rule = ACTIONS.get(action)
    return rule is not None and status in rule[0]


def target(action: str) -> str:
    return ACTIONS[action][1]
