"""Web (HTMX) helpers: the tenant view decorator, toasts, and mapping service errors onto forms."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

import orjson
from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase

from tradeloom.core.exceptions import ApplicationError
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.resolution import membership_resolve
from tradeloom.tenancy.roles import Cap, role_has

ViewFunc = Callable[..., HttpResponseBase]


class TenantRequest(HttpRequest):
    """The request a ``tenant_view`` receives: its organisation and the caller's membership are resolved."""

    organization: Organization
    membership: Membership


def tenant_view(**capabilities: Cap) -> Callable[[ViewFunc], ViewFunc]:
    """Guard a web view under ``/o/<org_slug>/``: ``@tenant_view(GET=Cap.MEMBERS_VIEW, POST=Cap.MEMBERS_MANAGE)``.

    Anonymous → login page; not a member (or no such organisation) → 404; a method the view does not declare → 405;
    a role without the capability → 403. Runs inside the request's transaction, so the database tenant context
    is set for everything the view does. Tests walk the URLconf to check every ``/o/`` view carries it.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = membership_resolve(user=request.user, slug=org_slug)
            request.membership = membership  # type: ignore[attr-defined]
            request.organization = membership.organization  # type: ignore[attr-defined]
            method = "GET" if request.method == "HEAD" else (request.method or "GET")
            capability = capabilities.get(method)
            if capability is None:
                return HttpResponseNotAllowed(sorted(capabilities))
            if not role_has(membership.role, capability):
                raise PermissionDenied("Your role does not allow this action.")
            return view(request, *args, **kwargs)

        wrapped.tenant_capabilities = capabilities  # type: ignore[attr-defined]
        return wrapped

    return decorator


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
    try:
        return uuid.UUID(request.POST.get(name, ""))
    except ValueError:
        return None
