"""Writing an export: CSV as a stream of lines, XLSX with openpyxl's write-only workbook (rows go to disk as they
come, so memory stays flat), both chunk by chunk through ``selectors.export_page``.

``chunks(export_list, query)`` yields the rows of each page; ``around_chunk`` lets the background job run each
chunk in its own transaction (and report its progress between them), while a streamed response runs them all in
the one its ``tenant_stream`` holds.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tradeloom.exports.cells import csv_value, xlsx_value
from tradeloom.exports.registry import DATE, DATETIME, MONEY, NUMBER, Export, ExportList, Query
from tradeloom.exports.selectors import CHUNK, export_page, export_rows, sorts_on_empty_values

Chunk = Callable[[], AbstractContextManager[Any]]
BOM = "\ufeff"  # so that a spreadsheet opens the UTF-8 file as UTF-8
SHEET_NAME_MAX = 31


def chunks(
    export: ExportList, query: Query, *, around_chunk: Chunk = nullcontext, after: Callable[[int], None] | None = None
) -> Iterator[list[Any]]:
    """The export's rows, a keyset page at a time, in the list's order (``after(n)`` once each page is read). A sort
    on a column that may be empty (an invoice's due date) goes by position instead: a keyset page after a value
    never reaches the rows without one."""
    cursor: str | None = None
    done, limit, by_position = 0, CHUNK, None
    while True:
        with around_chunk():
            rows, ordering = export_rows(export, query)
            if by_position is None:
                by_position = sorts_on_empty_values(rows, ordering)
            if not by_position:
                page_rows, cursor = export_page(rows, ordering, cursor, limit)
            else:
                page_rows = list(rows.order_by(*ordering)[done : done + limit + 1])
                cursor = "" if len(page_rows) > limit else None
                page_rows = page_rows[:limit]
            values = [[column.read(row, query) for column in export.columns] for row in page_rows]
            currencies = [[_currency(column, row, query) for column in export.columns] for row in page_rows]
        done += len(values)
        if after is not None:
            after(len(values))
        yield list(zip(values, currencies, strict=True))
        if cursor is None:
            return


def _currency(column: Any, row: Any, query: Query) -> str | None:
    if column.kind != MONEY or column.currency is None:
        return None
    if column.currency == "base":
        return str(query.organization.base_currency)
    return None if isinstance(column.currency, str) else column.currency(row)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(export: ExportList, query: Query, **options: Any) -> Iterator[str]:
    """The CSV file line by line: a header of the column names, then a line per row."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([column.header for column in export.columns])
    for page in chunks(export, query, **options):
        for values, _currencies in page:
            yield writer.writerow(
                [csv_value(value, column.kind) for value, column in zip(values, export.columns, strict=True)]
            )


def _number_format(kind: str, currency: str | None) -> str | None:
    if kind == MONEY:
        return f'#,##0.00 "{currency}"' if currency else "#,##0.00"
    if kind == DATE:
        return "yyyy-mm-dd"
    if kind == DATETIME:
        return "yyyy-mm-dd hh:mm"
    if kind == NUMBER:
        return "General"
    return None


def _sheet(workbook: Workbook, export: ExportList, query: Query, **options: Any) -> None:
    sheet = workbook.create_sheet(title=export.title[:SHEET_NAME_MAX])
    for index, column in enumerate(export.columns, start=1):
        width = 12 if column.kind in (NUMBER, MONEY, DATE) else max(12, min(40, len(column.header) + 4))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in export.columns:
        cell = WriteOnlyCell(sheet, value=xlsx_value(column.header, "text")[0])
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for page in chunks(export, query, **options):
        for values, currencies in page:
            cells = []
            for value, currency, column in zip(values, currencies, export.columns, strict=True):
                written, is_text = xlsx_value(value, column.kind)
                cell = WriteOnlyCell(sheet, value=written)
                if is_text:
                    cell.data_type = "s"  # text, never a formula
                elif written is not None and (number_format := _number_format(column.kind, currency)):
                    cell.number_format = number_format
                cells.append(cell)
            sheet.append(cells)


def xlsx_file(export: Export, query: Query, **options: Any) -> IO[bytes]:
    """The workbook in a temporary file (rewound): a sheet per list of the export."""
    workbook = Workbook(write_only=True)
    lists = [export] if isinstance(export, ExportList) else export.lists
    for item in lists:
        _sheet(workbook, item, query, **options)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (the response closes it)
    workbook.save(out)
    out.seek(0)
    return out


def csv_bytes(export: ExportList, query: Query, **options: Any) -> bytes:
    return "".join(csv_lines(export, query, **options)).encode()
