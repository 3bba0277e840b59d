"""A report as JSON (the API's answer, and what a test compares the page with) and as the page's cells."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from tradeloom.reports.selectors import DATE, MONEY, NUMBER, PERCENT, Column, Report

CENT = Decimal("0.01")


def json_value(value: Any, kind: str) -> Any:
    """Money as a string with two decimals, other numbers as strings without trailing zeros (counts as integers),
    dates as ISO days, text as it is."""
    if value is None:
        return None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, Decimal):
        if kind == MONEY:
            return str(value.quantize(CENT))
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _row_json(columns: list[Column], row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    values = {column.key: json_value(row.get(column.key), column.kind) for column in columns}
    if "order_id" in row:  # a listed line's order (the page links it)
        values["order_id"] = row["order_id"]
    return values


def _columns_json(columns: list[Column]) -> list[dict[str, str]]:
    return [{"key": c.key, "title": c.label, "kind": c.kind} for c in columns]


def report_json(report: Report) -> dict[str, Any]:
    return {
        "key": report.key,
        "title": report.title,
        "base_currency": report.base_currency,
        "filters": report.filters,
        "columns": _columns_json(report.columns),
        "rows": [_row_json(report.columns, row) for row in report.rows],
        "totals": _row_json(report.columns, report.totals),
        "chart": report.chart,
        "notes": report.notes,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "columns": _columns_json(s.columns),
                "rows": [_row_json(s.columns, row) for row in s.rows],
            }
            for s in report.sections
        ],
    }


def cell_text(value: Any, kind: str) -> str:
    if value is None or value == "":
        return "—" if kind in (MONEY, NUMBER, PERCENT) else ""
    if kind == MONEY:
        return f"{Decimal(value):,.2f}"
    if kind == PERCENT:
        return f"{Decimal(value):.1f} %"
    if kind == NUMBER:
        number = Decimal(value)
        return f"{number:,.0f}" if number == number.to_integral() else f"{number.normalize():,f}"
    if kind == DATE and isinstance(value, datetime.date):
        return value.strftime("%-d %b %Y")
    return str(value)


def table_cells(columns: list[Column], rows: list[dict[str, Any]], link: Any = None) -> list[list[dict[str, Any]]]:
    """Each row's cells for the page: its text, whether it is a figure (right-aligned), its column's label (the
    phone's stacked table) and a link (``link(column, row)``: a URL or None)."""
    out = []
    for row in rows:
        cells = []
        for column in columns:
            cells.append(
                {
                    "text": cell_text(row.get(column.key), column.kind),
                    "figure": column.kind in (MONEY, NUMBER, PERCENT),
                    "label": column.label,
                    "url": link(column, row) if link is not None else None,
                }
            )
        out.append(cells)
    return out
