"""Small query helpers shared by the apps."""

from __future__ import annotations


def one_or_none(queryset):
    """The single row a filter on a unique key finds, or None, without an ORDER BY: `first()` orders by
    the model's ordering or pk, and Django builds a reference per selected column for that, which costs
    milliseconds on a wide select_related (a checkout's lock query has about 80 columns)."""
    return next(iter(queryset.order_by()[:1]), None)


def generic_plans_for_transaction(using: str = "default") -> None:
    """Prepared statements of this transaction run on their generic plan. A hot path's statements
    look rows up by key, so their best plan does not depend on the values, but PostgreSQL's default
    (`plan_cache_mode = auto`) may keep planning a wide join anew at every execution: the checkout's
    lines query (seven joins and two subqueries) spent 1.9 ms of PostgreSQL's time per completion
    planning and 0.2 ms running. Only for statements known to be of that kind."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
