"""Request ids: accepted from ``X-Request-ID`` (when well-formed) or generated, echoed, and logged.

The id lives in a context variable so that every log line written while the request runs carries it, including
lines from libraries, and so that background work queued by the request can take it along: a task published while
it is set carries it in a message header, and the worker binds it while the task runs (``config/celery.py``), so
the task's log lines carry the request id of the request that queued it. Log lines written inside a Celery task
also carry ``task_id`` and ``task_name``. The client's address and user agent are kept beside it for audit records
(``current_client``).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any

from celery._state import get_current_task
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_client: ContextVar[tuple[str | None, str]] = ContextVar("client", default=(None, ""))


def current_request_id() -> str | None:
    return _request_id.get()


def request_id_bind(value: str | None) -> Token[str | None]:
    """Make ``value`` the current request id (a worker running a task a request queued); undo with the token."""
    return _request_id.set(value if value and _VALID.match(value) else None)


def request_id_reset(token: Token[str | None]) -> None:
    _request_id.reset(token)


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
    """Adds ``request_id`` to every log record (``None`` outside a request), and ``task_id`` and ``task_name`` to
    the records written inside a Celery task.

    Django logs a request's 4xx/5xx outcome after the middleware has finished; those records carry the request,
    and the id is read from it. The worker's own lines about a task (received, succeeded, failed) are written
    outside the task by Celery, with the task in their ``data``; the task is read from there.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = _request_id.get()
        if request_id is None:
            request_id = getattr(getattr(record, "request", None), "request_id", None)
        record.request_id = request_id
        task: Any = get_current_task()
        if task is not None and getattr(task.request, "id", None):
            record.task_id, record.task_name = task.request.id, task.name
        else:
            data = getattr(record, "data", None)
            if isinstance(data, dict) and "id" in data and "name" in data and record.name.startswith("celery"):
                record.task_id, record.task_name = data["id"], data["name"]
        return True
