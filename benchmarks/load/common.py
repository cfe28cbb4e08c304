"""What every locustfile shares: the prepared data (LOAD_FIXTURE, written by benchmarks/http_load.py), the
GraphQL call that counts an answer with `errors` as a failure, the raw record of every request (the
runner computes exact percentiles and CPU per request from it, over the measured window only) and the
bounds: at most LOAD_MAX_REQUESTS requests (locust's --run-time bounds the time).

Only imported by locust (gevent): never by Django code."""

from __future__ import annotations

import json
import os
import random
import time

import gevent
from locust import between, constant, constant_throughput, events

FIXTURE: dict = {}
if os.environ.get("LOAD_FIXTURE"):
    with open(os.environ["LOAD_FIXTURE"]) as handle:
        FIXTURE = json.load(handle)

MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS") or 0)
SAMPLES: list[tuple[float, float, str, str]] = []  # (start, ms, name, "" or the failure)
_counted = 0  # HTTP requests (flows are samples too, but not requests)
_environment = None


def wait_time():
    """LOAD_RATE (flows per second, all users together) paces each user at its share: an offered rate;
    LOAD_THINK seconds (min,max) is a person's pause; neither: a closed loop with no pause."""
    rate, users = float(os.environ.get("LOAD_RATE") or 0), int(os.environ.get("LOAD_USERS") or 1)
    if rate:
        return constant_throughput(rate / users)
    if os.environ.get("LOAD_THINK"):
        low, high = (float(x) for x in os.environ["LOAD_THINK"].split(","))
        return between(low, high)
    return constant(0)


def stagger() -> None:
    """Called by each user's on_start: with an offered rate, wait a random part of one pacing period
    first, so the users' flows arrive spread over time (locust starts every user's first task at once:
    a burst of all users, not a rate)."""
    rate, users = float(os.environ.get("LOAD_RATE") or 0), int(os.environ.get("LOAD_USERS") or 1)
    if rate:
        gevent.sleep(random.uniform(0, users / rate))


@events.init.add_listener
def _keep(environment, **kwargs):
    global _environment
    _environment = environment


@events.request.add_listener
def _record(request_type, name, response_time, exception=None, start_time=None, **kwargs):
    global _counted
    SAMPLES.append((start_time or time.time() - response_time / 1000, response_time, name, str(exception or "")[:160]))
    if request_type == "FLOW":
        return
    _counted += 1
    if MAX_REQUESTS and _counted == MAX_REQUESTS and _environment is not None and _environment.runner:
        gevent.spawn(_environment.runner.quit)


@events.quitting.add_listener
def _dump(environment, **kwargs):
    if os.environ.get("LOAD_SAMPLES"):
        with open(os.environ["LOAD_SAMPLES"], "w") as handle:
            json.dump(SAMPLES, handle)


class Refused(Exception):
    """An answer that is not the one the mix expects (HTTP status, GraphQL errors, a mutation's errors)."""


def graphql(client, name: str, query: str, variables: dict | None = None, token: str | None = None, expected=()):
    """POST /graphql/; the first root field's value, or None after recording the failure. Error codes in
    `expected` are answers the mix expects now and then (a bid overtaken): returned, not failures."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables or {}})
    with client.post("/graphql/", data=body, headers=headers, name=name, catch_response=True) as response:
        if response.status_code != 200:
            response.failure(Refused(f"HTTP {response.status_code}"))
            return None
        try:
            payload = json.loads(response.text)
        except ValueError:
            response.failure(Refused("not JSON"))
            return None
        if payload.get("errors"):
            response.failure(Refused(f"GraphQL: {payload['errors'][0].get('message', '')[:100]}"))
            return None
        value = next(iter((payload.get("data") or {}).values()), None)
        if isinstance(value, dict) and value.get("errors"):
            if all(e.get("code") in expected for e in value["errors"]):
                return value
            response.failure(Refused(",".join(str(e.get("code")) for e in value["errors"])))
            return None
        return value


def page(client, name: str, path: str) -> bool:
    """GET a web page; anything but 200 is a failure."""
    with client.get(path, name=name, catch_response=True) as response:
        if response.status_code != 200:
            response.failure(Refused(f"HTTP {response.status_code}"))
            return False
        return True


def flow(name: str, started: float, ok: bool, why: str = "") -> None:
    """One whole flow (an order placed from cart to cash on delivery) as its own sample."""
    events.request.fire(
        request_type="FLOW",
        name=name,
        response_time=(time.time() - started) * 1000,
        response_length=0,
        exception=None if ok else Refused(why or "flow failed"),
        start_time=started,
        context={},
    )
