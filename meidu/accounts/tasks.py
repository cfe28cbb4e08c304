"""Thin Celery tasks over meidu.accounts."""

from celery import shared_task

from meidu.accounts.services.phone_codes import phone_codes_purge
from meidu.accounts.throttle import throttle_counters_purge


@shared_task(ignore_result=True)
def throttle_counters_purge_expired() -> int:
    """Beat: drop login-failure counters whose window has passed."""
    return throttle_counters_purge()


@shared_task(ignore_result=True)
def phone_codes_purge_expired() -> int:
    """Beat: forget phone codes a day past their expiry and old demo texts."""
    return phone_codes_purge()
