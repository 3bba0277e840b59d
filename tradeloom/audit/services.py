"""``audit_record``: the one way to write the audit log."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import models

from tradeloom.audit.actions import is_catalogued, prefix_of
from tradeloom.audit.models import AuditEvent
from tradeloom.core.request_id import current_client, current_request_id

# Field names whose values never reach the log, whatever a caller passes.
SECRET_FIELDS = frozenset({"password", "token", "token_hash", "refresh", "access", "secret", "api_key"})
REDACTED = "[redacted]"

# Called with the events each ``audit_record`` / ``audit_record_many`` call wrote, inside the caller's transaction (the
# webhooks app writes its outbox entry there, so it exists exactly when the change does). Registered with
# ``audit_listen`` in a higher floor's ``ready()``; they run on every audited change, so they must be cheap — no query
# for an action nobody listens to.
AuditListener = Callable[[Sequence[AuditEvent]], None]
_listeners: list[AuditListener] = []


def audit_listen(listener: AuditListener) -> None:
    """Call ``listener(events)`` with every batch of new events, in their transaction (listening twice is a no-op)."""
    if listener not in _listeners:
        _listeners.append(listener)


def _announce(events: Sequence[AuditEvent]) -> None:
    for listener in tuple(_listeners):
        listener(events)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def _is_secret(name: str) -> bool:
    lowered = str(name).lower()
    return lowered in SECRET_FIELDS or any(word in lowered for word in ("password", "token", "secret", "api_key"))


def _redact(value: Any) -> Any:
    """Replace the values of secret-looking keys at any depth (e.g. ``settings.smtp_password``)."""
    if isinstance(value, dict):
        return {k: (REDACTED if _is_secret(k) else _redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


def _clean_changes(changes: Mapping[str, Any] | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for field, value in (changes or {}).items():
        cleaned[field] = [REDACTED, REDACTED] if _is_secret(field) else _redact(_plain(value))
    return cleaned


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs."""
    return {
        field: [_plain(before.get(field)), _plain(after.get(field))]
        for field in after
        if before.get(field) != after.get(field)
    }


def _check(action: str, target: models.Model | None) -> None:
    """An action is a catalogued constant (``audit.actions``) whose prefix is its target's audit prefix."""
    if not is_catalogued(action):
        raise ValueError(f"{str(action)!r} is not a catalogued audit action; declare it in the app's events.py.")
    if target is not None and not action.startswith(f"{prefix_of(target)}."):
        raise ValueError(
            f"{str(action)!r} cannot target this {target._meta.verbose_name} ({target.__class__.__name__}): "
            f"its actions start with {prefix_of(target)}."
        )


def audit_record(
    *,
    action: str,
    actor: Any = None,
    organization: Any = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event, in the caller's transaction (so it commits or rolls back with the change).

    ``actor`` may be a User or a Membership; ``organization`` defaults to the target's organisation. The
    request id, client address and user agent come from the request being served, if any.
    """
    _check(action, target)
    actor_id = getattr(actor, "user_id", None) or getattr(actor, "pk", None)
    organization_id = getattr(organization, "pk", organization)
    if organization_id is None and target is not None:
        # an organisation is its own; any other record belongs to its organisation
        is_organization = target._meta.label_lower == "tenancy.organization"
        organization_id = target.pk if is_organization else getattr(target, "organization_id", None)
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    ip, user_agent = current_client()
    event = AuditEvent.objects.create(
        organization_id=organization_id,
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        changes=_clean_changes(changes),
        request_id=current_request_id() or "",
        ip=ip,
        user_agent=user_agent,
    )
    _announce((event,))
    return event


def audit_record_many(
    *, action: str, actor: Any, changes_by_target: list[tuple[models.Model, Mapping[str, Any]]]
) -> None:
    """One event per target with one INSERT (bulk work: many lines moved at once). Same rules as ``audit_record``."""
    checked: set[type] = set()
    for target, _changes in changes_by_target:
        if target.__class__ not in checked:
            _check(action, target)
            checked.add(target.__class__)
    actor_id = getattr(actor, "user_id", None) or getattr(actor, "pk", None)
    ip, user_agent = current_client()
    request_id = current_request_id() or ""
    events = AuditEvent.objects.bulk_create(
        AuditEvent(
            organization_id=getattr(target, "organization_id", None),
            actor_id=actor_id,
            action=action,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            changes=_clean_changes(changes),
            request_id=request_id,
            ip=ip,
            user_agent=user_agent,
        )
        for target, changes in changes_by_target
    )
    _announce(events)
