"""One declaration per shape: the order's, style's and line's ``Shape`` is what the services, forms, selectors,
serializers and fast JSON use — so a column added to it reaches all of them, and the fast JSON stays equal to the
documented serializer."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest
from rest_framework import serializers

from tradeloom.core.context import tenant_context
from tradeloom.core.shapes import row_encoder, shape_of
from tradeloom.records.serializers import input_serializer, output_serializer
from tradeloom.sales import forms, selectors, services, work
from tradeloom.sales.api import serializers as api
from tradeloom.sales.models import ActivityNote, Line, Order, Style, Task
from tradeloom.sales.tests.factories import LineFactory

pytestmark = pytest.mark.django_db


def test_every_use_of_the_lines_shape_reads_the_one_declaration():
    line = shape_of(Line)
    assert services.LINE is line
    assert selectors.LINE is line
    assert api.LINE is line
    assert forms.LineForm._meta.fields == line.create
    assert set(forms.LineEditForm._meta.fields) == set(line.update) - set(forms.CALCULATOR_FIELDS)
    assert list(api.LineInput().fields) == list(line.create)
    assert list(api.LineUpdateInput().fields) == list(line.update)
    assert set(line.read) <= set(api.LineOutput().fields)
    assert set(shape_of(Order).read) <= set(api.OrderDetailOutput().fields)
    assert set(shape_of(Order).list) <= set(api.OrderListOutput().fields)
    assert set(shape_of(Style).read) == set(api.StyleOutput().fields)
    assert shape_of(Task).editable == work.TASK_FIELDS
    assert shape_of(ActivityNote).editable == work.NOTE_FIELDS


def test_adding_a_column_to_the_lines_shape_reaches_input_output_projection_and_fast_json(org):
    # given the line's shape with one more column (``process_loss_percent`` is a Line field no read shows today)
    shape = shape_of(Line)
    assert "process_loss_percent" not in shape.read
    wider = dataclasses.replace(
        shape, read=(*shape.read, "process_loss_percent"), create=(*shape.create, "process_loss_percent")
    )
    # when everything is derived from it, as the app derives its own
    line_input = input_serializer(Line, wider.create, name="WiderLineInput")
    line_output = output_serializer(Line, wider.read, name="WiderLineOutput")
    encode = row_encoder(Line, wider.read)
    with tenant_context(org):
        line = LineFactory(organization=org, process_loss_percent=D("7.5"), mill_price=D("3.1"))
        row = Line.objects.filter(pk=line.pk).values(*wider.read).get()
        instance = Line.objects.get(pk=line.pk)
    # then the input takes it (with the model's bounds), and the projection, the serializer and the fast JSON show it
    field = line_input().fields["process_loss_percent"]
    assert isinstance(field, serializers.DecimalField)
    assert (field.max_value, field.min_value, field.required) == (D(100), D(0), False)
    assert row["process_loss_percent"] == D("7.50")
    fast = encode(row)
    assert fast["process_loss_percent"] == "7.50"
    assert fast == dict(line_output(instance).data)


def test_a_shape_naming_a_relation_by_name_in_read_or_a_missing_field_is_refused():
    class Wrong:
        read = ("id", "style")  # a relation is read by its column, style_id

    class Missing:
        create = ("no_such_field",)

    for declaration, problem in ((Wrong, "by its column"), (Missing, "no column")):
        model = type("Probe", (), {})
        model._meta = Line._meta
        model.Shape = declaration
        with pytest.raises(ValueError, match=problem):
            shape_of.__wrapped__(model)
