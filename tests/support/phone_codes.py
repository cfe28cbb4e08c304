"""Reading the codes the console SMS backend "sent" (the demo outbox), for tests of every door."""

from __future__ import annotations

import re

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
