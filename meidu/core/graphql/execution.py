"""A faster graphql-core execution for our synchronous schema: same answers, less work per field.

A `products(first: 100)` listing resolves about 2,600 fields; graphql-core spends most of a request's
CPU on bookkeeping around them, not in our resolvers (benchmarks/RESULTS.md, issue 20). This context
keeps graphql-core's algorithm and its errors, and removes work that cannot change an answer here:

* No awaitable checks: every resolver of this schema is synchronous (the view asserts it), so the
  two ``is_awaitable`` calls per field and per list item are skipped.
* A plan per (object type, field name), kept for the life of the schema: the field definition, its
  resolver, and whether that resolver is graphene's default attribute read. A field read that way
  with no arguments and a leaf type is resolved and serialized inline, without building a
  ``GraphQLResolveInfo`` (nothing could read it). Arguments of the others are worked out once per
  field node and execution (the variables do not change within one).
* Repeated objects are completed once: in a query (never a mutation, where an object may change
  between two root fields) the same Python object under the same field node gives the same sub-tree,
  so the second row of a page sold by the same shop reuses the first one's ``shop { ... }`` answer,
  unless completing it recorded an error (errors carry the path they happened on).
* ``is_type_of`` of graphene-django types depends on the object's class alone: remembered per class.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from graphene.relay.node import GlobalID
from graphene.types.resolver import attr_resolver, dict_or_attr_resolver, dict_resolver
from graphene_django.types import DjangoObjectType
from graphql import (
    ExecutionContext,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    OperationType,
    located_error,
)
from graphql.execution.execute import get_field_def, invalid_return_type_error
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined

_DEFAULT_RESOLVERS = (dict_or_attr_resolver, attr_resolver, dict_resolver)
_DJANGO_IS_TYPE_OF = DjangoObjectType.is_type_of.__func__

# How a value of a (possibly non-null) type is completed.
_LEAF, _OBJECT, _LIST, _OTHER = range(4)


def _kind(type_) -> int:
    if isinstance(type_, (GraphQLScalarType, GraphQLEnumType)):
        return _LEAF
    if isinstance(type_, GraphQLObjectType):
        return _OBJECT
    if isinstance(type_, GraphQLList):
        return _LIST
    return _OTHER  # interfaces and unions: graphql-core's own completion


class _Plan:
    """What executing one field of one object type takes, worked out once."""

    __slots__ = (
        "field_def",
        "return_type",
        "resolve",
        "attname",
        "default",
        "dict_read",
        "non_null",
        "kind",
        "inner",
        "leaf_read",
        "global_id",
        "global_id_type",
    )

    def __init__(self, field_def, resolve: Callable) -> None:
        self.field_def = field_def
        self.return_type = return_type = field_def.type
        self.resolve = resolve
        self.non_null = isinstance(return_type, GraphQLNonNull)
        inner = return_type.of_type if self.non_null else return_type
        self.inner = inner
        self.kind = _kind(inner)
        # graphene's default resolver for a field without arguments: a plain attribute (or key) read.
        self.attname: str | None = None
        self.default: Any = None
        self.dict_read = False
        if (
            isinstance(resolve, partial)
            and resolve.func in _DEFAULT_RESOLVERS
            and len(resolve.args) == 2
            and not resolve.keywords
            and not field_def.args
        ):
            self.attname, self.default = resolve.args
            self.dict_read = resolve.func is not attr_resolver
        # The Relay ``id`` of a graphene-django type: Node.to_global_id(type name, pk), with no resolver call.
        self.global_id: Any = None
        self.global_id_type: str | None = None
        if (
            isinstance(resolve, partial)
            and resolve.func is GlobalID.id_resolver
            and len(resolve.args) == 2
            and resolve.args[0] is DjangoObjectType.resolve_id
            and set(resolve.keywords) <= {"parent_type_name"}
            and not field_def.args
        ):
            self.global_id = resolve.args[1]
            self.global_id_type = resolve.keywords.get("parent_type_name")
        # A leaf read by attribute (or a Relay id): done inside execute_fields without a Path (see there).
        self.leaf_read = self.kind == _LEAF and (self.attname is not None or self.global_id is not None)


def _plans(schema) -> dict:
    plans = schema.__dict__.get("_meidu_field_plans")
    if plans is None:
        plans = schema.__dict__["_meidu_field_plans"] = {}
    return plans


class FastExecutionContext(ExecutionContext):
    """graphql-core's ExecutionContext for synchronous resolvers (see the module docstring)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._plans = _plans(self.schema)
        self._arguments: dict = {}
        self._objects: dict | None = {} if self.operation.operation == OperationType.QUERY else None
        self._type_of: dict = {}
        self._errors = self.collected_errors.errors  # the list itself, read after each object

    def _plan(self, parent_type, field_node) -> _Plan | None:
        field_def = get_field_def(self.schema, parent_type, field_node)
        if not field_def:
            return None
        plan = _Plan(field_def, field_def.resolve or self.field_resolver)
        self._plans[(parent_type, field_node.name.value)] = plan
        return plan

    def execute_fields(self, parent_type, source_value, path, fields) -> dict[str, Any]:
        """graphql-core's execute_fields; a leaf read by attribute (``name``, ``slug``, ``currency``:
        most fields of a listing) is read and serialized right here, with no call and no Path (only an
        error would read it). Anything unusual (null, an exception, a value the scalar refuses) goes
        the ordinary way through execute_field, which reads the attribute again and reports it."""
        results = {}
        name = parent_type.name
        execute_field = self.execute_field
        plans = self._plans
        inline = not self.middleware_manager
        for response_name, field_nodes in fields.items():
            if inline:
                plan = plans.get((parent_type, field_nodes[0].name.value))
                if plan is not None and plan.leaf_read:
                    try:
                        if plan.global_id is not None:
                            value = plan.global_id.to_global_id(plan.global_id_type or name, source_value.pk)
                        elif plan.dict_read and isinstance(source_value, dict):
                            value = source_value.get(plan.attname, plan.default)
                        else:
                            value = getattr(source_value, plan.attname, plan.default)
                        if value is not None and value is not Undefined and not isinstance(value, Exception):
                            serialized = plan.inner.serialize(value)
                            if serialized is not None and serialized is not Undefined:
                                results[response_name] = serialized
                                continue
                    except Exception:  # noqa: S110  (execute_field below meets it again and reports it)
                        pass
            result = execute_field(parent_type, source_value, field_nodes, Path(path, response_name, name))
            if result is not Undefined:
                results[response_name] = result
        return results

    def execute_field(self, parent_type, source, field_nodes, path):
        plan = self._plans.get((parent_type, field_nodes[0].name.value)) or self._plan(parent_type, field_nodes[0])
        if plan is None:
            return Undefined
        if self.middleware_manager:
            return super().execute_field(parent_type, source, field_nodes, path)
        try:
            info = None  # built only when a resolver or a completion reads it
            if plan.attname is not None:
                if plan.dict_read and isinstance(source, dict):
                    result = source.get(plan.attname, plan.default)
                else:
                    result = getattr(source, plan.attname, plan.default)
            else:
                info = self.build_resolve_info(plan.field_def, field_nodes, parent_type, path)
                if plan.field_def.args:
                    key = (id(field_nodes[0]), id(plan.field_def))
                    known = self._arguments.get(key)
                    if known is None:
                        arguments = get_argument_values(plan.field_def, field_nodes[0], self.variable_values)
                        self._arguments[key] = (field_nodes[0], arguments)  # the node stays alive: its id is not reused
                    else:
                        arguments = known[1]
                    result = plan.resolve(source, info, **arguments)
                else:
                    result = plan.resolve(source, info)
            if isinstance(result, Exception):
                raise result
            if result is None or result is Undefined:
                if plan.non_null:
                    raise TypeError(
                        f"Cannot return null for non-nullable field {parent_type.name}.{field_nodes[0].name.value}."
                    )
                return None
            kind = plan.kind
            if kind == _LEAF:
                return self.complete_leaf_value(plan.inner, result)
            if kind == _OBJECT:
                return self._complete_object(plan.inner, field_nodes, info, path, result, plan, parent_type)
            if info is None:
                info = self.build_resolve_info(plan.field_def, field_nodes, parent_type, path)
            return self.complete_value(plan.return_type, field_nodes, info, path, result)
        except Exception as raw_error:
            error = located_error(raw_error, field_nodes, path.as_list())
            self.handle_field_error(error, plan.return_type, path)
            return None

    def complete_value(self, return_type, field_nodes, info, path, result):
        if isinstance(result, Exception):
            raise result
        if isinstance(return_type, GraphQLNonNull):
            completed = self.complete_value(return_type.of_type, field_nodes, info, path, result)
            if completed is None:
                raise TypeError(f"Cannot return null for non-nullable field {info.parent_type.name}.{info.field_name}.")
            return completed
        if result is None or result is Undefined:
            return None
        kind = _kind(return_type)
        if kind == _LEAF:
            return self.complete_leaf_value(return_type, result)
        if kind == _OBJECT:
            return self.complete_object_value(return_type, field_nodes, info, path, result)
        if kind == _LIST and isinstance(result, (list, tuple)):
            return self._complete_list(return_type.of_type, field_nodes, info, path, result)
        return super().complete_value(return_type, field_nodes, info, path, result)

    def _complete_list(self, item_type, field_nodes, info, path, items) -> list:
        completed: list[Any] = []
        append = completed.append
        complete_value = self.complete_value
        for index, item in enumerate(items):
            item_path = Path(path, index, None)
            try:
                append(complete_value(item_type, field_nodes, info, item_path, item))
            except Exception as raw_error:
                error = located_error(raw_error, field_nodes, item_path.as_list())
                self.handle_field_error(error, item_type, item_path)
                append(None)
        return completed

    def complete_object_value(self, return_type, field_nodes, info, path, result):
        return self._complete_object(return_type, field_nodes, info, path, result, None, None)

    def _complete_object(self, return_type, field_nodes, info, path, result, plan, parent_type):
        """complete_object_value; ``info`` may be None (a default attribute read), and is then built
        from ``plan`` and ``parent_type`` only if an ``is_type_of`` other than graphene-django's needs it."""
        objects = self._objects
        key = None
        if objects is not None:
            key = (return_type, id(field_nodes[0]), id(result))
            done = objects.get(key)
            if done is not None:
                return done[1]
        is_type_of = return_type.is_type_of
        if is_type_of is not None:
            if getattr(is_type_of, "__func__", None) is _DJANGO_IS_TYPE_OF:  # reads the class alone
                known = (return_type, type(result))
                if known not in self._type_of:
                    if not is_type_of(result, info):
                        raise invalid_return_type_error(return_type, result, field_nodes)
                    self._type_of[known] = True
            else:
                if info is None:
                    info = self.build_resolve_info(plan.field_def, field_nodes, parent_type, path)
                if not is_type_of(result, info):
                    raise invalid_return_type_error(return_type, result, field_nodes)
        errors = len(self._errors)
        completed = self.execute_fields(return_type, result, path, self.collect_subfields(return_type, field_nodes))
        if objects is not None and key is not None and len(self._errors) == errors:
            objects[key] = (result, completed)  # the object is kept alive, so its id is not reused
        return completed
