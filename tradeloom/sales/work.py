"""Work around an order: tasks, activity notes (with history) and deletion requests."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tradeloom.audit.services import audit_record, changes_between
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.shapes import shape_of
from tradeloom.sales.events import NoteAction, OrderAction, TaskAction, TaskAssigned
from tradeloom.sales.models import ActivityNote, DeletionRequest, NoteRevision, Order, Task
from tradeloom.tenancy.roles import Role

TASK_FIELDS = shape_of(Task).editable
NOTE_FIELDS = shape_of(ActivityNote).editable


@transaction.atomic
def task_create(*, order: Order, by: Any, data: dict[str, Any]) -> Task:
    task = Task.objects.create(
        organization_id=order.organization_id,
        created_by_id=by.user_id,
        order=order,
        **{k: v for k, v in data.items() if k in TASK_FIELDS},
    )
    audit_record(
        actor=by,
        action=TaskAction.CREATED,
        target=task,
        changes={"title": [None, task.title], "assignee": [None, task.assignee_id]},
    )
    _announce_assignment(task, by=by, before=None)
    return task


def _announce_assignment(task: Task, *, by: Any, before: Any) -> None:
    """``TaskAssigned`` when the task now has an assignee it did not have before, other than the one assigning."""
    if task.assignee_id is None or task.assignee_id == before or task.assignee_id == by.pk:
        return
    publish(TaskAssigned(task=task, assignee=task.assignee, by=by))


@transaction.atomic
def task_update(*, task: Task, by: Any, data: dict[str, Any]) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    before = {f: getattr(task, f"{f}_id" if f == "assignee" else f) for f in TASK_FIELDS}
    for field, value in data.items():
        if field not in TASK_FIELDS:
            raise ApplicationError(f"“{field}” cannot be changed here.", code="field_not_editable")
        setattr(task, field, value)
    task.save()
    after = {f: getattr(task, f"{f}_id" if f == "assignee" else f) for f in TASK_FIELDS}
    changes = changes_between(before, after)
    if changes:
        action = "sales_task.assigned" if set(changes) == {"assignee"} else "sales_task.updated"
        audit_record(actor=by, action=action, target=task, changes=changes)
    _announce_assignment(task, by=by, before=before["assignee"])
    return task


def _check_note_date(data: dict[str, Any]) -> None:
    day = data.get("effective_date")
    if day is not None and day > timezone.localdate():
        raise ApplicationError(
            "A note's date cannot be in the future.",
            code="validation_error",
            extra={"errors": {"effective_date": ["A note's date cannot be in the future."]}},
        )


@transaction.atomic
def note_create(*, order: Order, by: Any, data: dict[str, Any]) -> ActivityNote:
    _check_note_date(data)
    note = ActivityNote.objects.create(
        organization_id=order.organization_id,
        created_by_id=by.user_id,
        order=order,
        **{k: v for k, v in data.items() if k in NOTE_FIELDS},
    )
    note.refresh_from_db(fields=["created_at"])
    audit_record(
        actor=by,
        action=NoteAction.CREATED,
        target=note,
        changes={
            "category": [None, note.category],
            "effective_date": [None, note.effective_date],
            "backdated": [None, note.is_backdated],
        },
    )
    return note


@transaction.atomic
def note_edit(*, note: ActivityNote, by: Any, data: dict[str, Any]) -> ActivityNote:
    """Change a note, keeping the version it replaces."""
    _check_note_date(data)
    note = ActivityNote.objects.select_for_update().get(pk=note.pk)
    before = {f: getattr(note, f) for f in NOTE_FIELDS}
    for field, value in data.items():
        if field not in NOTE_FIELDS:
            raise ApplicationError(f"“{field}” cannot be changed here.", code="field_not_editable")
        setattr(note, field, value)
    changes = changes_between(before, {f: getattr(note, f) for f in NOTE_FIELDS})
    if not changes:
        return note
    NoteRevision.objects.create(organization_id=note.organization_id, created_by_id=by.user_id, note=note, **before)
    note.edited_at = timezone.now()
    note.save()
    audit_record(actor=by, action=NoteAction.EDITED, target=note, changes=changes)
    return note


@transaction.atomic
def deletion_request_create(*, order: Order, by: Any, reason: str) -> DeletionRequest:
    if order.archived_at is not None:
        raise ApplicationError("This order is already deleted.", code="already_deleted", status=409)
    if DeletionRequest.objects.filter(order=order, status=DeletionRequest.Status.PENDING).exists():
        raise ApplicationError(
            "A deletion request for this order is waiting for a decision.", code="deletion_request_pending", status=409
        )
    request = DeletionRequest.objects.create(
        organization_id=order.organization_id, created_by_id=by.user_id, order=order, requested_by=by, reason=reason
    )
    audit_record(actor=by, action=OrderAction.DELETION_REQUESTED, target=order, changes={"reason": [None, reason]})
    return request


def may_decide_deletion(*, membership: Any, request: DeletionRequest) -> bool:
    """An owner or admin decides any request; the order's owner (its merchandiser) decides requests others made —
    nobody but an owner or admin approves their own request."""
    if membership.role in (Role.OWNER, Role.ADMIN):
        return True
    return request.order.merchandiser_id == membership.pk and request.requested_by_id != membership.pk


@transaction.atomic
def deletion_request_decide(*, request: DeletionRequest, by: Any, approve: bool, note: str = "") -> DeletionRequest:
    """Approve (the order is soft-deleted: hidden everywhere, restorable by an admin) or decline."""
    request = DeletionRequest.objects.select_for_update().select_related("order").get(pk=request.pk)
    if not may_decide_deletion(membership=by, request=request):
        raise ApplicationError(
            "Only the order's owner (for a request someone else made), an owner or an admin decides this request.",
            code="permission_denied",
            status=403,
        )
    if request.status != DeletionRequest.Status.PENDING:
        raise ApplicationError("This request was already decided.", code="already_decided", status=409)
    request.status = DeletionRequest.Status.APPROVED if approve else DeletionRequest.Status.DECLINED
    request.decided_by, request.decided_at, request.decision_note = by, timezone.now(), note
    request.save()
    order = request.order
    if approve:
        Order.objects.filter(pk=order.pk).update(
            archived_at=timezone.now(), version=order.version + 1, updated_at=timezone.now()
        )
    audit_record(
        actor=by,
        action=OrderAction.DELETION_APPROVED if approve else OrderAction.DELETION_DECLINED,
        target=order,
        changes={"decision_note": [None, note]} if note else None,
    )
    return request


@transaction.atomic
def order_restore(*, order: Order, by: Any) -> Order:
    if by.role not in (Role.OWNER, Role.ADMIN):
        raise ApplicationError("Only an owner or admin restores a deleted order.", code="permission_denied", status=403)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.archived_at is None:
        return order
    order.archived_at, order.version = None, order.version + 1
    order.save(update_fields=["archived_at", "version", "updated_at"])
    audit_record(actor=by, action=OrderAction.RESTORED, target=order)
    return order
