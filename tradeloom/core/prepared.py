"""Querysets compiled to SQL once per process, then run with new parameters: for the reads every request makes.

Django compiles a queryset to SQL on every evaluation: resolving lookups, joins, the select list and the
converters. For a lookup by primary key that compilation costs several times what PostgreSQL spends answering it,
and authentication, the tenant and an order's detail run such lookups on every request. ``PreparedQuery`` builds
the queryset once with placeholder values, records where each placeholder landed in the SQL's parameters, and
from then on only substitutes the values and runs the statement — through Django's connection, so it takes part in
the request's transaction, the tenant context (row-level security applies as to any query), ``execute_wrapper``\\s
and the tests' query counts.

Only what substitutes safely is allowed: each parameter is a scalar (UUID, str or int) compared as it is, so it
reaches the SQL unchanged. A parameter the SQL does not carry unchanged (e.g. inside ``__icontains``, or an
``__in`` list whose length varies) is refused when the query is first compiled, not silently mis-bound::

    ORDER = PreparedQuery(lambda org, pk: Order.objects.filter(organization_id=org, pk=pk).values("id", "number"),
                          org=UUID, pk=UUID)
    ORDER.first(org=organization.pk, pk=order_id)   # {"id": ..., "number": ...} or None

A ``values()`` queryset gives dicts; a model queryset gives model instances exactly as Django would build them, with
its ``select_related`` objects and annotations (``prefetch_related`` is refused: it would be another statement).

These statements, the tenant's and every keyset list page run under ``server_binding()``: the parameters travel
apart from the SQL, so the text is the same on every request and psycopg prepares it once the connection has run it
``prepare_threshold`` times (settings: DATABASE_PREPARE_THRESHOLD); PostgreSQL then reuses the plan. Django's
client-side binding stays the default for everything else: its SQL has no limit on the number of parameters.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators


@contextmanager
def server_binding(using: str = "default") -> Iterator[None]:
    """Run the block's queries with server-side binding (psycopg's ``Cursor`` rather than Django's default
    ``ClientCursor``), so the statements a connection repeats get prepared. For statements with a bounded number of
    parameters only: PostgreSQL takes at most 65,535 per statement."""
    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.cursor_factory
    raw.cursor_factory = ServerBindingCursor
    try:
        yield
    finally:
        raw.cursor_factory = previous


_PLACEHOLDERS: dict[type, Callable[[], Any]] = {
    UUID: uuid4,
    str: lambda: f"\x01prepared-{secrets.token_hex(16)}",
    int: lambda: 7_000_000_000_000 + secrets.randbelow(10**12),
}


@dataclass(frozen=True)
class _Compiled:
    sql: str
    slots: tuple[str | None, ...]  # per SQL parameter: the name it takes its value from, or None (a constant)
    constants: tuple[Any, ...]
    names: tuple[str, ...]  # values(): the dict keys; models: the attnames in select order
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...]], ...]
    expressions: tuple[Any, ...]
    model: type[Model] | None  # set when rows become model instances
    using: str
    span: tuple[int, int]  # models: where the model's own columns are in a row
    populators: tuple[Any, ...]  # models: select_related's (Django's RelatedPopulator)
    annotations: tuple[tuple[str, int], ...]  # models: each annotation's attribute and position in a row


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet[Any]], **params: type) -> None:
        unsupported = {name: kind for name, kind in params.items() if kind not in _PLACEHOLDERS}
        if unsupported:
            raise ImproperlyConfigured(f"Prepared query parameters must be UUID, str or int: {unsupported}")
        self._build = build
        self._params = params
        self._compiled: _Compiled | None = None

    def _compile(self) -> _Compiled:
        placeholders = {name: _PLACEHOLDERS[kind]() for name, kind in self._params.items()}
        queryset = self._build(**placeholders)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, raw_params = compiler.as_sql()
        slots = tuple(
            next((n for n, p in placeholders.items() if type(value) is type(p) and value == p), None)
            for value in raw_params
        )
        missing = set(self._params) - set(slots)
        if missing:
            raise ImproperlyConfigured(
                f"Prepared query: {sorted(missing)} do not reach the SQL unchanged (a transformed lookup or a list); "
                "use a plain comparison."
            )
        select = [column for column, _sql, _alias in compiler.select]
        span = (0, len(select))
        populators: tuple[Any, ...] = ()
        annotations: tuple[tuple[str, int], ...] = ()
        if getattr(queryset, "_prefetch_related_lookups", ()):
            raise ImproperlyConfigured("Prepared query: prefetch_related is not run; read the related rows apart.")
        if queryset._iterable_class is ValuesIterable:
            query = queryset.query
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
            model = None
        elif queryset._iterable_class is ModelIterable and not queryset.query.extra_select:
            # what ModelIterable does with the compiler's plan: the model's columns, select_related's populators
            # (built once: they hold no per-row state) and the annotations' positions
            klass_info: Any = compiler.klass_info
            fields = klass_info["select_fields"]
            span = (fields[0], fields[-1] + 1)
            names = tuple(column.target.attname for column in select[span[0] : span[1]])
            populators = tuple(get_related_populators(klass_info, compiler.select, queryset.db))  # type: ignore[call-arg]
            annotations = tuple(compiler.annotation_col_map.items())
            model = queryset.model
        else:
            raise ImproperlyConfigured("Prepared query: only values() or model querysets (no extra()).")
        converters = compiler.get_converters(select)
        return _Compiled(
            sql=sql,
            slots=slots,
            constants=tuple(raw_params),
            names=names,
            converters=tuple((i, tuple(fns)) for i, (fns, _expr) in converters.items()),
            expressions=tuple(select),
            model=model,
            using=queryset.db,
            span=span,
            populators=populators,
            annotations=annotations,
        )

    @property
    def compiled(self) -> _Compiled:
        if self._compiled is None:
            self._compiled = self._compile()
        return self._compiled

    def all(self, **values: Any) -> list[Any]:
        """Every row: dicts for a ``values()`` queryset, model instances otherwise."""
        c = self.compiled
        if values.keys() != self._params.keys():
            raise TypeError(f"Prepared query takes {sorted(self._params)}, got {sorted(values)}")
        params = [values[slot] if slot is not None else const for slot, const in zip(c.slots, c.constants, strict=True)]
        connection = connections[c.using]
        with server_binding(c.using), connection.cursor() as cursor:
            cursor.execute(c.sql, params)
            rows: Sequence[Any] = cursor.fetchall()
        if c.converters:
            rows = [_convert(row, c, connection) for row in rows]
        if c.model is None:
            return [dict(zip(c.names, row, strict=True)) for row in rows]
        start, end = c.span
        objects = []
        for row in rows:
            obj = c.model.from_db(c.using, c.names, row[start:end])
            for populator in c.populators:
                populator.populate(row, obj)
            for name, position in c.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def first(self, **values: Any) -> Any:
        rows = self.all(**values)
        return rows[0] if rows else None


def _convert(row: Sequence[Any], compiled: _Compiled, connection: Any) -> list[Any]:
    # What SQLCompiler.apply_converters does, but with this thread's connection: the compiler that made the
    # converters belongs to the thread that first compiled the query.
    row = list(row)
    for index, functions in compiled.converters:
        value = row[index]
        for function in functions:
            value = function(value, compiled.expressions[index], connection)
        row[index] = value
    return row


def model_from_row(model: type[Model], columns: Sequence[str], values: Sequence[Any], *, using: str = "default") -> Any:
    """A model instance from a raw row whose columns are all the model's (any order), as Django would build it:
    the fields' ``from_db_value`` applied (JSON, for instance) and the values put in field order."""
    order, converters = _row_plan(model, tuple(columns))
    connection = connections[using]
    ordered = [values[i] for i in order]
    for index, field in converters:
        ordered[index] = field.from_db_value(ordered[index], None, connection)
    return model.from_db(using, _attnames(model), ordered)


_PLANS: dict[tuple[type[Model], tuple[str, ...]], tuple[list[int], list[tuple[int, Any]]]] = {}


def _attnames(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _row_plan(model: type[Model], columns: tuple[str, ...]) -> tuple[list[int], list[tuple[int, Any]]]:
    key = (model, columns)
    plan = _PLANS.get(key)
    if plan is None:
        fields = model._meta.concrete_fields
        position = {column: i for i, column in enumerate(columns)}
        field_columns = [str(f.column) for f in fields]
        missing = [column for column in field_columns if column not in position]
        if missing or len(columns) != len(fields):
            raise ImproperlyConfigured(f"A {model.__name__} row needs exactly its columns; missing {missing}.")
        plan = (
            [position[column] for column in field_columns],
            [(i, f) for i, f in enumerate(fields) if hasattr(f, "from_db_value")],
        )
        _PLANS[key] = plan
    return plan
