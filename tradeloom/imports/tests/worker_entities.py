"""Test-only import entities over catalog units: ``test_units`` (quick) and ``test_slow_units`` (sleeps per row and,
the first time, stalls mid-file so the worker test can kill the process). Imported by the tests' conftest and by a
real worker through ``TRADELOOM_CELERY_IMPORTS``."""

from __future__ import annotations

import os
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from tradeloom.catalog.models import UnitOfMeasure
from tradeloom.imports.registry import (
    CREATED,
    ENTITIES,
    UNCHANGED,
    UPDATED,
    Entity,
    Field,
    ImportContext,
    RowError,
    RowResult,
)
from tradeloom.records.services import record_create, record_update

STALL_FILE = "TRADELOOM_TEST_IMPORT_STALL"  # env: the file the first run of the slow entity writes its pid to
STALL_AT_ROW = 3

FIELDS = (
    Field("code", "Code", required=True, aliases=("unit", "uom")),
    Field("name", "Name", required=True),
    Field("dimension", "Dimension", help="length, mass, count, area or volume"),
    Field("factor", "Factor", help="How many base units one is"),
)


def apply_unit(context: ImportContext, row: dict[str, str]) -> RowResult:
    errors: dict[str, list[str]] = {}
    try:
        factor = Decimal(row["factor"] or "1")
    except InvalidOperation:
        errors["factor"] = ["Not a number."]
        factor = Decimal(1)
    if errors:
        raise RowError(errors)
    data = {"code": row["code"], "name": row["name"], "dimension": row["dimension"] or "length", "factor": factor}
    existing = UnitOfMeasure.objects.filter(organization=context.organization, code=row["code"]).first()
    if existing is None:
        return RowResult(
            CREATED, record_create(model=UnitOfMeasure, organization=context.organization, by=context.by, data=data)
        )
    if (existing.name, existing.dimension, existing.factor) == (data["name"], data["dimension"], factor):
        return RowResult(UNCHANGED, existing)
    return RowResult(UPDATED, record_update(instance=existing, by=context.by, data=data))


_rows_seen = {"n": 0}


def apply_slow_unit(context: ImportContext, row: dict[str, str]) -> RowResult:
    result = apply_unit(context, row)
    _rows_seen["n"] += 1
    stall = os.environ.get(STALL_FILE, "")
    if stall and _rows_seen["n"] == STALL_AT_ROW and not Path(stall).exists():
        Path(stall).write_text(str(os.getpid()))
        time.sleep(120)  # the test kills this process now, its rows written but not committed
    time.sleep(0.05)
    return result


TEST_UNITS = ENTITIES.register(
    "test_units",
    Entity(
        code="test_units",
        label="Test units",
        description="A unit per row, matched by its code.",
        fields=FIELDS,
        key=("code",),
        apply_row=apply_unit,
        capability="catalog.manage",
        order=999,
    ),
)
SLOW_UNITS = ENTITIES.register(
    "test_slow_units",
    Entity(
        code="test_slow_units",
        label="Slow test units",
        description="As test units, slowly.",
        fields=FIELDS,
        key=("code",),
        apply_row=apply_slow_unit,
        capability="catalog.manage",
        order=999,
    ),
)
