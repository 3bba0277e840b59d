"""Conditional reads: ``If-None-Match`` against a representation's ``ETag`` (RFC 9110 §13.1.2) → 304.

A read that carries an ``ETag`` asks ``not_modified(request, etag)`` first: when the client's tag is still current
it answers 304 with the tag and no body, so a client polling a record or an order pays for neither the body nor,
where the view checks before loading the detail, its queries. Writes check ``If-Match`` instead
(``records.api.expected_version``).
"""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def none_match_fails(request: Request, etag: str) -> bool:
    """True when ``If-None-Match`` is ``*`` or names ``etag`` (weak comparison: ``W/`` is ignored on both sides)."""
    header = request.headers.get("If-None-Match", "").strip()
    if not header:
        return False
    if header == "*":
        return True
    current = _opaque(etag)
    return any(_opaque(tag) == current for tag in header.split(","))


def not_modified(request: Request, etag: str) -> Response | None:
    """A 304 for a read whose ``If-None-Match`` names the current ``etag``; None when the body must be sent."""
    if not none_match_fails(request, etag):
        return None
    response = Response(status=304)
    response["ETag"] = etag
    return response
