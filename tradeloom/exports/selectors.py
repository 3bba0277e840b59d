"""Reads for exports: a list's rows for a query string, page by page in the list's order, and the export jobs."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, QueryDict

from tradeloom.core.listing import SortOption
from tradeloom.core.models import Job
from tradeloom.core.pagination import keyset_page
from tradeloom.exports.registry import EXPORTS, Export, ExportList, Query, main_list
from tradeloom.tenancy.models import Membership

CHUNK = 1000  # rows per statement (a keyset page): memory and statements stay bounded whatever the export's size
EXPORT_JOB = "export"  # the job kind (``apps.py``)


class InvalidFilters(Exception):
    """The query string's filters do not validate (``errors``: field → messages, as the list page shows them)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("The filters are not valid.")
        self.errors = errors


def export_of(key: str) -> Export:
    """The export called ``key``, else 404."""
    export = EXPORTS.get(key)
    if export is None:
        raise Http404("No such export.")
    return export


def query_params(data: Any) -> QueryDict:
    """A QueryDict of ``data`` (a QueryDict, or a dict of strings or lists of strings as a job keeps it)."""
    if isinstance(data, QueryDict):
        return data
    params = QueryDict(mutable=True)
    for key, value in (data or {}).items():
        params.setlist(str(key), [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)])
    return params


def _request(query: Query) -> Any:
    """What a FilterSet reads from its request (the choices of its reference filters, the member's visibility)."""
    user = getattr(query.membership, "user", None)
    return SimpleNamespace(organization=query.organization, membership=query.membership, user=user, GET=query.params)


def _sort(export: ExportList, query: Query) -> SortOption:
    asked = query.params.get("sort", "")
    if export.relevance is not None:
        param, relevance = export.relevance
        if query.params.get(param, "").strip() and asked in ("", export.sorts[0].key, relevance.key):
            return relevance
    return next((s for s in export.sorts if s.key == asked), export.sorts[0])


def export_rows(export: ExportList, query: Query) -> tuple[QuerySet[Any], tuple[str, ...]]:
    """The rows of ``export`` for ``query`` — the list page's selector, filters and sort — and their ordering.
    Refused filters raise ``InvalidFilters``."""
    base = export.queryset(query)
    filterset = export.filterset_class(query.params, queryset=base, request=_request(query))
    if not filterset.is_valid():
        raise InvalidFilters({name: [str(m) for m in messages] for name, messages in filterset.errors.items()})
    rows = filterset.qs if export.rows is None else export.rows(query, filterset.qs)
    return export.prepare(rows), _sort(export, query).ordering


def export_count(export: Export, query: Query) -> int:
    """How many rows the export's (first) list has for ``query``: one statement."""
    rows, _ = export_rows(main_list(export), query)
    return rows.order_by().count()


def export_total(export: Export, query: Query) -> int:
    """The rows of every sheet (the progress of a job counts them all)."""
    lists = [export] if isinstance(export, ExportList) else export.lists
    return sum(export_rows(item, query)[0].order_by().count() for item in lists)


def export_page(
    rows: QuerySet[Any], ordering: tuple[str, ...], cursor: str | None, limit: int = CHUNK
) -> tuple[list[Any], str | None]:
    """One chunk of rows after ``cursor`` and the cursor of the next (``None``: the last): one statement (plus one
    per prefetch), at any depth."""
    page = keyset_page(rows, ordering=ordering, cursor=cursor, limit=limit)
    return page.rows, page.next_cursor


def sorts_on_empty_values(rows: QuerySet[Any], ordering: tuple[str, ...]) -> bool:
    """Whether a column of ``ordering`` may be empty (NULL): then rows go by position, not by keyset."""
    for item in ordering:
        name = item.lstrip("-")
        if name in rows.query.annotations:
            continue  # the lists' sort annotations (a search rank, an order's creation) are never empty
        if getattr(rows.model._meta.get_field(name), "null", False):
            return True
    return False


def export_job_get(*, organization: Any, membership: Membership, pk: Any) -> Job:
    """An export job of the organisation that this member started, else 404: its file holds what *they* may see
    (a restricted merchandiser's orders), so no one else downloads it."""
    job = Job.objects.filter(
        organization=organization, pk=pk, kind=EXPORT_JOB, created_by_id=membership.user_id
    ).first()
    if job is None:
        raise Http404("No such export.")
    return job
