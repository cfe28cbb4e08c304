"""`meidu check` names the payment gateways configured, and production refuses a payment gateway with a
test key, a test platform certificate or a missing key (meidu serve and meidu check alike)."""

import pytest

from meidu.cli import _print_payment_gateways
from meidu.runtime.safety import serving_problems
from tests.support.wechatpay_server import cached_key, start_fake_wechatpay, wechatpay_settings


@pytest.fixture
def production(settings, tmp_path):
    settings.DEMO_MODE = settings.TEST_MODE = False
    settings.DEBUG = False
    settings.SECRET_KEY = "k" * 50
    settings.SMS_BACKEND = "aliyun"  # production texts codes through a provider, never the console outbox
    settings.ALLOWED_HOSTS = ["market.example.cn"]
    settings.JWT_KEYS_DIR = tmp_path
    (tmp_path / "20260101T000000-key.pem").write_text("placeholder")
    return settings


@pytest.fixture
def fake_platform(settings, tmp_path):
    merchant = cached_key("merchant")
    fake, server = start_fake_wechatpay(merchant.public_key())
    wechatpay_settings(settings, fake, tmp_path, merchant)
    yield fake
    server.shutdown()
    server.server_close()


def test_nothing_configured_is_fine_and_said(production, capsys):
    assert serving_problems() == []
    _print_payment_gateways()
    out = capsys.readouterr().out
    assert "Payment gateway meidu.payments.wechatpay: not configured" in out
    assert "Payment gateway meidu.payments.cod: configured" in out


def test_production_refuses_wechatpay_with_a_test_certificate_and_api(production, fake_platform, capsys):
    production.PUBLIC_URL = "https://market.example.cn"
    problems = serving_problems()
    assert any("not issued by Tenpay" in problem for problem in problems)
    assert any("WECHATPAY_API_BASE" in problem for problem in problems)
    _print_payment_gateways()
    assert "meidu.payments.wechatpay: configured (" in capsys.readouterr().out


def test_production_refuses_wechatpay_with_a_missing_key(production, fake_platform):
    production.WECHATPAY_PRIVATE_KEY_PATH = "/nonexistent/apiclient_key.pem"
    assert any("is not a readable RSA key" in problem for problem in serving_problems())
    production.WECHATPAY_APIV3_KEY = "short"
    assert any("32 characters" in problem for problem in serving_problems())


def test_production_refuses_a_stripe_test_key(production):
    production.STRIPE_SECRET_KEY = "sk_test_local"
    production.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert serving_problems() == [
        "payment gateway meidu.payments.stripe: STRIPE_SECRET_KEY is a test key (sk_test_...)"
    ]
    production.STRIPE_SECRET_KEY = "sk_live_real"
    assert serving_problems() == []


def test_demo_mode_may_use_test_keys(settings, fake_platform):
    settings.DEMO_MODE = True
    assert serving_problems() == []
