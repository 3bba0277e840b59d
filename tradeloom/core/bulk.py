"""Inserting many rows in one statement whose text does not depend on how many rows there are.

Django's ``bulk_create`` writes ``INSERT … VALUES (%s, %s, …), (%s, %s, …) …``: one placeholder per value, so an
order with 20 lines and 80 line gates sent 1,300 parameters that Django compiled one field at a time and psycopg
then parsed out of the SQL again — the larger part of creating an order. ``bulk_insert`` sends one array per
column instead::

    INSERT INTO "sales_line" ("id", "order_id", …) SELECT * FROM unnest(%s::uuid[], %s::uuid[], …)

A column whose value is the same for every row (the organisation, who created it) is sent once. The statement's
text is the same for 1 row or 1,000, so it runs under ``server_binding()`` and PostgreSQL plans it once per
connection; and an array is one parameter, so no row count meets PostgreSQL's limit of 65,535 parameters.

It goes through Django's connection (the request's transaction, row-level security, ``execute_wrapper``\\s and the
tests' query counts apply) and prepares each value as ``bulk_create`` does (``pre_save`` for ``auto_now``,
``get_db_prep_save``), so a model's values reach the database as they would through the ORM. It does not send
signals, as ``bulk_create`` does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Field, Model
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone

from tradeloom.core.prepared import server_binding


class Each(list[Any]):
    """A column's values, one per row, in ``bulk_insert``'s column form (any other value is the same for all)."""


def _db_type(field: Field[Any, Any], connection: Any) -> str:
    db_type = field.db_type(connection)
    if db_type is None:  # a field without a column of its own (never a concrete field)
        raise ValueError(f"{field} has no column type.")
    return db_type


def _column(field: Field[Any, Any], connection: Any) -> str:
    return str(connection.ops.quote_name(field.column))


def bulk_insert(
    model: type[Model], count: int, columns: Mapping[str, Any], *, using: str | None = None
) -> list[dict[str, Any]]:
    """Insert ``count`` rows of ``model``. ``columns`` maps a field's name or attname to its value for every row,
    or to ``Each([...])`` with one value per row. A field not given takes its default: a callable default (the
    id) is called once per row, ``auto_now`` fields take the current time, and a ``db_default`` is left to the
    database. Returns, for each row inserted, its primary key and database defaults by attname."""
    if count == 0:
        return []
    using = using or router.db_for_write(model)
    connection = connections[using]
    opts = model._meta
    named = {key: f.attname for f in opts.concrete_fields for key in (f.name, f.attname)}
    unknown = sorted(set(columns) - set(named))
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {', '.join(unknown)}.")
    given = {named[name]: value for name, value in columns.items()}
    each: list[tuple[Field[Any, Any], list[Any]]] = []
    same: list[tuple[Field[Any, Any], Any]] = []
    returning: list[Field[Any, Any]] = [opts.pk]
    for field in opts.concrete_fields:
        if field.attname in given:
            value = given.pop(field.attname)
        elif field.has_db_default():
            if field is not opts.pk:
                returning.append(field)
            continue
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = timezone.now()
        elif field.has_default() and callable(field.default):
            value = Each(field.get_default() for _ in range(count))
        else:
            value = field.get_default()
        if isinstance(value, Each):
            if len(value) != count:
                raise ValueError(f"{model.__name__}.{field.name}: {len(value)} values for {count} rows.")
            each.append((field, [field.get_db_prep_save(v, connection) for v in value]))
        else:
            same.append((field, field.get_db_prep_save(value, connection)))
    if not each:
        raise ValueError("bulk_insert needs at least one column with a value per row.")
    columns_sql = ", ".join(_column(f, connection) for f, _ in [*each, *same])
    select = [f"u.c{i}" for i in range(len(each))] + [f"%s::{_db_type(f, connection)}" for f, _ in same]
    arrays = ", ".join(f"%s::{_db_type(f, connection)}[]" for f, _ in each)
    aliases = ", ".join(f"c{i}" for i in range(len(each)))
    # Identifiers from the model's metadata, quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {connection.ops.quote_name(opts.db_table)} ({columns_sql}) SELECT {', '.join(select)} "  # noqa: S608
        f"FROM unnest({arrays}) AS u({aliases}) RETURNING {', '.join(_column(f, connection) for f in returning)}"
    )
    # The constants' placeholders come first in the text (in the select list), then the arrays (in FROM).
    params = [v for _, v in same] + [v for _, v in each]
    with server_binding(using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    converters = [(f.attname, f.get_db_converters(connection)) for f in returning]
    out: list[dict[str, Any]] = []
    for row in rows:
        values: dict[str, Any] = {}
        for (attname, funcs), value in zip(converters, row, strict=True):
            for func in funcs:
                value = func(value, None, connection)
            values[attname] = value
        out.append(values)
    return out


def bulk_insert_objects(objs: Sequence[Model], *, using: str | None = None) -> None:
    """``bulk_create`` for unsaved instances of one model, as one ``bulk_insert``: each field's value is taken as
    ``bulk_create`` takes it (``pre_save``), and the database defaults come back onto the instances, which are then
    saved instances of ``using``."""
    if not objs:
        return
    model = type(objs[0])
    using = using or router.db_for_write(model)
    columns: dict[str, Each] = {}
    for obj in objs:
        # What bulk_create checks first: no reference to an unsaved object, and references copied to their ids.
        obj._prepare_related_fields_for_save(operation_name="bulk_insert_objects")  # type: ignore[attr-defined]
    for field in model._meta.concrete_fields:
        values = Each(field.pre_save(obj, add=True) for obj in objs)
        defaulted = sum(isinstance(v, DatabaseDefault) for v in values)
        if defaulted == len(values):
            continue
        if defaulted:
            raise ValueError(f"{model.__name__}.{field.name}: some rows give a value and some the database default.")
        columns[field.attname] = values
    by_pk = {obj.pk: obj for obj in objs}
    for row in bulk_insert(model, len(objs), columns, using=using):
        obj = by_pk[row[model._meta.pk.attname]]
        for attname, value in row.items():
            setattr(obj, attname, value)
        obj._state.adding = False
        obj._state.db = using
