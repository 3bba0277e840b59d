"""Account pages: sign-up, profile, password, joining by invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tradeloom.accounts import services
from tradeloom.accounts.forms import InvitationAcceptForm, PasswordChangeForm, ProfileForm, SignupForm
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.web import add_application_error

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


@login_required
@require_http_methods(["GET", "POST"])
def profile_view(request: HttpRequest) -> HttpResponse:
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
            return redirect("profile")
    password_form = PasswordChangeForm()
    return render(request, "accounts/profile.html", {"form": form, "password_form": password_form})


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
            return redirect("profile")
    initial = {"full_name": request.user.full_name}  # type: ignore[union-attr]
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
