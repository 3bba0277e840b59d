"""API serializers derived from a model's shape (``core.shapes``): the input of a create or an update, and the
output of a read, without writing the fields out again.

* ``input_serializer(Model, fields, name=...)`` builds a plain ``Serializer`` whose fields follow the model's: a
  ``CharField`` with the column's ``max_length``; ``required`` unless the column is blank, null or has a default
  (and never on a partial update); decimals with the column's digits and the bounds of its validators; a choice of
  its choices; a reference as ``TenantPrimaryKeyRelatedField`` (resolved inside the caller's organisation); a
  currency or country code as ``CurrencyCodeField`` / ``CountryField``.
* ``output_serializer(Model, columns, name=...)`` builds a read-only ``ModelSerializer`` of the columns (a relation
  as its id, ``unit_id``) plus the ``extra`` fields a view adds (a unit's code, the money); an extra named like a
  relation (``unit``) is placed next to its id.

The classes are named as the API documents them (``LineInput``, ``LineOutput``): they are the OpenAPI components.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core import validators as django_validators
from django.db import models
from rest_framework import serializers

from tradeloom.core.api.fields import CountryField, CurrencyCodeField, OptionalEmailField, OptionalURLField
from tradeloom.core.shapes import column as model_column
from tradeloom.core.shapes import shape_of
from tradeloom.core.validators import validate_country, validate_currency_code
from tradeloom.records.api import TenantPrimaryKeyRelatedField

CODE_FIELDS = ((validate_currency_code, CurrencyCodeField), (validate_country, CountryField))
# an optional e-mail or web address is "" when there is none: the schema allows that (in and out)
BLANKABLE = ((models.EmailField, OptionalEmailField), (models.URLField, OptionalURLField))


def _blankable(field: Any) -> type[serializers.CharField] | None:
    if not getattr(field, "blank", False):
        return None
    return next((cls for model_field, cls in BLANKABLE if isinstance(field, model_field)), None)


def _bounds(field: models.Field) -> dict[str, Any]:
    """The bounds of the field's validators, with their messages when the model words them ("Quantity must be above
    zero.")."""
    bounds: dict[str, Any] = {}
    messages: dict[str, str] = {}
    for validator in field.validators:
        for cls, key in (
            (django_validators.MinValueValidator, "min_value"),
            (django_validators.MaxValueValidator, "max_value"),
        ):
            if isinstance(validator, cls):
                bounds[key] = validator.limit_value
                if validator.message != cls.message:
                    messages[key] = str(validator.message)
    if messages:
        bounds["error_messages"] = messages
    return bounds


def input_field(field: Any, *, partial: bool = False) -> serializers.Field:
    """The API input field for a model field (see the module's docstring)."""
    kwargs: dict[str, Any] = {}
    optional = partial or field.blank or field.null or field.has_default()
    if optional:
        kwargs["required"] = False
    if field.null:
        kwargs["allow_null"] = True
    if field.help_text:
        kwargs["help_text"] = str(field.help_text)
    if field.is_relation:
        return TenantPrimaryKeyRelatedField(model=field.related_model, **kwargs)
    code_field = next((cls for validator, cls in CODE_FIELDS if validator in field.validators), None)
    if code_field is not None:
        if field.blank:
            kwargs["allow_blank"] = True
        return code_field(**kwargs)
    if field.choices:
        if field.blank and not field.has_default():
            kwargs["allow_blank"] = True
        return serializers.ChoiceField(choices=field.choices, **kwargs)
    if isinstance(field, models.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits, decimal_places=field.decimal_places, **_bounds(field), **kwargs
        )
    if isinstance(field, models.BooleanField):
        kwargs.pop("allow_null", None)
        return serializers.BooleanField(**kwargs)
    if isinstance(field, models.DateTimeField):
        return serializers.DateTimeField(**kwargs)
    if isinstance(field, models.DateField):
        return serializers.DateField(**kwargs)
    if isinstance(field, models.PositiveIntegerField | models.PositiveSmallIntegerField | models.IntegerField):
        return serializers.IntegerField(**_bounds(field), **kwargs)
    if isinstance(field, models.CharField | models.TextField):
        if field.blank:
            kwargs["allow_blank"] = True
        if field.max_length:
            kwargs["max_length"] = field.max_length
        blankable = _blankable(field)
        if blankable is not None:
            return blankable(**kwargs)
        if isinstance(field, models.EmailField):
            return serializers.EmailField(**kwargs)
        if isinstance(field, models.URLField):
            return serializers.URLField(**kwargs)
        return serializers.CharField(**kwargs)
    raise TypeError(f"No API input field for {field!r}; declare it in the serializer's overrides.")


def input_serializer(
    model: type[models.Model],
    fields: Iterable[str],
    *,
    name: str,
    partial: bool = False,
    overrides: dict[str, serializers.Field] | None = None,
    extra: dict[str, serializers.Field] | None = None,
    base: type[serializers.Serializer] = serializers.Serializer,
) -> type[serializers.Serializer]:
    """A serializer of ``fields`` of ``model`` (``shape_of(model).create`` or ``.update``) in the model's field
    order; ``overrides`` replace a derived field (a nested schedule, a blank style number), ``extra`` follow them
    (``merge``, nested ``styles``); ``base`` carries ``validate_*`` methods."""
    names = set(fields)
    overrides = overrides or {}
    attrs: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.name in names:
            attrs[field.name] = overrides.get(field.name) or input_field(field, partial=partial)
    missing = names - set(attrs)
    if missing:
        raise ValueError(f"{model.__name__} has no fields {sorted(missing)}.")
    attrs.update(extra or {})
    for position, field_ in enumerate(attrs.values()):  # DRF orders declared fields by when they were made
        field_._creation_counter = position
    attrs["__module__"] = base.__module__ if base is not serializers.Serializer else __name__
    return type(name, (base,), attrs)


def output_serializer(
    model: type[models.Model],
    columns: Iterable[str] | None = None,
    *,
    name: str,
    extra: Iterable[str] = (),
    base: type[serializers.ModelSerializer] = serializers.ModelSerializer,
    doc: str | None = None,
) -> type[serializers.ModelSerializer]:
    """A read-only ``ModelSerializer`` of ``columns`` (default: the shape's ``read``) and the ``extra`` fields
    ``base`` declares, an extra named like a relation sitting just before that relation's id. ``doc`` is the
    component's description in the API documentation."""
    columns = tuple(columns if columns is not None else shape_of(model).read)
    extra = tuple(extra)
    order: list[str] = []
    placed = set()
    attrs: dict[str, Any] = {}
    for column in columns:
        field = model_column(model, column)
        if field.is_relation:
            base_name = column.removesuffix("_id")
            if base_name in extra:
                order.append(base_name)
                placed.add(base_name)
            attrs[column] = serializers.UUIDField(read_only=True, allow_null=field.null)
        elif _blankable(field) is not None:
            attrs[column] = _blankable(field)(read_only=True)  # type: ignore[misc]
        order.append(column)
    order += [name_ for name_ in extra if name_ not in placed]
    meta = type("Meta", (), {"model": model, "fields": tuple(order), "read_only_fields": tuple(order)})
    attrs["Meta"] = meta
    attrs["__module__"] = base.__module__ if base is not serializers.ModelSerializer else __name__
    attrs["__doc__"] = doc
    return type(name, (base,), attrs)
