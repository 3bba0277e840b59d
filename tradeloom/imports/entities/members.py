"""People of the organisation (Dataverse "User Profiles"): an invitation per e-mail address through
``accounts.services.invitation_create`` (its seat check, audit record, and its e-mail sent after the commit only).

An active member, or an open invitation, of that address is left as it is (``UNCHANGED``: the role of an existing
member is changed on the members page, never by a file); a row whose status is inactive invites nobody.
"""

from __future__ import annotations

from django.utils import timezone

from tradeloom.accounts.capabilities import INVITATIONS_MANAGE
from tradeloom.accounts.models import Invitation
from tradeloom.accounts.services import invitation_create
from tradeloom.imports.registry import CREATED, UNCHANGED, Entity, Field, ImportContext, RowError, RowResult
from tradeloom.imports.values import Reader
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import Role

# how other systems name roles (Dataverse security roles of a broker's app) → Tradeloom's
ROLE_ALIASES = {
    "system administrator": Role.ADMIN,
    "administrator": Role.ADMIN,
    "sales manager": Role.MANAGER,
    "salesperson": Role.MERCHANDISER,
    "sales": Role.MERCHANDISER,
    "broker": Role.MERCHANDISER,
    "trader": Role.MERCHANDISER,
    "accounting": Role.ACCOUNTS,
    "accountant": Role.ACCOUNTS,
    "finance": Role.ACCOUNTS,
    "basic user": Role.STAFF,
    "user": Role.STAFF,
    "read only": Role.VIEWER,
    "read-only": Role.VIEWER,
}


def _member_apply(context: ImportContext, row: dict[str, str]) -> RowResult:
    reader = Reader(context, row)
    email = reader.email("email")
    if email is None and "email" not in reader.errors:
        reader.fail("email", "Give the person's e-mail address.")
    role = reader.choice("role", Role, {k: str(v) for k, v in ROLE_ALIASES.items()}) or Role.STAFF
    active = reader.boolean("active")
    reader.done()
    if email is None:
        raise RowError("Give the person's e-mail address.", "email")
    email = email.lower()
    member = Membership.objects.filter(organization=context.organization, user__email__iexact=email, is_active=True)
    if member.exists():
        return RowResult(UNCHANGED, member.first())
    invitation = Invitation.objects.filter(
        organization=context.organization,
        email=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).first()
    if invitation is not None or active is False:
        return RowResult(UNCHANGED, invitation)
    invitation, _token = invitation_create(organization=context.organization, by=context.by, email=email, role=role)
    return RowResult(CREATED, invitation)


MEMBERS = Entity(
    code="members",
    label="Members (invitations)",
    description="A row per person: invited by e-mail with a role, unless already a member or invited.",
    fields=(
        Field(
            "email",
            "E-mail",
            required=True,
            aliases=("email", "email address", "primary email", "internal e-mail address", "user name"),
        ),
        Field("name", "Name", aliases=("full name", "user"), help="Shown in the report only: people name themselves."),
        Field(
            "role",
            "Role",
            aliases=("security role", "user role", "access level"),
            help="Owner, Admin, Manager, Merchandiser, Accounts, Staff or Viewer (empty: Staff).",
        ),
        Field("active", "Active", aliases=("status", "user status"), help="Inactive: not invited."),
    ),
    key=("email",),
    apply_row=_member_apply,
    capability=str(INVITATIONS_MANAGE),
    order=110,
)
