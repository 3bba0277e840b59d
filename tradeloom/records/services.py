"""The services that change records: the one way to create, update, archive, restore and delete a ``RecordModel``.

They validate (``full_clean``, so model and database rules give field errors), lock the row, refuse a stale
version (412), write the audit record in the same transaction, and refuse to delete a record that something still
references (409, naming what refers to it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

from tradeloom.audit.actions import prefix_of
from tradeloom.audit.services import audit_record
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.models import IdempotencyKey
from tradeloom.core.shapes import shape_of
from tradeloom.records.models import RecordModel

R = TypeVar("R", bound=RecordModel)

# What happens to a record; its audit actions are ``<prefix>.<verb>`` (``supplier.archived``), registered in the
# audit catalogue for every record model when Django starts (``RecordsConfig.ready``).
RECORD_VERBS = ("created", "updated", "archived", "restored", "deleted")
# How they read (``audit.sentences``): "Ann added customer Bayside", "Ann archived a supplier" (one that is gone).
RECORD_SENTENCES = {
    "created": lambda t: f"{t.actor} added {t.named}",
    "updated": lambda t: f"{t.actor} changed {t.named}",
    "archived": lambda t: f"{t.actor} archived {t.named}",
    "restored": lambda t: f"{t.actor} restored {t.named}",
    "deleted": lambda t: f"{t.actor} deleted {t.named}",
}


def record_action(model: type[RecordModel], verb: str) -> str:
    if verb not in RECORD_VERBS:
        raise ValueError(f"{verb!r} is not a record verb.")
    return f"{prefix_of(model)}.{verb}"


def _validation_error(exc: ValidationError) -> ApplicationError:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    if NON_FIELD_ERRORS in errors:
        errors["non_field_errors"] = errors.pop(NON_FIELD_ERRORS)
    unique = any(
        getattr(e, "code", None) in ("unique", "unique_together")
        for errs in getattr(exc, "error_dict", {}).values()
        for e in errs
    )
    return ApplicationError(
        "The record has invalid fields." if not unique else "A record with these values already exists.",
        code="conflict" if unique else "validation_error",
        status=409 if unique else 400,
        extra={"errors": errors},
    )


def _snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Values of ``fields`` (references as their ids), keyed by field name."""
    snapshot = {}
    for name in fields:
        field = instance._meta.get_field(name)
        snapshot[name] = getattr(instance, getattr(field, "attname", name))
    return snapshot


def _apply(instance: models.Model, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for name, value in data.items():
        if name not in allowed:
            raise ApplicationError(f"“{name}” cannot be set.", code="field_not_editable")
        setattr(instance, name, value)


def _full_clean(instance: models.Model) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise _validation_error(exc) from exc


@transaction.atomic
def record_create(*, model: type[R], organization: Any, by: Any, data: dict[str, Any]) -> R:
    instance = model(organization=organization, created_by_id=getattr(by, "user_id", None))
    _apply(instance, data, shape_of(model).create)
    _full_clean(instance)
    instance.save()
    instance.after_change()
    after = _snapshot(instance, shape_of(model).create)
    audit_record(
        actor=by,
        action=record_action(model, "created"),
        target=instance,
        changes={k: [None, v] for k, v in after.items() if v not in (None, "", [], {})},
    )
    return instance


def _lock(instance: R, expected_version: int | None) -> R:
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(
            "The record was changed by someone else. Reload it and try again.",
            code="precondition_failed",
            status=412,
            extra={"current_version": locked.version},
        )
    return locked


@transaction.atomic
def record_update(*, instance: R, by: Any, data: dict[str, Any], expected_version: int | None = None) -> R:
    instance = _lock(instance, expected_version)
    fields = shape_of(type(instance)).update
    before = _snapshot(instance, fields)
    _apply(instance, data, fields)
    _full_clean(instance)
    after = _snapshot(instance, fields)
    changes = {k: [before[k], after[k]] for k in fields if before[k] != after[k]}
    if changes:
        instance.version += 1
        instance.save()
        instance.after_change(previous=before)
        audit_record(actor=by, action=record_action(type(instance), "updated"), target=instance, changes=changes)
    return instance


@transaction.atomic
def record_archive(*, instance: R, by: Any, expected_version: int | None = None) -> R:
    instance = _lock(instance, expected_version)
    if instance.archived_at is None:
        instance.archived_at = timezone.now()
        instance.version += 1
        instance.save(update_fields=["archived_at", "version", "updated_at"])
        instance.after_change()
        audit_record(actor=by, action=record_action(type(instance), "archived"), target=instance)
    return instance


@transaction.atomic
def record_restore(*, instance: R, by: Any, expected_version: int | None = None) -> R:
    instance = _lock(instance, expected_version)
    if instance.archived_at is not None:
        instance.archived_at = None
        instance.version += 1
        instance.save(update_fields=["archived_at", "version", "updated_at"])
        instance.after_change()
        audit_record(actor=by, action=record_action(type(instance), "restored"), target=instance)
    return instance


def references_to(instance: models.Model) -> list[str]:
    """What would block deleting ``instance``: ``["2 plants", "1 supplier-plant mapping"]`` (empty: free to go)."""
    collector = Collector(using="default")
    try:
        collector.collect([instance])
    except (ProtectedError, RestrictedError) as exc:
        blockers = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        counts: dict[str, int] = {}
        for obj in blockers:
            meta = obj._meta
            counts[str(meta.verbose_name)] = counts.get(str(meta.verbose_name), 0) + 1
        names = {str(o._meta.verbose_name): str(o._meta.verbose_name_plural) for o in blockers}
        return [f"{n} {names[label] if n != 1 else label}" for label, n in sorted(counts.items())]
    return []


@transaction.atomic
def record_delete(*, instance: R, by: Any, expected_version: int | None = None) -> None:
    """Delete a record nothing refers to; otherwise 409 ``in_use`` naming the referrers (archive it instead)."""
    instance = _lock(instance, expected_version)
    blockers = references_to(instance)
    if blockers:
        raise ApplicationError(
            f"This record is in use ({', '.join(blockers)}). Archive it instead.",
            code="in_use",
            status=409,
            extra={"referenced_by": blockers},
        )
    audit_record(
        actor=by,
        action=record_action(type(instance), "deleted"),
        target=instance,
        changes={k: [v, None] for k, v in _snapshot(instance, shape_of(type(instance)).editable).items() if v},
    )
    instance.delete()
    instance.after_change()


def idempotency_key_claim(
    *, organization: Any, user_id: Any, key: str, request_hash: str
) -> tuple[IdempotencyKey, bool]:
    """Claim an ``Idempotency-Key`` for a request before doing its work: (the new row, True), or — the key was used
    before — (the row of that first request, False). A concurrent duplicate waits on the unique index."""
    scope = {"organization": organization, "user_id": user_id, "key": key}
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(**scope, request_hash=request_hash), True
    except IntegrityError:
        return IdempotencyKey.objects.get(**scope), False


def idempotency_key_complete(*, record: IdempotencyKey, status: int, body: Any, etag: str) -> IdempotencyKey:
    """Keep the response a claimed key's request produced, to replay it to the same request."""
    record.response_status = status
    record.response_body = body
    record.response_etag = etag
    record.save(update_fields=["response_status", "response_body", "response_etag", "updated_at"])
    return record
