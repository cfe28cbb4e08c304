"""Reading the codes the console SMS backend "sent" (the demo outbox), for tests of every door."""

from __future__ import annotations

import re

import pytest

from meidu.accounts.models import SmsOutboxMessage
from meidu.accounts.services.phone_codes import phone_code_request


def latest_code(phone: str) -> str:
    """The six digits of the newest text kept for ``phone`` (E.164)."""
    body = SmsOutboxMessage.objects.filter(phone=phone).order_by("-created_at", "-id").values_list("body", flat=True)
    match = re.search(r"\d{6}", body.first() or "")
    assert match, f"no code texted to {phone}"
    return match.group()


def code_for(phone, purpose, *, user=None, ip_address: str | None = None) -> str:
    """Ask for a code through the service and read it from the outbox."""
    sent = phone_code_request(phone, purpose, user=user, ip_address=ip_address)
    return latest_code(sent.phone)


def withdrawal_code(user) -> str:
    """A fresh withdrawal code for ``user``'s own phone (as the terminal's "Text me a code" button)."""
    return code_for(None, "withdrawal", user=user)


@pytest.fixture
def codes_unthrottled(settings):
    """Tests that ask for many codes to one phone: no cool-down and no hourly limit."""
    settings.PHONE_CODE_COOLDOWN_SECONDS = 0
    settings.PHONE_CODE_SENDS_PER_PHONE_PER_HOUR = 0
    settings.PHONE_CODE_SENDS_PER_ADDRESS_PER_HOUR = 0
    return settings
