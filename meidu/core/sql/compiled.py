"""Querysets on a hot path compiled to SQL once per process, run many times with new values.

Building and compiling a queryset costs Django 0.3-1 ms of Python per statement (more with
select_related, annotations and subqueries), which is most of a checkout completion's time in a
flash sale (benchmarks/RESULTS.md). A `CompiledQuery` builds its queryset once with marker values,
keeps the SQL and the compiler's column map, and from then on only swaps the values into the
parameters and turns the rows into model instances as Django would (select_related objects,
annotations, field converters). The queryset stays the single definition of the query.

The first compile runs twice with two different sets of markers and insists that the SQL is the
same and that the parameters differ exactly where a marker went, so a queryset whose SQL depends
on its values (`__in` lists, a value Django rewrites such as `icontains`) is refused at once
rather than run wrongly. Values are coerced like Django's lookups would (`uuid.UUID`, `int`, `str`,
an aware `datetime`); `[int]` binds a list for an `__in` lookup (its SQL is compiled once per length,
duplicates dropped as Django drops them).

Django internals relied on (not public API; re-read them on a Django upgrade, see meidu.core.sql):
* `QuerySet._iterable_class` / `ModelIterable` and `QuerySet._prefetch_related_lookups`: to refuse
  querysets whose rows are not plain model instances (values(), prefetch_related);
* `Query.get_compiler(using).as_sql()` and `Query.select_for_update`: the SQL, its parameters, and
  whether it locks (Django refuses a lock outside a transaction; so does this);
* the compiler's `select`, `klass_info`, `col_count`, `annotation_col_map`, `has_composite_fields`,
  `get_converters` and `apply_converters`: the column layout and the value converters Django's
  `ModelIterable` uses;
* `django.db.models.query.get_related_populators` (its `RelatedPopulator.populate`): how Django
  fills select_related objects from a row;
* `Model.from_db(alias, field names, values)`: how Django builds an instance from a row; and what
  `Model.__init__` does for it (a fresh `ModelState`, each loaded attname set, `pre_init`/`post_init`),
  which `_plain_builder` does directly for models where that is all it does (see there).
Why: compiling costs more than running the statement on the checkout's hot path; these are exactly
the steps of `ModelIterable.__iter__` after compilation, kept so the instances are the same.
"""

from __future__ import annotations

import copy
import inspect
import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.db.transaction import TransactionManagementError


def _aware(value) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise TypeError(f"expected an aware datetime, got {value!r}")
    return value


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


_COERCE: dict[type, Callable[[Any], Any]] = {uuid.UUID: _uuid, int: int, str: str, datetime: _aware}


def _marker(kind: type, rng: random.Random):
    """A value of `kind` that no real query constant will equal (ints stay inside PostgreSQL's
    integer range: Django turns an out-of-range integer lookup into an empty result)."""
    if kind is uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)
    if kind is int:
        return rng.randrange(1_500_000_000, 2_147_000_000)
    if kind is str:
        return f"marker-{rng.getrandbits(64):016x}"
    if kind is datetime:
        return datetime(2999, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=rng.getrandbits(40))
    raise TypeError(f"CompiledQuery cannot bind a {kind.__name__}")


@dataclass
class _Compiled:
    sql: str
    locks: bool
    params: list
    slots: list  # per parameter: (name, index in a list value or None) of the value it takes, or None
    compiler: Any  # the SQLCompiler of the first sample
    populators: list
    init_list: list
    model_fields: slice
    converters: dict  # the compiler's {column: (converters, expression)}, found once
    build: Any  # _plain_builder of the row's model, or None: Model.from_db
    related: list  # per populator: (populator, _plain_builder of its model or None: populator.populate)


def _plain_builder(model, init_list: list[str]) -> Callable[[str, tuple], Any] | None:
    """``Model.from_db(alias, init_list, values)`` without ``Model.__init__``'s generic work, or None
    where that would not build the same instance. ``__init__`` called with one value per loaded
    column makes a fresh ``ModelState``, sets each attname (a plain attribute, or a foreign key's
    id, whose setter only clears a cache a new instance does not have), then ``from_db`` marks it
    loaded from ``alias``; the function below writes the same ``__dict__``. About 10 us of the ~15 us
    an instance cost: a listing page builds 200 of them (benchmarks/RESULTS.md). Refused for a model
    that overrides ``__new__``, ``__init__`` or ``from_db``, or whose attname has another descriptor
    (files, images: their setters do more); ``pre_init``/``post_init`` receivers are checked per call."""
    if model.__new__ is not object.__new__ or model.__init__ is not Model.__init__:
        return None
    if getattr(model.from_db, "__func__", None) is not Model.from_db.__func__:  # type: ignore[attr-defined]
        return None
    if len(set(init_list)) != len(init_list):
        return None
    for attname in init_list:
        if type(inspect.getattr_static(model, attname, None)) not in (DeferredAttribute, ForeignKeyDeferredAttribute):
            return None
    names = tuple(init_list)
    new = object.__new__

    def build(alias: str, values) -> Any:
        obj = new(model)
        state = ModelState()
        state.adding = False
        state.db = alias
        data = obj.__dict__
        data["_state"] = state
        data.update(zip(names, values, strict=True))
        return obj

    return build


def _signals_heard(model) -> bool:
    return pre_init.has_listeners(model) or post_init.has_listeners(model)


def _kind_of(kind) -> type:
    """The scalar kind of `int` or of a list kind `[int]`."""
    return kind[0] if isinstance(kind, list) else kind


class CompiledQuery:
    """`CompiledQuery(build, token=uuid.UUID)` runs `build(token=...)`'s SQL with new values:
    `query(token=some_token)` returns the list of model instances the queryset would."""

    def __init__(self, build: Callable[..., QuerySet], **kinds):
        for kind in kinds.values():
            if (isinstance(kind, list) and len(kind) != 1) or _kind_of(kind) not in _COERCE:
                raise TypeError(f"CompiledQuery cannot bind {kind!r}")
        self._build = build
        self._kinds = kinds
        self._compiled: dict[tuple, _Compiled] = {}
        self._lock = threading.Lock()
        self._model_class: Any = None

    def __call__(self, **values) -> list:
        if values.keys() != self._kinds.keys():
            raise TypeError(f"expected the values {sorted(self._kinds)}, got {sorted(values)}")
        bound = {name: self._coerce(self._kinds[name], value) for name, value in values.items()}
        if self._model_class is None:
            self._model_class = self._sample(random.Random(0), {})[1].model
        alias = router.db_for_read(self._model_class)
        lengths = {name: len(value) for name, value in bound.items() if isinstance(value, list)}
        if any(length == 0 for length in lengths.values()):
            return []  # `__in` an empty list finds nothing (Django sends no query either)
        key = (alias, *sorted(lengths.items()))
        compiled = self._compiled.get(key) or self._compile(key, alias, lengths)
        params = [
            param if slot is None else bound[slot[0]] if slot[1] is None else bound[slot[0]][slot[1]]
            for slot, param in zip(compiled.slots, compiled.params, strict=True)
        ]
        return self._rows_to_models(compiled, alias, params)

    @staticmethod
    def _coerce(kind, value):
        if not isinstance(kind, list):
            return _COERCE[kind](value)
        coerce = _COERCE[kind[0]]
        return list(dict.fromkeys(coerce(item) for item in value))

    def _sample(self, rng: random.Random, lengths: dict):
        markers = {
            name: [_marker(kind[0], rng) for _ in range(lengths.get(name, 1))]
            if isinstance(kind, list)
            else _marker(kind, rng)
            for name, kind in self._kinds.items()
        }
        queryset = self._build(**markers)
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise TypeError("CompiledQuery runs querysets of model instances without prefetch_related")
        return markers, queryset

    def _compile(self, key: tuple, alias: str, lengths: dict) -> _Compiled:
        with self._lock:
            if key in self._compiled:
                return self._compiled[key]
            rng = random.Random()
            (first_markers, first), (second_markers, second) = self._sample(rng, lengths), self._sample(rng, lengths)
            compiler = first.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            other_sql, other_params = second.query.get_compiler(using=alias).as_sql()
            by_marker = {}
            for name, marker in first_markers.items():
                for index, item in enumerate(marker) if isinstance(marker, list) else [(None, marker)]:
                    by_marker[item] = (name, index)
            slots = [
                by_marker.get(param) if isinstance(param, (uuid.UUID, int, str, datetime)) else None for param in params
            ]

            def value_in(markers, slot):
                return markers[slot[0]] if slot[1] is None else markers[slot[0]][slot[1]]

            expected = [
                param if slot is None else value_in(second_markers, slot)
                for slot, param in zip(slots, params, strict=True)
            ]
            named = {slot[0] for slot in slots if slot}
            if other_sql != sql or list(other_params) != expected or named != set(self._kinds):
                raise ValueError("this queryset's SQL depends on its values; it cannot be compiled once")
            select, klass_info = compiler.select, compiler.klass_info
            fields = klass_info["select_fields"]
            columns = [column[0] for column in select[: compiler.col_count]]
            if compiler.has_composite_fields(columns):
                raise TypeError("CompiledQuery does not read composite primary keys")
            populators = get_related_populators(klass_info, select, alias)  # type: ignore[call-arg]  # stubs: a later Django
            init_list = [column[0].target.attname for column in select[fields[0] : fields[-1] + 1]]
            compiled = _Compiled(
                sql=sql,
                locks=first.query.select_for_update,
                params=list(params),
                slots=slots,
                compiler=compiler,
                populators=populators,
                init_list=init_list,
                model_fields=slice(fields[0], fields[-1] + 1),
                # Field converters (from_db_value) do not depend on the connection, and PostgreSQL's
                # backend adds none, so one list serves every thread's connection.
                converters=compiler.get_converters(columns),
                build=_plain_builder(klass_info["model"], init_list),
                related=[(populator, _populator_builder(populator)) for populator in populators],
            )
            self._compiled[key] = compiled
            return compiled

    @staticmethod
    def _rows_to_models(compiled: _Compiled, alias: str, params: list) -> list:
        connection = connections[alias]
        if compiled.locks and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connection  # connections are per thread; the compiled shape is shared
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        model = compiler.klass_info["model"]
        annotations = compiler.annotation_col_map
        build, related = compiled.build, compiled.related
        if build is not None and _signals_heard(model):
            build = None
        if any(builder is not None and _signals_heard(populator.model_cls) for populator, builder in related):
            related = [(populator, None) for populator, _builder in related]
        objects = []
        for row in compiler.apply_converters(rows, compiled.converters) if compiled.converters else rows:
            if build is not None:
                obj = build(alias, row[compiled.model_fields])
            else:
                obj = model.from_db(alias, compiled.init_list, row[compiled.model_fields])
            for populator, builder in related:
                if builder is None:
                    populator.populate(row, obj)
                    continue
                # RelatedPopulator.populate for a model _plain_builder builds (no reordering, no nesting).
                values = row[populator.cols_start : populator.cols_end]
                related_obj = None if values[populator.pk_idx] is None else builder(populator.db, values)
                populator.local_setter(obj, related_obj)
                if related_obj is not None:
                    populator.remote_setter(related_obj, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


def _populator_builder(populator) -> Callable[[str, tuple], Any] | None:
    """_plain_builder for a select_related model that RelatedPopulator would build from a plain slice
    of the row with ``from_db``; None (its own ``populate``) for a parent's reordered columns or
    further select_related levels below it."""
    if populator.reorder_for_init is not None or populator.related_populators:
        return None
    return _plain_builder(populator.model_cls, populator.init_list)


def run_compiled_up_to(query: CompiledQuery, limit: int, **values) -> list:
    """`query(**values)` while every list value has at most `limit` distinct items; a longer list runs the
    queryset itself (its SQL is compiled once per length: a hostile or unusual request with a long list must
    not add one more kept statement per length it sends)."""
    if all(len(set(value)) <= limit for value in values.values() if isinstance(value, list | tuple | set)):
        return query(**{name: list(value) if isinstance(value, set) else value for name, value in values.items()})
    return list(query._build(**values))
