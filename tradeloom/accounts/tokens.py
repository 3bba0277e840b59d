"""API tokens: JWT access (30 min) and refresh (7 days) tokens grouped in families (one family per login).

Refresh tokens rotate: each refresh returns a new pair and the presented token is spent — refusing it again is
what "blacklisted" means here. Presenting a spent refresh token means it was copied; the whole family (that
login's every token, access tokens included) is revoked at once. See ``TokenFamily`` and
docs/decisions/0003-token-families.md.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from tradeloom.accounts.events import UserAction
from tradeloom.accounts.models import TokenFamily, User
from tradeloom.audit.services import audit_record
from tradeloom.core.request_id import current_client

FAMILY_CLAIM = "fam"


class TokenRevoked(AuthenticationFailed):
    default_detail = "This token has been revoked. Log in again."
    default_code = "token_revoked"


class TokenReused(AuthenticationFailed):
    default_detail = "This refresh token was already used. Every token of this login has been revoked."
    default_code = "token_reused"


def _pair(user: User, family: TokenFamily) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    refresh[FAMILY_CLAIM] = str(family.pk)
    family.current_jti = str(refresh["jti"])
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


@transaction.atomic
def token_pair_issue(*, user: User) -> dict[str, str]:
    """A new login: a new family and its first token pair."""
    ip, user_agent = current_client()
    family = TokenFamily(user=user, current_jti="", ip=ip, user_agent=user_agent)
    pair = _pair(user, family)
    family.save()
    return pair


def _decode_refresh(raw: str) -> RefreshToken:
    try:
        return RefreshToken(raw)  # type: ignore[arg-type]
    except TokenError as exc:
        raise AuthenticationFailed("The refresh token is invalid or expired.", code="token_invalid") from exc


def token_refresh(*, raw: str) -> dict[str, str]:
    """Rotate: spend ``raw`` and return a new pair of the same family.

    Not atomic as a whole on purpose: when reuse is detected the revocation must commit even though the request
    fails, so it runs in its own transaction before the refusal is raised.
    """
    token = _decode_refresh(raw)
    family_id = token.get(FAMILY_CLAIM)
    with transaction.atomic():
        family = TokenFamily.objects.select_for_update(of=("self",)).select_related("user").filter(pk=family_id).first()
        if family is None or family.revoked_at is not None or not family.user.is_active:
            raise TokenRevoked()
        reused = str(token["jti"]) != family.current_jti
        if not reused:
            pair = _pair(family.user, family)
            family.last_refreshed_at = timezone.now()
            family.save(update_fields=["current_jti", "last_refreshed_at"])
            return pair
        family.revoked_at = timezone.now()
        family.revoked_reason = "reuse_detected"
        family.save(update_fields=["revoked_at", "revoked_reason"])
        audit_record(
            actor=family.user,
            action=UserAction.REFRESH_TOKEN_REUSED,
            target=family.user,
            changes={"token_family": [None, str(family.pk)]},
        )
    raise TokenReused()


@transaction.atomic
def token_family_revoke_by_refresh(*, raw: str) -> None:
    """Logout: revoke the family of this refresh token."""
    token = _decode_refresh(raw)
    family = (
        TokenFamily.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=token.get(FAMILY_CLAIM))
        .first()
    )
    if family is None or family.revoked_at is not None:
        return
    family.revoked_at = timezone.now()
    family.revoked_reason = "logout"
    family.save(update_fields=["revoked_at", "revoked_reason"])
    audit_record(
        actor=family.user,
        action=UserAction.LOGGED_OUT,
        target=family.user,
        changes={"via": [None, "token"], "token_family": [None, str(family.pk)]},
    )


@transaction.atomic
def token_families_revoke_all(*, user: User, reason: str, end_sessions: bool = False) -> int:
    """Revoke every API login of ``user``; with ``end_sessions`` also every browser session (logout everywhere)."""
    count = TokenFamily.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )
    if end_sessions:
        User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    audit_record(actor=user, action=UserAction.TOKENS_REVOKED, target=user, changes={"reason": [None, reason]})
    return count
