"""Relay connections with keyset cursors (stable under inserts), capped at 100 per page.

A cursor is base64 of a JSON list: the values of the sort fields and the pk of the
edge's node. The next page is ``(f1 > v1) OR (f1 = v1 AND f2 > v2) ...`` (``<`` for
descending fields), and one row more than asked is read to know whether more exist.
Sort fields must be non-null columns.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import graphene
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_noop
from graphql import GraphQLError

from meidu.core.error_codes import CoreErrorCode
from meidu.core.errors import DomainError
from meidu.core.graphql.batching import batch_prefetch, batch_select
from meidu.core.graphql.selection import selected_fields
from meidu.core.validation import lazy_message, text_refusal


class CountableConnection(graphene.relay.Connection):
    class Meta:
        abstract = True

    total_count = graphene.Int(description="A total count of items in the collection.")

    @property
    def queryset(self) -> Any:
        """The connection's whole queryset (totalCount, facets): ``paginate`` may have been given a
        function that builds it, called here the first time it is read."""
        found = self.__dict__.get("_queryset")
        if callable(found):
            found = self.__dict__["_queryset"] = found()
        return found

    @queryset.setter
    def queryset(self, value) -> None:
        self.__dict__["_queryset"] = value

    @staticmethod
    def resolve_total_count(root, info):
        return root.queryset.count()


def connection_field(connection_type, **kwargs):
    return graphene.relay.ConnectionField(connection_type, **kwargs)


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False


def _encode_cursor(values: list) -> str:
    return base64.b64encode(json.dumps(values, default=str, separators=(",", ":")).encode()).decode()


BIGINT = 2**63


def _refuse_constant(name: str):
    raise ValueError(name)  # NaN, Infinity: no column holds them


def _cursor_value_ok(value) -> bool:
    if isinstance(value, str):
        return text_refusal(value) is None
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return -BIGINT <= value < BIGINT
    return isinstance(value, float) and math.isfinite(value)


def _invalid_cursor(argument: str) -> DomainError:
    return DomainError(
        lazy_message(gettext_noop("The page cursor is not valid: start again from the first page.")),
        CoreErrorCode.INVALID,
        field=argument,
    )


def _decode_cursor(cursor: str, size: int, argument: str) -> list:
    """The sort values inside a cursor; anything a client could have forged into it that the
    database would choke on (NUL, NaN, Infinity, integers past bigint) is an INVALID refusal."""
    try:
        values = json.loads(base64.b64decode(cursor.encode(), validate=True), parse_constant=_refuse_constant)
    except (binascii.Error, ValueError, UnicodeError, RecursionError):
        values = None
    if not isinstance(values, list) or len(values) != size or not all(_cursor_value_ok(v) for v in values):
        raise _invalid_cursor(argument)
    return values


def _keyset_filter(keys: list[SortKey], values: list, forward: bool) -> Q:
    condition = Q()
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        ascending = (not key.descending) == forward
        condition |= equal & Q(**{f"{key.field}__{'gt' if ascending else 'lt'}": value})
        equal &= Q(**{key.field: value})
    # The same rows, plus a bound PostgreSQL can use to start an index scan at the cursor
    # instead of filtering from the first row.
    first, first_value = keys[0], values[0]
    ascending = (not first.descending) == forward
    return Q(**{f"{first.field}__{'gte' if ascending else 'lte'}": first_value}) & condition


def _validate_args(info, first, last, after, before, name):
    limit = settings.GRAPHQL_PAGE_MAX
    if first is not None and last is not None:
        raise GraphQLError("Mixing `first` and `last` arguments is not supported.")
    if first is not None and before:
        raise GraphQLError("Combining `first` with `before` is not supported.")
    if last is not None and after:
        raise GraphQLError("Combining `last` with `after` is not supported.")
    for arg, value in (("first", first), ("last", last)):
        if value is not None and value < 0:
            raise GraphQLError(f"Argument `{arg}` on connection `{name}` must be zero or positive.")
        if value is not None and value > limit:
            raise GraphQLError(
                f"Requesting {value} records on the `{name}` connection exceeds the `{arg}` limit of {limit} records."
            )
    if first is None and last is None and "edges" in selected_fields(info):
        raise GraphQLError(f"You must provide a `first` or `last` value to properly paginate the `{name}` connection.")


def sort_keys(sort: list[SortKey] | None) -> list[SortKey]:
    """The keys a page is ordered by: ``sort``, then the primary key unless it is there already."""
    keys = list(sort or [])
    if not any(key.field == "pk" for key in keys):
        keys.append(SortKey("pk"))
    return keys


def keyset_ordering(keys: list[SortKey], forward: bool = True) -> list[str]:
    return [("-" if key.descending == forward else "") + key.field for key in keys]


def paginate(
    queryset: QuerySet | Callable[[], QuerySet],
    info,
    connection_type,
    sort: list[SortKey] | None = None,
    page_rows=None,
    **args,
):
    """Resolve a connection over ``queryset``: validate arguments, apply the keyset, batch relations.

    ``page_rows(limit)``, for a first page forwards without a cursor: the rows of exactly the query
    this function would run (``queryset`` with batch_select, ``keyset_ordering`` and ``[:limit]``),
    which the caller has a cheaper way to run (compiled once per process: marketplace.catalog.api.queries).
    ``queryset`` may then be a function that builds it: called only when something needs it (another
    page, ``totalCount``), since building a queryset costs Python that a compiled first page avoids."""
    first, last, after, before = args.get("first"), args.get("last"), args.get("after"), args.get("before")
    _validate_args(info, first, last, after, before, info.field_name)
    keys = sort_keys(sort)
    forward = last is None
    ordering = keyset_ordering(keys, forward)
    node_type = connection_type._meta.node
    cursor, argument = (after, "after") if forward else (before, "before")
    if cursor or not forward:
        page_rows = None
    if page_rows is None and callable(queryset):
        queryset = queryset()
    if page_rows is None:
        page_qs = batch_select(queryset, info, node_type, path=("edges", "node")).order_by(*ordering)
    if cursor:
        try:
            page_qs = page_qs.filter(_keyset_filter(keys, _decode_cursor(cursor, len(keys), argument), forward))
        except (ValueError, TypeError, ValidationError):  # a value of the wrong kind for its sort field
            raise _invalid_cursor(argument) from None
    size = first if forward else last
    if size is None:
        size = settings.GRAPHQL_PAGE_MAX
    wants_nodes = "edges" in selected_fields(info)
    if page_rows is not None:  # the caller ran this very page query itself (compiled once, see its docstring)
        rows = list(page_rows(size + 1)) if wants_nodes or "pageInfo" in selected_fields(info) else []
    else:
        rows = list(page_qs[: size + 1]) if wants_nodes or "pageInfo" in selected_fields(info) else []
    has_more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    batch_prefetch(rows, info, node_type, path=("edges", "node"))

    def cursor_of(row) -> str:
        return _encode_cursor([_value(row, key.field) for key in keys])

    # Each edge's cursor only when the query asks for it (a listing usually reads pageInfo's alone).
    cursors = "cursor" in selected_fields(info, ("edges",))
    edges = [connection_type.Edge(node=row, cursor=cursor_of(row) if cursors else None) for row in rows]
    page_info = graphene.relay.PageInfo(
        start_cursor=cursor_of(rows[0]) if rows else None,
        end_cursor=cursor_of(rows[-1]) if rows else None,
        has_next_page=has_more if forward else bool(before),
        has_previous_page=bool(after) if forward else has_more,
    )
    connection = connection_type(edges=edges, page_info=page_info)
    connection.queryset = queryset
    return connection


def _value(row, field: str):
    value = row
    for part in field.split("__"):
        value = getattr(value, part)
    return value


def cursor_values(cursor: str, size: int, argument: str = "after") -> list:
    """The sort values of a client's cursor, refused as ``paginate`` refuses it: for a resolver whose
    index pages by itself before ``paginate`` (a search answered by its index)."""
    return _decode_cursor(cursor, size, argument)


def invalid_cursor(argument: str) -> DomainError:
    """The refusal of a cursor whose values are not what the resolver's sort holds."""
    return _invalid_cursor(argument)
