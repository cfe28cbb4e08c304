"""The database router: a replica for a read only when the request's read state allows it.

Django asks ``db_for_read`` for every queryset (and prefetch, and related manager) and ``db_for_write``
for every save, update, delete, ``select_for_update`` and ``get_or_create``. Reads answer the primary
(``"default"``, said explicitly: with no answer Django would follow a related object to the replica it
came from) unless all of these hold:

* the request opened a read scope (``context``): a GraphQL query, a safe-method storefront page, a report;
* the model is listed for that scope in REPLICA_READ_MODELS (a report's scope includes the storefront's),
  and never in REPLICA_NEVER_MODELS (checked when the router is built, so a setting cannot open the
  ledger to a replica);
* no transaction is open on the primary, and the request has not written (a write marks the state);
* the reader is not in their read-your-writes window (``pinning``, asked once per request);
* a replica is usable (``health``, chosen once per request so that one request reads one snapshot).
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

from meidu.core.replicas.context import Scope, current
from meidu.core.replicas.health import replica_aliases, replica_choose
from meidu.core.replicas.pinning import reader_pinned
from meidu.runtime.database import REPLICA_ALIAS_PREFIX


def _matches(names: frozenset[str], app_label: str, model_name: str) -> bool:
    return app_label in names or f"{app_label}.{model_name}" in names


@cache
def allowed_models() -> dict[Scope, frozenset[str]]:
    """REPLICA_READ_MODELS by scope (a report may read what the storefront may), refusing any entry that
    REPLICA_NEVER_MODELS names or contains."""
    never = frozenset(name.lower() for name in settings.REPLICA_NEVER_MODELS)
    storefront = frozenset(name.lower() for name in settings.REPLICA_READ_MODELS.get(Scope.STOREFRONT.value, ()))
    report = storefront | frozenset(name.lower() for name in settings.REPLICA_READ_MODELS.get(Scope.REPORT.value, ()))
    for name in report:
        app_label = name.partition(".")[0]
        if name in never or app_label in never or any(other.startswith(f"{name}.") for other in never):
            raise ImproperlyConfigured(
                f"REPLICA_READ_MODELS lists {name!r}, which REPLICA_NEVER_MODELS keeps on the primary"
            )
    return {Scope.STOREFRONT: storefront, Scope.REPORT: report}


def model_may_use_replica(model, scope: Scope) -> bool:
    meta = model._meta
    return _matches(allowed_models()[scope], meta.app_label, meta.model_name)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        state = current()
        if state is None or state.scope is None or state.wrote or state.replicas_off:
            return DEFAULT_DB_ALIAS
        if not model_may_use_replica(model, state.scope):
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        if state.pinned is None:
            state.pinned = reader_pinned(state.request)
        if state.pinned:
            return DEFAULT_DB_ALIAS
        if state.alias is None:
            state.alias = replica_choose() or DEFAULT_DB_ALIAS
        return state.alias

    def db_for_write(self, model, **hints) -> str:
        state = current()
        if state is not None:
            state.note_write()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        """Objects read from a replica and from the primary are rows of the same database."""
        ours = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in ours and obj2._state.db in ours:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        """Replicas replay the primary's migrations; nothing is ever migrated on them directly."""
        if db.startswith(REPLICA_ALIAS_PREFIX):
            return False
        return None
