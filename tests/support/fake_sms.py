"""Local fakes of Aliyun's Dysmsapi and Tencent Cloud's SMS API on 127.0.0.1 port 0, each checking
the request's signature the way the provider does (written here from the providers' published
algorithms, apart from the adapters' code), and a server that accepts connections and never
answers. Fixtures (a plugin in tests/conftest.py) point the settings at them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote

import pytest

ALIYUN_KEY = ("LTAI-test-id", "aliyun-test-secret")
TENCENT_KEY = ("AKID-test-id", "tencent-test-secret")


class FakeSmsState:
    def __init__(self):
        self.received: list[dict] = []  # every accepted message: {"phone", "code", "sign_name", "template"}
        self.rejected: list[str] = []  # signature failures
        self.refuse_with: str | None = None  # set: the provider answers with this error code


def _aliyun_expected(params: dict[str, str], secret: str) -> str:
    enc = lambda v: quote(v, safe="~-._")  # noqa: E731 - RFC 3986 unreserved characters stay
    query = "&".join(f"{enc(k)}={enc(params[k])}" for k in sorted(params) if k != "Signature")
    to_sign = "POST&%2F&" + enc(query)
    return base64.b64encode(hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


def _tencent_expected(headers, body: bytes, secret: str) -> str:
    timestamp = int(headers["X-TC-Timestamp"])
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical = (
        f"POST\n/\n\ncontent-type:{headers['Content-Type']}\nhost:{headers['Host']}\n\ncontent-type;host\n"
        + hashlib.sha256(body).hexdigest()
    )
    to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{day}/sms/tc3_request\n" + hashlib.sha256(canonical.encode()).hexdigest()
    key = ("TC3" + secret).encode()
    for part in (day, "sms", "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def _server(handler_for):
    state = FakeSmsState()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, answer = handler_for(state, self.headers, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state


def _aliyun(state, headers, body):
    params = dict(parse_qsl(body.decode(), keep_blank_values=True))
    if params.get("AccessKeyId") != ALIYUN_KEY[0] or params.get("Signature") != _aliyun_expected(params, ALIYUN_KEY[1]):
        state.rejected.append("aliyun")
        return 400, {"Code": "SignatureDoesNotMatch", "RequestId": "r-bad"}
    if state.refuse_with:
        return 200, {"Code": state.refuse_with, "RequestId": "r-refused"}
    state.received.append(
        {
            "phone": params["PhoneNumbers"],
            "code": json.loads(params["TemplateParam"])["code"],
            "sign_name": params["SignName"],
            "template": params["TemplateCode"],
        }
    )
    return 200, {"Code": "OK", "Message": "OK", "BizId": f"biz-{len(state.received)}", "RequestId": "r-ok"}


def _tencent(state, headers, body):
    auth = headers.get("Authorization", "")
    signature = auth.rpartition("Signature=")[2]
    if f"Credential={TENCENT_KEY[0]}/" not in auth or not hmac.compare_digest(
        signature, _tencent_expected(headers, body, TENCENT_KEY[1])
    ):
        state.rejected.append("tencent")
        return 200, {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure"}, "RequestId": "r-bad"}}
    if state.refuse_with:
        return 200, {"Response": {"SendStatusSet": [{"Code": state.refuse_with}], "RequestId": "r-refused"}}
    payload = json.loads(body)
    state.received.append(
        {
            "phone": payload["PhoneNumberSet"][0],
            "code": payload["TemplateParamSet"][0],
            "sign_name": payload["SignName"],
            "template": payload["TemplateId"],
        }
    )
    serial = f"serial-{len(state.received)}"
    return 200, {"Response": {"SendStatusSet": [{"Code": "Ok", "SerialNo": serial}], "RequestId": "r-ok"}}


@pytest.fixture
def fake_aliyun(settings):
    server, state = _server(_aliyun)
    settings.SMS_BACKEND = "aliyun"
    settings.ALIYUN_SMS_ENDPOINT = f"http://127.0.0.1:{server.server_port}/"
    settings.ALIYUN_SMS_ACCESS_KEY_ID, settings.ALIYUN_SMS_ACCESS_KEY_SECRET = ALIYUN_KEY
    settings.ALIYUN_SMS_SIGN_NAME = "美都集市"
    settings.ALIYUN_SMS_TEMPLATE_CODE = "SMS_000001"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_tencent(settings):
    server, state = _server(_tencent)
    settings.SMS_BACKEND = "tencent"
    settings.TENCENT_SMS_ENDPOINT = f"http://127.0.0.1:{server.server_port}/"
    settings.TENCENT_SMS_SECRET_ID, settings.TENCENT_SMS_SECRET_KEY = TENCENT_KEY
    settings.TENCENT_SMS_SDK_APP_ID = "1400000001"
    settings.TENCENT_SMS_SIGN_NAME = "美都集市"
    settings.TENCENT_SMS_TEMPLATE_ID = "100001"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_sms_endpoint():
    """A URL whose server accepts the connection and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    stop.set()
    thread.join(timeout=2)
    for conn in held:
        conn.close()
    listener.close()
