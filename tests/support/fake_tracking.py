"""A local tracking aggregator speaking the subscribe-and-push protocol (Kuaidi100's `poll`), for tests.

It accepts subscriptions (checking our customer key, answering 501 for a waybill already polled) and
pushes scans to the subscriber's callback URL as the real service does: a form with `param` (JSON) and
`sign` = MD5(param + salt), upper-case hex. It binds 127.0.0.1 on a free port."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeTracking:
    def __init__(self, key: str = "meidu-test-key"):
        self.key = key
        self.subscriptions: dict[tuple[str, str], dict] = {}
        self.delay_s = 0.0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                time.sleep(outer.delay_s)
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                answer = outer._subscribe(form)
                body = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _subscribe(self, form: dict) -> dict:
        if form.get("schema") != ["json"] or "param" not in form:
            return {"result": False, "returnCode": "400", "message": "参数错误"}
        param = json.loads(form["param"][0])
        if param.get("key") != self.key:
            return {"result": False, "returnCode": "600", "message": "key 错误"}
        waybill = (param["company"], param["number"])
        if waybill in self.subscriptions:
            return {"result": False, "returnCode": "501", "message": "重复订阅"}
        self.subscriptions[waybill] = param["parameters"]
        return {"result": True, "returnCode": "200", "message": "提交成功"}

    @staticmethod
    def signed(param: dict, salt: str) -> dict:
        text = json.dumps(param, ensure_ascii=False, separators=(",", ":"))
        return {"param": text, "sign": hashlib.md5((text + salt).encode()).hexdigest().upper()}

    @staticmethod
    def scan(company: str, number: str, state: str, ftime: str, context: str = "", area: str = "", status="polling"):
        return {
            "status": status,
            "message": "",
            "lastResult": {
                "message": "ok",
                "state": state,
                "status": "200",
                "ischeck": "1" if state == "3" else "0",
                "com": company,
                "nu": number,
                "data": [{"time": ftime, "ftime": ftime, "context": context, "areaName": area, "statusCode": state}],
            },
        }

    def push(self, company: str, number: str, state: str, ftime: str, **extra) -> tuple[int, dict]:
        """Push one scan to the waybill's subscriber, over HTTP; (status, answer)."""
        parameters = self.subscriptions[(company, number)]
        form = self.signed(self.scan(company, number, state, ftime, **extra), parameters["salt"])
        request = urllib.request.Request(parameters["callbackurl"], data=urllib.parse.urlencode(form).encode())
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
