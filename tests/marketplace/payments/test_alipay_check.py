"""`meidu check` on Alipay: which state it is in, and production refused with a sandbox, a bad key or
a notification URL Alipay should not use."""

import pytest

from marketplace.payments.gateways.alipay.checks import alipay_check
from meidu.cli import EXIT_UNSAFE, cmd_check


@pytest.fixture
def production(settings):
    settings.DEMO_MODE = settings.TEST_MODE = False
    return settings


def test_not_configured(settings):
    settings.ALIPAY_APP_ID = ""
    assert alipay_check() == (
        "Alipay: not configured (ALIPAY_APP_ID, ALIPAY_APP_PRIVATE_KEY_PATH, ALIPAY_PUBLIC_KEY_PATH).",
        [],
    )


def test_configured_in_test_mode(alipay_api):
    line, problems = alipay_check()
    assert line.startswith("Alipay: configured (app 2021000000000001, live gateway 127.0.0.1)") and problems == []


def test_production_refuses_sandbox_bad_keys_and_plain_http(alipay_api, production, tmp_path):
    production.ALIPAY_GATEWAY_URL = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
    production.ALIPAY_NOTIFY_URL = "http://market.example.cn/payments/alipay/notify/"
    broken = tmp_path / "broken.pem"
    broken.write_text("not a key")
    production.ALIPAY_PUBLIC_KEY_PATH = str(broken)
    line, problems = alipay_check()
    assert "sandbox gateway openapi-sandbox.dl.alipaydev.com" in line
    assert [problem.split(" ")[0] for problem in problems] == [
        "ALIPAY_PUBLIC_KEY_PATH",
        "ALIPAY_GATEWAY_URL",
        "ALIPAY_NOTIFY_URL",
    ]
    production.ALIPAY_PUBLIC_KEY_PATH = str(tmp_path / "missing.pem")
    assert "ALIPAY_PUBLIC_KEY_PATH (missing.pem) is not a readable RSA key" in alipay_check()[1][0]


def test_production_with_live_gateway_and_https_passes(alipay_api, production):
    production.ALIPAY_GATEWAY_URL = "https://openapi.alipay.com/gateway.do"
    production.ALIPAY_NOTIFY_URL = "https://market.example.cn/payments/alipay/notify/"
    assert alipay_check() == ("Alipay: configured (app 2021000000000001, live gateway openapi.alipay.com).", [])


def test_meidu_check_prints_the_line_and_fails_on_a_problem(db, alipay_api, production, capsys, monkeypatch):
    monkeypatch.setattr("meidu.cli._django", lambda mode=None: None)
    monkeypatch.setattr("meidu.runtime.safety.serving_problems", lambda: [])
    production.ALIPAY_GATEWAY_URL = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
    production.ALIPAY_NOTIFY_URL = "https://market.example.cn/payments/alipay/notify/"
    assert cmd_check(None) == EXIT_UNSAFE
    out, err = capsys.readouterr()
    assert "Alipay: configured" in out and "Unsafe to serve: ALIPAY_GATEWAY_URL points at Alipay's sandbox" in err
