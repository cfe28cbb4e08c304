"""``report_reads``: a staff report or export view reads its history from a replica.

Reports read many rows that nobody decides anything on in the same breath (a shop's order history,
the complaints queue), which is what a replica is for. Only the tables of the report scope
(REPLICA_READ_MODELS) go there; a report that also shows money or stock reads those from the primary.
Only safe-method requests: a report's form that writes stays on the primary.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from meidu.core.replicas.context import Scope, scoped

SAFE_METHODS = frozenset({"GET", "HEAD"})


def report_reads(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            return view(request, *args, **kwargs)
        with scoped(Scope.REPORT):
            return view(request, *args, **kwargs)

    return wrapped
