"""The /graphql/ endpoint: authenticate, parse, validate, check limits and inputs, execute, report cost.

Bodies are JSON, or multipart/form-data carrying files (see ``upload``). Malformed requests,
documents over a limit and arguments refused by ``inputs`` get HTTP 400 and nothing runs.
Execution errors are formatted Saleor-style: ``extensions.exception.code``. A database that
cannot be reached answers HTTP 503 with the code DATABASE_UNAVAILABLE (meidu.core.unavailable).

Queries may also come over GET, and by hash (automatic persisted queries: ``persisted``). An
anonymous query whose root fields are all in ``cacheable_roots`` is answered from the response
cache (``response_cache``) with an ETag and a public Cache-Control; every other answer is
``private, no-store``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, gettext, gettext_noop
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from graphql import (
    ExecutionResult,
    GraphQLError,
    OperationType,
    execute,
    get_named_type,
    is_introspection_type,
    parse,
    specified_rules,
    validate,
)
from graphql.language import SKIP
from graphql.validation import ValidationRule

from meidu.core.cache_versions import versions
from meidu.core.errors import DomainError, PermissionDenied
from meidu.core.graphql import response_cache
from meidu.core.graphql.auth import authenticate_request
from meidu.core.graphql.execution import FastExecutionContext
from meidu.core.graphql.inputs import input_refusals
from meidu.core.graphql.limits import alias_count, measure, mutation_count, pick_operation
from meidu.core.graphql.persisted import PersistedQueryError, document_hash, persisted_document, requested_hash
from meidu.core.graphql.response_cache import etag_matches
from meidu.core.graphql.scalars import refusal_error
from meidu.core.graphql.upload import operations_from_multipart
from meidu.core.replicas.graphql import operation_reads
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


def _json(body: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _private(response: HttpResponse) -> HttpResponse:
    """Nothing but a cacheable anonymous read may be kept by a browser, proxy or CDN."""
    response["Cache-Control"] = response_cache.PRIVATE_CACHE_CONTROL
    patch_vary_headers(response, response_cache.VARY)
    return response


def _json_param(params, name: str, kind: type, message: str):
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        raise ValueError(message) from None
    if value is not None and not isinstance(value, kind):
        raise ValueError(message)
    return value


def _operation_from_params(params) -> dict:
    """A GET's operation: ``query``, ``operationName``, and ``variables`` and ``extensions`` as JSON."""
    variables = _json_param(params, "variables", dict, gettext("`variables` must be a JSON object"))
    extensions = _json_param(params, "extensions", dict, gettext("`extensions` must be a JSON object"))
    if "query" not in params and extensions is None:
        raise ValueError(gettext("Provide a `query` string, or `extensions` naming a persisted query"))
    return {
        "query": params.get("query"),
        "variables": variables or {},
        "operation_name": params.get("operationName") or None,
        "extensions": extensions,
    }


@dataclass(frozen=True)
class _Refusal:
    status: int
    body: dict


@dataclass(frozen=True)
class _CachePlan:
    """Where a cacheable anonymous read's answer is kept, and the headers that say it may be cached."""

    sha: str
    key: str
    etag: str
    document_domains: tuple[str, ...]
    timeout: int

    def respond(self, response: HttpResponse) -> HttpResponse:
        response["ETag"] = self.etag
        response["Cache-Control"] = response_cache.public_cache_control()
        patch_vary_headers(response, response_cache.VARY)
        return response


_DOMAINS: dict[int, tuple[Any, tuple[str, ...] | None]] = {}


def _domains_of(document, operation, roots) -> tuple[str, ...] | None:
    """document_domains, worked out once per parsed document (parse_and_validate keeps them)."""
    known = _DOMAINS.get(id(operation))
    if known is not None and known[0] is operation:
        return known[1]
    domains = response_cache.document_domains(document, operation, roots)
    if len(_DOMAINS) >= 2000:
        _DOMAINS.clear()
    _DOMAINS[id(operation)] = (operation, domains)
    return domains


@method_decorator(csrf_exempt, name="dispatch")
class GraphQLView(View):
    schema: Any = None  # the graphene schema, given to as_view()
    # Root query fields whose answers may be cached for anonymous callers -> the data domains
    # they show (meidu.core.cache_versions); given to as_view() by meidu/urls.py.
    cacheable_roots: Mapping[str, tuple[str, ...]] = {}

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Exception as exc:
            if database_unavailable(exc):
                return unavailable_graphql_response(exc)
            raise

    def get(self, request):
        """Queries over GET (``query``, or ``extensions`` naming a persisted query, with ``variables``
        and ``operationName``): a CDN can cache them. A browser asking for HTML gets GraphiQL."""
        params = request.GET
        if "query" not in params and "extensions" not in params:
            if settings.GRAPHIQL_ENABLED and "text/html" in request.META.get("HTTP_ACCEPT", ""):
                response = render(request, "graphql/graphiql.html")
                response.csp_policy = "graphiql"  # type: ignore[attr-defined]  # its own Content-Security-Policy (meidu.core.csp)
                return response
        try:
            data = _operation_from_params(params)
        except ValueError as exc:
            return _private(JsonResponse({"errors": [_error(str(exc), "INVALID_REQUEST")]}, status=400))
        return self._serve(request, data, method="GET")

    def post(self, request):
        try:
            data = self._parse_body(request)
        except ValueError as exc:
            return _private(JsonResponse({"errors": [_error(str(exc), "INVALID_REQUEST")]}, status=400))
        return self._serve(request, data, method="POST")

    def _serve(self, request, data: dict, *, method: str):
        """Resolve a persisted query, authenticate, then answer from the response cache or execute."""
        try:
            sha = requested_hash(data["extensions"])
            if sha is not None:
                data["query"] = persisted_document(sha, data["query"])
        except PersistedQueryError as exc:
            return _private(JsonResponse({"errors": [exc.as_error()]}, status=exc.status))
        if not isinstance(data["query"], str):
            return _private(
                JsonResponse({"errors": [_error(gettext("Provide a `query` string"), "INVALID_REQUEST")]}, status=400)
            )
        try:
            authenticate_request(request)
        except DomainError as exc:
            return _private(JsonResponse({"errors": [_error(exc.message, exc.code.upper())]}, status=401))
        prepared = self.prepare_operation(data)
        if isinstance(prepared, _Refusal):
            return _private(_json(prepared.body, prepared.status))
        document, operation = prepared
        if method == "GET" and operation.operation is not OperationType.QUERY:
            message = gettext("Mutations and subscriptions must be sent with POST")
            return _private(_json({"errors": [_error(message, "MUTATION_OVER_GET")]}, 405))
        plan = self._cache_plan(request, document, operation, data, sha)
        if plan is not None:
            if etag_matches(request.META.get("HTTP_IF_NONE_MATCH", ""), plan.etag):
                # The tag names the versions of the data shown: whoever holds it holds this answer.
                return plan.respond(HttpResponseNotModified())
            entry = response_cache.entry_get(plan.key)
            if entry is not None:
                hit = HttpResponse(entry.body, content_type="application/json")
                if entry.headers is None:  # kept by the view alone: the WSGI layer adds the final headers
                    hit.meidu_cache_entry = (plan.key, plan.timeout)  # type: ignore[attr-defined]
                return plan.respond(hit)
        # An answer that fills the shared cache is read from the primary: a replica up to
        # REPLICA_MAX_LAG_SECONDS behind could show data older than the versions in its key, and the
        # cache would keep that until the entry expires.
        status, body = self.execute_prepared(request, document, operation, data, replica_reads=plan is None)
        response = _json(body, status)
        if plan is None or status != 200 or "errors" in body:
            return _private(response)
        response_cache.entry_set(plan.key, response_cache.Entry(response.content), plan.timeout)
        response_cache.remember_domains(plan.sha, data["operation_name"], plan.document_domains)
        # The WSGI layer (fast_path) stores the answer again with the headers the middleware adds.
        response.meidu_cache_entry = (plan.key, plan.timeout)  # type: ignore[attr-defined]
        return plan.respond(response)

    def _cache_plan(self, request, document, operation, data, sha) -> _CachePlan | None:
        if not settings.RESPONSE_CACHE_ENABLED or request.app is not None or request.user.is_authenticated:
            return None
        domains = _domains_of(document, operation, self.cacheable_roots)
        if domains is None:
            return None
        try:
            variables_json = response_cache.canonical_variables(data["variables"])
        except TypeError:  # files of a multipart request: nothing to key on
            return None
        sha = sha or document_hash(data["query"])
        names = response_cache.request_domains(domains, data["variables"])
        key = response_cache.entry_key(
            sha,
            data["operation_name"],
            variables_json,
            get_language(),
            f"{request.scheme}://{request.get_host()}",
            versions(names),
        )
        return _CachePlan(
            sha=sha,
            key=key,
            etag=response_cache.etag_of(key),
            document_domains=domains,
            timeout=response_cache.entry_timeout(names),
        )

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
        if not isinstance(data, dict):
            raise ValueError("Provide a `query` string")
        extensions = data.get("extensions")
        if not isinstance(data.get("query"), str) and not (
            isinstance(extensions, dict) and "persistedQuery" in extensions
        ):
            raise ValueError("Provide a `query` string")
        variables = data.get("variables") or {}
        if not isinstance(variables, dict):
            raise ValueError("`variables` must be an object")
        return {
            "query": data.get("query"),
            "variables": variables,
            "operation_name": data.get("operationName"),
            "extensions": extensions,
        }

    def prepare_operation(self, data):
        """The parsed document and its operation, or the refusal of them."""
        schema = self.schema.graphql_schema
        try:
            document, errors = parse_and_validate(schema, data["query"])
        except GraphQLError as exc:
            return _Refusal(400, {"errors": [format_error(exc)]})
        if errors:
            return _Refusal(400, {"errors": [format_error(e) for e in errors]})
        operation = pick_operation(document, data["operation_name"])
        if operation is None:
            return _Refusal(400, {"errors": [_error("Select one operation with operationName", "GRAPHQL_ERROR")]})
        return document, operation

    def execute_prepared(self, request, document, operation, data, *, replica_reads: bool = True) -> tuple[int, dict]:
        schema = self.schema.graphql_schema
        measured = measure(document, operation, data["variables"], settings.GRAPHQL_MAX_COST)
        cost = measured.cost
        extensions = {"cost": {"requestedQueryCost": cost, "maximumAvailable": settings.GRAPHQL_MAX_COST}}
        refusal = _limit_refusal(document, operation, measured)
        if refusal:
            return 400, {"errors": [refusal], "extensions": extensions}
        refusals = input_refusals(schema, document, operation, data["variables"])
        if refusals:
            return 400, {"errors": [format_error(e) for e in refusals], "extensions": extensions}
        if replica_reads or operation.operation is not OperationType.QUERY:
            operation_reads(operation)  # read replicas (meidu.core.replicas): a query may read them, a mutation pins
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
