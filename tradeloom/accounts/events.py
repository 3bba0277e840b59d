"""What the accounts app records: its audit actions (docs/events.md)."""

from __future__ import annotations

from tradeloom.audit.actions import Action


class UserAction(Action):
    REGISTERED = "user.registered"
    PROFILE_UPDATED = "user.profile_updated"
    PASSWORD_CHANGED = "user.password_changed"  # noqa: S105 - an action name
    LOGGED_IN = "user.logged_in"
    LOGIN_FAILED = "user.login_failed"
    LOGGED_OUT = "user.logged_out"
    TOKENS_REVOKED = "user.tokens_revoked"
    REFRESH_TOKEN_REUSED = "user.refresh_token_reused"  # noqa: S105 - an action name


class InvitationAction(Action):
    CREATED = "invitation.created"
    REVOKED = "invitation.revoked"
    ACCEPTED = "invitation.accepted"
