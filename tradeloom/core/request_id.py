"""Request ids: accepted from ``X-Request-ID`` (when well-formed) or generated, echoed, and logged.

The id lives in a context variable so that every log line written while the request runs carries it, including
lines from libraries, and so that background work queued by the request can take it along. The client's address
and user agent are kept beside it for audit records (``current_client``).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_client: ContextVar[tuple[str | None, str]] = ContextVar("client", default=(None, ""))


def current_request_id() -> str | None:
    return _request_id.get()


def current_client() -> tuple[str | None, str]:
    """``(ip, user_agent)`` of the request being served, or ``(None, "")`` outside a request.

    The address is ``REMOTE_ADDR``; behind nginx, nginx's real-ip module must set it (deploy/nginx).
    """
    return _client.get()


def _accept_or_generate(value: str | None) -> str:
    if value and _VALID.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost middleware: sets ``request.request_id`` and the ``X-Request-ID`` response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = _accept_or_generate(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        client_token = _client.set(
            (request.META.get("REMOTE_ADDR") or None, request.META.get("HTTP_USER_AGENT", "")[:400])
        )
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
            _client.reset(client_token)
        response[HEADER] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds ``request_id`` to every log record (``None`` outside a request).

    Django logs a request's 4xx/5xx outcome after the middleware has finished; those records carry the request,
    and the id is read from it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = _request_id.get()
        if request_id is None:
            request_id = getattr(getattr(record, "request", None), "request_id", None)
        record.request_id = request_id
        return True
