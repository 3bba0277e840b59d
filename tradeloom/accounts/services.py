"""Accounts: sign-up, login, profile, password, and joining an organisation by invitation."""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed, Throttled

from tradeloom.accounts.events import InvitationAction, UserAction
from tradeloom.accounts.login_guard import LoginGuard
from tradeloom.accounts.models import Invitation, User
from tradeloom.accounts.tokens import token_families_revoke_all
from tradeloom.audit.services import audit_record, changes_between
from tradeloom.core import context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.request_id import current_client
from tradeloom.tenancy.events import MembershipAction
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.services import acting_membership, ensure_seat_available, organization_create

logger = logging.getLogger(__name__)

# The setting the invitations table's row-level policy reads (migration 0002): whoever holds the token sees it.
INVITATION_SETTING = "app.invitation_token"
PROFILE_FIELDS = ("full_name", "phone", "department", "avatar")


def _password_errors(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ApplicationError(
            "The password is too weak.", code="validation_error", extra={"errors": {"password": exc.messages}}
        ) from exc


def _email_taken(email: str) -> bool:
    return User.objects.filter(email=email.strip().lower()).exists()


@transaction.atomic
def user_register(
    *, email: str, password: str, full_name: str, organization_name: str, organization_slug: str | None = None
) -> tuple[User, Membership]:
    """Sign-up: a new login and a new organisation with that login as owner."""
    email = email.strip().lower()
    if _email_taken(email):
        raise ApplicationError(
            "An account with this e-mail address exists. Log in instead.", code="email_taken", status=409
        )
    user = User(email=email, full_name=full_name)
    _password_errors(password, user)
    user.set_password(password)
    user.save()
    audit_record(actor=user, action=UserAction.REGISTERED, target=user, changes={"email": [None, email]})
    _organization, membership = organization_create(name=organization_name, slug=organization_slug, owner=user)
    return user, membership


def login_check(*, request: HttpRequest | None, email: str, password: str, ip: str | None) -> User:
    """Check credentials under the failed-login limit. Records the outcome in the audit log.

    The failure is recorded in its own transaction, so it is kept although the caller then refuses the request.
    """
    guard = LoginGuard(email=email, ip=ip)
    wait = guard.reserve()
    if wait is not None:
        # One JSON line per refused attempt with the client's address: fail2ban's filter reads these
        # (deploy/fail2ban). The e-mail stays out of the log; the audit record has it.
        logger.warning("login throttled", extra={"event": "login_throttled", "client_ip": ip or "-"})
        raise Throttled(wait=wait, detail="Too many failed log-in attempts. Try again later.")
    user = authenticate(request, email=email, password=password)
    if user is None:
        logger.warning("login failed", extra={"event": "login_failed", "client_ip": ip or "-"})
        with transaction.atomic():
            known = User.objects.filter(email=email.strip().lower()).first()
            audit_record(actor=known, action=UserAction.LOGIN_FAILED, changes={"email": [None, email.strip().lower()]})
        raise AuthenticationFailed("E-mail or password is incorrect.")
    guard.release()
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        audit_record(actor=user, action=UserAction.LOGGED_IN, target=user)
    return user


@transaction.atomic
def profile_update(*, user: User, data: dict[str, Any]) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {field: getattr(user, field) for field in PROFILE_FIELDS}
    for field, value in data.items():
        if field not in PROFILE_FIELDS:
            raise ApplicationError(f"“{field}” cannot be changed here.", code="field_not_editable")
        setattr(user, field, value if value is not None else "")
    user.full_clean(exclude=["password"])
    user.save()
    after = {field: getattr(user, field) for field in PROFILE_FIELDS}
    before["avatar"], after["avatar"] = str(before["avatar"] or ""), str(after["avatar"] or "")
    changes = changes_between(before, after)
    if changes:
        audit_record(actor=user, action=UserAction.PROFILE_UPDATED, target=user, changes=changes)
    return user


def password_change(*, user: User, current_password: str, new_password: str) -> User:
    """Change the password and revoke every API login; the browser session is kept by the caller.

    A wrong current password counts against the failed-login limit; the count is kept although the change is
    refused, so callers run outside the request's transaction (``non_atomic_requests``)."""
    guard = LoginGuard(email=user.email, ip=current_client()[0])
    wait = guard.reserve()
    if wait is not None:
        raise Throttled(wait=wait, detail="Too many wrong passwords. Try again later.")
    return _password_set(user=user, guard=guard, current_password=current_password, new_password=new_password)


@transaction.atomic
def _password_set(*, user: User, guard: LoginGuard, current_password: str, new_password: str) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(current_password):
        raise ApplicationError("The current password is not correct.", code="wrong_password")
    guard.release()
    _password_errors(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action=UserAction.PASSWORD_CHANGED, target=user)
    token_families_revoke_all(user=user, reason="password_changed")
    return user


# --- Invitations ---------------------------------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _open_invitations(organization: Organization) -> int:
    return Invitation.objects.filter(
        organization=organization, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()


def _send_invitation_mail(*, email: str, organization_name: str, token: str) -> None:
    link = f"{settings.TRADELOOM_BASE_URL}/invitations/accept/?token={token}"
    send_mail(
        subject=f"You are invited to {organization_name} on Tradeloom",
        message=f"You have been invited to join {organization_name} on Tradeloom.\n\nAccept: {link}\n",
        from_email=None,
        recipient_list=[email],
    )


@transaction.atomic
def invitation_create(*, organization: Organization, by: Membership, email: str, role: str) -> tuple[Invitation, str]:
    """Invite ``email`` with ``role``. Returns the invitation and the token (shown once, e-mailed, never stored)."""
    email = email.strip().lower()
    if role not in Role.values:
        raise ApplicationError(f"“{role}” is not a role.", code="invalid_role")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    by = acting_membership(by)
    if role == Role.OWNER and by.role != Role.OWNER:
        raise ApplicationError("Only an owner can invite an owner.", code="owner_required", status=403)
    # An expired invitation no longer blocks a new one for the same address: close it first.
    Invitation.objects.filter(
        organization=organization,
        email=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__lte=timezone.now(),
    ).update(revoked_at=timezone.now(), updated_at=timezone.now())
    if Membership.objects.filter(organization=organization, user__email=email, is_active=True).exists():
        raise ApplicationError("This person is already a member.", code="already_member", status=409)
    if Invitation.objects.filter(
        organization=organization, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).exists():
        raise ApplicationError(
            "An open invitation for this e-mail address exists. Revoke it to send a new one.",
            code="invitation_exists",
            status=409,
        )
    ensure_seat_available(organization, pending_invitations=_open_invitations(organization))
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=_hash_token(token),
        expires_at=timezone.now() + settings.INVITATION_TTL,
        invited_by=by,
        created_by_id=by.user_id,
    )
    audit_record(
        actor=by,
        action=InvitationAction.CREATED,
        target=invitation,
        changes={"email": [None, email], "role": [None, role]},
    )
    name = organization.name
    transaction.on_commit(lambda: _send_invitation_mail(email=email, organization_name=name, token=token))
    return invitation, token


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: Membership) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state_at(timezone.now()) not in (Invitation.State.PENDING, Invitation.State.EXPIRED):
        raise ApplicationError("Only an open invitation can be revoked.", code="invitation_not_pending", status=409)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit_record(actor=by, action=InvitationAction.REVOKED, target=invitation)
    return invitation


def invitation_find(*, token: str) -> Invitation:
    """The pending invitation for ``token`` (visible through RLS only to whoever holds the token)."""
    context.set_local(INVITATION_SETTING, _hash_token(token))
    invitation = Invitation.objects.select_related("organization").filter(token_hash=_hash_token(token)).first()
    if invitation is None:
        raise ApplicationError("This invitation does not exist.", code="invitation_invalid", status=404)
    state = invitation.state_at(timezone.now())
    if state != Invitation.State.PENDING:
        raise ApplicationError(f"This invitation is {state}.", code=f"invitation_{state}", status=410)
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, user: User | None = None, full_name: str = "", password: str = ""
) -> tuple[Membership, User, bool]:
    """Join the invitation's organisation with its role: as ``user`` (logged in) or as a new account.

    Returns the membership, the user and whether the account was created here.
    """
    invitation = invitation_find(token=token)
    organization = invitation.organization
    created = False
    if user is not None:
        if user.email.lower() != invitation.email:
            raise ApplicationError(
                "This invitation was sent to another e-mail address.", code="invitation_email_mismatch", status=403
            )
    else:
        if _email_taken(invitation.email):
            raise ApplicationError(
                "An account with this e-mail address exists. Log in to accept.", code="login_required", status=409
            )
        if not full_name.strip():
            raise ApplicationError(
                "Your name is required.", code="validation_error", extra={"errors": {"full_name": ["Required."]}}
            )
        user = User(email=invitation.email, full_name=full_name.strip())
        _password_errors(password, user)
        user.set_password(password)
        user.save()
        created = True
        audit_record(actor=user, action=UserAction.REGISTERED, target=user, changes={"email": [None, user.email]})

    context.set_user(user.pk)
    context.set_organization(organization.pk)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    state = invitation.state_at(timezone.now())
    if state != Invitation.State.PENDING:  # revoked or accepted while we were reading it
        raise ApplicationError(f"This invitation is {state}.", code=f"invitation_{state}", status=410)
    membership = Membership.objects.filter(organization=organization, user=user).first()
    if membership is not None and membership.is_active:
        raise ApplicationError("You are already a member of this organisation.", code="already_member", status=409)
    ensure_seat_available(organization)
    if membership is None:
        membership = Membership.objects.create(
            organization=organization, user=user, role=invitation.role, created_by=user
        )
        audit_record(
            actor=user, action=MembershipAction.CREATED, target=membership, changes={"role": [None, invitation.role]}
        )
    else:
        old_role = membership.role
        membership.role, membership.is_active = invitation.role, True
        membership.save(update_fields=["role", "is_active", "updated_at"])
        audit_record(
            actor=user,
            action=MembershipAction.ACTIVATED,
            target=membership,
            changes={"role": [old_role, invitation.role], "is_active": [False, True]},
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit_record(actor=user, action=InvitationAction.ACCEPTED, target=invitation)
    return membership, user, created
