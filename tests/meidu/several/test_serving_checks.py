"""`meidu serve` for several web machines (WEB_MACHINES > 1): what only works on one machine is refused,
proxy settings a load balancer needs are warned about, each with a message that says what to set."""

import pytest

from meidu.runtime.safety import UnsafeSettings, assert_safe_to_serve, serving_problems, serving_warnings

REDIS = {"default": {"BACKEND": "meidu.core.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/5"}}


@pytest.fixture
def fleet_settings(settings, tmp_path):
    """Production settings fit for two machines: shared cache, bucket, balancer address, proxies, broker."""
    settings.DEMO_MODE = settings.TEST_MODE = False
    settings.DEBUG = False
    settings.SECRET_KEY = "k" * 50
    settings.ALLOWED_HOSTS = ["market.example.cn"]
    settings.JWT_KEYS_DIR = tmp_path
    settings.SMS_BACKEND = "aliyun"
    (tmp_path / "20260101T000000-key.pem").write_text("placeholder")
    settings.WEB_MACHINES = 2
    settings.CACHES = REDIS
    settings.AWS_STORAGE_BUCKET_NAME = "meidu-media"
    settings.MEDIA_ROOT_SHARED = False
    settings.PUBLIC_URL = "https://market.example.cn"
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/5"
    return settings


def test_settings_fit_for_several_machines_pass_without_warnings(fleet_settings):
    assert serving_problems() == []
    assert serving_warnings(workers=3) == []
    assert_safe_to_serve()


def test_a_cache_in_each_process_is_refused(fleet_settings):
    fleet_settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with pytest.raises(UnsafeSettings) as refused:
        assert_safe_to_serve()
    assert "WEB_MACHINES=2 but the cache is in each process" in str(refused.value)
    assert "Set REDIS_URL to the same Redis on every machine." in str(refused.value)


def test_media_on_the_local_disk_is_refused_unless_the_folder_is_shared(fleet_settings, tmp_path):
    fleet_settings.AWS_STORAGE_BUCKET_NAME = ""
    fleet_settings.MEDIA_ROOT = tmp_path / "media"
    [problem] = serving_problems()
    assert problem.startswith(f"WEB_MACHINES=2 but uploaded media go to this machine's MEDIA_ROOT ({tmp_path}/media)")
    assert "Set AWS_STORAGE_BUCKET_NAME" in problem and "MEDIA_ROOT_SHARED=1" in problem
    fleet_settings.MEDIA_ROOT_SHARED = True
    assert serving_problems() == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:8000/"])
def test_a_public_url_naming_this_host_is_warned(fleet_settings, url):
    fleet_settings.PUBLIC_URL = url
    assert serving_problems() == []
    [warning] = serving_warnings(workers=2)
    assert warning.startswith(f"WEB_MACHINES=2 and PUBLIC_URL is {url}: unless the balancer answers there")
    assert "set PUBLIC_URL to the balancer's public address, the same on every machine" in warning


def test_one_machine_may_keep_a_local_cache_and_disk(fleet_settings):
    fleet_settings.WEB_MACHINES = 1
    fleet_settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    fleet_settings.AWS_STORAGE_BUCKET_NAME = ""
    fleet_settings.TRUSTED_PROXIES = []
    assert serving_problems() == []
    assert serving_warnings(workers=1) == []


def test_trusted_proxies_that_are_not_networks_are_refused(fleet_settings):
    fleet_settings.TRUSTED_PROXIES = ["10.0.0.0/24", "balancer.local"]
    assert serving_problems() == [
        "TRUSTED_PROXIES holds what is not a network: balancer.local (write CIDR, e.g. 10.0.0.0/8)."
    ]


def test_no_trusted_proxies_behind_a_balancer_is_warned(fleet_settings):
    fleet_settings.TRUSTED_PROXIES = []
    [warning] = serving_warnings(workers=2)
    assert warning.startswith("WEB_MACHINES=2 and TRUSTED_PROXIES is empty: behind a load balancer every request")
    assert "Set TRUSTED_PROXIES to the balancer's network (CIDR)" in warning


def test_https_without_the_forwarded_proto_header_is_warned(fleet_settings):
    fleet_settings.SECURE_PROXY_SSL_HEADER = None
    [warning] = serving_warnings(workers=2)
    assert "Set TRUST_X_FORWARDED_PROTO=1 if the balancer sets X-Forwarded-Proto." in warning


def test_any_host_and_no_broker_are_warned(fleet_settings):
    fleet_settings.ALLOWED_HOSTS = ["*"]
    fleet_settings.CELERY_BROKER_URL = ""
    warnings = serving_warnings(workers=2)
    assert len(warnings) == 2
    assert warnings[0].startswith("ALLOWED_HOSTS is *")
    assert "Set CELERY_BROKER_URL and run one `meidu beat`." in warnings[1]
