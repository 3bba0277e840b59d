"""Account pages: sign-up, profile, password, joining by invitation, and the organisation's invitations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from tradeloom.accounts import services
from tradeloom.accounts.capabilities import INVITATIONS_MANAGE, INVITATIONS_VIEW
from tradeloom.accounts.filters import InvitationFilter
from tradeloom.accounts.forms import (
    InvitationAcceptForm,
    InvitationForm,
    PasswordChangeForm,
    ProfileForm,
    SignupForm,
)
from tradeloom.accounts.selectors import invitation_get, invitation_list
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.web import add_application_error, partial_template
from tradeloom.tenancy.web import TenantRequest, frame_resolve, tenant_view

BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_http_methods(["GET", "POST"])
def signup_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, membership = services.user_register(**form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error, field="email" if error.code == "email_taken" else None)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, f"Welcome to Tradeloom. {membership.organization.name} is ready.")
            return redirect("tenancy:dashboard", org_slug=membership.organization.slug)
    return render(request, "accounts/signup.html", {"form": form})


def _profile_url(request: HttpRequest) -> str:
    """The profile page, framed by the organisation it was opened from (``tenancy.web.frame_resolve``)."""
    slug = request.GET.get("org", "")
    return reverse("profile") + (f"?{urlencode({'org': slug})}" if slug else "")


@login_required
@require_http_methods(["GET", "POST"])
def profile_view(request: HttpRequest) -> HttpResponse:
    frame_resolve(request)  # the sidebar of the user's organisation
    user = request.user
    initial = {"full_name": user.full_name, "phone": user.phone, "department": user.department}  # type: ignore[union-attr]
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "avatar"}
        if request.FILES.get("avatar"):
            data["avatar"] = form.cleaned_data["avatar"]
        if request.POST.get("avatar-clear"):
            data["avatar"] = None
        try:
            services.profile_update(user=user, data=data)  # type: ignore[arg-type]
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "Profile saved.")
            return redirect(_profile_url(request))
    password_form = PasswordChangeForm()
    return render(request, "accounts/profile.html", {"form": form, "password_form": password_form})


@transaction.non_atomic_requests  # a wrong current password counts against the log-in limit (login_guard)
@login_required
@require_POST
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST)
    if form.is_valid():
        try:
            user = services.password_change(user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ApplicationError as error:
            add_application_error(form, error, field="current_password" if error.code == "wrong_password" else None)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "Password changed. Your API logins were signed out.")
            return redirect(_profile_url(request))
    initial = {"full_name": request.user.full_name}  # type: ignore[union-attr]
    with transaction.atomic():  # this view runs outside the request's transaction; the frame needs one
        frame_resolve(request)
        return render(request, "accounts/profile.html", {"form": ProfileForm(initial=initial), "password_form": form})


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token") or request.GET.get("token") or ""
    try:
        invitation = services.invitation_find(token=token)
    except ApplicationError as error:
        return render(request, "accounts/invitation_invalid.html", {"error": error}, status=error.status)
    form = InvitationAcceptForm(request.POST or None) if not request.user.is_authenticated else None
    if request.method == "POST":
        user = request.user if request.user.is_authenticated else None
        if form is None or form.is_valid():
            try:
                membership, user, _created = services.invitation_accept(
                    token=token,
                    user=user,
                    **(form.cleaned_data if form else {}),
                )
            except ApplicationError as error:
                if form is None:
                    return render(request, "accounts/invitation_invalid.html", {"error": error}, status=error.status)
                add_application_error(form, error)
            else:
                if not request.user.is_authenticated:
                    login(request, user, backend=BACKEND)
                messages.success(request, f"You joined {membership.organization.name}.")
                return redirect("tenancy:dashboard", org_slug=membership.organization.slug)
    context = {"invitation": invitation, "form": form, "token": token}
    return render(request, "accounts/invitation_accept.html", context)


INVITATION_SORTS = [
    SortOption("newest", "Newest first", ("-created_at", "-id")),
    SortOption("oldest", "Oldest first", ("created_at", "id")),
]


@tenant_view(GET=INVITATIONS_VIEW, POST=INVITATIONS_MANAGE)
def invitation_list_view(request: TenantRequest) -> HttpResponse:
    organization = request.organization
    form = InvitationForm(request.POST or None)
    created_link = None
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token = services.invitation_create(
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
    return render(request, partial_template(request, "accounts/invitation_list.html", "invitation-list"), context)


@tenant_view(POST=INVITATIONS_MANAGE)
def invitation_revoke_view(request: TenantRequest, invitation_id: Any) -> HttpResponse:
    organization = request.organization
    invitation = invitation_get(organization=organization, pk=invitation_id)
    try:
        services.invitation_revoke(invitation=invitation, by=request.membership)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Invitation of {invitation.email} revoked.")
    return redirect("accounts:invitations", org_slug=organization.slug)
