"""What the accounts app records: its audit actions (docs/events.md)."""

from __future__ import annotations

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, sentences_register


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


sentences_register(
    {
        UserAction.REGISTERED: "{actor} signed up",
        UserAction.PROFILE_UPDATED: "{actor} updated their profile",
        UserAction.PASSWORD_CHANGED: "{actor} changed their password",
        UserAction.LOGGED_IN: "{actor} logged in",
        UserAction.LOGIN_FAILED: lambda t: f"A log-in{' as ' + str(t.value('email')) if t.has('email') else ''} failed",
        UserAction.LOGGED_OUT: lambda t: f"{t.actor} logged out" + (f" ({t.value('via')})" if t.has("via") else ""),
        UserAction.TOKENS_REVOKED: lambda t: (
            f"Every API login of {t.target} was revoked" + (f" ({t.value('reason')})" if t.has("reason") else "")
        ),
        UserAction.REFRESH_TOKEN_REUSED: "A refresh token of {target} was used twice: that login was revoked",
        InvitationAction.CREATED: lambda t: (
            f"{t.actor} invited "
            + (t.value("email").new or (t.name if t.labelled else "someone"))
            + (f" as {t.value('role').new.lower()}" if t.has("role") else "")
        ),
        InvitationAction.REVOKED: lambda t: (
            f"{t.actor} revoked " + (f"the invitation of {t.name}" if t.labelled else "an invitation")
        ),
        InvitationAction.ACCEPTED: "{actor} accepted the invitation",
    },
    fields={
        "token_family": Field(hidden=True),
        "via": Field(values={"session": "browser", "token": "API"}),
        "reason": Field(values={"password_changed": "password changed", "logout_all": "logged out everywhere"}),
        "avatar": Field(label="Photo", plain=True),
    },
)
