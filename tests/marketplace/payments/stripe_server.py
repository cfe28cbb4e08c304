"""A local HTTP server speaking the small part of Stripe's API the Stripe gateway calls, and the
``stripe_api`` fixture that points the SDK at it (a plugin registered in tests/conftest.py), and the
signer of webhook events (``stripe_event``, ``stripe_signature``).

The real stripe SDK is pointed at it (stripe.api_base), so the tests see the exact requests
(form payloads, Idempotency-Key headers) the gateway would send to Stripe. State lives in
memory; Idempotency-Key replays return the first answer, as Stripe does.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
import stripe

WEBHOOK_SECRET = "whsec_test_local_secret"


def _nest(form: dict) -> dict:
    """Stripe's form encoding ``metadata[key]=v`` back into dicts."""
    out: dict = {}
    for key, value in form.items():
        parts = re.findall(r"[^\[\]]+", key)
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return out


class FakeStripeState:
    def __init__(self):
        self.requests: list[dict] = []
        self.intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.idempotent: dict[str, tuple[int, dict]] = {}
        self.refund_status = "succeeded"
        self.refund_error: str | None = None  # set: every refund is refused with this message (HTTP 400)
        self.serial = itertools.count(1)
        self.lock = threading.Lock()

    def confirm(self, intent_id: str) -> dict:
        """What the buyer's browser does with Stripe.js: the card is accepted."""
        intent = self.intents[intent_id]
        if intent["capture_method"] == "manual":
            intent.update(status="requires_capture", amount_capturable=intent["amount"])
        else:
            intent.update(status="succeeded", amount_received=intent["amount"])
        return intent

    def decline(self, intent_id: str) -> dict:
        intent = self.intents[intent_id]
        intent.update(status="requires_payment_method", last_payment_error={"message": "Your card was declined."})
        return intent


def _handle(state: FakeStripeState, method: str, path: str, form: dict) -> tuple[int, dict]:
    match = re.fullmatch(r"/v1/payment_intents/(\w+)(?:/(capture|cancel))?", path)
    if path == "/v1/payment_intents" and method == "POST":
        number = next(state.serial)
        intent = {
            "id": f"pi_test{number}",
            "object": "payment_intent",
            "amount": int(form["amount"]),
            "currency": form["currency"],
            "capture_method": form.get("capture_method", "automatic"),
            "client_secret": f"pi_test{number}_secret_local",
            "status": "requires_payment_method",
            "amount_capturable": 0,
            "amount_received": 0,
            "metadata": form.get("metadata", {}),
            "last_payment_error": None,
        }
        state.intents[intent["id"]] = intent
        return 200, intent
    if match:
        intent = state.intents.get(match.group(1))
        if intent is None:
            return 404, {"error": {"type": "invalid_request_error", "message": "No such payment_intent"}}
        action = match.group(2)
        if action is None and method == "GET":
            return 200, intent
        if action == "capture":
            if intent["status"] != "requires_capture":
                return 400, {
                    "error": {"type": "invalid_request_error", "message": "This PaymentIntent could not be captured"}
                }
            amount = int(form.get("amount_to_capture", intent["amount_capturable"]))
            intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
            return 200, intent
        if action == "cancel":
            intent.update(status="canceled", amount_capturable=0)
            return 200, intent
    if path == "/v1/refunds" and method == "POST" and state.refund_error:
        return 400, {"error": {"type": "invalid_request_error", "message": state.refund_error}}
    if path == "/v1/refunds" and method == "POST":
        refund = {
            "id": f"re_test{next(state.serial)}",
            "object": "refund",
            "amount": int(form["amount"]),
            "payment_intent": form["payment_intent"],
            "status": state.refund_status,
            "currency": "cny",
        }
        state.refunds[refund["id"]] = refund
        return 200, refund
    return 404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL ({method}: {path})"}}


class _Handler(BaseHTTPRequestHandler):
    state: FakeStripeState

    def log_message(self, *args):
        pass

    def _serve(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        form = _nest(dict(parse_qsl(body, keep_blank_values=True)))
        path = self.path.split("?", 1)[0]
        with self.state.lock:
            record = {"method": method, "path": path, "headers": dict(self.headers.items()), "form": form}
            self.state.requests.append(record)
            key = self.headers.get("Idempotency-Key")
            if key and (method, key) in self.state.idempotent:
                status, payload = self.state.idempotent[(method, key)]
            else:
                status, payload = _handle(self.state, method, path, form)
                if key:
                    self.state.idempotent[(method, key)] = (status, json.loads(json.dumps(payload)))
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", "req_local")
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        self._serve("POST")

    def do_GET(self):
        self._serve("GET")


def start_server() -> tuple[ThreadingHTTPServer, FakeStripeState]:
    state = FakeStripeState()
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state


@pytest.fixture
def stripe_api(settings):
    """The stripe SDK pointed at a local server; the Stripe gateway is offered (a secret key is set)."""
    server, state = start_server()
    previous = stripe.api_base
    stripe.api_base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_local"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    yield state
    stripe.api_base = previous
    server.shutdown()
    server.server_close()


def stripe_signature(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header exactly as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def stripe_event(event_id: str, event_type: str, obj: dict) -> str:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "api_version": "2024-06-20",
            "created": int(time.time()),
            "data": {"object": obj},
        }
    )
