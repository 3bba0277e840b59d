"""RFC 9457 problem documents: every API error, one shape.

``exception_handler`` is DRF's ``EXCEPTION_HANDLER``; ``problem_response`` is also used by the Django-level error
handlers (``core.error_views``) so that a 404 from the URL resolver, a CSRF failure or a crash in middleware on
an ``/api/`` path answers with ``application/problem+json`` too, never an HTML page.

Stable codes: ``validation_error``, ``parse_error``, ``not_authenticated``, ``authentication_failed``,
``permission_denied``, ``not_found``, ``method_not_allowed``, ``not_acceptable``, ``unsupported_media_type``,
``rate_limited``, ``conflict``, ``payload_too_large``, ``invalid_data``, ``bad_request``, ``server_error`` and the
codes of ``ApplicationError``.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import orjson
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError, IntegrityError, connections
from django.http import Http404, HttpRequest, HttpResponse
from psycopg import errors as pg_errors
from rest_framework import exceptions as drf
from rest_framework.response import Response

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.request_id import current_request_id

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

# DRF exception class → stable code. Order matters: subclasses before their bases.
_DRF_CODES: tuple[tuple[type[drf.APIException], str], ...] = (
    (drf.ValidationError, "validation_error"),
    (drf.ParseError, "parse_error"),
    (drf.NotAuthenticated, "not_authenticated"),
    (drf.AuthenticationFailed, "authentication_failed"),
    (drf.PermissionDenied, "permission_denied"),
    (drf.NotFound, "not_found"),
    (drf.MethodNotAllowed, "method_not_allowed"),
    (drf.NotAcceptable, "not_acceptable"),
    (drf.UnsupportedMediaType, "unsupported_media_type"),
    (drf.Throttled, "rate_limited"),
)


def problem_type(code: str) -> str:
    """A stable URI naming the problem type; docs/api.md ("Errors") lists the codes."""
    return f"urn:tradeloom:problem:{code}"


def problem_body(*, status: int, code: str, detail: str, title: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    request_id = current_request_id()
    if request_id:
        body["request_id"] = request_id
    body.update(extra)
    return body


def problem_response(
    *, status: int, code: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> HttpResponse:
    """A plain Django response carrying a problem document (for use outside DRF views)."""
    response = HttpResponse(
        orjson.dumps(problem_body(status=status, code=code, detail=detail, **extra)),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _flatten_errors(data: Any) -> dict[str, list[str]]:
    """DRF's nested error structure → ``{"field": [...], "lines.0.quantity": [...]}``."""
    flat: dict[str, list[str]] = {}

    def walk(value: Any, prefix: str) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, f"{prefix}.{key}" if prefix else str(key))
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            flat.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in value)
        elif isinstance(value, list):
            for index, child in enumerate(value):
                if child:
                    walk(child, f"{prefix}.{index}" if prefix else str(index))
        else:
            flat.setdefault(prefix or "non_field_errors", []).append(str(value))

    walk(data, "")
    return flat


def _detail_text(detail: Any) -> str:
    """A DRF exception's detail as one sentence. Some (simplejwt's invalid token) carry a dict of details and
    messages; the problem shows their main ``detail``, not a printed dict."""
    if isinstance(detail, dict):
        inner = detail.get("detail")
        if inner is not None:
            return str(inner)
        return " ".join(str(v) for v in detail.values() if isinstance(v, str))
    if isinstance(detail, list):
        return " ".join(str(v) for v in detail)
    return str(detail)


def _unique_violation(exc: IntegrityError) -> bool:
    return isinstance(exc.__cause__, pg_errors.UniqueViolation)


def _response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(body, status=body["status"], headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _rollback_request_transaction(view: Any) -> None:
    """Mark the request's transaction for rollback, so an error never leaves half a write behind.

    Views marked ``non_atomic_requests`` manage their own transactions (e.g. to keep a failed-login record);
    their caller's transaction is left alone.
    """
    skip: set[str] = getattr(getattr(view, "dispatch", None), "_non_atomic_requests", set())
    for db in connections.all(initialized_only=True):
        if db.settings_dict.get("ATOMIC_REQUESTS") and db.in_atomic_block and db.alias not in skip:
            db.set_rollback(True)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Render any exception raised in an API view as a problem document. Never returns ``None``."""
    _rollback_request_transaction(context.get("view"))
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()

    if isinstance(exc, ApplicationError):
        body = problem_body(status=exc.status, code=exc.code, detail=exc.message, **exc.extra)
        return _response(body)

    if isinstance(exc, drf.APIException):
        if type(exc).__module__.startswith("tradeloom."):
            code = str(exc.default_code)  # our own subclasses name their code (token_reused, invalid_cursor …)
        else:
            code = next((c for cls, c in _DRF_CODES if isinstance(exc, cls)), None) or str(exc.default_code)
        headers: dict[str, str] = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
        if isinstance(exc, drf.ValidationError):
            body = problem_body(
                status=exc.status_code,
                code=code,
                detail="The request has invalid fields.",
                errors=_flatten_errors(exc.detail),
            )
        else:
            body = problem_body(status=exc.status_code, code=code, detail=_detail_text(exc.detail))
        return _response(body, headers)

    if isinstance(exc, IntegrityError):
        # A unique value taken, or a race the validation could not see (a reference deleted meanwhile).
        detail = (
            "A record with these values already exists."
            if _unique_violation(exc)
            else "The change conflicts with another change made at the same time. Reload and try again."
        )
        return _response(problem_body(status=409, code="conflict", detail=detail))

    if isinstance(exc, RequestDataTooBig):
        return _response(problem_body(status=413, code="payload_too_large", detail="The request body is too large."))
    if isinstance(exc, SuspiciousOperation):  # e.g. too many form fields, a malformed multipart body
        return _response(problem_body(status=400, code="bad_request", detail="The request could not be understood."))
    if isinstance(exc, DataError):  # a value PostgreSQL cannot store (e.g. a NUL character in text)
        return _response(
            problem_body(status=400, code="invalid_data", detail="The request contains a value that cannot be stored.")
        )

    view = context.get("view")
    logger.exception("unhandled API error", extra={"view": type(view).__name__ if view else None})
    body = problem_body(status=500, code="server_error", detail="An unexpected error occurred. It has been logged.")
    return _response(body)


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")
