"""Open each request's read state; pin a writer to the primary; retry a page whose replica failed.

Safe-method requests (GET, HEAD) under REPLICA_PAGE_PREFIXES, and not under
REPLICA_PRIMARY_PAGE_PREFIXES, read the storefront's tables from a replica. Every other request starts
with no scope (the GraphQL view and report views may give one). After a request that wrote (a write the
router saw, a page sent with POST, a GraphQL mutation; not a GraphQL query sent with POST) the sender is
pinned to the primary (``pinning``). A safe-method page or a GraphQL query that failed with the database
unavailable while it read a replica, and wrote nothing, is answered again from the primary: a replica
going away, or one whose statement ran past DB_REPLICA_STATEMENT_TIMEOUT (``timeouts``), costs no error page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpRequest, HttpResponse

from meidu.core.replicas.context import ReadState, Scope, read_state
from meidu.core.replicas.health import replica_aliases, replica_health
from meidu.core.replicas.pinning import writer_pin
from meidu.core.replicas.timeouts import watch_replicas

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
GRAPHQL_URL_NAME = "graphql"  # meidu/urls.py
UNAVAILABLE = 503  # meidu.core.unavailable's answer to OperationalError / InterfaceError


def page_scope(request: HttpRequest) -> Scope | None:
    if request.method not in SAFE_METHODS:
        return None
    path = request.path_info
    if any(path.startswith(prefix) for prefix in settings.REPLICA_PRIMARY_PAGE_PREFIXES):
        return None
    if any(path.startswith(prefix) for prefix in settings.REPLICA_PAGE_PREFIXES):
        return Scope.STOREFRONT
    return None


def _graphql_endpoint(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == GRAPHQL_URL_NAME


class ReplicaReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_aliases():
            return self.get_response(request)
        with read_state(page_scope(request), request) as state, watch_replicas(state):
            response = self.get_response(request)
            if self._replica_failed(request, response, state):
                state.replicas_off = True
                response = self.get_response(request)
        # A form sent with POST writes (even by raw SQL the router does not see); the GraphQL endpoint
        # says itself which operations write (meidu.core.replicas.graphql).
        form_post = request.method not in SAFE_METHODS and not _graphql_endpoint(request)
        if state.wrote or form_post:
            writer_pin(request, response)
        return response

    @staticmethod
    def _replica_failed(request: HttpRequest, response: HttpResponse, state: ReadState) -> bool:
        """A read-only request (a safe method, or a GraphQL query) that read a replica, wrote nothing and was
        answered 503, with the replica now found unreachable or after one of its statements ran past its
        timeout (either way kept aside for REPLICA_RETRY_SECONDS): it is answered again from the primary."""
        if response.status_code != UNAVAILABLE or state.wrote:
            return False
        if request.method not in SAFE_METHODS and not state.query_operation:
            return False
        if state.alias is None or state.alias == DEFAULT_DB_ALIAS:
            return False
        return state.replica_timed_out or not replica_health(state.alias, fresh=True).reachable
