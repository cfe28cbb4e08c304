"""The complaint state machine: its transitions and the code each refusal gets."""

import pytest

from marketplace.complaints.models import OPEN_STATUSES
from marketplace.complaints.models import ComplaintStatus as S
from marketplace.complaints.state import DEADLINE_STATUSES, TRANSITIONS, allowed, refusal_code, target


def test_transitions():
    assert allowed("respond", S.AWAITING_SHOP) and target("respond") == S.RESPONDED
    assert not allowed("respond", S.RESPONDED) and not allowed("respond", S.ESCALATED)
    assert allowed("shop_resolve", S.RESPONDED) and not allowed("shop_resolve", S.ESCALATED)
    assert allowed("operator_resolve", S.ESCALATED) and target("operator_resolve") == S.RESOLVED
    assert allowed("rate", S.RESOLVED) and target("rate") == S.CLOSED
    assert set(DEADLINE_STATUSES) == set(TRANSITIONS["escalate"][0])
    # Every status a complaint can leave (other than by rating) is an open one.
    sources = {status for action, (froms, _) in TRANSITIONS.items() if action != "rate" for status in froms}
    assert sources == set(OPEN_STATUSES)


@pytest.mark.parametrize(
    "action,status,code",
    [
        ("shop_resolve", S.RESOLVED, "already_resolved"),
        ("operator_resolve", S.CLOSED, "already_resolved"),
        ("shop_resolve", S.ESCALATED, "escalated_to_operator"),
        ("respond", S.ESCALATED, "escalated_to_operator"),
        ("respond", S.RESPONDED, "invalid_transition"),
        ("rate", S.AWAITING_SHOP, "not_resolved"),
        ("rate", S.CLOSED, "already_rated"),
        ("escalate", S.RESOLVED, "invalid_transition"),
    ],
)
def test_refusal_codes(action, status, code):
    assert not allowed(action, status)
    assert refusal_code(action, status).value == code
