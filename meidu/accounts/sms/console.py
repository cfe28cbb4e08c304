"""The demo's SMS backend: sends nothing; the service keeps the text (SmsOutboxMessage) so the
demo page can show the code. Refused in production by `meidu check` (meidu.runtime.safety)."""

from __future__ import annotations

import logging
import secrets

from django.utils.translation import gettext as _

from meidu.accounts.sms.base import SmsSent

log = logging.getLogger("meidu.sms")


class ConsoleSms:
    name = "console"
    keeps_outbox = True

    def send_code(self, phone: str, code: str) -> SmsSent:
        body = _("[Meidu Market] Your verification code is %(code)s. It is valid for 5 minutes.") % {"code": code}
        log.info("console SMS to %s****%s (demo only, nothing sent)", phone[:6], phone[-4:])
        return SmsSent(provider=self.name, provider_id=secrets.token_hex(8), body=body)
