"""Prefetch-based batching: a list field costs a fixed number of SQL queries, whatever its length.

graphene 3 resolves synchronously, so instead of promise dataloaders each object type
declares ``batched_fields`` (GraphQL field name -> Django prefetch lookup) and optionally
``batched_selects`` (field name -> foreign key joined into the page query). Once a page
of objects is fetched, ``batch_prefetch`` prefetches exactly the relations the query
selected, one query per relation for the whole page; resolvers then read the prefetch
cache (``obj.relation.all()``) without touching the database.
"""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects

from meidu.core.graphql.selection import selected_fields


def batch_select(queryset, info, node_type, path: tuple[str, ...] = ()):
    """Join the selected foreign keys listed in ``batched_selects`` into the page query itself."""
    spec = getattr(node_type, "batched_selects", None) or {}
    if not spec:
        return queryset
    wanted = selected_fields(info, path)
    related = [lookup for field_name, lookup in spec.items() if field_name in wanted]
    return queryset.select_related(*related) if related else queryset


class Narrowed:
    """A ``batched_fields`` entry for a relation whose rows may be loaded with only the columns the
    selected fields read: ``Narrowed("shop", Shop, {"name": ("name",), "id": ()})``. A listing shows a
    shop's or a category's name and slug; loading its 20 other columns (texts, timestamps to decode)
    for each of them was part of every page's cost. A selected field missing from ``field_columns``
    loads every column, so a field added later never finds its column deferred (one query per row)."""

    def __init__(self, relation: str, model, field_columns: dict[str, tuple[str, ...]]):
        self.relation = relation
        self.model = model
        self.field_columns = field_columns

    def lookup(self, wanted: set[str]):
        if not wanted.issubset(self.field_columns):
            return self.relation
        columns = {column for field in wanted for column in self.field_columns[field]}
        # The manager Django's own prefetch of a foreign key reads (_base_manager), narrowed.
        queryset = self.model._base_manager.only(self.model._meta.pk.name, *sorted(columns))
        return Prefetch(self.relation, queryset=queryset)


def batch_prefetch(objects: list, info, node_type, path: tuple[str, ...] = ()) -> list:
    spec = getattr(node_type, "batched_fields", None) or {}
    if not objects or not spec:
        return objects
    wanted = selected_fields(info, path)
    lookups: list = []
    for field_name, lookup in spec.items():
        if field_name in wanted:
            if isinstance(lookup, Narrowed):
                lookup = lookup.lookup(selected_fields(info, (*path, field_name)))
            lookups.extend(lookup if isinstance(lookup, (list, tuple)) else [lookup])
    lookups = [lookup for lookup in lookups if not _held(objects, lookup)]
    if lookups:
        prefetch_related_objects(objects, *lookups)
    return objects


def _held(objects: list, lookup) -> bool:
    """Whether every object already holds a one-level ``Prefetch(..., to_attr=...)`` (the page query
    selected it under that name, e.g. the channel listing joined into a products page). Django would
    skip the query too, but only after building a related manager per object to walk the relation
    (about 1.5 ms for a page of 100 products, benchmarks/RESULTS.md)."""
    if not isinstance(lookup, Prefetch) or not lookup.to_attr or "__" in lookup.prefetch_through:
        return False
    to_attr = lookup.to_attr
    return all(to_attr in obj.__dict__ for obj in objects)
