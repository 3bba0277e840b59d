"""The one exception services raise for a broken business rule."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the operation.

    ``code`` is stable and machine-readable (``invalid_transition``, ``gate_blocked`` …); clients branch on it.
    ``status`` is the HTTP status the API answers with (400 unless a rule says otherwise, e.g. 409 for a
    conflict with existing data). ``extra`` goes into the problem document as-is (e.g. the missing gates).
    """

    def __init__(self, message: str, *, code: str, status: int = 400, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.extra = extra or {}

    def __str__(self) -> str:
        return self.message


def field_error(field: str, message: str, *, code: str = "validation_error") -> ApplicationError:
    """A refusal about one input field: ``message`` in the problem's detail and under ``errors[field]``, so the API
    names the field and a web form shows the message next to it."""
    return ApplicationError(message, code=code, extra={"errors": {field: [message]}})
