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
from meidu.core.sql.compiled import CompiledQuery


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
        self._compiled: dict[tuple[str, ...], CompiledQuery] = {}

    def _columns(self, wanted: set[str]) -> tuple[str, ...] | None:
        if not wanted.issubset(self.field_columns):
            return None
        return (self.model._meta.pk.name, *sorted({column for field in wanted for column in self.field_columns[field]}))

    def lookup(self, wanted: set[str]):
        columns = self._columns(wanted)
        if columns is None:
            return self.relation
        # The manager Django's own prefetch of a foreign key reads (_base_manager), narrowed.
        return Prefetch(self.relation, queryset=self.model._base_manager.only(*columns))

    def fetch(self, objects: list, wanted: set[str]) -> bool:
        """What ``prefetch_related_objects(objects, self.lookup(wanted))`` does for a foreign key, with
        the query compiled once per process and row count (meidu.core.sql.compiled): one statement,
        the related rows with the same columns, each object's cache of the relation set to its row
        (None when it has none). Django's prefetch machinery cost ~1.5 ms of Python per relation for
        a 100-product page (benchmarks/RESULTS.md). False, and nothing done, where that would not be
        the same: not a plain foreign key, a column not narrowed, a relation some object holds already."""
        columns = self._columns(wanted)
        if columns is None or not objects:
            return False
        field = type(objects[0])._meta.get_field(self.relation)
        if (
            not field.many_to_one
            or field.related_model is not self.model
            or field.target_field is not self.model._meta.pk
        ):
            return False
        cache_name, attname = field.cache_name, field.attname
        if any(cache_name in obj._state.fields_cache or attname not in obj.__dict__ for obj in objects):
            return False
        compiled = self._compiled.get(columns)
        if compiled is None:
            manager = self.model._base_manager
            compiled = self._compiled[columns] = CompiledQuery(
                lambda pks: manager.only(*columns).filter(pk__in=pks).order_by(), pks=[int]
            )
        keys = [obj.__dict__[attname] for obj in objects]
        by_pk = {row.pk: row for row in compiled(pks=[key for key in keys if key is not None])}
        for obj, key in zip(objects, keys, strict=True):
            obj._state.fields_cache[cache_name] = by_pk.get(key)
        return True


def batch_prefetch(objects: list, info, node_type, path: tuple[str, ...] = ()) -> list:
    spec = getattr(node_type, "batched_fields", None) or {}
    if not objects or not spec:
        return objects
    wanted = selected_fields(info, path)
    lookups: list = []
    for field_name, lookup in spec.items():
        if field_name in wanted:
            if isinstance(lookup, Narrowed):
                fields = selected_fields(info, (*path, field_name))
                if lookup.fetch(objects, fields):
                    continue
                lookup = lookup.lookup(fields)
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
