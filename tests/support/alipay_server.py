"""A local Alipay open-platform gateway for the tests (a plugin registered in tests/conftest.py).

It speaks the part of Alipay's ``gateway.do`` the Alipay gateway uses, from Alipay's published
specifications: it verifies OUR RSA2 request signatures with our app's public key, keeps trades
in memory, answers ``{"alipay_*_response": {...}, "sign": "..."}`` signed with a key pair it
generates (its public key is what the site is configured to trust), shows a cashier page for wap
and page pay whose "pay" button settles the trade and sends the browser back to the return URL,
signs ``trade_status_sync`` notifications, and serves the daily bill as a zip of GBK CSV files.
Binds 127.0.0.1 on an ephemeral port. ``hang`` makes every API call go unanswered.
"""

from __future__ import annotations

import html
import io
import itertools
import json
import threading
import time
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from marketplace.payments.gateways.alipay.signing import content_string, sign, verify

APP_ID = "2021000000000001"
SELLER_ID = "2088000000000001"
BILL_HEADER = (
    "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
    "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,"
    "券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注"
)


@lru_cache(maxsize=2)
def key_pair(name: str) -> rsa.RSAPrivateKey:
    """One RSA 2048 key per name for the whole run (generating one costs a noticeable fraction of a second)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def now() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Trade:
    out_trade_no: str
    total_amount: Decimal
    subject: str
    return_url: str
    notify_url: str
    trade_no: str
    status: str = "WAIT_BUYER_PAY"
    refunded: Decimal = Decimal("0.00")
    refunds: dict = field(default_factory=dict)  # out_request_no -> amount
    created: str = field(default_factory=now)
    paid_at: str = ""


class FakeAlipay:
    """The server's state, and what a test does on Alipay's side (pay, notify, bill)."""

    def __init__(self, app_public_key, notify_urls=None):
        self.key = key_pair("alipay")
        self.app_public_key = app_public_key
        self.trades: dict[str, Trade] = {}
        self.requests: list[dict] = []
        self.notifications: list[tuple[dict, int, str]] = []  # (params, HTTP status, body) of sent ones
        self.bills: dict[str, bytes] = {}  # bill_date -> zip served instead of one built from the trades
        self.hang = False  # every API call waits and never answers in time
        self.auto_notify = False  # paying at the cashier also sends the notification
        self.report_amount: str | None = None  # trade.query answers this total_amount instead (a tampered trade)
        self.serial = itertools.count(1)
        self.lock = threading.Lock()
        self.base_url = ""

    # --- what Alipay signs --------------------------------------------------------------------------------

    def signed_body(self, member: str, payload: dict) -> str:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return '{"%s":%s,"sign":"%s"}' % (member, text, sign(text, self.key))

    def sign_params(self, params: dict) -> dict:
        params = {key: value for key, value in params.items() if value not in (None, "")}
        params["sign_type"] = "RSA2"
        params["sign"] = sign(content_string(params, exclude=("sign", "sign_type")), self.key)
        return params

    # --- the buyer and Alipay's servers ----------------------------------------------------------------

    def pay(self, out_trade_no: str) -> Trade:
        """The buyer confirms on Alipay's cashier."""
        with self.lock:
            trade = self.trades[out_trade_no]
            trade.status, trade.paid_at = "TRADE_SUCCESS", now()
        if self.auto_notify:
            self.notify(out_trade_no)
        return trade

    def close(self, out_trade_no: str) -> Trade:
        trade = self.trades[out_trade_no]
        trade.status = "TRADE_CLOSED"
        return trade

    def notification(self, number: str, **overrides) -> dict:
        """A signed trade_status_sync for the trade as it stands (``overrides`` change fields before signing)."""
        trade = self.trades[number]
        params = {
            "notify_time": now(),
            "notify_type": "trade_status_sync",
            "notify_id": f"ntf{next(self.serial):010d}",
            "app_id": APP_ID,
            "charset": "utf-8",
            "version": "1.0",
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "buyer_id": "2088102177846880",
            "seller_id": SELLER_ID,
            "trade_status": trade.status,
            "total_amount": f"{trade.total_amount:.2f}",
            "receipt_amount": f"{trade.total_amount:.2f}",
            "buyer_pay_amount": f"{trade.total_amount:.2f}",
            "subject": trade.subject,
            "gmt_create": trade.created,
            "gmt_payment": trade.paid_at,
        }
        if trade.refunded:
            last = list(trade.refunds)[-1]
            params.update(refund_fee=f"{trade.refunded:.2f}", out_biz_no=last, gmt_refund=now())
        params.update(overrides)
        return self.sign_params(params)

    def notify(self, out_trade_no: str, params: dict | None = None) -> tuple[int, str]:
        """POST a notification to the trade's notify_url as Alipay does (form-encoded)."""
        params = params or self.notification(out_trade_no)
        answer = requests.post(self.trades[out_trade_no].notify_url, data=params, timeout=10)
        self.notifications.append((params, answer.status_code, answer.text))
        return answer.status_code, answer.text

    def bill_zip(self, rows: list[list[str]], *, day: str = "2026-12-05") -> bytes:
        """A bill zip as Alipay ships it: the detail and the summary file, GBK, GBK file names."""
        lines = [
            "#支付宝业务明细查询",
            f"#账号：[{SELLER_ID}0156]",
            f"#起始日期：[{day} 00:00:00]   终止日期：[{day} 23:59:59]",
            "#-----------------------------------------业务明细列表----------------------------------------",
            BILL_HEADER,
            *(",".join(f"{cell}\t" for cell in row) for row in rows),
            "#-----------------------------------------业务明细列表结束------------------------------------",
            f"#交易合计：{sum(1 for r in rows if r[2] == '交易')}笔",
            f"#导出时间：[{now()}]",
        ]
        files = (
            (f"{SELLER_ID}0156_{day.replace('-', '')}_业务明细.csv", "\r\n".join(lines) + "\r\n"),
            (f"{SELLER_ID}0156_{day.replace('-', '')}_业务明细(汇总).csv", "#支付宝业务汇总查询\r\n"),
        )
        buffer = io.BytesIO()
        names = []
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
            for number, (name, text) in enumerate(files):
                # zipfile writes non-ASCII names as UTF-8; Alipay's are raw GBK bytes without the UTF-8
                # flag. An ASCII stand-in of the same length is written, then swapped for the GBK bytes.
                raw = name.encode("gbk")
                stand_in = f"~{number}".ljust(len(raw), "~").encode()
                names.append((stand_in, raw))
                info = zipfile.ZipInfo(stand_in.decode(), date_time=(2026, 12, 6, 9, 0, 0))
                bundle.writestr(info, text.encode("gbk"), compress_type=zipfile.ZIP_DEFLATED)
        data = buffer.getvalue()
        for stand_in, raw in names:
            data = data.replace(stand_in, raw)
        return data

    def bill_rows_of_trades(self) -> list[list[str]]:
        rows = []
        for trade in self.trades.values():
            if trade.status in ("TRADE_SUCCESS", "TRADE_FINISHED") or trade.refunded:
                rows.append(bill_row(trade.trade_no, trade.out_trade_no, "交易", trade.total_amount))
            for request_no, amount in trade.refunds.items():
                rows.append(bill_row(trade.trade_no, trade.out_trade_no, "退款", -amount, request_no))
        return rows

    # --- the API ------------------------------------------------------------------------------------

    def api(self, params: dict) -> tuple[str, dict]:
        method = params.get("method", "")
        member = method.replace(".", "_") + "_response"
        try:
            biz = json.loads(params.get("biz_content") or "{}")
        except ValueError:
            return member, {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-biz-content"}
        trade = self.trades.get(biz.get("out_trade_no", ""))
        missing = {
            "code": "40004",
            "msg": "Business Failed",
            "sub_code": "ACQ.TRADE_NOT_EXIST",
            "sub_msg": "交易不存在",
        }
        if method == "alipay.trade.query":
            if trade is None:
                return member, missing
            amount = self.report_amount or f"{trade.total_amount:.2f}"
            return member, {
                "code": "10000",
                "msg": "Success",
                "trade_no": trade.trade_no,
                "out_trade_no": trade.out_trade_no,
                "trade_status": trade.status,
                "total_amount": amount,
                "buyer_pay_amount": amount if trade.status == "TRADE_SUCCESS" else "0.00",
                "send_pay_date": trade.paid_at,
            }
        if method == "alipay.trade.refund":
            if trade is None or trade.status not in ("TRADE_SUCCESS", "TRADE_FINISHED"):
                return member, missing if trade is None else {**missing, "sub_code": "ACQ.TRADE_STATUS_ERROR"}
            amount = Decimal(biz["refund_amount"])
            request_no = biz.get("out_request_no") or trade.out_trade_no
            if request_no not in trade.refunds:
                if trade.refunded + amount > trade.total_amount:
                    return member, {
                        "code": "40004",
                        "msg": "Business Failed",
                        "sub_code": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
                        "sub_msg": "退款金额超限",
                    }
                trade.refunds[request_no] = amount
                trade.refunded += amount
                if trade.refunded == trade.total_amount:
                    trade.status = "TRADE_CLOSED"
                fund_change = "Y"
            else:
                fund_change = "N"
            return member, {
                "code": "10000",
                "msg": "Success",
                "trade_no": trade.trade_no,
                "out_trade_no": trade.out_trade_no,
                "fund_change": fund_change,
                "refund_fee": f"{trade.refunded:.2f}",
            }
        if method == "alipay.trade.close":
            if trade is None:
                return member, missing
            if trade.status != "WAIT_BUYER_PAY":
                return member, {**missing, "sub_code": "ACQ.TRADE_STATUS_ERROR", "sub_msg": "交易状态不合法"}
            trade.status = "TRADE_CLOSED"
            return member, {"code": "10000", "msg": "Success", "out_trade_no": trade.out_trade_no}
        if method == "alipay.data.dataservice.bill.downloadurl.query":
            day = biz.get("bill_date", "")
            if day not in self.bills and not self.trades:
                return member, {"code": "40004", "msg": "Business Failed", "sub_code": "isp.bill_not_exist"}
            return member, {"code": "10000", "msg": "Success", "bill_download_url": f"{self.base_url}/bill/{day}.zip"}
        return "error_response", {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-method"}

    def start_trade(self, params: dict) -> tuple[int, str]:
        """wap.pay / page.pay opened by the browser: the trade exists from now on; the cashier page."""
        biz = json.loads(params.get("biz_content") or "{}")
        number = biz["out_trade_no"]
        with self.lock:
            trade = self.trades.get(number)
            if trade is None:
                trade = Trade(
                    out_trade_no=number,
                    total_amount=Decimal(biz["total_amount"]),
                    subject=biz.get("subject", ""),
                    return_url=params.get("return_url", ""),
                    notify_url=params.get("notify_url", ""),
                    trade_no=f"2026120622001{next(self.serial):015d}",
                )
                self.trades[number] = trade
        page = (
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>支付宝收银台</title></head><body>'
            f'<h1>支付宝</h1><p id="amount">¥{trade.total_amount:.2f}</p><p>{html.escape(trade.subject)}</p>'
            f'<form method="post" action="/cashier/pay"><input type="hidden" name="out_trade_no" value="{number}">'
            '<button type="submit">确认付款</button></form></body></html>'
        )
        return 200, page

    def cashier_return(self, out_trade_no: str) -> str:
        """The return URL with the signed synchronous parameters Alipay appends."""
        trade = self.pay(out_trade_no)
        params = self.sign_params(
            {
                "charset": "utf-8",
                "out_trade_no": trade.out_trade_no,
                "method": "alipay.trade.wap.pay.return",
                "total_amount": f"{trade.total_amount:.2f}",
                "trade_no": trade.trade_no,
                "auth_app_id": APP_ID,
                "version": "1.0",
                "app_id": APP_ID,
                "seller_id": SELLER_ID,
                "timestamp": now(),
            }
        )
        joiner = "&" if "?" in trade.return_url else "?"
        return f"{trade.return_url}{joiner}{urlencode(params)}"


def bill_row(trade_no: str, out_trade_no: str, kind: str, amount: Decimal, request_no: str = "") -> list[str]:
    return [
        trade_no,
        out_trade_no,
        kind,
        "美都集市订单",
        "2026-12-05 10:00:00",
        "2026-12-05 10:00:05",
        "",
        "",
        "",
        "",
        "158****0001",
        f"{amount:.2f}",
        f"{amount:.2f}",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "",
        "0.00",
        "0.00",
        request_no,
        f"{(-amount * Decimal('0.006')).quantize(Decimal('0.01')):.2f}",
        "0.00",
        "",
    ]


class _Handler(BaseHTTPRequestHandler):
    state: FakeAlipay

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: str, content_type: str, headers: dict | None = None):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _params(self) -> tuple[str, dict]:
        split = urlsplit(self.path)
        params = dict(parse_qsl(split.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            params.update(parse_qsl(self.rfile.read(length).decode("utf-8"), keep_blank_values=True))
        return split.path, params

    def _serve(self, http_method: str):
        path, params = self._params()
        state = self.state
        if path.startswith("/bill/"):
            day = path.removeprefix("/bill/").removesuffix(".zip")
            data = state.bills.get(day) or state.bill_zip(state.bill_rows_of_trades(), day=day)
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if path == "/cashier/pay":
            self._send(302, "", "text/plain", {"Location": state.cashier_return(params.get("out_trade_no", ""))})
            return
        state.requests.append({"http": http_method, "path": path, "params": dict(params)})
        signed = params.get("app_id") == APP_ID and verify(
            content_string(params), params.get("sign", ""), state.app_public_key
        )
        method = params.get("method", "")
        if method in ("alipay.trade.wap.pay", "alipay.trade.page.pay"):
            if not signed:
                self._send(400, "<p>验签出错 (invalid-signature)</p>", "text/html; charset=utf-8")
                return
            status, page = state.start_trade(params)
            self._send(status, page, "text/html; charset=utf-8")
            return
        if state.hang:
            time.sleep(3)
            return
        if not signed:
            member, payload = (
                method.replace(".", "_") + "_response",
                {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature"},
            )
            body = json.dumps({member: payload, "sign": ""}, ensure_ascii=False)
        else:
            with state.lock:
                member, payload = state.api(params)
            body = state.signed_body(member, payload)
        self._send(200, body, "text/html;charset=utf-8")  # Alipay's content type, JSON inside

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")


def start_server(app_public_key) -> tuple[ThreadingHTTPServer, FakeAlipay]:
    state = FakeAlipay(app_public_key)
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.block_on_close = False
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state


@pytest.fixture
def alipay_keys(tmp_path):
    """PEM files: our app's private key and the fake Alipay's public key, as production keeps them."""
    app_key = key_pair("app")
    ours = tmp_path / "alipay_app_private_key.pem"
    theirs = tmp_path / "alipay_public_key.pem"
    ours.write_bytes(private_pem(app_key))
    theirs.write_bytes(public_pem(key_pair("alipay")))
    return {"app_private": ours, "alipay_public": theirs, "app_key": app_key}


@pytest.fixture
def alipay_api(settings, alipay_keys):
    """The local Alipay, and the site configured for it (the Alipay gateway is offered)."""
    server, state = start_server(alipay_keys["app_key"].public_key())
    settings.ALIPAY_APP_ID = APP_ID
    settings.ALIPAY_APP_PRIVATE_KEY_PATH = str(alipay_keys["app_private"])
    settings.ALIPAY_PUBLIC_KEY_PATH = str(alipay_keys["alipay_public"])
    settings.ALIPAY_GATEWAY_URL = f"{state.base_url}/gateway.do"
    settings.ALIPAY_NOTIFY_URL = "http://testserver/payments/alipay/notify/"
    settings.ALIPAY_TIMEOUT_SECONDS = 5
    yield state
    server.shutdown()
    server.server_close()
