"""A report as an XLSX workbook: a sheet with the report's table (and its totals row), then a sheet per further
table (OTIF by customer, late lines by customer …). Cells go through ``exports.cells.xlsx_value``: numbers and
dates stay numbers and dates, text is neutralised (``=HYPERLINK(…)`` becomes ``'=HYPERLINK(…)``, a string cell)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tradeloom.exports import registry
from tradeloom.exports.cells import xlsx_value
from tradeloom.reports.selectors import DATE, MONEY, NUMBER, PERCENT, Column, Report

SHEET_NAME_MAX = 31
_KINDS = {MONEY: registry.MONEY, NUMBER: registry.NUMBER, PERCENT: registry.NUMBER, DATE: registry.DATE}
_FORMATS = {MONEY: "#,##0.00", PERCENT: '0.0"%"', DATE: "yyyy-mm-dd"}


def _sheet(workbook: Workbook, title: str, columns: list[Column], rows: list[dict[str, Any]], totals: Any) -> None:
    sheet = workbook.create_sheet(title=title[:SHEET_NAME_MAX])
    for index, column in enumerate(columns, start=1):
        width = 14 if column.kind in _KINDS else max(14, min(40, len(column.label) + 4))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cells(values: dict[str, Any], font: Font | None = None) -> list[WriteOnlyCell]:
        out = []
        for column in columns:
            written, is_text = xlsx_value(values.get(column.key), _KINDS.get(column.kind, registry.TEXT))
            cell = WriteOnlyCell(sheet, value=written)
            if is_text:
                cell.data_type = "s"  # text, never a formula
            elif written is not None and column.kind in _FORMATS:
                cell.number_format = _FORMATS[column.kind]
            if font is not None:
                cell.font = font
            out.append(cell)
        return out

    sheet.append(_header(sheet, columns, bold))
    for row in rows:
        sheet.append(cells(row))
    if totals:
        sheet.append(cells(totals, bold))


def _header(sheet: Any, columns: list[Column], bold: Font) -> list[WriteOnlyCell]:
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=xlsx_value(column.label, registry.TEXT)[0])
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    return header


def report_xlsx(report: Report) -> bytes:
    workbook = Workbook(write_only=True)
    _sheet(workbook, report.title, report.columns, report.rows, report.totals)
    for section in report.sections:
        _sheet(workbook, section.title, section.columns, section.rows, None)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
