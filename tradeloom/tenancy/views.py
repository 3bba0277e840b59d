"""Organisation pages: dashboard, settings, members, the audit log and its export, and creating another
organisation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tradeloom.audit.filters import AuditEventFilter
from tradeloom.audit.selectors import audit_event_list, audit_timeline
from tradeloom.audit.sentences import describe
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.models import Job
from tradeloom.core.web import add_application_error, partial_template, with_toast
from tradeloom.tenancy import selectors, services
from tradeloom.tenancy.capabilities import (
    AUDIT_VIEW,
    MEMBERS_MANAGE,
    MEMBERS_VIEW,
    ORGANIZATION_MANAGE,
    ORGANIZATION_VIEW,
)
from tradeloom.tenancy.dashboard import dashboard_panels
from tradeloom.tenancy.filters import MembershipFilter
from tradeloom.tenancy.forms import OrganizationCreateForm, OrganizationSettingsForm, RoleForm
from tradeloom.tenancy.models import OVER_DELIVERY_TOLERANCE, OVER_RECEIPT_TOLERANCE, PO_APPROVAL_LIMIT
from tradeloom.tenancy.roles import Role, all_capabilities, role_has
from tradeloom.tenancy.web import TenantRequest, frame_resolve, tenant_view


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """The start page: the user's first organisation, or the page to create one."""
    first = selectors.membership_first_of_user(user=request.user)
    if first is None:
        return redirect("organization-create")
    return redirect("tenancy:dashboard", org_slug=first.organization.slug)


@login_required
@require_http_methods(["GET", "POST"])
def organization_create_view(request: HttpRequest) -> HttpResponse:
    form = OrganizationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization, _ = services.organization_create(owner=request.user, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"{organization.name} is ready. Invite your team.")
            return redirect("tenancy:dashboard", org_slug=organization.slug)
    # framed by one of the user's organisations (its sidebar), once nothing more is written in this request
    frame_resolve(request)
    return render(request, "tenancy/organization_create.html", {"form": form})


@tenant_view(GET=ORGANIZATION_VIEW)
def dashboard_view(request: TenantRequest) -> HttpResponse:
    """The first screen: the panels the apps contribute (``tenancy.dashboard``) that the member's role may see."""
    today = timezone.localdate()
    page = dashboard_panels(organization=request.organization, membership=request.membership, today=today)
    context = {"nav": "dashboard", "page": page, "today": today}
    return render(request, "tenancy/dashboard.html", context)


@tenant_view(GET=ORGANIZATION_VIEW, POST=ORGANIZATION_MANAGE)
def settings_view(request: TenantRequest) -> HttpResponse:
    organization = request.organization
    initial = {
        "name": organization.name,
        "base_currency": organization.base_currency,
        "timezone": organization.timezone,
        "over_delivery_tolerance_percent": (organization.settings or {}).get(OVER_DELIVERY_TOLERANCE),
        "credit_limit_check": organization.credit_limit_check,
        "po_approval_limit": (organization.settings or {}).get(PO_APPROVAL_LIMIT),
        "over_receipt_tolerance_percent": (organization.settings or {}).get(OVER_RECEIPT_TOLERANCE),
        "allow_negative_stock": organization.allow_negative_stock,
        "weekly_off_days": list(organization.weekly_off_days),
    }
    form = OrganizationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                organization=organization, by=request.membership, data=form.update_data(organization.settings)
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "Settings saved.")
            return redirect("tenancy:settings", org_slug=organization.slug)
    return render(request, "tenancy/settings.html", {"nav": "settings", "form": form})


MEMBER_SORTS = [
    SortOption("newest", "Newest first", ("-created_at", "-id")),
    SortOption("oldest", "Oldest first", ("created_at", "id")),
    SortOption("role", "Role", ("role", "-created_at", "-id")),
]


@tenant_view(GET=MEMBERS_VIEW)
def member_list_view(request: TenantRequest) -> HttpResponse:
    organization = request.organization
    page = list_page(
        request,
        selectors.membership_list(organization=organization),
        filterset_class=MembershipFilter,
        sorts=MEMBER_SORTS,
    )
    columns = ["Member", "Role", "Status", "Joined", ""]
    context: dict[str, Any] = {"nav": "members", "page": page, "roles": Role.choices, "columns": columns}
    return render(request, partial_template(request, "tenancy/member_list.html", "member-list"), context)


MEMBER_TABS = [("overview", "Overview"), ("permissions", "Permissions"), ("activity", "Activity")]


@tenant_view(GET=MEMBERS_VIEW)
def member_detail_view(request: TenantRequest, membership_id: Any) -> HttpResponse:
    """A member, with tabs: overview, what the role allows, and the audit trail of this membership."""
    membership = selectors.membership_get(organization=request.organization, pk=membership_id)
    active = request.GET.get("tab") if request.GET.get("tab") in dict(MEMBER_TABS) else "overview"
    can_see_activity = role_has(request.membership.role, AUDIT_VIEW)
    events: list[Any] = []
    if active == "activity" and can_see_activity:
        events = describe(
            audit_timeline(
                organization=request.organization,
                target_ids=[membership.pk],
                target_type=membership._meta.label_lower,
                limit=50,
            )
        )
    context = {
        "nav": "members",
        "row": membership,
        "tabs": MEMBER_TABS,
        "active": active,
        "base_url": request.path,
        "permissions": [(cap.value, role_has(membership.role, cap)) for cap in all_capabilities()],
        "events": events,
        "can_see_activity": can_see_activity,
    }
    return render(request, partial_template(request, "tenancy/member_detail.html", "member-panel"), context)


def _member_row(request: TenantRequest, membership: Any) -> HttpResponse:
    return render(request, "tenancy/member_list.html#member-row", {"row": membership, "roles": Role.choices})


@tenant_view(POST=MEMBERS_MANAGE)
def member_role_view(request: TenantRequest, membership_id: Any) -> HttpResponse:
    organization = request.organization
    membership = selectors.membership_get(organization=organization, pk=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return with_toast(_member_row(request, membership), "Choose a valid role.", "error")
    try:
        membership = services.membership_change_role(
            membership=membership,
            role=form.cleaned_data["role"],
            by=request.membership,
        )
    except ApplicationError as error:
        return with_toast(_member_row(request, membership), error.message, "error")
    return with_toast(_member_row(request, membership), f"{membership.user} is now {membership.get_role_display()}.")


@tenant_view(POST=MEMBERS_MANAGE)
def member_active_view(request: TenantRequest, membership_id: Any, action: str) -> HttpResponse:
    organization = request.organization
    membership = selectors.membership_get(organization=organization, pk=membership_id)
    change = services.membership_deactivate if action == "deactivate" else services.membership_activate
    try:
        membership = change(membership=membership, by=request.membership)
    except ApplicationError as error:
        return with_toast(_member_row(request, membership), error.message, "error")
    done = "deactivated" if action == "deactivate" else "reactivated"
    return with_toast(_member_row(request, membership), f"{membership.user} {done}.")


AUDIT_SORTS = [
    SortOption("newest", "Newest first", ("-created_at", "-id")),
    SortOption("oldest", "Oldest first", ("created_at", "id")),
]


@tenant_view(GET=AUDIT_VIEW)
def audit_log_view(request: TenantRequest) -> HttpResponse:
    organization = request.organization
    page = list_page(
        request, audit_event_list(organization=organization), filterset_class=AuditEventFilter, sorts=AUDIT_SORTS
    )
    page.rows = describe(page.rows)  # each row an event and its sentence
    template = partial_template(request, "tenancy/audit_log.html", "audit-list")
    columns = [f"Time ({timezone.get_current_timezone_name()})", "What happened", "Changes", "Target", "IP"]
    return render(request, template, {"nav": "audit", "page": page, "columns": columns})


def _job_context(request: TenantRequest, job: Job) -> dict[str, Any]:
    ids = {"org_slug": request.organization.slug, "job_id": job.pk}
    return {
        "job": job,
        "poll_url": reverse("tenancy:audit-export-progress", kwargs=ids),
        "download_url": reverse("tenancy:audit-export-download", kwargs=ids),
    }


@tenant_view(POST=AUDIT_VIEW)
def audit_export_view(request: TenantRequest) -> HttpResponse:
    """Start an export of the events matching the current filters; answer with the job's progress card."""
    filters = {k: v for k, v in request.POST.items() if k in AuditEventFilter.base_filters and v}
    job = services.audit_export_start(organization=request.organization, by=request.membership, filters=filters)
    return render(request, "components/progress.html", _job_context(request, job))


@tenant_view(GET=AUDIT_VIEW)
def audit_export_progress_view(request: TenantRequest, job_id: Any) -> HttpResponse:
    job = selectors.audit_export_get(organization=request.organization, pk=job_id)
    return render(request, "components/progress.html", _job_context(request, job))


@tenant_view(GET=AUDIT_VIEW)
def audit_export_download_view(request: TenantRequest, job_id: Any) -> FileResponse:
    job = selectors.audit_export_get(organization=request.organization, pk=job_id)
    if job.status != Job.Status.SUCCEEDED or not job.result:
        raise Http404("This export has no file.")
    return FileResponse(job.result.open("rb"), as_attachment=True, filename="audit-log.csv", content_type="text/csv")
