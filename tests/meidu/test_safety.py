import pytest

from meidu.runtime.safety import UnsafeSettings, assert_safe_to_serve, serving_problems


@pytest.fixture
def production(settings, tmp_path):
    settings.DEMO_MODE = settings.TEST_MODE = False
    settings.DEBUG = False
    settings.SECRET_KEY = "k" * 50
    settings.ALLOWED_HOSTS = ["market.example.cn"]
    settings.JWT_KEYS_DIR = tmp_path
    settings.SMS_BACKEND = "aliyun"
    (tmp_path / "20260101T000000-key.pem").write_text("placeholder")
    return settings


def test_good_production_settings_pass(production):
    assert serving_problems() == []
    assert_safe_to_serve()


def test_placeholder_secret_key_is_refused(production):
    production.SECRET_KEY = production.INSECURE_SECRET_KEY
    with pytest.raises(UnsafeSettings, match="SECRET_KEY is not set"):
        assert_safe_to_serve()


def test_debug_on_a_public_host_is_refused(production):
    production.DEBUG = True
    assert serving_problems() == [
        "DEBUG is on while ALLOWED_HOSTS includes public hosts (market.example.cn): set DEBUG=0."
    ]


def test_debug_on_localhost_only_is_allowed(production):
    production.DEBUG = True
    production.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    assert serving_problems() == []


def test_missing_signing_key_is_refused(production, tmp_path):
    production.JWT_KEYS_DIR = tmp_path / "empty"
    assert "meidu keys rotate" in serving_problems()[0]


def test_demo_mode_is_exempt(settings):
    settings.DEMO_MODE = True
    settings.SECRET_KEY = ""
    assert serving_problems() == []


def test_console_sms_backend_is_refused_in_production(production):
    production.SMS_BACKEND = "console"
    assert any("SMS_BACKEND=console" in problem for problem in serving_problems())
