"""Idempotency keys for writes a client may retry (mutations, postings, payments).

``idempotent_call`` runs ``perform`` once per (scope, actor, key) and stores its JSON
answer in the same transaction. A concurrent retry waits on the unique index until
the first commits and then returns the stored answer; a key reused with a different
request is refused; a failed first call leaves no record, so a retry acts afresh.
"""

from __future__ import annotations

import hashlib
import json
from typing import Callable, cast

from django.db import transaction
from django.utils.translation import gettext as _

from meidu.core.error_codes import CoreErrorCode
from meidu.core.errors import DomainError
from meidu.core.idempotency.models import IdempotencyRecord

MAX_KEY_LENGTH = 255


def request_fingerprint(request) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def idempotent_call(*, scope: str, actor_key: str, key: str, request, perform: Callable[[], dict]) -> dict:
    if not key or len(key) > MAX_KEY_LENGTH:
        raise DomainError(
            _("An idempotency key is 1 to %(max)s characters") % {"max": MAX_KEY_LENGTH},
            CoreErrorCode.INVALID,
            field="idempotencyKey",
        )
    fingerprint = request_fingerprint(request)
    with transaction.atomic():
        record, created = IdempotencyRecord.objects.get_or_create(
            scope=scope, actor_key=actor_key, key=key, defaults={"request_hash": fingerprint}
        )
        if not created:
            if record.request_hash != fingerprint:
                raise DomainError(
                    _("This idempotency key was already used for a different request"),
                    CoreErrorCode.IDEMPOTENCY_KEY_REUSED,
                    field="idempotencyKey",
                )
            return cast(dict, record.response)  # set before the first caller's commit let us see the row
        response = perform()
        record.response = response
        record.save(update_fields=["response"])
        return response
