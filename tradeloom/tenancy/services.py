"""Organisations and memberships: every change here is audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.text import slugify

from tradeloom.audit.actions import JobAction
from tradeloom.audit.services import audit_record, changes_between
from tradeloom.core import context
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.jobs import job_create
from tradeloom.core.models import Job
from tradeloom.core.outbox import outbox_enqueue
from tradeloom.tenancy.events import MembershipAction, OrganizationAction, OrganizationCreated
from tradeloom.tenancy.models import (
    ALLOW_NEGATIVE_STOCK,
    AUDIT_EXPORT,
    CREDIT_LIMIT_CHECK,
    CREDIT_LIMIT_CHECK_MODES,
    OVER_DELIVERY_TOLERANCE,
    OVER_RECEIPT_TOLERANCE,
    PO_APPROVAL_LIMIT,
    SHIPMENT_TOLERANCE,
    WEEKLY_OFF_DAYS,
    Membership,
    Organization,
)
from tradeloom.tenancy.roles import Role

ORGANIZATION_EDITABLE_FIELDS = ("name", "base_currency", "timezone", "settings")


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "organisation"
    taken = set(Organization.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


@transaction.atomic
def organization_create(
    *, name: str, owner: Any, slug: str | None = None, base_currency: str = "USD", timezone: str = "UTC"
) -> tuple[Organization, Membership]:
    """A new organisation with ``owner`` as its first (owner) member. Leaves the tenant context on it.

    Publishes ``OrganizationCreated`` in the transaction: apps give the organisation its starting data."""
    if slug:
        if Organization.objects.filter(slug=slug).exists():
            raise ApplicationError("This address is already taken.", code="slug_taken", status=409)
    else:
        slug = _unique_slug(name)
    organization = Organization(name=name, slug=slug, base_currency=base_currency, timezone=timezone)
    organization.full_clean()
    organization.save()
    context.set_user(owner.pk)
    context.set_organization(organization.pk)
    membership = Membership.objects.create(organization=organization, user=owner, role=Role.OWNER, created_by=owner)
    audit_record(
        actor=owner,
        action=OrganizationAction.CREATED,
        organization=organization,
        target=organization,
        changes={"name": [None, name], "slug": [None, slug]},
    )
    audit_record(actor=owner, action=MembershipAction.CREATED, target=membership, changes={"role": [None, Role.OWNER]})
    publish(OrganizationCreated(organization=organization, membership=membership))
    return organization, membership


@transaction.atomic
def organization_update(*, organization: Organization, by: Membership, data: dict[str, Any]) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    by = acting_membership(by)
    before = {field: getattr(organization, field) for field in ORGANIZATION_EDITABLE_FIELDS}
    for field, value in data.items():
        if field not in ORGANIZATION_EDITABLE_FIELDS:
            raise ApplicationError(f"“{field}” cannot be changed here.", code="field_not_editable")
        setattr(organization, field, value)
    _validate_numbering(organization.settings)
    _validate_tolerance(organization.settings)
    _validate_credit_limit_check(organization.settings)
    _validate_purchasing(organization.settings)
    _validate_weekly_off_days(organization.settings)
    organization.full_clean()
    after = {field: getattr(organization, field) for field in ORGANIZATION_EDITABLE_FIELDS}
    changes = changes_between(before, after)
    if changes:
        organization.save()
        audit_record(
            actor=by, action=OrganizationAction.UPDATED, organization=organization, target=organization, changes=changes
        )
    return organization


def _validate_numbering(settings: Any) -> None:
    """``settings["numbering"]`` maps document types to number formats (core.numbering)."""
    from tradeloom.core.numbering import DEFAULT_FORMATS, validate_format

    numbering = (settings or {}).get("numbering", {})
    if not isinstance(numbering, dict):
        raise ApplicationError("settings.numbering must map document types to formats.", code="invalid_number_format")
    for kind, fmt in numbering.items():
        if kind not in DEFAULT_FORMATS or not isinstance(fmt, str):
            raise ApplicationError(
                f"“{kind}” is not a numbered document type ({', '.join(sorted(DEFAULT_FORMATS))}).",
                code="invalid_number_format",
            )
        validate_format(fmt)


MAX_OVER_DELIVERY_TOLERANCE_PERCENT = 100
# The tolerances an organisation's settings hold, each a percentage, and how its error names it.
TOLERANCE_SETTINGS = {
    OVER_DELIVERY_TOLERANCE: "over-delivery",
    SHIPMENT_TOLERANCE: "shipment",
    OVER_RECEIPT_TOLERANCE: "over-receipt",
}


def _validate_tolerance(settings: Any) -> None:
    """``settings["over_delivery_tolerance_percent"]``, ``["shipment_tolerance_percent"]`` and
    ``["over_receipt_tolerance_percent"]``: each a number from 0 to 100 with at most two decimals."""
    for key, name in TOLERANCE_SETTINGS.items():
        value = (settings or {}).get(key)
        if value is None:
            continue
        message = (
            f"The {name} tolerance is a percentage from 0 to {MAX_OVER_DELIVERY_TOLERANCE_PERCENT} "
            "with at most two decimals."
        )
        valid = isinstance(value, int | float) and not isinstance(value, bool)
        if valid:
            number = Decimal(str(value))
            valid = number.is_finite() and 0 <= number <= MAX_OVER_DELIVERY_TOLERANCE_PERCENT
            valid = valid and number == number.quantize(Decimal("0.01"))
        if not valid:
            raise ApplicationError(message, code="validation_error", extra={"errors": {f"settings.{key}": [message]}})


def _validate_credit_limit_check(settings: Any) -> None:
    """``settings["credit_limit_check"]``: "off", "warn" or "block" (absent: "warn")."""
    value = (settings or {}).get(CREDIT_LIMIT_CHECK)
    if value is None or (isinstance(value, str) and value in CREDIT_LIMIT_CHECK_MODES):
        return
    message = f"The credit limit check is one of {', '.join(f'“{mode}”' for mode in CREDIT_LIMIT_CHECK_MODES)}."
    raise ApplicationError(
        message, code="validation_error", extra={"errors": {f"settings.{CREDIT_LIMIT_CHECK}": [message]}}
    )


def _validate_purchasing(settings: Any) -> None:
    """``settings["po_approval_limit"]``: a number ≥ 0 with at most two decimals; ``settings["allow_negative_stock"]``:
    true or false."""
    limit = (settings or {}).get(PO_APPROVAL_LIMIT)
    if limit is not None:
        valid = isinstance(limit, int | float) and not isinstance(limit, bool)
        if valid:
            number = Decimal(str(limit))
            valid = number.is_finite() and 0 <= number < Decimal("1e15") and number == number.quantize(Decimal("0.01"))
        if not valid:
            message = "The PO approval limit is an amount of at least 0 with at most two decimals."
            raise ApplicationError(
                message, code="validation_error", extra={"errors": {f"settings.{PO_APPROVAL_LIMIT}": [message]}}
            )
    negative = (settings or {}).get(ALLOW_NEGATIVE_STOCK)
    if negative is not None and not isinstance(negative, bool):
        message = "Allow negative stock is true or false."
        raise ApplicationError(
            message, code="validation_error", extra={"errors": {f"settings.{ALLOW_NEGATIVE_STOCK}": [message]}}
        )


def _validate_weekly_off_days(settings: Any) -> None:
    """``settings["weekly_off_days"]``: a list of distinct weekday numbers (0 Monday … 6 Sunday), not all seven."""
    days = (settings or {}).get(WEEKLY_OFF_DAYS)
    if days is None:
        return
    valid = isinstance(days, list) and all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in days)
    if not valid or len(set(days)) != len(days) or len(days) == 7:
        message = "The weekly days off are distinct weekday numbers from 0 (Monday) to 6 (Sunday), not all seven."
        raise ApplicationError(
            message, code="validation_error", extra={"errors": {f"settings.{WEEKLY_OFF_DAYS}": [message]}}
        )


def _active_owners(organization_id: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(organization_id=organization_id, role=Role.OWNER, is_active=True)


def _lock_organization(organization_id: Any) -> Organization:
    """Serialise membership changes of one organisation (seat counts, last-owner checks)."""
    return Organization.objects.select_for_update().get(pk=organization_id)


def acting_membership(by: Membership) -> Membership:
    """The acting member as stored now (call with the organisation locked): a role changed or a membership
    deactivated while the request was in flight counts."""
    current = Membership.objects.filter(pk=by.pk, is_active=True).first()
    if current is None:
        raise ApplicationError("Your membership is no longer active.", code="permission_denied", status=403)
    return current


def ensure_seat_available(organization: Organization, *, pending_invitations: int = 0) -> None:
    """Refuse when the plan's seats are used up. Call with the organisation row locked."""
    active = Membership.objects.filter(organization=organization, is_active=True).count()
    if active + pending_invitations >= organization.seat_limit:
        raise ApplicationError(
            f"All {organization.seat_limit} seats of this organisation are in use.",
            code="seat_limit_reached",
            status=409,
        )


def _require_owner_for(*, membership: Membership, new_role: str | None, by: Membership) -> None:
    touches_owner = membership.role == Role.OWNER or new_role == Role.OWNER
    if touches_owner and by.role != Role.OWNER:
        raise ApplicationError(
            "Only an owner can grant, change or remove the owner role.", code="owner_required", status=403
        )


def _keep_one_owner(membership: Membership) -> None:
    is_active_owner = membership.role == Role.OWNER and membership.is_active
    if is_active_owner and not _active_owners(membership.organization_id).exclude(pk=membership.pk).exists():
        raise ApplicationError(
            "An organisation needs at least one active owner. Make someone else owner first.",
            code="last_owner",
            status=409,
        )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: Membership) -> Membership:
    _lock_organization(membership.organization_id)
    by = acting_membership(by)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role not in Role.values:
        raise ApplicationError(f"“{role}” is not a role.", code="invalid_role")
    if role == membership.role:
        return membership
    _require_owner_for(membership=membership, new_role=role, by=by)
    _keep_one_owner(membership)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    audit_record(actor=by, action=MembershipAction.ROLE_CHANGED, target=membership, changes={"role": [old, role]})
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership, by: Membership) -> Membership:
    _lock_organization(membership.organization_id)
    by = acting_membership(by)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        return membership
    _require_owner_for(membership=membership, new_role=None, by=by)
    _keep_one_owner(membership)
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    audit_record(actor=by, action=MembershipAction.DEACTIVATED, target=membership, changes={"is_active": [True, False]})
    return membership


@transaction.atomic
def membership_activate(*, membership: Membership, by: Membership) -> Membership:
    organization = _lock_organization(membership.organization_id)
    by = acting_membership(by)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.is_active:
        return membership
    _require_owner_for(membership=membership, new_role=None, by=by)
    ensure_seat_available(organization)
    membership.is_active = True
    membership.save(update_fields=["is_active", "updated_at"])
    audit_record(actor=by, action=MembershipAction.ACTIVATED, target=membership, changes={"is_active": [False, True]})
    return membership


@transaction.atomic
def audit_export_start(*, organization: Organization, by: Membership, filters: dict[str, Any]) -> Job:
    """A job that writes the audit events matching ``filters`` as CSV (``tasks.audit_export``, through the outbox)."""
    job = job_create(organization=organization, by=by, kind=AUDIT_EXPORT.code, parameters=filters)
    audit_record(actor=by, action=JobAction.STARTED, target=job, changes={"filters": [None, filters]})
    outbox_enqueue("tenancy.audit_export", organization_id=organization.pk, job_id=str(job.pk), filters=filters)
    return job
