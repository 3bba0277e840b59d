"""Keyset cursor pagination: the default for every API list.

``?limit=`` (default 25, 1 to 200; anything else is a 400 naming ``limit``) picks the page size; ``next``/
``previous`` are opaque cursors that hold the ordering values of the last (first) row on the page, so the next page
is ``WHERE (ordering) > (those values)``: constant time at any depth, and every row is returned exactly once even
while rows are inserted or deleted between pages. The ordering must end in a unique NOT NULL column (the views'
orderings end in ``id``). ``count`` is only computed when ``?with_count=1`` asks for it.

A nullable ordering column (an invoice's due date) sorts its NULLs **last** in either direction, and the cursor
condition says so: after a row with a value come the larger (smaller) values *and* the NULLs; after a row with NULL
only the NULLs further on by the next column; before a NULL row every row with a value.

When every ordering field runs in the same direction on NOT NULL columns the condition is one SQL row comparison
(``(created_at, id) < (%s, %s)``), which PostgreSQL answers from a composite index; otherwise it is the equivalent
OR-chain.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from django.db import connection
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import OrderBy, RawSQL
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from tradeloom.core.prepared import PreparedQuery, server_binding

DEFAULT_LIMIT = 25
MAX_LIMIT = 200


class InvalidCursor(APIException):
    status_code = 400
    default_detail = "The page cursor is invalid or has expired."
    default_code = "invalid_cursor"


def _encode(direction: str, values: Sequence[Any]) -> str:
    raw = orjson.dumps({"d": direction, "v": [None if v is None else str(v) for v in values]})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_after(values: Sequence[Any]) -> str:
    """The cursor of the page that follows a row with these ordering values (what a page's ``next`` link holds)."""
    return _encode("n", values)


def _decode(token: str) -> tuple[str, list[str | None]]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = orjson.loads(raw)
        direction, values = data["d"], data["v"]
    except (binascii.Error, ValueError, TypeError, KeyError, orjson.JSONDecodeError) as exc:
        raise InvalidCursor() from exc
    if direction not in ("n", "p") or not isinstance(values, list):
        raise InvalidCursor()
    return direction, values


def parse_limit(raw: str | None) -> int:
    """``?limit=``: default 25; anything but a whole number from 1 to 200 (``0``, ``-1``, ``1e30``, ``ten``, a
    number past 200) is a validation error naming ``limit``, never a page of another size than asked."""
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    text = raw.strip()
    # at most three digits before int(): a thousand-digit number is refused without converting it
    if not (text.isascii() and text.isdigit() and len(text) <= 3) or not 1 <= int(text) <= MAX_LIMIT:
        raise ValidationError({"limit": [f"Must be a whole number between 1 and {MAX_LIMIT}."]})
    return int(text)


def _fields(queryset: QuerySet[Any], ordering: Sequence[str]) -> list[tuple[str, bool, Any]]:
    """(name, descending, field) per ordering item; annotations (e.g. a search rank) count as fields too."""
    fields = []
    for item in ordering:
        name = item.lstrip("-")
        annotation = queryset.query.annotations.get(name)
        field = annotation.output_field if annotation is not None else queryset.model._meta.get_field(name)
        fields.append((name, item.startswith("-"), field))
    return fields


def _nullable(field: Any) -> bool:
    return bool(getattr(field, "null", False))


def _after(queryset: QuerySet[Any], ordering: Sequence[str], values: list[Any], *, forward: bool) -> Any:
    fields = _fields(queryset, ordering)
    python_values: list[Any] = []
    for (_name, _desc, field), raw in zip(fields, values, strict=True):
        if raw is None and _nullable(field):
            python_values.append(None)
            continue
        try:
            python_values.append(field.to_python(raw))
        except Exception as exc:
            raise InvalidCursor() from exc
        if python_values[-1] is None:
            raise InvalidCursor()
    directions = {descending for _name, descending, _field in fields}
    local = all(name not in queryset.query.annotations for name, _d, _f in fields)
    if len(directions) == 1 and local and not any(_nullable(f) for _n, _d, f in fields):
        operator = "<" if directions.pop() == forward else ">"
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        columns = ", ".join(f"{table}.{connection.ops.quote_name(f.column)}" for _n, _d, f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        # Only quoted column names of the model are interpolated; values are parameters.
        condition_sql = f"({columns}) {operator} ({placeholders})"
        return queryset.filter(RawSQL(condition_sql, python_values, output_field=BooleanField()))  # noqa: S611

    def equal(index: int) -> Q:
        name, value = fields[index][0], python_values[index]
        return Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})

    condition = Q(pk__in=[])  # nothing, until a step adds rows
    for index, (name, descending, field) in enumerate(fields):
        value = python_values[index]
        if value is None:
            # NULLs sort last: going forward nothing but NULLs follows a NULL (the next column decides among them);
            # going back every row with a value comes before it
            if forward:
                continue
            step = Q(**{f"{name}__isnull": False})
        else:
            step = Q(**{f"{name}__{'lt' if descending == forward else 'gt'}": value})
            if forward and _nullable(field):
                step |= Q(**{f"{name}__isnull": True})
        for prev_index in range(index):
            step &= equal(prev_index)
        condition |= step
    return queryset.filter(condition)


def order_expressions(queryset: QuerySet[Any], ordering: Sequence[str], *, forward: bool = True) -> list[Any]:
    """``ordering`` as ``order_by`` takes it, NULLs last going forward (first going back) on nullable columns."""
    expressions: list[Any] = []
    for name, descending, field in _fields(queryset, ordering):
        if not _nullable(field):
            item = f"-{name}" if descending else name
            if not forward:
                item = item[1:] if item.startswith("-") else f"-{item}"
            expressions.append(item)
        elif forward:
            expressions.append(OrderBy(F(name), descending=descending, nulls_last=True))
        else:
            expressions.append(OrderBy(F(name), descending=not descending, nulls_first=True))
    return expressions


def _row_values(row: Any, names: list[str]) -> list[Any]:
    if isinstance(row, dict):
        return [row[name] for name in names]
    return [getattr(row, name) for name in names]


@dataclass(frozen=True)
class KeysetPage:
    rows: list[Any]
    next_cursor: str | None
    previous_cursor: str | None


def keyset_page(queryset: QuerySet[Any], *, ordering: Sequence[str], cursor: str | None, limit: int) -> KeysetPage:
    """One page of ``queryset`` in ``ordering`` after/before ``cursor``: one query, whatever the depth.

    Shared by the API paginator and the web list component.
    """
    forward = True
    if cursor:
        direction, values = _decode(cursor)
        if len(values) != len(ordering):
            raise InvalidCursor()
        forward = direction == "n"
        queryset = _after(queryset, ordering, values, forward=forward)
    order_by = order_expressions(queryset, ordering, forward=forward)
    with server_binding(queryset.db):  # a page's statement repeats with new values: prepared (core.prepared)
        rows = list(queryset.order_by(*order_by)[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    if not forward:
        rows.reverse()
    names = [o.lstrip("-") for o in ordering]
    first = _row_values(rows[0], names) if rows else None
    last = _row_values(rows[-1], names) if rows else None
    if forward:
        next_cursor = _encode("n", last) if has_more and last else None
        previous_cursor = _encode("p", first) if cursor and first else None
    else:
        previous_cursor = _encode("p", first) if has_more and first else None
        next_cursor = _encode("n", last) if last else None
    return KeysetPage(rows=rows, next_cursor=next_cursor, previous_cursor=previous_cursor)


class PreparedFirstPage:
    """The first page of a busy list, compiled to SQL once per page size and run with new values (``PreparedQuery``):
    what ``keyset_page`` returns without a cursor, without compiling the list's statement on every request.

    ``build(**params)`` is the list's queryset (a ``values()`` one) for scalar ``params`` (UUID, str or int, as
    ``PreparedQuery`` takes them); the page is ``ordering``'s first ``limit`` rows, and its next cursor continues
    through ``keyset_page`` exactly as the list's own. For the one or two shapes of a list that most requests ask for
    (no filter, or one status); every other request takes the general path."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *, ordering: Sequence[str], **params: type) -> None:
        self._build = build
        self._ordering = tuple(ordering)
        self._names = [o.lstrip("-") for o in self._ordering]
        self._params = params
        self._queries: dict[int, PreparedQuery] = {}

    def _query(self, limit: int) -> PreparedQuery:
        query = self._queries.get(limit)
        if query is None:
            build, ordering = self._build, self._ordering

            def page_of(**values: Any) -> QuerySet[Any]:
                queryset = build(**values)
                return queryset.order_by(*order_expressions(queryset, ordering))[: limit + 1]

            query = self._queries[limit] = PreparedQuery(page_of, **self._params)
        return query

    def page(self, *, limit: int, **values: Any) -> KeysetPage:
        rows = self._query(limit).all(**values)
        has_more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = _encode("n", _row_values(rows[-1], self._names)) if has_more and rows else None
        return KeysetPage(rows=rows, next_cursor=next_cursor, previous_cursor=None)


class KeysetCursorPagination(BasePagination):
    """DRF paginator over ``keyset_page``. A view sets ``ordering`` (a tuple ending in a unique field)."""

    cursor_query_param = "cursor"
    limit_query_param = "limit"
    count_query_param = "with_count"
    default_ordering: tuple[str, ...] = ("-created_at", "-id")

    def __init__(self) -> None:
        self.request: Request | None = None
        self.next_token: str | None = None
        self.previous_token: str | None = None
        self.count: int | None = None

    def get_ordering(self, view: Any) -> tuple[str, ...]:
        if hasattr(view, "get_ordering"):
            return tuple(view.get_ordering())
        ordering = getattr(view, "ordering", None) or self.default_ordering
        if isinstance(ordering, str):
            ordering = (ordering,)
        return tuple(ordering)

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        limit = parse_limit(request.query_params.get(self.limit_query_param))
        if request.query_params.get(self.count_query_param) in ("1", "true"):
            self.count = queryset.count()
        page = keyset_page(
            queryset,
            ordering=self.get_ordering(view),
            cursor=request.query_params.get(self.cursor_query_param),
            limit=limit,
        )
        self.next_token, self.previous_token = page.next_cursor, page.previous_cursor
        return page.rows

    def take_page(self, page: KeysetPage, request: Request) -> list[Any]:
        """Serve a page the view read itself (``PreparedFirstPage``) as if ``paginate_queryset`` had read it."""
        self.request = request
        self.next_token, self.previous_token = page.next_cursor, page.previous_cursor
        return page.rows

    def _link(self, token: str | None) -> str | None:
        if token is None or self.request is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(remove_query_param(url, self.cursor_query_param), self.cursor_query_param, token)

    def get_paginated_response(self, data: Any) -> Response:
        body: dict[str, Any] = {
            "next": self._link(self.next_token),
            "previous": self._link(self.previous_token),
        }
        if self.count is not None:
            body["count"] = self.count
        body["results"] = data
        return Response(body)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {"type": ["string", "null"], "format": "uri"},
                "previous": {"type": ["string", "null"], "format": "uri"},
                "count": {"type": "integer", "description": "Only present with ?with_count=1."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque cursor from a previous page's next/previous link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page: 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}); anything else is a 400.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            },
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": "Set to 1 to include the total row count (costs one more query).",
                "schema": {"type": "boolean"},
            },
        ]
