"""What can be exported: each list a declaration (``ExportList``) in the ``EXPORTS`` registry.

An export is the rows a list page shows for its current query string — the same selector (visibility included:
a restricted merchandiser's orders only), the same FilterSet, the same sort — every page of them, as columns a
person reads (names rather than ids, money with its currency, dates as dates). ``lists.py`` declares the built-in
ones; a workbook (``ExportWorkbook``) puts several lists on sheets of one XLSX file (the orders-with-lines
workbook; the T&A workbook will be one more declaration there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from tradeloom.core.listing import SortOption
from tradeloom.core.registry import Registry
from tradeloom.tenancy.roles import Capability

CSV, XLSX = "csv", "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# The kinds of cell: how a value is written (``cells.py``).
TEXT, NUMBER, MONEY, DATE, DATETIME = "text", "number", "money", "date", "datetime"


@dataclass(frozen=True)
class Column:
    """One column: its header, how to read its value from a row, and its kind. A ``money`` column names the row's
    currency with ``currency`` (a getter): XLSX shows the amount as a number formatted with the code; the CSV has a
    currency column next to the amounts."""

    header: str
    value: Callable[[Any], Any]
    kind: str = TEXT
    currency: Callable[[Any], Any] | str | None = None  # or "base": the organisation's base currency

    def read(self, row: Any, query: Query) -> Any:
        return query.organization.base_currency if self.value is base_currency else self.value(row)


def base_currency(row: Any) -> str:
    """A column's value that is the organisation's base currency (``Column.read`` fills it in)."""
    return ""


@dataclass(frozen=True)
class Query:
    """Who asks and for what: the organisation, the member (their visibility) and the list's query string."""

    organization: Any
    membership: Any
    params: Any  # a QueryDict


@dataclass(frozen=True, eq=False)
class ExportList:
    """A list as an export.

    ``queryset(query)`` is the list page's rows before its filters (the page's selector, with what the page adds —
    archived rows left out …); ``filterset_class`` the page's FilterSet; ``sorts`` the page's sort options (the
    first is the default); ``relevance`` the search parameter and sort the page uses while searching (best match
    first), if any; ``rows(query, filtered)`` turns the filtered rows into the export's own (an order's lines
    for the orders the filters chose), if they differ; ``prepare(queryset)`` adds the joins and prefetches the
    columns read (one statement per chunk whatever the number of rows). ``list_url_name`` is the list page (a
    refused filter goes back to it)."""

    key: str
    label: str
    filename: str
    capability: Capability
    queryset: Callable[[Query], QuerySet[Any]]
    filterset_class: Any
    columns: tuple[Column, ...]
    sorts: tuple[SortOption, ...]
    list_url_name: str
    relevance: tuple[str, SortOption] | None = None
    rows: Callable[[Query, QuerySet[Any]], QuerySet[Any]] | None = None
    prepare: Callable[[QuerySet[Any]], QuerySet[Any]] = lambda qs: qs
    formats: tuple[str, ...] = FORMATS
    sheet_title: str = ""
    related: tuple[str, ...] = ()  # other exports its page's menu offers (the orders page: lines, the workbook)

    @property
    def title(self) -> str:
        return self.sheet_title or self.label


@dataclass(frozen=True, eq=False)
class ExportWorkbook:
    """Several lists of one query on the sheets of one XLSX file (``sheets`` are keys of ``EXPORTS``); the first
    sheet's list decides the capability, the filters and the row count. XLSX only."""

    key: str
    label: str
    filename: str
    sheets: tuple[str, ...]
    formats: tuple[str, ...] = (XLSX,)

    @property
    def lists(self) -> list[ExportList]:
        return [item for key in self.sheets if isinstance(item := EXPORTS[key], ExportList)]

    @property
    def capability(self) -> Capability:
        return self.lists[0].capability

    @property
    def list_url_name(self) -> str:
        return self.lists[0].list_url_name


Export = ExportList | ExportWorkbook

EXPORTS: Registry[Export] = Registry("exports")


def export_get(key: str) -> Export | None:
    return EXPORTS.get(key)


def main_list(export: Export) -> ExportList:
    """The list whose filters and rows an export's count and visibility follow."""
    return export if isinstance(export, ExportList) else export.lists[0]


def rows_at_once() -> int:
    """Above this many rows an export runs as a background job (``TRADELOOM_EXPORT_ROWS_AT_ONCE``, 5,000)."""
    from django.conf import settings

    return int(getattr(settings, "TRADELOOM_EXPORT_ROWS_AT_ONCE", 5000))
