"""Fuzzing every query and mutation of the live schema (issue 13, "a suite that keeps it closed").

Each round sends every root field once, with variables drawn by hypothesis from its argument
types (schema_walk: Decimal, JSON, UUID, global IDs, dates, strings with NUL, 70 000 CJK
characters, bidi controls, formulas...), as anonymous, as a buyer and as a seller with an open
shop and a listed product. Allowed answers are refusals: no HTTP 5xx, no INTERNAL_ERROR, no
unhandled exception logged. The seed is fixed (derandomize) and the run is bounded in time:

    MEIDU_FUZZ_SECONDS   total budget of the three runs (default 75, fits CI)
    MEIDU_FUZZ_ROUNDS    most rounds per actor (default 10 000: the budget decides)

The long run is one command (README, "Security suite"):

    MEIDU_FUZZ_SECONDS=3600 pytest -q tests/meidu/security/test_fuzz_schema.py

Every distinct failure (field, actor, exception) is collected, not just the first, and the test
fails listing them all with a reproducing set of variables each.
"""

from __future__ import annotations

import json
import logging
import os
import time

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from meidu.accounts.roles import Role
from meidu.accounts.services import tokens_issue
from tests.marketplace.factories import channels, listed_product, open_shop
from tests.meidu.security.schema_walk import operations, variables_strategy
from tests.support.graphql import GraphQLClient

BUDGET = float(os.environ.get("MEIDU_FUZZ_SECONDS", "75"))
ROUNDS = int(os.environ.get("MEIDU_FUZZ_ROUNDS", "10000"))
ACTORS = ["anonymous", "buyer", "seller"]
OPERATIONS = operations()
STRATEGIES = {op: variables_strategy(op) for op in OPERATIONS}


class Unhandled(logging.Handler):
    """Collects the errors the server logs for requests it did not handle (a 500 or a resolver crash)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def unhandled():
    handler = Unhandled()
    loggers = [logging.getLogger(name) for name in ("meidu.graphql", "django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


class Actor:
    """A client whose token is re-issued when fuzzing signs it out (tokensDeactivateAll, passwordChange)."""

    def __init__(self, user):
        self.user = user
        self.client = GraphQLClient(tokens_issue(user)["token"] if user else None)

    def post(self, document: str, variables: dict):
        response = self.client.post(document, variables)
        if response.status_code == 401 and self.user is not None:
            self.user.refresh_from_db()
            self.client.token = tokens_issue(self.user)["token"]
            response = self.client.post(document, variables)
        return response


def actor_user(name: str, make_user):
    if name == "anonymous":
        return None
    user = make_user(Role.BUYER)
    if name == "seller":
        _, rural = channels()
        listed_product(open_shop(user), user, rural)
    return user


def failure_of(response, handler: Unhandled, logged_before: int) -> str | None:
    """Why this answer is not an acceptable refusal, or None."""
    if response.status_code >= 500:
        return f"HTTP {response.status_code}"
    logged = handler.records[logged_before:]
    if logged:
        exc = logged[0].exc_info[1] if logged[0].exc_info else None
        return f"logged {type(exc).__name__ if exc else logged[0].getMessage()[:80]}"
    try:
        body = response.json()
    except ValueError:
        return "response is not JSON"
    for error in body.get("errors") or []:
        if error.get("extensions", {}).get("exception", {}).get("code") == "INTERNAL_ERROR":
            return "INTERNAL_ERROR"
    return None


def _short(text: str) -> str:
    return text if len(text) < 300 else text[:300] + "..."


def fuzz(who: Actor, handler: Unhandled, examples: int, failures: dict, fixed_seed: int) -> None:
    """``examples`` rounds, each sending every root field once with drawn variables."""

    @seed(fixed_seed)
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def one_round(data):
        for op in OPERATIONS:
            variables = data.draw(STRATEGIES[op], label=str(op))
            logged_before = len(handler.records)
            try:
                response = who.post(op.document(), variables)
            except Exception as exc:  # the test client re-raises what the view did not handle
                reason = f"raised {type(exc).__name__}"
            else:
                reason = failure_of(response, handler, logged_before)
            if reason and (str(op), reason) not in failures:
                failures[(str(op), reason)] = json.dumps(variables, default=str)

    one_round()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("actor", ACTORS)
def test_no_input_crashes_the_server(actor, make_user, unhandled):
    """One timed round tells how many more fit in this actor's share of the budget (hypothesis
    needs the count up front: a run cut short by the clock would not replay the same way)."""
    who = Actor(actor_user(actor, make_user))
    failures: dict[tuple[str, str], str] = {}
    started = time.monotonic()
    fixed_seed = 13_000 + ACTORS.index(actor)  # each actor its own inputs, the same on every run
    fuzz(who, unhandled, 1, failures, fixed_seed)
    per_round = time.monotonic() - started
    more = min(ROUNDS, int((BUDGET / len(ACTORS) - per_round) / per_round))
    if more > 0:
        fuzz(who, unhandled, more, failures, fixed_seed + 100)
    report = "\n".join(
        f"{op} as {actor}: {reason} with {_short(variables)}" for (op, reason), variables in sorted(failures.items())
    )
    assert not failures, f"{len(failures)} distinct failures in {1 + max(more, 0)} rounds:\n{report}"
