"""Organisation pages: dashboard, settings, members, invitations, and creating another organisation."""

from __future__ import annotations

from typing import Any

import orjson
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tradeloom.accounts import services as account_services
from tradeloom.accounts.selectors import invitation_get, invitation_list
from tradeloom.audit.selectors import audit_activity_by_day, audit_event_list
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.web import TenantRequest, add_application_error, partial_template, tenant_view, with_toast
from tradeloom.tenancy import selectors, services
from tradeloom.tenancy.filters import InvitationFilter, MembershipFilter
from tradeloom.tenancy.forms import InvitationForm, OrganizationCreateForm, OrganizationSettingsForm, RoleForm
from tradeloom.tenancy.roles import Cap, Role, role_has
from tradeloom.tenancy.selectors import memberships_of_user


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """The start page: the user's first organisation, or the page to create one."""
    first = memberships_of_user(user=request.user).first()
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
    return render(request, "tenancy/organization_create.html", {"form": form})


@tenant_view(GET=Cap.ORGANIZATION_VIEW)
def dashboard_view(request: TenantRequest) -> HttpResponse:
    organization = request.organization
    membership = request.membership
    recent: list[Any] = []
    chart = None
    if role_has(membership.role, Cap.AUDIT_VIEW):
        recent = list(audit_event_list(organization=organization).order_by("-created_at", "-id")[:8])
        per_day = audit_activity_by_day(organization=organization)
        chart = {
            "type": "bar",
            "labels": [day.strftime("%d %b") for day, _ in per_day],
            "datasets": [{"label": "Changes", "data": [n for _, n in per_day]}],
        }
    context = {
        "nav": "dashboard",
        "recent": recent,
        "chart": orjson.dumps(chart).decode() if chart else None,
        "counters": selectors.organization_counters(organization=organization),
    }
    return render(request, "tenancy/dashboard.html", context)


@tenant_view(GET=Cap.ORGANIZATION_VIEW, POST=Cap.ORGANIZATION_MANAGE)
def settings_view(request: TenantRequest) -> HttpResponse:
    organization = request.organization
    initial = {
        "name": organization.name,
        "base_currency": organization.base_currency,
        "timezone": organization.timezone,
    }
    form = OrganizationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                organization=organization,
                by=request.membership,
                data=form.cleaned_data,
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


@tenant_view(GET=Cap.MEMBERS_VIEW)
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


@tenant_view(GET=Cap.MEMBERS_VIEW)
def member_detail_view(request: TenantRequest, membership_id: Any) -> HttpResponse:
    """A member, with tabs: overview, what the role allows, and the audit trail of this membership."""
    membership = selectors.membership_get(organization=request.organization, pk=membership_id)
    active = request.GET.get("tab") if request.GET.get("tab") in dict(MEMBER_TABS) else "overview"
    can_see_activity = role_has(request.membership.role, Cap.AUDIT_VIEW)
    events: list[Any] = []
    if active == "activity" and can_see_activity:
        events = list(
            audit_event_list(organization=request.organization)
            .filter(target_type="tenancy.membership", target_id=str(membership.pk))
            .order_by("-created_at", "-id")[:50]
        )
    context = {
        "nav": "members",
        "row": membership,
        "tabs": MEMBER_TABS,
        "active": active,
        "base_url": request.path,
        "permissions": [(cap.value, role_has(membership.role, cap)) for cap in Cap],
        "events": events,
        "can_see_activity": can_see_activity,
    }
    return render(request, partial_template(request, "tenancy/member_detail.html", "member-panel"), context)


def _member_row(request: TenantRequest, membership: Any) -> HttpResponse:
    return render(request, "tenancy/member_list.html#member-row", {"row": membership, "roles": Role.choices})


@tenant_view(POST=Cap.MEMBERS_MANAGE)
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


@tenant_view(POST=Cap.MEMBERS_MANAGE)
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


INVITATION_SORTS = [
    SortOption("newest", "Newest first", ("-created_at", "-id")),
    SortOption("oldest", "Oldest first", ("created_at", "id")),
]


@tenant_view(GET=Cap.INVITATIONS_VIEW, POST=Cap.INVITATIONS_MANAGE)
def invitation_list_view(request: TenantRequest) -> HttpResponse:
    organization = request.organization
    form = InvitationForm(request.POST or None)
    created_link = None
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token = account_services.invitation_create(
                organization=organization,
                by=request.membership,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            add_application_error(form, error, field="email")
        else:
            created_link = request.build_absolute_uri(f"/invitations/accept/?token={token}")
            messages.success(request, f"Invitation sent to {invitation.email}.")
            form = InvitationForm()
    page = list_page(
        request, invitation_list(organization=organization), filterset_class=InvitationFilter, sorts=INVITATION_SORTS
    )
    context = {
        "nav": "invitations",
        "page": page,
        "form": form,
        "created_link": created_link,
        "now": timezone.now(),
        "columns": ["Invitee", "State", "Expires", ""],
    }
    return render(request, partial_template(request, "tenancy/invitation_list.html", "invitation-list"), context)


@tenant_view(POST=Cap.INVITATIONS_MANAGE)
def invitation_revoke_view(request: TenantRequest, invitation_id: Any) -> HttpResponse:
    organization = request.organization
    invitation = invitation_get(organization=organization, pk=invitation_id)
    try:
        account_services.invitation_revoke(invitation=invitation, by=request.membership)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Invitation of {invitation.email} revoked.")
    return redirect("tenancy:invitations", org_slug=organization.slug)
