"""The /graphql/ endpoint: authenticate, parse, validate, check limits and inputs, execute, report cost.

Bodies are JSON, or multipart/form-data carrying files (see ``upload``). Malformed requests,
documents over a limit and arguments refused by ``inputs`` get HTTP 400 and nothing runs.
Execution errors are formatted Saleor-style: ``extensions.exception.code``. A database that
cannot be reached answers HTTP 503 with the code DATABASE_UNAVAILABLE (meidu.core.unavailable).
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, gettext_noop
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from graphql import (
    ExecutionResult,
    GraphQLError,
    execute,
    get_named_type,
    is_introspection_type,
    parse,
    specified_rules,
    validate,
)
from graphql.language import SKIP
from graphql.validation import ValidationRule

from meidu.core.errors import DomainError, PermissionDenied
from meidu.core.graphql.auth import authenticate_request
from meidu.core.graphql.execution import FastExecutionContext
from meidu.core.graphql.inputs import input_refusals
from meidu.core.graphql.limits import alias_count, measure, mutation_count, pick_operation
from meidu.core.graphql.scalars import refusal_error
from meidu.core.graphql.upload import operations_from_multipart
from meidu.core.unavailable import database_unavailable, unavailable_graphql_response
from meidu.core.validation import lazy_message

logger = logging.getLogger("meidu.graphql")


CACHED_DOCUMENT_MAX_LENGTH = 20_000


class NoIntrospectionRule(ValidationRule):
    """``__schema`` and ``__type`` (not ``__typename``) are refused with code INTROSPECTION_DISABLED."""

    def enter_field(self, node, *_args):
        type_ = get_named_type(self.context.get_type())
        if type_ and is_introspection_type(type_):
            message = lazy_message(gettext_noop("Introspection is disabled on this server."))
            self.report_error(refusal_error(message, nodes=node, code="introspection_disabled"))
            return SKIP  # one refusal, not one more for each field inside


def _parse_and_validate(schema, query: str, introspection: bool):
    document = parse(query)
    rules = specified_rules if introspection else (*specified_rules, NoIntrospectionRule)
    return document, tuple(validate(schema, document, rules, hide_suggestions=not introspection))


_parse_and_validate_cached = lru_cache(maxsize=1000)(_parse_and_validate)


def parse_and_validate(schema, query: str):
    """Storefronts send the same few documents again and again: parse and validate each once
    (execution does not mutate documents; a syntax error is raised again on each call).
    Only documents of ordinary size are cached, so the cache's memory stays bounded.
    With GRAPHQL_INTROSPECTION off, ``__schema`` and ``__type`` are refused, and no error suggests
    a name ("Did you mean 'products'?" tells a prober what introspection would have)."""
    introspection = settings.GRAPHQL_INTROSPECTION
    if len(query) > CACHED_DOCUMENT_MAX_LENGTH:
        return _parse_and_validate(schema, query, introspection)
    return _parse_and_validate_cached(schema, query, introspection)


def _error(message: str, code: str) -> dict:
    return {"message": message, "extensions": {"exception": {"code": code}}}


def format_error(error: GraphQLError) -> dict:
    formatted: dict = dict(error.formatted)
    original = error.original_error
    inner = original
    while isinstance(inner, GraphQLError) and inner.original_error is not None:
        inner = inner.original_error
    if isinstance(inner, DomainError):  # a scalar's refusal, wrapped by the coercion of a variable
        original = inner
    if isinstance(original, PermissionDenied):
        code = "PermissionDenied"
        formatted["extensions"] = {"exception": {"code": code, "permissions": original.permissions}}
    elif isinstance(original, DomainError):
        # str() renders a refusal made lazily (scalars, input checks) in the reader's language.
        formatted["message"] = str(original.message)
        formatted["extensions"] = {"exception": {"code": original.code.upper(), "field": original.field}}
    elif original is not None and not isinstance(original, GraphQLError):
        logger.exception("Unhandled error in a resolver", exc_info=original)
        formatted["message"] = str(original) if settings.DEBUG else "Internal Server Error"
        formatted["extensions"] = {
            "exception": {"code": type(original).__name__ if settings.DEBUG else "INTERNAL_ERROR"}
        }
    else:
        formatted.setdefault("extensions", {}).setdefault("exception", {"code": "GraphQLError"})
    return formatted


def _limit_refusal(document, operation, measured) -> dict | None:
    """The first document limit ``operation`` passes, as an error in the reader's language."""
    if measured.over_cost:
        return _error(
            gettext("The query exceeds the maximum cost of %(limit)d.") % {"limit": settings.GRAPHQL_MAX_COST},
            "QUERY_COST_EXCEEDED",
        )
    if measured.depth > settings.GRAPHQL_MAX_DEPTH:
        return _error(
            gettext("The query may not nest fields more than %(limit)d deep.") % {"limit": settings.GRAPHQL_MAX_DEPTH},
            "QUERY_TOO_DEEP",
        )
    if alias_count(document) > settings.GRAPHQL_MAX_ALIASES:
        return _error(
            gettext("The query may not use more than %(limit)d aliases.") % {"limit": settings.GRAPHQL_MAX_ALIASES},
            "TOO_MANY_ALIASES",
        )
    if mutation_count(document, operation) > settings.GRAPHQL_MAX_MUTATIONS:
        return _error(
            gettext("A document may hold at most %(limit)d mutations.") % {"limit": settings.GRAPHQL_MAX_MUTATIONS},
            "TOO_MANY_MUTATIONS",
        )
    return None


@method_decorator(csrf_exempt, name="dispatch")
class GraphQLView(View):
    schema: Any = None  # the graphene schema, given to as_view()

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Exception as exc:
            if database_unavailable(exc):
                return unavailable_graphql_response(exc)
            raise

    def get(self, request):
        if settings.GRAPHIQL_ENABLED and "text/html" in request.META.get("HTTP_ACCEPT", ""):
            response = render(request, "graphql/graphiql.html")
            response.csp_policy = "graphiql"  # type: ignore[attr-defined]  # its own Content-Security-Policy (meidu.core.csp)
            return response
        return JsonResponse({"errors": [_error("Send queries with POST", "METHOD_NOT_ALLOWED")]}, status=405)

    def post(self, request):
        try:
            data = self._parse_body(request)
        except ValueError as exc:
            return JsonResponse({"errors": [_error(str(exc), "INVALID_REQUEST")]}, status=400)
        try:
            authenticate_request(request)
        except DomainError as exc:
            return JsonResponse({"errors": [_error(exc.message, exc.code.upper())]}, status=401)
        status, body = self.execute_operation(request, data)
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})

    def _parse_body(self, request) -> dict:
        content_type = request.content_type or ""
        if content_type == "application/json":
            try:
                data = json.loads(request.body or b"{}")
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise ValueError("The request body is not valid JSON") from None
        elif content_type == "multipart/form-data":
            data = operations_from_multipart(request)
        else:
            raise ValueError("Send application/json, or multipart/form-data with files")
        if isinstance(data, list):
            raise ValueError("Batched operations are not supported: send one operation per request")
        if not isinstance(data, dict) or not isinstance(data.get("query"), str):
            raise ValueError("Provide a `query` string")
        variables = data.get("variables") or {}
        if not isinstance(variables, dict):
            raise ValueError("`variables` must be an object")
        return {"query": data["query"], "variables": variables, "operation_name": data.get("operationName")}

    def execute_operation(self, request, data) -> tuple[int, dict]:
        schema = self.schema.graphql_schema
        try:
            document, errors = parse_and_validate(schema, data["query"])
        except GraphQLError as exc:
            return 400, {"errors": [format_error(exc)]}
        if errors:
            return 400, {"errors": [format_error(e) for e in errors]}
        operation = pick_operation(document, data["operation_name"])
        if operation is None:
            return 400, {"errors": [_error("Select one operation with operationName", "GRAPHQL_ERROR")]}
        measured = measure(document, operation, data["variables"], settings.GRAPHQL_MAX_COST)
        cost = measured.cost
        extensions = {"cost": {"requestedQueryCost": cost, "maximumAvailable": settings.GRAPHQL_MAX_COST}}
        refusal = _limit_refusal(document, operation, measured)
        if refusal:
            return 400, {"errors": [refusal], "extensions": extensions}
        refusals = input_refusals(schema, document, operation, data["variables"])
        if refusals:
            return 400, {"errors": [format_error(e) for e in refusals], "extensions": extensions}
        result = execute(  # synchronous: no resolver returns an awaitable
            schema,
            document,
            context_value=request,
            variable_values=data["variables"],
            operation_name=data["operation_name"],
            hide_suggestions=not settings.GRAPHQL_INTROSPECTION,
            execution_context_class=FastExecutionContext,
        )
        assert isinstance(result, ExecutionResult)
        unavailable = next(
            (e.original_error for e in result.errors or () if database_unavailable(e.original_error)), None
        )
        if unavailable is not None:
            raise unavailable  # answered by dispatch: 503, not data with an internal error
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [format_error(e) for e in result.errors]
        body["extensions"] = extensions
        return 200, body

    def http_method_not_allowed(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["GET", "POST"])
