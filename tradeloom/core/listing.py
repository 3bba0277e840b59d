"""The web list component's engine: filters, search, sort, keyset pages and an on-demand count.

Uses the same django-filter FilterSets as the API, and the same ``keyset_page`` as API pagination, so a web list
costs one query for the page (plus one for the count, only when asked) whatever its depth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

from tradeloom.core.pagination import DEFAULT_LIMIT, InvalidCursor, KeysetPage, keyset_page


@dataclass(frozen=True)
class SortOption:
    key: str
    label: str
    ordering: tuple[str, ...]


@dataclass
class ListPage:
    rows: list[Any]
    filterset: django_filters.FilterSet
    sort: SortOption
    sorts: list[SortOption]
    next_url: str | None
    previous_url: str | None
    count: int | None
    count_url: str
    is_filtered: bool

    @property
    def form(self) -> Any:
        return self.filterset.form


def _url(request: HttpRequest, **changes: str | None) -> str:
    params: QueryDict = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    query = params.urlencode()
    return f"{request.path}?{query}" if query else request.path


def list_page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    filterset_class: type[django_filters.FilterSet],
    sorts: list[SortOption],
    limit: int = DEFAULT_LIMIT,
    sort_key: str | None = None,
) -> ListPage:
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    by_key = {s.key: s for s in sorts}
    sort = by_key.get(sort_key or request.GET.get("sort", ""), sorts[0])
    if filterset.is_bound and not filterset.is_valid():  # the form shows the errors; no rows, no query
        page, count = KeysetPage(rows=[], next_cursor=None, previous_cursor=None), None
    else:
        rows_qs = filterset.qs
        try:
            page = keyset_page(rows_qs, ordering=sort.ordering, cursor=request.GET.get("cursor"), limit=limit)
        except InvalidCursor:  # a stale or edited link: start again from the first page
            page = keyset_page(rows_qs, ordering=sort.ordering, cursor=None, limit=limit)
        count = rows_qs.count() if request.GET.get("with_count") == "1" else None
    filter_keys = set(filterset.form.fields)
    return ListPage(
        rows=page.rows,
        filterset=filterset,
        sort=sort,
        sorts=sorts,
        next_url=_url(request, cursor=page.next_cursor) if page.next_cursor else None,
        previous_url=_url(request, cursor=page.previous_cursor) if page.previous_cursor else None,
        count=count,
        count_url=_url(request, with_count="1"),
        is_filtered=any(request.GET.get(k) for k in filter_keys),
    )
