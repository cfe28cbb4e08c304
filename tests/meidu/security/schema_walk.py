"""The schema as the security suite sees it: every root query and mutation, a document that calls
it with one variable per argument, minimal valid variables, and hypothesis strategies of hostile
variables. Everything is read from the live schema, so a new field is covered the day it lands."""

from __future__ import annotations

import base64
import string
from dataclasses import dataclass
from decimal import Decimal

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)
from hypothesis import strategies as st

from meidu.schema import schema

GRAPHQL = schema.graphql_schema


@dataclass(frozen=True)
class Operation:
    kind: str  # "query" or "mutation"
    name: str

    @property
    def field(self):
        root = GRAPHQL.query_type if self.kind == "query" else GRAPHQL.mutation_type
        return root.fields[self.name]

    @property
    def args(self) -> dict:
        return self.field.args

    def document(self) -> str:
        """``mutation Op($a: T!, ...) { name(a: $a, ...) { selection } }``."""
        declared = ", ".join(f"${arg}: {spec.type}" for arg, spec in self.args.items())
        passed = ", ".join(f"{arg}: ${arg}" for arg in self.args)
        head = f"{self.kind} Fuzz({declared})" if declared else f"{self.kind} Fuzz"
        call = f"{self.name}({passed})" if passed else self.name
        return f"{head} {{ {call}{selection(self.field.type)} }}"

    def __str__(self):
        return f"{self.kind} {self.name}"


def operations() -> list[Operation]:
    return [Operation("query", name) for name in GRAPHQL.query_type.fields] + [
        Operation("mutation", name) for name in GRAPHQL.mutation_type.fields
    ]


def selection(type_) -> str:
    """``__typename``, the scalar fields that take no argument (so their resolvers run too) and a
    mutation's ``errors``; one level deep, which keeps every document under the cost limit."""
    named = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType):
        return ""
    fields = ["__typename"]
    for name, field in named.fields.items():
        inner = get_named_type(field.type)
        if any(isinstance(arg.type, GraphQLNonNull) for arg in field.args.values()):
            continue
        if isinstance(inner, (GraphQLScalarType, GraphQLEnumType)):
            fields.append(name)
        elif name == "errors":
            fields.append("errors { field code message }")
    return " { " + " ".join(fields) + " }"


def _unwrap(type_):
    required = isinstance(type_, GraphQLNonNull)
    return (type_.of_type if required else type_), required


# ---- minimal valid values: what a well-behaved client sends --------------------------------

MINIMAL_SCALARS = {
    "String": "梨",
    "ID": base64.b64encode(b"Product:1").decode(),
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "Decimal": "1.00",
    "JSON": {},
    "UUID": "00000000-0000-4000-8000-000000000000",
    "Date": "2026-12-01",
    "DateTime": "2026-12-01T08:00:00+08:00",
    "Upload": None,
}


def minimal_value(type_):
    type_, _ = _unwrap(type_)
    if isinstance(type_, GraphQLList):
        return [minimal_value(type_.of_type)]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: minimal_value(field.type)
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull)
        }
    return MINIMAL_SCALARS[type_.name]


def minimal_variables(operation: Operation) -> dict:
    return {
        name: minimal_value(arg.type) for name, arg in operation.args.items() if isinstance(arg.type, GraphQLNonNull)
    }


# ---- hostile values ---------------------------------------------------------------------

NODE_TYPES = sorted(
    name for name, t in GRAPHQL.type_map.items() if isinstance(t, GraphQLObjectType) and "id" in t.fields
)

HOSTILE_STRINGS = [
    "",
    " ",
    "\x00",
    "梨\x00梨",
    "a" * 10_000,
    "梨" * 70_000,
    "\u202egnp.exe",
    "😀" * 300,
    "\ud7ff\ue000\uffff",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "=HYPERLINK(\"http://x\")",
    "../../etc/passwd",
    "%s%s%n",
    "NaN",
    "-Infinity",
    "1e309",
    "null",
    "{}",
    "[]",
    "13800138000",
    "+86 138 0013 8000",
    "x@example.com",
]
HOSTILE_NUMBERS = [
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "sNaN",
    "1e309",
    "-1e309",
    "1e-400",
    "-0",
    "0",
    "-1",
    "0.001",
    "0.0000001",
    "99999999999999999999.99",
    "1e30",
    "1,5",
    "１２",
    " 1 ",
    "0x10",
    "",
    "abc",
]


def _global_ids():
    pk = st.one_of(
        st.integers(-2, 10**20).map(str), st.uuids().map(str), st.sampled_from(["", "abc", "\x00", "1.5", "1e3"])
    )
    valid_shape = st.builds(
        lambda t, p: base64.b64encode(f"{t}:{p}".encode()).decode(), st.sampled_from(NODE_TYPES), pk
    )
    return st.one_of(
        valid_shape,
        st.sampled_from(
            ["", "=", "not-base64!", base64.b64encode(b"no-colon").decode(), base64.b64encode(b"\xff\xfe").decode()]
        ),
        st.text(max_size=30),
    )


def _json():
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
    return st.recursive(
        leaves,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
        max_leaves=12,
    )


def _text():
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(HOSTILE_STRINGS),
        st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=20),
    )


SCALAR_STRATEGIES = {
    "String": _text(),
    "ID": _global_ids(),
    "Int": st.one_of(st.integers(-(2**31), 2**31 - 1), st.sampled_from([0, -1, 100, 101, 2**31 - 1])),
    "Float": st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([0.0, -0.0, 1e308])),
    "Boolean": st.booleans(),
    "Decimal": st.one_of(
        st.sampled_from(HOSTILE_NUMBERS),
        st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=False, allow_infinity=False),
        st.just(str(Decimal("12.50"))),
    ),
    "JSON": _json(),
    "UUID": st.one_of(
        st.uuids().map(str), st.sampled_from(["", "0", "not-a-uuid", "00000000-0000-0000-0000-00000000000g"])
    ),
    "Date": st.one_of(st.dates().map(str), st.sampled_from(["", "2026-02-30", "0000-01-01", "99999-01-01", "today"])),
    "DateTime": st.one_of(
        st.datetimes().map(lambda d: d.isoformat()), st.sampled_from(["", "2026-13-01T00:00:00", "yesterday"])
    ),
    "Upload": st.none(),  # uploads are the multipart suite's business
}


def value_strategy(type_, depth: int = 0):
    if depth > 4:  # recursive filters (AND/OR): stop with the least a valid document needs
        return st.just(minimal_value(type_)) if isinstance(type_, GraphQLNonNull) else st.none()
    type_, required = _unwrap(type_)
    if isinstance(type_, GraphQLList):
        inner = st.lists(value_strategy(type_.of_type, depth + 1), max_size=3 if depth else 5)
    elif isinstance(type_, GraphQLEnumType):
        inner = st.sampled_from(list(type_.values))
    elif isinstance(type_, GraphQLInputObjectType):
        inner = _object_strategy(type_, depth)
    else:
        inner = SCALAR_STRATEGIES[type_.name]
    return inner if required else st.one_of(st.none(), inner)


def _object_strategy(type_: GraphQLInputObjectType, depth: int):
    required = {
        n: value_strategy(f.type, depth + 1) for n, f in type_.fields.items() if isinstance(f.type, GraphQLNonNull)
    }
    optional = {
        n: value_strategy(f.type, depth + 1) for n, f in type_.fields.items() if not isinstance(f.type, GraphQLNonNull)
    }
    if depth > 2:
        optional = {}
    return st.fixed_dictionaries(required, optional=optional)


def variables_strategy(operation: Operation):
    """All required arguments and any subset of the optional ones, each possibly hostile."""
    args = operation.args
    required = {n: value_strategy(a.type) for n, a in args.items() if isinstance(a.type, GraphQLNonNull)}
    optional = {n: value_strategy(a.type) for n, a in args.items() if not isinstance(a.type, GraphQLNonNull)}
    return st.fixed_dictionaries(required, optional=optional)
