from enum import Enum


class RoutingErrorCode(Enum):
    NO_FLEET = "no_fleet"
    NOTHING_TO_PLAN = "nothing_to_plan"
    ALREADY_DISPATCHED = "already_dispatched"
    DAY_IN_PAST = "day_in_past"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
