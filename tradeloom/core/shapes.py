"""A record's shape, declared once on its model: what a client may give and what every read shows.

A model declares an inner ``class Shape`` next to its fields::

    class Line(TenantModel):
        ...
        class Shape:
            create = ("colour_code", "quantity", "unit", ...)   # what a new line takes
            update = ("quantity", "selling_price", ...)         # what an existing line may change
            read = ("id", "style_id", "colour_code", ...)       # the columns every read shows, in this order

* ``editable`` is the shorthand for fields a client sets on create and on update alike (master data);
  ``create`` and ``update`` default to it.
* ``read`` names model columns as the API shows them: a relation by its id column (``style_id``). It defaults to
  ``id``, for a record (``records.RecordModel``) its version, archived_at, created_at and updated_at, and the
  editable fields. ``list`` is the list's columns (default: ``read``).

Everything else derives from ``shape_of(Model)``: the services' allowed fields, the forms' fields, the selectors'
``values()`` projections (``Shape.read``), the fast JSON of a projected row (``row_encoder``), and the API's input
and output serializers (``records.serializers``). Adding a column to a model means adding its name here.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cache, partial
from typing import Any

from django.db import models
from django.utils import timezone

from tradeloom.core.money import decimal_text

RECORD_COLUMNS = ("version", "archived_at", "created_at", "updated_at")


@dataclass(frozen=True)
class Shape:
    model: type[models.Model]
    create: tuple[str, ...]
    update: tuple[str, ...]
    read: tuple[str, ...]
    list: tuple[str, ...]

    @property
    def editable(self) -> tuple[str, ...]:
        """Every field a client may set (create or update), in the model's field order."""
        names = set(self.create) | set(self.update)
        return tuple(field.name for field in self.model._meta.concrete_fields if field.name in names)

    def field(self, name: str) -> models.Field:
        """The model field behind a declared name (``style_id`` → the ``style`` relation)."""
        return column(self.model, name)


def column(model: type[models.Model], name: str) -> Any:
    """The model field behind a column or field name (``style_id`` and ``style`` → the ``style`` relation)."""
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname):
            return field
    raise ValueError(f"{model.__name__} has no column {name!r}.")


def _check(model: type[models.Model], names: Iterable[str], what: str, *, attnames: bool) -> tuple[str, ...]:
    names = tuple(names)
    for name in names:
        field = column(model, name)
        if not attnames and name != field.name:
            raise ValueError(f"{model.__name__}.Shape.{what} names fields, not columns: {field.name!r}.")
        if attnames and field.is_relation and name != field.attname:
            raise ValueError(f"{model.__name__}.Shape.{what} names a relation by its column: {field.attname!r}.")
    if len(set(names)) != len(names):
        raise ValueError(f"{model.__name__}.Shape.{what} names a field twice.")
    return names


@cache
def shape_of(model: type[models.Model]) -> Shape:
    """The model's compiled shape (its inner ``Shape`` declaration, checked against its fields)."""
    declared = getattr(model, "Shape", None)  # a subclass may inherit its base's (customers: partners')
    if declared is None:
        raise ValueError(f"{model.__name__} declares no Shape.")
    editable = tuple(getattr(declared, "editable", ()))
    create = _check(model, getattr(declared, "create", editable), "create", attnames=False)
    update = _check(model, getattr(declared, "update", editable), "update", attnames=False)
    is_record = any(f.name == "version" for f in model._meta.concrete_fields)
    default_read = ("id", *(RECORD_COLUMNS if is_record else ()), *(column(model, name).attname for name in editable))
    read = _check(model, getattr(declared, "read", default_read), "read", attnames=True)
    list_ = _check(model, getattr(declared, "list", read), "list", attnames=True)
    return Shape(model=model, create=create, update=update, read=read, list=list_)


# --- fast JSON of projected rows ---------------------------------------------------------------------------------


def iso(value: date | datetime | None) -> str | None:
    """A date or time as the API writes it, the way DRF does: a time in the current time zone (the organisation's in
    a tenant request), UTC as ``Z``."""
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = timezone.localtime(value)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _date_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _datetime_text(value: datetime | None, tz: tzinfo) -> str | None:
    """``iso`` of a time with the current time zone looked up once per row (or per page), not once per column."""
    if value is None:
        return None
    text = (value.astimezone(tz) if value.tzinfo is not None else value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


datetime_text = _datetime_text  # for JSON written by hand beside the encoders


def _converter(field: models.Field) -> tuple[str, Callable[..., Any]] | None:
    """How a column's value becomes JSON: (name of the helper, helper), or None when it is JSON already."""
    if isinstance(field, models.DecimalField):
        places = field.decimal_places or 0
        return f"_decimal_{places}", partial(decimal_text, places=places)
    if isinstance(field, models.DateTimeField):  # takes the row's time zone: see ``row_encoder``
        return "_datetime", _datetime_text
    if isinstance(field, models.DateField):
        return "_date", _date_text
    target = getattr(field, "target_field", field) if field.is_relation else field
    if isinstance(target, models.UUIDField):
        return "_text", _text
    return None


def row_encoder(
    model: type[models.Model],
    columns: Iterable[str],
    *,
    extra: dict[str, str] | None = None,
) -> Callable[..., dict[str, Any]]:
    """A function turning a ``values()`` row of ``columns`` into the API's JSON (UUIDs and dates as strings,
    decimals with the field's places), written out once as plain Python (as ``dataclasses`` writes ``__init__``) so
    a row costs what a hand-written dict would. ``extra`` adds JSON keys taken as they are from other keys of the row
    (``{"unit": "unit_code"}``); an extra named like a relation sits just before its id, as in the serializers.
    ``encode(row, tz)``: times are written in ``tz``, by default the current time zone (``iso``) — a page passes
    ``timezone.get_current_timezone()`` once rather than have every row look it up."""
    extra = extra or {}
    helpers: dict[str, Callable[..., Any]] = {}
    items: list[str] = []
    placed: set[str] = set()
    for name in columns:
        if not name.isidentifier() or keyword.iskeyword(name):
            raise ValueError(f"{name!r} is not a column name.")
        field = column(model, name)
        if field.is_relation and name.removesuffix("_id") in extra:
            key = name.removesuffix("_id")
            items.append(f"{key!r}: row[{extra[key]!r}]")
            placed.add(key)
        read = f"row[{name!r}]"
        converter = _converter(field)
        if converter is not None:
            helper_name, helper = converter
            helpers[helper_name] = helper
            read = f"{helper_name}({read}, tz)" if helper is _datetime_text else f"{helper_name}({read})"
        items.append(f"{name!r}: {read}")
    items += [f"{key!r}: row[{source!r}]" for key, source in extra.items() if key not in placed]
    zone = "    if tz is None:\n        tz = _current_tz()\n" if "_datetime" in helpers else ""
    source = "def encode(row, tz=None):\n" + zone + "    return {" + ", ".join(items) + "}\n"
    namespace: dict[str, Any] = {**helpers, "_current_tz": timezone.get_current_timezone}
    exec(compile(source, f"<row encoder of {model.__name__}>", "exec"), namespace)  # noqa: S102 - from field names
    encode: Callable[..., dict[str, Any]] = namespace["encode"]
    return encode


def instance_row(instance: models.Model, columns: Iterable[str]) -> dict[str, Any]:
    """The ``values()`` row of ``columns`` from a model instance (a create answers with what it inserted)."""
    return {column: getattr(instance, column) for column in columns}
