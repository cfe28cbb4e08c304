"""Refuse to serve with settings that are only fit for a demo."""

from __future__ import annotations

from pathlib import Path

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
    problems.extend(payment_gateway_problems())
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
    """Settings that work but behave differently with several worker processes."""
    backend = settings.CACHES["default"]["BACKEND"]
    warnings: list[str] = []
    if workers > 1 and backend.startswith(PROCESS_LOCAL_CACHES):
        warnings.append(
            f"the cache is in each process ({backend.rsplit('.', 1)[-1]}) and {workers} workers run: "
            "webhook subscription changes reach the other workers up to 30 s late and pickup-code lockouts "
            "count per worker (login throttling is kept in the database). Set REDIS_URL to share one cache."
        )
        if settings.RESPONSE_CACHE_ENABLED:
            warnings.append(
                "RESPONSE_CACHE is on with a cache in each process: a write seen by one worker leaves the "
                "others answering from their own cached GraphQL answers until they expire. Set REDIS_URL, "
                "or RESPONSE_CACHE=0, or serve with --workers 1."
            )
    return warnings


def assert_safe_to_serve() -> None:
    problems = serving_problems()
    if problems:
        raise UnsafeSettings("Refusing to serve:\n  - " + "\n  - ".join(problems))
