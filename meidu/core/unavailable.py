"""Answers for when the database cannot be reached: a 503 the client can act on, never a 500 page.

Any view or middleware that hits the database raises OperationalError (or InterfaceError for a
connection that died) when PostgreSQL is down, restarting or out of connections. The GraphQL view
answers a GraphQL error with the code DATABASE_UNAVAILABLE; every other page gets a short "try
again" page in Chinese and English, rendered without the request (no session, no user, no
context processor: nothing that would need the database).
"""

from __future__ import annotations

import logging
from typing import TypeVar

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger("meidu.unavailable")

R = TypeVar("R", bound=HttpResponse)
RETRY_AFTER_SECONDS = 30
CODE = "DATABASE_UNAVAILABLE"


def database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError))


def _no_store(response: R) -> R:
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def unavailable_graphql_response(exc: BaseException) -> JsonResponse:
    logger.error("GraphQL request refused, the database is unavailable: %s", exc)
    message = _("The service is briefly unavailable: please try again in a moment.")
    body = {"errors": [{"message": message, "extensions": {"exception": {"code": CODE}}}]}
    return _no_store(JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False}))


def unavailable_page_response(exc: BaseException) -> HttpResponse:
    logger.error("Page refused, the database is unavailable: %s", exc)
    return _no_store(HttpResponse(render_to_string("errors/unavailable.html"), status=503))
