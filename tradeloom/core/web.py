"""Web (HTMX) helpers: partial templates, toasts, and mapping service errors onto forms.

The tenant guard of every page (``tenant_view``) is the platform's: ``tradeloom.tenancy.web``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import orjson
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from tradeloom.core.exceptions import ApplicationError


def partial_template(request: HttpRequest, template: str, target: str) -> str:
    """``template#target`` (a django-template-partials partial) when HTMX asks to swap ``#target``, else the page."""
    htmx = getattr(request, "htmx", None)
    return f"{template}#{target}" if htmx and htmx.target == target else template


def with_toast(response: HttpResponse, message: str, level: str = "success") -> HttpResponse:
    """Ask the page to show a toast (HTMX ``HX-Trigger``); plain requests use Django messages instead."""
    response["HX-Trigger"] = orjson.dumps({"toast": {"message": message, "level": level}}).decode()
    return response


def add_application_error(form: forms.BaseForm, error: ApplicationError, field: str | None = None) -> None:
    """Show a service's refusal on the form: on ``field``, on the fields it names, or above the form."""
    field_errors = error.extra.get("errors") if isinstance(error.extra.get("errors"), dict) else None
    if field_errors:
        for name, texts in field_errors.items():
            target = name if name in form.fields else None
            for message in texts:
                form.add_error(target, message)
        return
    form.add_error(field if field in form.fields else None, error.message)


def form_error_message(form: forms.BaseForm) -> str:
    """A form's errors in one sentence, for a page message ("Price: This field is required.")."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(error) for error in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


def form_action(request: HttpRequest, form: forms.BaseForm, action: Callable[[dict[str, Any]], str]) -> bool:
    """Validate ``form`` and run ``action`` with its data; show its success message, or the form's or the
    service's refusal as an error message (the service's savepoint rolled back: nothing changed)."""
    if not form.is_valid():
        messages.error(request, form_error_message(form))
        return False
    try:
        message = action(form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, message)
    return True


def posted_uuid(request: HttpRequest, name: str) -> uuid.UUID | None:
    """A posted id, or None when it is missing or not a UUID (the caller answers "choose …" or 404, never 500)."""
    return uuid_or_none(request.POST.get(name))


def uuid_or_none(value: str | None) -> uuid.UUID | None:
    """An id from a query string or form, or None when it is missing or not a UUID (never a 500 on ``?order=abc``)."""
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None
