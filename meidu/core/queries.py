"""Small query helpers shared by the apps."""

from __future__ import annotations


def one_or_none(queryset):
    """The single row a filter on a unique key finds, or None, without an ORDER BY: `first()` orders by
    the model's ordering or pk, and Django builds a reference per selected column for that, which costs
    milliseconds on a wide select_related (a checkout's lock query has about 80 columns)."""
    return next(iter(queryset.order_by()[:1]), None)
