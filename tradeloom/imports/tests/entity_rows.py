"""What the entity, preset and round-trip tests share: applying a row as the runner does (every field present,
``""`` when not given, in a savepoint), files read with the csv module, and columns mapped by header."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db import transaction
from django.http import QueryDict

from tradeloom.audit.models import AuditEvent
from tradeloom.exports.registry import EXPORTS, ExportList, Query
from tradeloom.exports.writers import csv_bytes
from tradeloom.imports.registry import ENTITIES, Entity, ImportContext, Preset, RowResult


def context(organization: Any, by: Any) -> ImportContext:
    return ImportContext(organization=organization, by=by, dry_run=False)


def full_row(entity: Entity, values: dict[str, str]) -> dict[str, str]:
    unknown = set(values) - {f.name for f in entity.fields}
    assert not unknown, f"{entity.code} has no fields {unknown}"
    return {f.name: str(values.get(f.name, "")).strip() for f in entity.fields}


def apply(ctx: ImportContext, entity_code: str, /, **values: Any) -> RowResult:
    entity = ENTITIES[entity_code]
    with transaction.atomic():
        return entity.apply_row(ctx, full_row(entity, {k: str(v) for k, v in values.items()}))


def apply_rows(ctx: ImportContext, code: str, rows: list[dict[str, str]]) -> list[RowResult]:
    entity = ENTITIES[code]
    results = []
    for row in rows:
        with transaction.atomic():
            results.append(entity.apply_row(ctx, full_row(entity, row)))
    return results


def read_csv(content: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def write_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def by_labels(entity: Entity, header: list[str], rows: list[list[str]]) -> list[dict[str, str]]:
    """Rows mapped with no mapping work: a column goes to the field whose label is its header, exactly."""
    fields = {f.label: f.name for f in entity.fields}
    return [{fields[h]: cell for h, cell in zip(header, row, strict=True) if h in fields} for row in rows]


def by_preset(preset: Preset, header: list[str], rows: list[list[str]]) -> list[dict[str, str]]:
    return [
        {preset.columns[h]: cell for h, cell in zip(header, row, strict=True) if h in preset.columns} for row in rows
    ]


def export_csv(organization: Any, membership: Any, key: str) -> tuple[list[str], list[list[str]]]:
    export = EXPORTS[key]
    assert isinstance(export, ExportList)
    query = Query(organization=organization, membership=membership, params=QueryDict(""))
    return read_csv(csv_bytes(export, query))


def audit_count(**filters: Any) -> int:
    return AuditEvent.objects.filter(**filters).count()
