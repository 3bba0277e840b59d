"""Alerts pages: the open (or resolved) alerts with links to their records, and the rules page where owners and
admins turn each kind on or off and set its days and recipients."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tradeloom.alerts import selectors, services
from tradeloom.alerts.capabilities import ALERTS_MANAGE, ALERTS_VIEW
from tradeloom.alerts.filters import AlertFilter
from tradeloom.alerts.forms import RuleForm
from tradeloom.alerts.notifying import detail_text, label_for
from tradeloom.core.alert_kinds import ALERT_KINDS
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.web import add_application_error, partial_template
from tradeloom.tenancy.roles import Role, role_has
from tradeloom.tenancy.web import TenantRequest, tenant_view

ALERT_SORTS = [
    SortOption("newest", "Newest first", ("-fired_at", "-id")),
    SortOption("oldest", "Oldest first", ("fired_at", "id")),
]


@tenant_view(GET=ALERTS_VIEW)
def alert_list_view(request: TenantRequest) -> HttpResponse:
    """Open alerts by default, newest first; filter by kind and by open or resolved."""
    qs = selectors.alert_list(
        organization=request.organization, membership=request.membership, status=request.GET.get("status")
    )
    page = list_page(request, qs.select_related("rule"), filterset_class=AlertFilter, sorts=ALERT_SORTS)
    for alert in page.rows:
        alert.detail_text = detail_text(alert.detail)
        alert.title = label_for(ALERT_KINDS.get(alert.kind), alert.kind, alert.rule.days)
    context = {
        "nav": "alerts",
        "page": page,
        "columns": ["Alert", "Record", f"Fired ({timezone.get_current_timezone_name()})", "Status"],
        "today": timezone.localdate(),
    }
    return render(request, partial_template(request, "alerts/alert_list.html", "alert-list"), context)


def _rule_forms(request: TenantRequest, bound: RuleForm | None = None) -> list[tuple[Any, RuleForm]]:
    members = selectors.member_choices(organization=request.organization)
    rows = []
    for view in selectors.rule_list(organization=request.organization):
        if bound is not None and bound.kind.code == view.kind.code:
            form = bound
        else:
            rule = view.rule
            initial = {
                "enabled": rule.enabled,
                "days": rule.days,
                "notify_merchandiser": rule.notify_merchandiser,
                "roles": list(rule.roles),
                "members": [str(m.pk) for m in view.members],
            }
            form = RuleForm(kind=view.kind, members=members, initial=initial)
        rows.append((view, form))
    return rows


@tenant_view(GET=ALERTS_VIEW, POST=ALERTS_MANAGE)
def rules_view(request: TenantRequest) -> HttpResponse:
    """One card per kind of alert: what it watches, on or off, N, who is told. Saving one card saves that rule."""
    organization = request.organization
    bound = None
    if request.method == "POST":
        kind = ALERT_KINDS.get(request.POST.get("kind", ""))
        if kind is None:
            messages.error(request, "Choose a kind of alert.")
            return redirect("alerts:rules", org_slug=organization.slug)
        bound = RuleForm(request.POST, kind=kind, members=selectors.member_choices(organization=organization))
        if bound.is_valid():
            try:
                services.rule_update(
                    organization=organization, kind=kind.code, by=request.membership, data=bound.service_data()
                )
            except ApplicationError as error:
                add_application_error(bound, error)
            else:
                messages.success(request, f"“{kind.label}” saved.")
                return redirect(f"{request.path}#rule-{kind.code}")
    context = {
        "nav": "alert-rules",
        "rows": _rule_forms(request, bound),
        "can_manage": role_has(request.membership.role, ALERTS_MANAGE),
        "roles": dict(Role.choices),
        "label_for": label_for,
    }
    return render(request, "alerts/rules.html", context)
