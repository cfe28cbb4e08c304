"""JSON-safe dict form of commands and events, so the journal can store and replay them.

`{"type": ClassName, field: value...}`; Decimals become strings (exact, exponent kept), enums their
value, tuples lists, frozensets sorted lists, nested value objects dicts. Class and field names are
the storage contract: add optional fields at the end, never rename."""

from __future__ import annotations

import dataclasses
import types
import typing
from decimal import Decimal
from enum import Enum


def _identity(value):
    return value


def _converters(hint):
    """(encode, decode) for one annotated type."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        enc, dec = _converters(inner[0])
        return (lambda v: None if v is None else enc(v)), (lambda v: None if v is None else dec(v))
    if origin is tuple:
        enc, dec = _converters(args[0])
        return (lambda v: [enc(x) for x in v]), (lambda v: tuple(dec(x) for x in v))
    if origin is frozenset:
        enc, dec = _converters(args[0])
        return (lambda v: sorted(enc(x) for x in v)), (lambda v: frozenset(dec(x) for x in v))
    if hint is Decimal:
        return str, Decimal
    if isinstance(hint, type) and issubclass(hint, Enum):
        return (lambda v: v.value), hint
    if dataclasses.is_dataclass(hint):
        return _fields_encode(hint), _fields_decode(hint)
    return _identity, _identity


_PLANS: dict[type, list] = {}


def _plan(cls) -> list:
    plan = _PLANS.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls)
        plan = [(f.name, *_converters(hints[f.name])) for f in dataclasses.fields(cls)]
        _PLANS[cls] = plan
    return plan


def _fields_encode(cls):
    return lambda obj: {name: enc(getattr(obj, name)) for name, enc, _ in _plan(cls)}


def _fields_decode(cls):
    def decode(data: dict):
        return cls(**{name: dec(data[name]) for name, _, dec in _plan(cls) if name in data})

    return decode


def fast_frozen_init(cls):
    """Replace a frozen slots dataclass's __init__ by one that fills the slots through their
    descriptors: the same object (still frozen afterwards), built twice as fast as dataclass's
    object.__setattr__ per field. Bids create several events each, so this is on the hot path."""
    namespace, params, body = {}, [], []
    for f in dataclasses.fields(cls):
        namespace[f"_set_{f.name}"] = getattr(cls, f.name).__set__
        if f.default is not dataclasses.MISSING:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        else:
            params.append(f.name)
        body.append(f"    _set_{f.name}(self, {f.name})")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body) + "\n", namespace)  # noqa: S102
    namespace["__init__"].__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = namespace["__init__"]
    return cls


class Registry:
    """Message classes by name, for `from_dict`."""

    def __init__(self, kind: str):
        self.kind = kind
        self.classes: dict[str, type] = {}

    def register(self, cls):
        self.classes[cls.__name__] = cls
        return fast_frozen_init(cls)

    def from_dict(self, data: dict):
        try:
            cls = self.classes[data["type"]]
        except KeyError:
            raise ValueError(f"unknown {self.kind} type {data.get('type')!r}") from None
        return _fields_decode(cls)(data)


def to_dict(obj) -> dict:
    """The JSON-safe dict of a command or an event (with its type name)."""
    return {"type": type(obj).__name__, **_fields_encode(type(obj))(obj)}


def value_to_dict(obj) -> dict:
    """The JSON-safe dict of a nested value object (MarketRules, LotSpec)."""
    return _fields_encode(type(obj))(obj)


def value_from_dict(cls, data: dict):
    return _fields_decode(cls)(data)
