"""Notification pages: the inbox (filters, mark read, mark all read), opening a notification, the bell's count
and the member's notification settings. A member only ever reaches their own notifications."""

from __future__ import annotations

from typing import Any

import orjson
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.web import add_application_error, partial_template
from tradeloom.notifications import selectors, services
from tradeloom.notifications.capabilities import NOTIFICATIONS_MANAGE, NOTIFICATIONS_VIEW
from tradeloom.notifications.filters import NotificationFilter
from tradeloom.notifications.forms import PreferencesForm
from tradeloom.notifications.kinds import NOTIFICATION_KINDS, Channel, kind_label
from tradeloom.notifications.models import Notification
from tradeloom.tenancy.roles import role_has
from tradeloom.tenancy.web import TenantRequest, tenant_view

SORTS = [
    SortOption("newest", "Newest first", ("-created_at", "-id")),
    SortOption("oldest", "Oldest first", ("created_at", "id")),
]
FILTER_KEYS = ("kind", "severity", "unread", "sort")
SEVERITY_BADGES = {"info": "badge-blue", "warning": "badge-amber", "critical": "badge-red"}
# The settings table's columns: every channel but "off" shows the notification in the app too.
CHANNEL_HEADINGS = [
    (Channel.IN_APP.value, "In the app only"),
    (Channel.EMAIL.value, "Also by e-mail"),
    (Channel.DIGEST.value, "Also in the daily digest"),
    (Channel.OFF.value, "Off"),
]
# Sent with every change of what is read: the bell listens for it and refreshes its count at once.
CHANGED = orjson.dumps({"notifications-changed": {}}).decode()


def _slug(request: TenantRequest) -> dict[str, Any]:
    return {"org_slug": request.organization.slug}


def _inbox_url(request: TenantRequest, params: QueryDict | None = None) -> str:
    url = reverse("notifications:inbox", kwargs=_slug(request))
    kept = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        value = (params or QueryDict()).get(key, "")
        if value:
            kept[key] = value
    return f"{url}?{kept.urlencode()}" if kept else url


def _decorate(rows: list[Notification]) -> list[Notification]:
    for row in rows:
        row.kind_label = kind_label(row.kind)  # type: ignore[attr-defined]
        row.badge = SEVERITY_BADGES.get(row.severity, "badge-gray")  # type: ignore[attr-defined]
    return rows


def _get(request: TenantRequest, notification_id: Any) -> Notification:
    return selectors.notification_get(
        organization=request.organization, recipient=request.membership, pk=notification_id
    )


@tenant_view(GET=NOTIFICATIONS_VIEW)
def inbox_view(request: TenantRequest) -> HttpResponse:
    queryset = selectors.notification_list(organization=request.organization, recipient=request.membership)
    page = list_page(request, queryset, filterset_class=NotificationFilter, sorts=SORTS)
    page.rows = _decorate(page.rows)
    template = partial_template(request, "notifications/inbox.html", "notification-list")
    context = {
        "nav": "notifications",
        "page": page,
        "columns": ["Notification", "Severity", "Received", ""],
        "current": {key: request.GET.get(key, "") for key in ("kind", "severity")},
        "query": request.GET.urlencode(),
    }
    return render(request, template, context)


@tenant_view(GET=NOTIFICATIONS_VIEW)
def bell_view(request: TenantRequest) -> HttpResponse:
    """The bell's unread count (polled by the top bar): one statement."""
    count = selectors.unread_count(organization=request.organization, recipient=request.membership)
    response = render(request, "notifications/_bell_count.html", {"unread": count})
    response["Cache-Control"] = "no-store"
    return response


@tenant_view(GET=NOTIFICATIONS_VIEW)
def open_view(request: TenantRequest, notification_id: Any) -> HttpResponse:
    """Open a notification: it is read now (for a member who may mark it), and the page it is about shows."""
    notification = _get(request, notification_id)
    if role_has(request.membership.role, NOTIFICATIONS_MANAGE):
        services.notification_mark_read(notification=notification, by=request.membership)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}) and link.startswith("/"):
        return HttpResponseRedirect(link)
    return redirect(_inbox_url(request))


@tenant_view(POST=NOTIFICATIONS_MANAGE)
def read_view(request: TenantRequest, notification_id: Any) -> HttpResponse:
    """Mark one notification read (``action=unread``: unread again). HTMX: the row again; else back to the inbox."""
    notification = _get(request, notification_id)
    if request.POST.get("action") == "unread":
        services.notification_mark_unread(notification=notification, by=request.membership)
    else:
        services.notification_mark_read(notification=notification, by=request.membership)
    if getattr(request, "htmx", None):
        response = render(request, "notifications/inbox.html#notification-row", {"row": _decorate([notification])[0]})
        response["HX-Trigger"] = CHANGED
        return response
    return redirect(_inbox_url(request, QueryDict(request.POST.get("query", ""))))


def _posted_filter(request: TenantRequest, name: str) -> str:
    """The inbox's filter as the page shows it now: the filter form's value (HTMX includes it), else the one the
    page was rendered with (``current_<name>``, a plain post)."""
    if name in request.POST:
        return request.POST.get(name, "")
    return request.POST.get(f"current_{name}", "")


@tenant_view(POST=NOTIFICATIONS_MANAGE)
def read_all_view(request: TenantRequest) -> HttpResponse:
    """Mark every unread notification read — of the kind and severity the inbox is filtered on, if any."""
    kind, severity = _posted_filter(request, "kind"), _posted_filter(request, "severity")
    params = QueryDict(mutable=True)
    params.update({k: v for k, v in (("kind", kind), ("severity", severity)) if v})
    if kind and kind not in NOTIFICATION_KINDS:
        messages.error(request, "No such kind of notification: nothing was marked read.")
    elif severity and severity not in Notification.Severity.values:
        messages.error(request, "No such severity: nothing was marked read.")
    else:
        count = services.notifications_mark_all_read(
            organization=request.organization, by=request.membership, kind=kind, severity=severity
        )
        plural = "s" if count != 1 else ""
        messages.success(request, f"{count} notification{plural} marked read." if count else "Nothing was unread.")
    url = _inbox_url(request, params)
    if getattr(request, "htmx", None):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@tenant_view(GET=NOTIFICATIONS_VIEW, POST=NOTIFICATIONS_MANAGE)
def settings_view(request: TenantRequest) -> HttpResponse:
    """How the member is told of each kind: in the app, by e-mail, in the daily digest, or not at all."""
    organization, membership = request.organization, request.membership
    kinds = selectors.kinds()
    current = selectors.preferences_of(organization=organization, membership=membership)
    form = PreferencesForm(request.POST or None, kinds=kinds, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_set(
                organization=organization, membership=membership, by=membership, channels=form.channels()
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "Notification settings saved.")
            return redirect(reverse("notifications:settings", kwargs=_slug(request)))
    context = {"nav": "notifications", "form": form, "rows": form.rows(), "channels": CHANNEL_HEADINGS}
    return render(request, "notifications/settings.html", context, status=400 if form.errors else 200)
