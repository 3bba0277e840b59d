"""Browser forms for accounts."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from rest_framework.exceptions import AuthenticationFailed, Throttled

from tradeloom.accounts.avatars import validate_avatar
from tradeloom.accounts.services import login_check
from tradeloom.core.request_id import current_client
from tradeloom.tenancy.roles import Role


class LoginForm(AuthenticationForm):
    """Django's login form, with the failed-login limit and audit records of the API's token login."""

    username = forms.EmailField(label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True}))

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email and password:
            try:
                self.user_cache = login_check(
                    request=self.request, email=email, password=password, ip=current_client()[0]
                )
            except Throttled as exc:
                minutes = math.ceil((getattr(exc, "wait", None) or 60) / 60)
                raise forms.ValidationError(
                    f"Too many failed attempts. Try again in {minutes} minute{'s' if minutes != 1 else ''}.",
                    code="rate_limited",
                ) from exc
            except AuthenticationFailed as exc:
                raise forms.ValidationError("E-mail or password is incorrect.", code="invalid_login") from exc
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class OperatorLoginForm(LoginForm):
    """The operators' admin login: the same limits and audit records, and only superusers get in."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise forms.ValidationError("Only operators (superusers) may use this site.", code="not_operator")


class SignupForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField(label="Work e-mail")
    password = forms.CharField(
        label="Password",
        widget=forms.PasswordInput,
        strip=False,
        help_text="At least 10 characters; not a common password.",
    )
    organization_name = forms.CharField(label="Company name", max_length=200)


class ProfileForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    department = forms.CharField(label="Department", max_length=100, required=False)
    avatar = forms.ImageField(
        label="Avatar", required=False, help_text="JPEG, PNG or WebP, at most 2 MB.", validators=[validate_avatar]
    )


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(label="Current password", widget=forms.PasswordInput, strip=False)
    new_password = forms.CharField(label="New password", widget=forms.PasswordInput, strip=False)


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=150)
    password = forms.CharField(label="Choose a password", widget=forms.PasswordInput, strip=False)


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.MERCHANDISER)
