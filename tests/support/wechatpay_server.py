"""A local WeChat Pay API v3 for the tests, written from WeChat Pay's published specification (it shares
no code with the gateway), and the ``wechatpay`` fixture that points the settings at it.

It is a threading HTTP server on 127.0.0.1, port 0. It verifies OUR request signatures with the
merchant's public key (a wrong signature, serial or stale timestamp is 401 SIGN_ERROR, as WeChat
Pay answers), keeps orders and refunds in memory, signs every answer with a platform key and a
self-signed platform certificate it generates, and builds notifications whose ``resource`` is
AES-256-GCM encrypted with the APIv3 key and whose headers are signed like WeChat Pay's.

Endpoints: POST /v3/pay/transactions/{native,h5,jsapi}; GET /v3/pay/transactions/out-trade-no/{no};
POST .../{no}/close; POST /v3/refund/domestic/refunds; GET /v3/bill/tradebill and the download
URL it gives; and GET/POST /h5pay/{no}, the page a phone browser lands on from ``h5_url`` (its
button pays and sends the browser to ``redirect_url``, as WeChat's cashier does).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import itertools
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

MCHID = "1900000109"
APPID = "wxd678efh567hg6787"
MERCHANT_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
APIV3_KEY = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"
CHINA = dt.timezone(dt.timedelta(hours=8))
BILL_HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
    "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
    "手续费,费率,订单金额,申请退款金额,费率备注"
)


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


_KEYS: dict[str, rsa.RSAPrivateKey] = {}


def cached_key(name: str) -> rsa.RSAPrivateKey:
    """RSA keys are slow to make: one per name for the whole test session."""
    if name not in _KEYS:
        _KEYS[name] = _rsa_key()
    return _KEYS[name]


def _pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _self_signed(key, common_name: str) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


def _sign(key, message: bytes) -> str:
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def _china_now() -> str:
    return dt.datetime.now(CHINA).replace(microsecond=0).isoformat()


class FakeWechatPay:
    """State and keys of the fake; the tests drive it (``pay``, ``notification``, ``stall``...)."""

    def __init__(self, merchant_public_key):
        self.merchant_public_key = merchant_public_key
        self.platform_key = cached_key("platform")
        self.platform_cert = _self_signed(self.platform_key, "Meidu test WeChat Pay platform")
        self.platform_serial = format(self.platform_cert.serial_number, "X")
        self.orders: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.bills: dict[str, bytes] = {}
        self.refund_status = "SUCCESS"  # or PROCESSING: the refund's outcome comes by notification
        self.no_statement = False
        self.stall = threading.Event()  # set: every API call hangs (a partner that never answers)
        self.released = threading.Event()
        self.serial = itertools.count(1)
        self.lock = threading.Lock()
        self.base_url = ""
        self.notify_deliveries: list[int] = []
        self.notify_delay_seconds = 0.0  # after the cashier's "pay": when WeChat Pay's notification goes out

    # --- signing as WeChat Pay does -----------------------------------------------------------------------
    def signed_headers(self, body: bytes, *, timestamp: int | None = None) -> dict:
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = secrets.token_hex(16)
        message = f"{timestamp}\n{nonce}\n".encode() + body + b"\n"
        return {
            "Wechatpay-Timestamp": timestamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Serial": self.platform_serial,
            "Wechatpay-Signature": _sign(self.platform_key, message),
        }

    def check_authorization(self, method: str, path: str, header: str, body: bytes) -> str | None:
        """None when the request is signed by our merchant, else the reason it is refused."""
        prefix = "WECHATPAY2-SHA256-RSA2048 "
        if not header.startswith(prefix):
            return "no WECHATPAY2-SHA256-RSA2048 authorization"
        fields = {}
        for part in header[len(prefix) :].split(","):
            key, _eq, value = part.partition("=")
            fields[key.strip()] = value.strip().strip('"')
        if fields.get("mchid") != MCHID or fields.get("serial_no") != MERCHANT_SERIAL:
            return "unknown merchant or certificate serial"
        if abs(time.time() - int(fields.get("timestamp") or 0)) > 300:
            return "timestamp expired"
        message = f"{method}\n{path}\n{fields.get('timestamp')}\n{fields.get('nonce_str')}\n".encode() + body + b"\n"
        try:
            self.merchant_public_key.verify(
                base64.b64decode(fields.get("signature", "")), message, padding.PKCS1v15(), hashes.SHA256()
            )
        except Exception:  # noqa: BLE001 - any failure is a bad signature
            return "signature does not verify"
        return None

    # --- notifications --------------------------------------------------------------------------------------
    def notification(
        self, event_type: str, resource: dict, *, notification_id: str | None = None, timestamp: int | None = None
    ) -> tuple[dict, bytes]:
        """(headers, body) of one notification as WeChat Pay would POST it."""
        nonce = secrets.token_urlsafe(9)[:12]
        associated = "transaction" if event_type.startswith("TRANSACTION") else "refund"
        ciphertext = AESGCM(APIV3_KEY.encode()).encrypt(
            nonce.encode(), json.dumps(resource, ensure_ascii=False).encode(), associated.encode()
        )
        body = json.dumps(
            {
                "id": notification_id or f"EV-{secrets.token_hex(8)}",
                "create_time": _china_now(),
                "resource_type": "encrypt-resource",
                "event_type": event_type,
                "summary": "支付成功" if associated == "transaction" else "退款状态变更",
                "resource": {
                    "original_type": associated,
                    "algorithm": "AEAD_AES_256_GCM",
                    "ciphertext": base64.b64encode(ciphertext).decode(),
                    "associated_data": associated,
                    "nonce": nonce,
                },
            },
            ensure_ascii=False,
        ).encode()
        return self.signed_headers(body, timestamp=timestamp), body

    def pay(self, out_trade_no: str, *, total: int | None = None) -> dict:
        """The buyer pays (optionally another amount than asked); the TRANSACTION.SUCCESS resource."""
        with self.lock:
            order = self.orders[out_trade_no]
            if order["trade_state"] != "SUCCESS":
                order.update(
                    trade_state="SUCCESS",
                    transaction_id=f"42000{next(self.serial):023d}",
                    success_time=_china_now(),
                )
                if total is not None:
                    order["amount"]["total"] = order["amount"]["payer_total"] = total
            return self.order_view(order)

    def deliver(self, url: str, event_type: str, resource: dict, delay: float = 0.0) -> int:
        """POST a notification to our server over real HTTP (as WeChat Pay does); the status code."""
        time.sleep(delay)
        headers, body = self.notification(event_type, resource)
        status = requests.post(
            url, data=body, headers={**headers, "Content-Type": "application/json"}, timeout=10
        ).status_code
        self.notify_deliveries.append(status)
        return status

    def order_view(self, order: dict) -> dict:
        view = {key: value for key, value in order.items() if not key.startswith("_")}
        view["trade_state_desc"] = {"SUCCESS": "支付成功", "NOTPAY": "未支付", "CLOSED": "已关闭"}.get(
            order["trade_state"], ""
        )
        return view

    def refund_resource(self, refund: dict) -> dict:
        return {
            "mchid": MCHID,
            "out_trade_no": refund["out_trade_no"],
            "transaction_id": refund["transaction_id"],
            "out_refund_no": refund["out_refund_no"],
            "refund_id": refund["refund_id"],
            "refund_status": refund["status"],
            "success_time": _china_now(),
            "amount": {"total": refund["amount"]["total"], "refund": refund["amount"]["refund"]},
        }

    # --- the bill -------------------------------------------------------------------------------------------
    def bill_csv(self, day: dt.date) -> bytes:
        rows = [BILL_HEADER]
        count, paid_total, refund_total = 0, 0, 0
        for order in self.orders.values():
            if order.get("success_time", "").startswith(day.isoformat()) and order.get("transaction_id"):
                count += 1
                paid_total += order["amount"]["total"]
                yuan = f"{order['amount']['total'] / 100:.2f}"
                rows.append(
                    ",".join(
                        f"`{value}"
                        for value in [
                            order["success_time"][:19].replace("T", " "),
                            APPID,
                            MCHID,
                            "0",
                            "",
                            order["transaction_id"],
                            order["out_trade_no"],
                            "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
                            "NATIVE",
                            "SUCCESS",
                            "OTHERS",
                            "CNY",
                            yuan,
                            "0.00",
                            "0",
                            "0",
                            "0.00",
                            "0.00",
                            "",
                            "",
                            "美都集市订单",
                            "",
                            "0.00",
                            "0.60%",
                            yuan,
                            "0.00",
                            "",
                        ]
                    )
                )
        for refund in self.refunds.values():
            if refund["status"] == "SUCCESS" and refund["success_time"].startswith(day.isoformat()):
                count += 1
                refund_total += refund["amount"]["refund"]
                order = self.orders[refund["out_trade_no"]]
                rows.append(
                    ",".join(
                        f"`{value}"
                        for value in [
                            refund["success_time"][:19].replace("T", " "),
                            APPID,
                            MCHID,
                            "0",
                            "",
                            order["transaction_id"],
                            order["out_trade_no"],
                            "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
                            "NATIVE",
                            "REFUND",
                            "OTHERS",
                            "CNY",
                            "0.00",
                            "0.00",
                            refund["refund_id"],
                            refund["out_refund_no"],
                            f"{refund['amount']['refund'] / 100:.2f}",
                            "0.00",
                            "ORIGINAL",
                            "SUCCESS",
                            "美都集市订单",
                            "",
                            "0.00",
                            "0.60%",
                            f"{order['amount']['total'] / 100:.2f}",
                            f"{refund['amount']['refund'] / 100:.2f}",
                            "",
                        ]
                    )
                )
        rows.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额")
        paid, refunded = f"{paid_total / 100:.2f}", f"{refund_total / 100:.2f}"
        rows.append(f"`{count},`{paid},`{refunded},`0.00,`0.00,`{paid},`{refunded}")
        return ("\n".join(rows) + "\n").encode("utf-8")

    # --- the API --------------------------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: dict, body: bytes) -> tuple[int, dict | bytes | None]:
        data = json.loads(body) if body else {}
        transactions = "/v3/pay/transactions/"
        if method == "POST" and path in (f"{transactions}native", f"{transactions}h5", f"{transactions}jsapi"):
            mode = path.rsplit("/", 1)[1]
            if data.get("mchid") != MCHID or data.get("appid") != APPID:
                return 400, {"code": "PARAM_ERROR", "message": "mchid/appid"}
            total = (data.get("amount") or {}).get("total")
            if not isinstance(total, int) or total <= 0:
                return 400, {"code": "PARAM_ERROR", "message": "amount.total must be a positive integer"}
            if mode == "jsapi" and not (data.get("payer") or {}).get("openid"):
                return 400, {"code": "PARAM_ERROR", "message": "payer.openid required"}
            if mode == "h5" and not (data.get("scene_info") or {}).get("payer_client_ip"):
                return 400, {"code": "PARAM_ERROR", "message": "scene_info.payer_client_ip required"}
            number = data["out_trade_no"]
            with self.lock:
                existing = self.orders.get(number)
                if existing is not None and existing["amount"]["total"] != total:
                    return 400, {
                        "code": "INVALID_REQUEST",
                        "message": "out_trade_no already used with other parameters",
                    }
                order = existing or {
                    "appid": APPID,
                    "mchid": MCHID,
                    "out_trade_no": number,
                    "trade_type": mode.upper() if mode != "h5" else "MWEB",
                    "trade_state": "NOTPAY",
                    "attach": data.get("attach", ""),
                    "amount": {"total": total, "payer_total": total, "currency": "CNY", "payer_currency": "CNY"},
                    "payer": data.get("payer") or {},
                    "_notify_url": data.get("notify_url"),
                    "_refunded": 0,
                }
                self.orders[number] = order
            if mode == "native":
                return 200, {"code_url": f"weixin://wxpay/bizpayurl?pr={number[:8]}"}
            if mode == "h5":
                return 200, {"h5_url": f"{self.base_url}/h5pay/{number}?prepay_id=wx{number[:10]}"}
            return 200, {"prepay_id": f"wx{number[:20]}"}
        if path.startswith(f"{transactions}out-trade-no/"):
            rest = path[len(f"{transactions}out-trade-no/") :]
            number, _slash, action = rest.partition("/")
            order = self.orders.get(number)
            if order is None:
                return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
            if method == "GET" and not action:
                if query.get("mchid") != [MCHID]:
                    return 400, {"code": "PARAM_ERROR", "message": "mchid"}
                return 200, self.order_view(order)
            if method == "POST" and action == "close":
                if order["trade_state"] == "SUCCESS":
                    return 400, {"code": "ORDERPAID", "message": "订单已支付"}
                order["trade_state"] = "CLOSED"
                return 204, None
        if method == "POST" and path == "/v3/refund/domestic/refunds":
            order = self.orders.get(data.get("out_trade_no", ""))
            if order is None or order["trade_state"] not in ("SUCCESS", "REFUND"):
                return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "订单不存在或未支付"}
            with self.lock:
                existing = self.refunds.get(data.get("out_refund_no", ""))
                if existing is not None:
                    return 200, existing
                amount = data.get("amount") or {}
                if amount.get("total") != order["amount"]["total"]:
                    return 400, {"code": "PARAM_ERROR", "message": "amount.total differs from the order"}
                if not isinstance(amount.get("refund"), int) or amount["refund"] <= 0:
                    return 400, {"code": "PARAM_ERROR", "message": "amount.refund"}
                if amount["refund"] > order["amount"]["total"] - order["_refunded"]:
                    return 400, {"code": "INVALID_REQUEST", "message": "申请退款金额超过订单可退金额"}
                order["_refunded"] += amount["refund"]
                order["trade_state"] = "REFUND"
                refund = {
                    "refund_id": f"50300{next(self.serial):025d}",
                    "out_refund_no": data["out_refund_no"],
                    "transaction_id": order["transaction_id"],
                    "out_trade_no": order["out_trade_no"],
                    "channel": "ORIGINAL",
                    "status": self.refund_status,
                    "success_time": _china_now(),
                    "create_time": _china_now(),
                    "amount": {"total": order["amount"]["total"], "refund": amount["refund"], "currency": "CNY"},
                }
                self.refunds[refund["out_refund_no"]] = refund
            return 200, refund
        if method == "GET" and path == "/v3/bill/tradebill":
            if self.no_statement:
                return 400, {"code": "NO_STATEMENT_EXIST", "message": "账单不存在"}
            day = dt.date.fromisoformat(query["bill_date"][0])
            content = self.bills.get(day.isoformat()) or self.bill_csv(day)
            token = secrets.token_hex(8)
            self.bills[f"token:{token}"] = content
            return 200, {
                "hash_type": "SHA1",
                "hash_value": hashlib.sha1(content).hexdigest(),
                "download_url": f"{self.base_url}/v3/billdownload/file?token={token}",
            }
        if method == "GET" and path == "/v3/billdownload/file":
            content = self.bills.get(f"token:{query.get('token', [''])[0]}")
            return (200, content) if content is not None else (404, {"code": "NOT_FOUND", "message": "no file"})
        return 404, {"code": "NOT_FOUND", "message": f"{method} {path}"}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeWechatPay

    def log_message(self, *args):
        pass

    def _answer(self, status: int, payload, *, signed: bool = True, content_type: str = "application/json") -> None:
        if isinstance(payload, bytes):
            body = payload
            content_type = "application/octet-stream" if content_type == "application/json" else content_type
        else:
            body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if signed:
            for key, value in self.fake.signed_headers(body).items():
                self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _h5_page(self, number: str, query: dict) -> None:
        order = self.fake.orders.get(number)
        if order is None:
            return self._answer(404, {"code": "ORDER_NOT_EXIST"}, signed=False)
        redirect = html.escape(query.get("redirect_url", [""])[0])
        page = (
            "<!doctype html><html lang='zh-CN'><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width,initial-scale=1'><title>微信支付</title>"
            f"<h1>微信支付 WeChat Pay</h1><p id='amount'>¥{order['amount']['total'] / 100:.2f}</p>"
            f"<form method='post' action='/h5pay/{number}'><input type='hidden' name='redirect_url' value='{redirect}'>"
            "<button type='submit' id='confirm-pay'>确认支付</button></form></html>"
        ).encode()
        self._answer(200, page, signed=False, content_type="text/html; charset=utf-8")

    def _serve(self, method: str) -> None:
        split = urlsplit(self.path)
        query = parse_qs(split.query)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if split.path.startswith("/h5pay/"):
            number = split.path.rsplit("/", 1)[1]
            if method == "GET":
                return self._h5_page(number, query)
            form = parse_qs(body.decode())
            resource = self.fake.pay(number)
            order = self.fake.orders[number]
            if order.get("_notify_url"):
                threading.Thread(
                    target=self.fake.deliver,
                    args=(order["_notify_url"], "TRANSACTION.SUCCESS", resource, self.fake.notify_delay_seconds),
                    daemon=True,
                ).start()
            self.send_response(302)
            self.send_header("Location", form.get("redirect_url", ["/"])[0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if self.fake.stall.is_set():
            self.fake.released.wait(30)  # never answers within any client's timeout
            return None
        self.fake.requests.append(
            {"method": method, "path": split.path, "query": query, "body": json.loads(body) if body else None}
        )
        refusal = self.fake.check_authorization(method, self.path, self.headers.get("Authorization", ""), body)
        if refusal:
            return self._answer(401, {"code": "SIGN_ERROR", "message": refusal})
        status, payload = self.fake.handle(method, split.path, query, body)
        return self._answer(status, payload, signed=not split.path.startswith("/v3/billdownload/"))

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")


def start_fake_wechatpay(merchant_public_key) -> tuple[FakeWechatPay, ThreadingHTTPServer]:
    fake = FakeWechatPay(merchant_public_key)
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server


def wechatpay_settings(settings, fake: FakeWechatPay, folder: Path, merchant_key) -> None:
    """Point the WECHATPAY_* settings at the fake, with key files written to ``folder``."""
    key_path = folder / "apiclient_key.pem"
    key_path.write_bytes(_pem(merchant_key))
    cert_path = folder / "wechatpay_platform.pem"
    cert_path.write_bytes(fake.platform_cert.public_bytes(serialization.Encoding.PEM))
    settings.WECHATPAY_MCHID = MCHID
    settings.WECHATPAY_APPID = APPID
    settings.WECHATPAY_CERT_SERIAL = MERCHANT_SERIAL
    settings.WECHATPAY_PRIVATE_KEY_PATH = str(key_path)
    settings.WECHATPAY_APIV3_KEY = APIV3_KEY
    settings.WECHATPAY_PLATFORM_CERT_PATH = str(cert_path)
    settings.WECHATPAY_API_BASE = fake.base_url
    settings.WECHATPAY_CONNECT_TIMEOUT_SECONDS = 1
    settings.WECHATPAY_TIMEOUT_SECONDS = 1


@pytest.fixture
def wechatpay(settings, tmp_path):
    """A running fake WeChat Pay with the settings pointing at it (the gateway is then available)."""
    merchant_key = cached_key("merchant")
    fake, server = start_fake_wechatpay(merchant_key.public_key())
    wechatpay_settings(settings, fake, tmp_path, merchant_key)
    settings.WECHATPAY_NOTIFY_URL = "http://testserver/payments/wechatpay/notify/"
    yield fake
    fake.released.set()
    server.shutdown()
    server.server_close()
