"""Shapes compile from a model's declaration, and a row encoder writes the API's JSON of a projected row."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest
from django.utils import timezone as django_timezone

from tradeloom.core.shapes import iso, row_encoder, shape_of
from tradeloom.partners.models import Customer, Supplier
from tradeloom.sales.models import Line, Style


def test_a_records_default_read_is_its_id_record_columns_and_editable_fields_as_columns():
    shape = shape_of(Customer)
    assert shape.read[:5] == ("id", "version", "archived_at", "created_at", "updated_at")
    assert "payment_terms_id" in shape.read
    assert "payment_terms" in shape.create
    assert shape.create == shape.update == shape.editable


def test_a_subclass_inherits_and_extends_its_bases_declaration():
    assert shape_of(Supplier).create == ("kind", *shape_of(Customer).create)


def test_a_plain_tenant_rows_default_read_has_no_record_columns():
    assert shape_of(Style).read == ("id", *shape_of(Style).editable)


def test_the_row_encoder_writes_uuids_decimals_and_dates_as_the_api_does():
    encode = row_encoder(Line, ("id", "unit_id", "item_id", "quantity", "selling_price", "etd"), extra={"unit": "u"})
    pk, unit = uuid.uuid4(), uuid.uuid4()
    row = {
        "id": pk,
        "unit_id": unit,
        "item_id": None,
        "quantity": D("5"),
        "selling_price": None,
        "etd": date(2026, 1, 2),
    }
    assert encode({**row, "u": "m"}) == {
        "id": str(pk),
        "unit": "m",
        "unit_id": str(unit),
        "item_id": None,
        "quantity": "5.000",
        "selling_price": None,
        "etd": "2026-01-02",
    }
    assert list(encode({**row, "u": "m"}))[:3] == ["id", "unit", "unit_id"]  # a relation's label beside its id


def test_times_are_written_in_the_current_time_zone_with_utc_as_z():
    # given a time at +06:00 and one in UTC
    dhaka_evening = datetime(2026, 12, 1, 19, 0, tzinfo=timezone(timedelta(hours=6)))
    # then outside any organisation (UTC) both are UTC, written with Z
    assert iso(datetime(2026, 12, 1, 19, 0, tzinfo=UTC)) == "2026-12-01T19:00:00Z"
    assert iso(dhaka_evening) == "2026-12-01T13:00:00Z"
    # and in an organisation's zone they are written in it, as DRF's serializers write them there
    with django_timezone.override("Asia/Dhaka"):
        assert iso(datetime(2026, 12, 1, 19, 0, tzinfo=UTC)) == "2026-12-02T01:00:00+06:00"
        assert iso(dhaka_evening) == "2026-12-01T19:00:00+06:00"
        assert iso(date(2026, 12, 1)) == "2026-12-01"  # a date is a date in any zone
    assert iso(None) is None


def test_an_encoders_times_are_the_current_zones_unless_the_page_passes_its_zone():
    encode = row_encoder(Line, ("id", "created_at", "etd"))
    row = {"id": uuid.uuid4(), "created_at": datetime(2026, 12, 1, 19, 0, tzinfo=UTC), "etd": date(2026, 12, 1)}
    assert encode(row)["created_at"] == "2026-12-01T19:00:00Z"
    with django_timezone.override("Asia/Dhaka"):
        # looked up per row by default, as ``iso`` does
        assert encode(row)["created_at"] == "2026-12-02T01:00:00+06:00"
        # or once per page, by the caller
        page_zone = django_timezone.get_current_timezone()
        assert encode(row, page_zone) == {
            "id": str(row["id"]),
            "created_at": "2026-12-02T01:00:00+06:00",
            "etd": "2026-12-01",
        }
    assert encode({**row, "created_at": None})["created_at"] is None


def test_an_encoder_refuses_a_name_that_is_not_a_column():
    with pytest.raises(ValueError, match="no column"):
        row_encoder(Line, ("id", "nope"))
