"""Every string an operation's arguments carry is checked here, once, before execution.

The walk visits each argument of the document (each fragment once) with the type the schema
gives it, reads its value with the variables applied, and checks every String and ID in it
(and every string inside JSON-like scalars) with ``meidu.core.validation.text_refusal``:
no NUL or control character, no direction override in a name, and no more characters than
the column it will be written to holds.

The column is found without per-mutation declarations: a mutation's payload shows what it
wrote (``productCreate { product { name } }``), so an input field whose path names a field of
a payload's model type (``input.name``; ``input.seo.title`` as ``seo_title``; ``address.city``
through ``shippingAddress``) is held to that model column's ``max_length``. Every other string
is held to ``GRAPHQL_MAX_STRING_LENGTH``, as are values their service parses rather than stores
(a phone number is written with spaces or +86 and kept as 11 digits).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from graphene_django import DjangoObjectType
from graphql import (
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)
from graphql.execution.values import get_variable_values
from graphql.pyutils import Undefined
from graphql.utilities import value_from_ast

from meidu.core.graphql.scalars import refusal_error
from meidu.core.validation import text_refusal

NAME_KEYS = {"name", "title", "slug", "sku", "email", "phone", "code"}
# Written freely ("+86 138 0013 8000") and reduced by their parser, which refuses what is not a
# number, so the column's length does not apply to what the client sends.
PARSED_KEYS = {"phone"}
TEXT_SCALARS = {"String", "ID"}


# Argument sites of a document, found once per document (the walk of its AST with the schema's types):
# the document is kept in the entry, so its id cannot be reused while the entry lives.
SITES_CACHE_SIZE = 1000
_sites_cache: OrderedDict[int, tuple] = OrderedDict()
_sites_lock = threading.Lock()


def _argument_sites(schema, document) -> list[tuple]:
    """Each argument the document writes (every operation, each fragment once), as (argument node, the
    schema's argument, the mutation payload class or None): what the walk needs that does not depend on
    the variables."""
    with _sites_lock:
        cached = _sites_cache.get(id(document))
        if cached is not None and cached[0] is document and cached[1] is schema:
            _sites_cache.move_to_end(id(document))
            return cached[2]
    type_info = TypeInfo(schema)
    sites: list[tuple] = []

    class ArgumentVisitor(Visitor):
        def enter_argument(self, node, *_args):
            argument = type_info.get_argument()
            if argument is not None:
                sites.append((node, argument, _payload_type(type_info, schema)))

    visit(document, TypeInfoVisitor(type_info, ArgumentVisitor()))
    with _sites_lock:
        _sites_cache[id(document)] = (document, schema, sites)
        while len(_sites_cache) > SITES_CACHE_SIZE:
            _sites_cache.popitem(last=False)
    return sites


def input_refusals(schema, document, operation, variables: dict) -> list[GraphQLError]:
    """Refusals of the strings in ``operation``'s arguments (empty: it may run). Variables that do
    not coerce are left to execution, which reports them."""
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if not isinstance(coerced, dict):  # a list of errors: execution reports them
        return []
    values: dict = coerced
    refusals: list[GraphQLError] = []
    for node, argument, payload in _argument_sites(schema, document):
        value = value_from_ast(node.value, argument.type, values)
        if value is Undefined:
            continue
        key = argument.out_name or node.name.value
        path = () if key == "input" else (key,)
        _walk(value, argument.type, path, node.name.value, payload, node, refusals)
    return refusals


def _payload_type(type_info: TypeInfo, schema):
    """The graphene payload class of the mutation field whose argument is being visited."""
    parent = type_info.get_parent_type()
    field = type_info.get_field_def()
    if field is None or parent is None or parent is not schema.mutation_type:
        return None
    named = field.type
    while isinstance(named, (GraphQLNonNull, GraphQLList)):
        named = named.of_type
    return getattr(named, "graphene_type", None)


def _walk(value, type_, path: tuple, field_name: str, payload, node, refusals: list) -> None:
    if value is None:
        return
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        for item in value if isinstance(value, list) else [value]:
            _walk(item, type_.of_type, path, field_name, payload, node, refusals)
    elif isinstance(type_, GraphQLInputObjectType):
        for name, field in type_.fields.items():
            key = field.out_name or name
            if key in value:
                _walk(value[key], field.type, path + (key,), name, payload, node, refusals)
    elif isinstance(type_, GraphQLScalarType):
        if type_.name in TEXT_SCALARS:
            held_to_column = payload is not None and path and path[-1] not in PARSED_KEYS
            limit = column_length(payload, path) if held_to_column else None
            _check(value, path, field_name, limit, node, refusals)
        else:
            for text in _strings(value):
                _check(text, path, field_name, None, node, refusals)


def _check(value, path: tuple, field_name: str, limit: int | None, node, refusals: list) -> None:
    if not isinstance(value, str):
        return
    key = path[-1] if path else field_name
    name = key in NAME_KEYS or key.endswith("_name")
    refusal = text_refusal(
        value,
        max_length=min(limit or settings.GRAPHQL_MAX_STRING_LENGTH, settings.GRAPHQL_MAX_STRING_LENGTH),
        name=name,
    )
    if refusal is not None:
        refusals.append(refusal_error(refusal, field=field_name, nodes=node))


def _strings(value):
    """Strings inside a JSON-like value (GenericScalar, JSONString), keys included."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, (list, tuple)):
            pending.extend(item)


@lru_cache(maxsize=2048)
def column_length(payload, path: tuple) -> int | None:
    """``max_length`` of the column the input at ``path`` writes, read from the payload's model types."""
    lengths = [length for root in _model_types(payload) if (length := _match(root, path)) is not None]
    return min(lengths) if lengths else None


def _unwrap(graphene_field):
    type_ = graphene_field.type
    while hasattr(type_, "of_type"):
        type_ = type_.of_type
    return type_


def _is_model_type(type_) -> bool:
    return (
        isinstance(type_, type)
        and issubclass(type_, DjangoObjectType)
        and getattr(getattr(type_, "_meta", None), "model", None) is not None
    )


def _model_types(payload) -> list:
    fields = getattr(getattr(payload, "_meta", None), "fields", None) or {}
    return [type_ for field in fields.values() if _is_model_type(type_ := _unwrap(field))]


def _match(model_type, path: tuple) -> int | None:
    head, rest = path[0], path[1:]
    fields = model_type._meta.fields
    if rest:
        nested = _unwrap(fields[head]) if head in fields else None
        if _is_model_type(nested):
            length = _match(nested, rest)
            if length is not None:
                return length
        return _match(model_type, ("_".join(path),))
    if head not in fields:
        return None
    try:
        column = model_type._meta.model._meta.get_field(head)
    except FieldDoesNotExist:
        return None
    if column.is_relation or not getattr(column, "concrete", False):
        return None
    return getattr(column, "max_length", None)
