"""Conditional reads: ``If-None-Match`` against a representation's ``ETag`` (RFC 9110 §13.1.2) → 304.

A representation's tag is its record's version tag (``"<id>-<version>"``, what ``If-Match`` names on a write:
``records.api.expected_version``) with a digest of the body it describes: ``"<id>-<version>-<digest>"``. The
version alone would not do: a delivery, a line's edit or a new exchange rate changes an order's body but not its
header's version, and a contact's edit changes the customer's detail that embeds it. So a read renders its body,
tags it (``conditional_response``) and answers 304 with the tag and no body while the client's tag is still the
body's: a client polling a record or an order does not download what it already has.
"""

from __future__ import annotations

import hashlib
from typing import Any

from drf_orjson_renderer.renderers import ORJSONRenderer
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


def representation_etag(version_tag: str, data: Any) -> str:
    """``version_tag`` (``"<id>-<version>"``) with the digest of ``data`` as the client receives it."""
    body = ORJSONRenderer().render(data)
    return f'{version_tag[:-1]}-{hashlib.blake2b(body, digest_size=8).hexdigest()}"'


def conditional_response(request: Request, data: Any, *, version_tag: str, status: int = 200) -> Response:
    """``data`` with its representation's ``ETag``; for a read whose ``If-None-Match`` names that tag, a 304 with the
    tag and no body instead."""
    etag = representation_etag(version_tag, data)
    if request.method in ("GET", "HEAD") and none_match_fails(request, etag):
        response = Response(status=304)
    else:
        response = Response(data, status=status)
    response["ETag"] = etag
    return response
