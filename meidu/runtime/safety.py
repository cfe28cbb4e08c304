"""Refuse to serve with settings that are only fit for a demo, or for one machine when several serve.

WEB_MACHINES says how many web machines the load balancer spreads requests over. Above one, what
each machine keeps for itself breaks: a process-local cache (throttles and circuit breakers counted
per machine, invalidations that reach one machine) and media saved on the local disk (an image
uploaded through machine A is missing on B) are refused; proxy settings a balancer needs and a local
PUBLIC_URL are warned about (README, Several web machines). That every machine serves with the same
secrets and keys is checked through Redis at start (meidu.runtime.fleet).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

# Cache backends whose data one process cannot see in another.
PROCESS_LOCAL_CACHES = ("django.core.cache.backends.locmem.", "django.core.cache.backends.dummy.")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}


class UnsafeSettings(RuntimeError):
    pass


def serving_problems() -> list[str]:
    if settings.DEMO_MODE or settings.TEST_MODE:
        return []
    problems = []
    if not settings.SECRET_KEY or settings.SECRET_KEY == settings.INSECURE_SECRET_KEY or len(settings.SECRET_KEY) < 32:
        problems.append("SECRET_KEY is not set: export SECRET_KEY to a random string of 50 characters or more.")
    public_hosts = [host for host in settings.ALLOWED_HOSTS if host not in LOCAL_HOSTS]
    if settings.DEBUG and (public_hosts or "*" in settings.ALLOWED_HOSTS):
        problems.append(
            f"DEBUG is on while ALLOWED_HOSTS includes public hosts ({', '.join(public_hosts)}): set DEBUG=0."
        )
    if settings.SMS_BACKEND == "console":
        problems.append(
            "SMS_BACKEND=console keeps verification codes in the database and shows them on pages: "
            "set SMS_BACKEND=aliyun or tencent with its keys (README, Phone verification codes)."
        )
    keys_dir = Path(settings.JWT_KEYS_DIR)
    if not keys_dir.is_dir() or not any(keys_dir.glob("*.pem")):
        problems.append(
            f"No signing key in JWT_KEYS_DIR ({keys_dir}): run `meidu keys rotate` once and share the folder."
        )
    problems.extend(proxy_problems())
    problems.extend(multi_machine_problems())
    problems.extend(payment_gateway_problems())
    return problems


def cache_is_process_local() -> bool:
    return settings.CACHES["default"]["BACKEND"].startswith(PROCESS_LOCAL_CACHES)


def proxy_problems() -> list[str]:
    bad = []
    for item in settings.TRUSTED_PROXIES:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            bad.append(item)
    if bad:
        return [f"TRUSTED_PROXIES holds what is not a network: {', '.join(bad)} (write CIDR, e.g. 10.0.0.0/8)."]
    return []


def multi_machine_problems() -> list[str]:
    """Settings that only work on one machine, when WEB_MACHINES says several serve."""
    machines = settings.WEB_MACHINES
    if machines <= 1:
        return []
    problems = []
    if cache_is_process_local():
        problems.append(
            f"WEB_MACHINES={machines} but the cache is in each process: login and phone-code throttles, "
            "webhook circuit breakers and the webhook subscription snapshot would be counted and invalidated "
            "per machine. Set REDIS_URL to the same Redis on every machine."
        )
    if not settings.AWS_STORAGE_BUCKET_NAME and not settings.MEDIA_ROOT_SHARED:
        problems.append(
            f"WEB_MACHINES={machines} but uploaded media go to this machine's MEDIA_ROOT ({settings.MEDIA_ROOT}): "
            "an image uploaded through one machine is missing on the others. Set AWS_STORAGE_BUCKET_NAME "
            "(S3, MinIO, OSS), or mount MEDIA_ROOT from shared storage on every machine and set MEDIA_ROOT_SHARED=1."
        )
    return problems


def payment_gateway_problems() -> list[str]:
    """Payment gateways set up with a test key, a test platform certificate or a missing key refuse production."""
    from marketplace.payments.gateways import gateways_configuration

    return [
        f"payment gateway {gateway_id}: {problem}"
        for gateway_id, _available, problems in gateways_configuration(production=True)
        for problem in problems
    ]


def serving_warnings(workers: int) -> list[str]:
    """Settings that work but behave differently with several worker processes or machines."""
    backend = settings.CACHES["default"]["BACKEND"]
    warnings: list[str] = []
    if workers > 1 and settings.WEB_MACHINES <= 1 and backend.startswith(PROCESS_LOCAL_CACHES):
        warnings.append(
            f"the cache is in each process ({backend.rsplit('.', 1)[-1]}) and {workers} workers run: "
            "webhook subscription changes reach the other workers up to 30 s late and webhook circuit breakers "
            "count per worker (throttles are kept in the database). Set REDIS_URL to share one cache."
        )
        if settings.RESPONSE_CACHE_ENABLED:
            warnings.append(
                "RESPONSE_CACHE is on with a cache in each process: a write seen by one worker leaves the "
                "others answering from their own cached GraphQL answers until they expire. Set REDIS_URL, "
                "or RESPONSE_CACHE=0, or serve with --workers 1."
            )
    warnings.extend(behind_balancer_warnings())
    return warnings


def behind_balancer_warnings() -> list[str]:
    """Proxy settings that several machines behind a load balancer need (warned, not refused: the
    balancer may reach the machines in ways these settings cannot see)."""
    machines = settings.WEB_MACHINES
    if machines <= 1:
        return []
    warnings = []
    if not settings.TRUSTED_PROXIES:
        warnings.append(
            f"WEB_MACHINES={machines} and TRUSTED_PROXIES is empty: behind a load balancer every request comes "
            "from its address, so throttles by address (logins, phone codes, registrations, anonymous checkouts) "
            "count every client as one. Set TRUSTED_PROXIES to the balancer's network (CIDR); X-Forwarded-For is "
            "then believed from it alone."
        )
    if urlsplit(settings.PUBLIC_URL).scheme == "https" and settings.SECURE_PROXY_SSL_HEADER is None:
        warnings.append(
            f"PUBLIC_URL is https and WEB_MACHINES={machines}, but TRUST_X_FORWARDED_PROTO is off: a balancer that "
            "ends TLS forwards plain HTTP, so requests do not count as secure (no HSTS; SECURE_SSL_REDIRECT "
            "would loop). Set TRUST_X_FORWARDED_PROTO=1 if the balancer sets X-Forwarded-Proto."
        )
    if (urlsplit(settings.PUBLIC_URL).hostname or "") in LOCAL_HOSTS:
        warnings.append(
            f"WEB_MACHINES={machines} and PUBLIC_URL is {settings.PUBLIC_URL}: unless the balancer answers there "
            "(one host, as docker compose runs it), set PUBLIC_URL to the balancer's public address, the same on "
            "every machine (links in messages, receipt QR codes and token issuers use it)."
        )
    if "*" in settings.ALLOWED_HOSTS:
        warnings.append(
            "ALLOWED_HOSTS is *: any Host header is accepted. List the public host names the balancer serves."
        )
    if not settings.CELERY_BROKER_URL:
        warnings.append(
            f"WEB_MACHINES={machines} without CELERY_BROKER_URL: each machine runs tasks inside its requests and "
            "no `meidu beat` can run the periodic jobs. Set CELERY_BROKER_URL and run one `meidu beat`."
        )
    return warnings


def assert_safe_to_serve() -> None:
    problems = serving_problems()
    if problems:
        raise UnsafeSettings("Refusing to serve:\n  - " + "\n  - ".join(problems))
