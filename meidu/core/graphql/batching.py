"""Prefetch-based batching: a list field costs a fixed number of SQL queries, whatever its length.

graphene 3 resolves synchronously, so instead of promise dataloaders each object type
declares ``batched_fields`` (GraphQL field name -> Django prefetch lookup) and optionally
``batched_selects`` (field name -> foreign key joined into the page query). Once a page
of objects is fetched, ``batch_prefetch`` prefetches exactly the relations the query
selected, one query per relation for the whole page; resolvers then read the prefetch
cache (``obj.relation.all()``) without touching the database.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from meidu.core.graphql.selection import selected_fields


def batch_select(queryset, info, node_type, path: tuple[str, ...] = ()):
    """Join the selected foreign keys listed in ``batched_selects`` into the page query itself."""
    spec = getattr(node_type, "batched_selects", None) or {}
    if not spec:
        return queryset
    wanted = selected_fields(info, path)
    related = [lookup for field_name, lookup in spec.items() if field_name in wanted]
    return queryset.select_related(*related) if related else queryset


def batch_prefetch(objects: list, info, node_type, path: tuple[str, ...] = ()) -> list:
    spec = getattr(node_type, "batched_fields", None) or {}
    if not objects or not spec:
        return objects
    wanted = selected_fields(info, path)
    lookups: list = []
    for field_name, lookup in spec.items():
        if field_name in wanted:
            lookups.extend(lookup if isinstance(lookup, (list, tuple)) else [lookup])
    if lookups:
        prefetch_related_objects(objects, *lookups)
    return objects
