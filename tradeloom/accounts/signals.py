"""Audit records for browser session logouts (logins are recorded by ``services.login_check``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from tradeloom.accounts.events import UserAction
from tradeloom.audit.services import audit_record


@receiver(user_logged_out, dispatch_uid="tradeloom.accounts.audit_logout")
def _audit_session_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        audit_record(actor=user, action=UserAction.LOGGED_OUT, target=user, changes={"via": [None, "session"]})
