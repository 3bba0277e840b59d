"""Browser forms for accounts."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from rest_framework.exceptions import AuthenticationFailed, Throttled

from tradeloom.accounts.services import login_check
from tradeloom.core.request_id import current_client


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
