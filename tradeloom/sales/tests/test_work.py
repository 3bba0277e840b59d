"""Tasks, activity notes with history and backdating, and the deletion-request flow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.sales import work
from tradeloom.sales.models import DeletionRequest, NoteRevision, Order
from tradeloom.sales.tests.factories import OrderFactory
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(org, member):
    merch, admin, colleague = member(Role.MERCHANDISER), member(Role.ADMIN), member(Role.STAFF)
    order = OrderFactory(organization=org, merchandiser=merch)
    with tenant_context(org):
        yield {"org": org, "merch": merch, "admin": admin, "colleague": colleague, "order": order}


def test_assigning_a_task_is_audited_and_leaves_the_order_owner_alone(ctx):
    task = work.task_create(order=ctx["order"], by=ctx["merch"], data={"title": "Chase lab dips"})
    work.task_update(task=task, by=ctx["merch"], data={"assignee": ctx["colleague"]})
    event = AuditEvent.objects.get(action="sales_task.assigned")
    assert event.changes == {"assignee": [None, str(ctx["colleague"].pk)]}
    assert Order.objects.get(pk=ctx["order"].pk).merchandiser_id == ctx["merch"].pk


def test_a_backdated_note_says_so_and_edits_keep_history(ctx):
    note = work.note_create(
        order=ctx["order"],
        by=ctx["merch"],
        data={
            "text": "Buyer approved on the phone",
            "category": "buyer",
            "effective_date": timezone.localdate() - timedelta(days=3),
        },
    )
    assert note.is_backdated is True
    work.note_edit(note=note, by=ctx["merch"], data={"text": "Buyer approved by e-mail"})
    work.note_edit(note=note, by=ctx["merch"], data={"text": "Buyer approved by e-mail"})  # no change, no revision
    revisions = list(NoteRevision.objects.filter(note=note).values_list("text", flat=True))
    assert revisions == ["Buyer approved on the phone"]
    assert AuditEvent.objects.get(action="sales_note.created").changes["backdated"] == [None, True]


def test_a_note_dated_today_is_not_backdated(ctx):
    note = work.note_create(
        order=ctx["order"], by=ctx["merch"], data={"text": "x", "effective_date": timezone.localdate()}
    )
    assert note.is_backdated is False


def test_deletion_request_approved_soft_deletes_and_an_admin_restores(ctx):
    request = work.deletion_request_create(order=ctx["order"], by=ctx["merch"], reason="Duplicate entry")
    with pytest.raises(ApplicationError) as twice:
        work.deletion_request_create(order=ctx["order"], by=ctx["colleague"], reason="again")
    assert twice.value.code == "deletion_request_pending"
    with pytest.raises(ApplicationError) as not_allowed:
        work.deletion_request_decide(request=request, by=ctx["merch"], approve=True)
    assert not_allowed.value.code == "permission_denied"
    work.deletion_request_decide(request=request, by=ctx["admin"], approve=True, note="ok")
    assert Order.objects.get(pk=ctx["order"].pk).archived_at is not None
    with pytest.raises(ApplicationError) as decided:
        work.deletion_request_decide(request=request, by=ctx["admin"], approve=False)
    assert decided.value.code == "already_decided"
    with pytest.raises(ApplicationError):
        work.order_restore(order=ctx["order"], by=ctx["merch"])
    work.order_restore(order=ctx["order"], by=ctx["admin"])
    assert Order.objects.get(pk=ctx["order"].pk).archived_at is None
    actions = set(AuditEvent.objects.filter(target_id=str(ctx["order"].pk)).values_list("action", flat=True))
    assert {"sales_order.deletion_requested", "sales_order.deletion_approved", "sales_order.restored"} <= actions


def test_the_orders_owner_decides_requests_made_by_others_but_not_their_own(ctx):
    asked = work.deletion_request_create(order=ctx["order"], by=ctx["colleague"], reason="Buyer cancelled")
    with pytest.raises(ApplicationError) as bystander:
        work.deletion_request_decide(request=asked, by=ctx["colleague"], approve=True)
    assert bystander.value.code == "permission_denied"
    work.deletion_request_decide(request=asked, by=ctx["merch"], approve=False, note="Still running")
    assert DeletionRequest.objects.get(pk=asked.pk).decided_by_id == ctx["merch"].pk
    own = work.deletion_request_create(order=ctx["order"], by=ctx["merch"], reason="Mine")
    with pytest.raises(ApplicationError) as self_approval:
        work.deletion_request_decide(request=own, by=ctx["merch"], approve=True)
    assert self_approval.value.code == "permission_denied"
    assert Order.objects.get(pk=ctx["order"].pk).archived_at is None


def test_a_declined_request_leaves_the_order(ctx):
    request = work.deletion_request_create(order=ctx["order"], by=ctx["merch"], reason="x")
    work.deletion_request_decide(request=request, by=ctx["admin"], approve=False, note="keep it")
    assert DeletionRequest.objects.get(pk=request.pk).status == "declined"
    assert Order.objects.get(pk=ctx["order"].pk).archived_at is None
    # and a new request may be made
    work.deletion_request_create(order=ctx["order"], by=ctx["merch"], reason="now really")
