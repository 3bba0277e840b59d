"""Applying a file's rows to an entity, each row in its own savepoint, into a row-level report.

``run`` turns every refusal of a row (``RowError``, ``ApplicationError`` with its field errors, Django's
``ValidationError``, a constraint the database enforces) into report lines naming the file's row number (the header
is row 1), the source column of each field and the value read; a row whose savepoint rolled back leaves nothing.

* ``dry_run``: ``run`` inside a transaction that is always rolled back: it exercises exactly the code the commit
  runs, uniqueness against earlier rows of the same file included, and writes nothing.
* ``commit``: ``run`` inside one transaction; a report with any error rolls the whole file back (``FileHasErrors``):
  a file commits whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, transaction

from tradeloom.core.exceptions import ApplicationError
from tradeloom.imports.files import Sheet
from tradeloom.imports.mapping import header_of_field
from tradeloom.imports.registry import CREATED, UNCHANGED, UPDATED, Entity, ImportContext, RowError

ROW = "__row__"
PROGRESS_EVERY = 100

Progress = Callable[[int, int], None]  # (rows done, rows in all)


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=lambda: {CREATED: 0, UPDATED: 0, UNCHANGED: 0, "errors": 0})
    # one line per message: {"row", "column", "field", "value", "message"}
    errors: list[dict[str, Any]] = field(default_factory=list)
    rows_with_errors: set[int] = field(default_factory=set)

    @property
    def has_errors(self) -> bool:
        return bool(self.rows_with_errors)

    def add(
        self, entity: Entity, row: int, errors: dict[str, list[str]], values: dict[str, str], header_of: dict[str, str]
    ) -> None:
        names = {f.name for f in entity.fields}
        for name, messages in errors.items():
            known = name in names
            for message in messages:
                self.errors.append(
                    {
                        "row": row,
                        "column": header_of.get(name, "") if known else "",
                        "field": entity.field(name).label if known else "",
                        "value": values.get(name, "") if known else "",
                        "message": str(message) if known or name in (ROW, NON_FIELD_ERRORS) else f"{name}: {message}",
                    }
                )
        self.rows_with_errors.add(row)
        self.counts["errors"] = len(self.rows_with_errors)


class FileHasErrors(Exception):
    """A commit found row errors: everything it wrote was rolled back."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"{report.counts['errors']} rows have errors")
        self.report = report


class _RolledBack(Exception):
    def __init__(self, report: Report) -> None:
        super().__init__("dry run")
        self.report = report


def row_values(entity: Entity, sheet: Sheet, mapping: dict[str, str], cells: list[str]) -> dict[str, str]:
    """One row as the entity reads it: every field's stripped string, ``""`` when empty or not mapped."""
    index = {header: i for i, header in enumerate(sheet.headers)}
    values = {f.name: "" for f in entity.fields}
    for header, name in mapping.items():
        if name and header in index:
            values[name] = cells[index[header]].strip()
    return values


def errors_of(exc: Exception) -> dict[str, list[str]]:
    """A row's refusal as messages per field name (``ROW`` for the row as a whole)."""
    if isinstance(exc, RowError):
        return exc.errors
    if isinstance(exc, ApplicationError):
        named = exc.extra.get("errors")
        if isinstance(named, dict) and named:
            return {str(k): [str(m) for m in (v if isinstance(v, list | tuple) else [v])] for k, v in named.items()}
        return {ROW: [exc.message]}
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return {(ROW if k == NON_FIELD_ERRORS else k): list(v) for k, v in exc.message_dict.items()}
        return {ROW: list(exc.messages)}
    return {ROW: ["The row could not be saved: it conflicts with a record or a limit of the database."]}


def run(
    entity: Entity,
    sheet: Sheet,
    mapping: dict[str, str],
    context: ImportContext,
    *,
    progress: Progress | None = None,
    every: int = PROGRESS_EVERY,
) -> Report:
    report = Report()
    header_of = header_of_field(mapping)
    total = len(sheet.rows)
    for done, (number, cells) in enumerate(zip(sheet.numbers, sheet.rows, strict=True), start=1):
        values = row_values(entity, sheet, mapping, cells)
        if number in sheet.extra:
            extra = len(sheet.extra[number])
            message = f"The row has {extra} more cell{'s' if extra > 1 else ''} than the header row has columns."
            report.add(entity, number, {ROW: [message]}, values, header_of)
        elif any(values.values()):
            try:
                with transaction.atomic():
                    result = entity.apply_row(context, values)
            except (RowError, ApplicationError, ValidationError, IntegrityError, DataError) as exc:
                report.add(entity, number, errors_of(exc), values, header_of)
            else:
                report.counts[result.outcome] += 1
        if progress is not None and (done % every == 0 or done == total):
            progress(done, total)
    return report


def dry_run(entity: Entity, sheet: Sheet, mapping: dict[str, str], context: ImportContext, **options: Any) -> Report:
    """The report a commit would make, with nothing written (the transaction is always rolled back)."""
    try:
        with transaction.atomic():
            raise _RolledBack(run(entity, sheet, mapping, context, **options))
    except _RolledBack as done:
        return done.report


def commit(entity: Entity, sheet: Sheet, mapping: dict[str, str], context: ImportContext, **options: Any) -> Report:
    """Every row, or none: ``FileHasErrors`` (with the report) when any row was refused, its writes rolled back."""
    with transaction.atomic():
        report = run(entity, sheet, mapping, context, **options)
        if report.has_errors:
            raise FileHasErrors(report)
    return report
