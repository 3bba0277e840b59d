"""Actions from the order's tabs and the orders list: mill offers, tasks, notes, stage changes, the deletion-request
flow and bulk line-status moves. Each posts a small form, calls a service, and goes back to the tab it came from
with a message (a refusal is shown, nothing is changed)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.web import add_application_error, form_action, posted_uuid
from tradeloom.records.pages import posted_version
from tradeloom.sales import selectors, services, work
from tradeloom.sales.capabilities import ORDERS_MANAGE
from tradeloom.sales.forms import (
    BulkLineStatusForm,
    DeletionDecisionForm,
    DeletionRequestForm,
    NoteForm,
    OfferForm,
    Pickers,
    StageForm,
    TaskForm,
)
from tradeloom.sales.models import Line, Order
from tradeloom.sales.views import order_page
from tradeloom.tenancy.web import TenantRequest, tenant_view


def _order(request: TenantRequest, order_id: Any, *, include_deleted: bool = False) -> Order:
    return selectors.order_visible_get(
        organization=request.organization, membership=request.membership, pk=order_id, include_deleted=include_deleted
    )


def _back(request: TenantRequest, order: Order, tab: str) -> HttpResponse:
    url = reverse("sales:order", kwargs={"org_slug": request.organization.slug, "order_id": order.pk})
    return redirect(f"{url}?tab={tab}")


@tenant_view(POST=ORDERS_MANAGE)
def offer_create_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    order = _order(request, order_id)
    line_id = posted_uuid(request, "line")
    line = selectors.line_of_order(order=order, pk=line_id) if line_id else None
    if line is None:
        messages.error(request, "Choose the line the offer is for.")
        return _back(request, order, "offers")
    form = OfferForm(request.POST, pickers=Pickers.load(request.organization, "suppliers"))
    if form.is_valid():
        try:
            offer = services.offer_create(line=line, by=request.membership, data=form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"Offer from {offer.supplier} recorded for {line}.")
            return _back(request, order, "offers")
    # refused: the offers tab again, with what was typed and the errors on their fields
    return order_page(request, order.pk, tab="offers", offer_form=form, offer_line=line.pk)


@tenant_view(POST=ORDERS_MANAGE)
def offer_accept_view(request: TenantRequest, order_id: Any, offer_id: Any) -> HttpResponse:
    order = _order(request, order_id)
    offer = selectors.offer_get(order=order, pk=offer_id)
    try:
        services.offer_accept(offer=offer, by=request.membership)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{offer.line} now buys from {offer.supplier} at {offer.price}.")
    return _back(request, order, "offers")


@tenant_view(POST=ORDERS_MANAGE)
def task_create_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    order = _order(request, order_id)
    form = TaskForm(request.POST, pickers=Pickers.load(request.organization, "members"))
    by = request.membership
    form_action(request, form, lambda data: f"Task “{work.task_create(order=order, by=by, data=data)}” added.")
    return _back(request, order, "tasks")


@tenant_view(POST=ORDERS_MANAGE)
def task_update_view(request: TenantRequest, order_id: Any, task_id: Any) -> HttpResponse:
    """Change a task's status or assignee (the fields the row's form sends; the rest stay)."""
    order = _order(request, order_id)
    task = selectors.task_get(order=order, pk=task_id)
    form = TaskForm(request.POST, instance=task, pickers=Pickers.load(request.organization, "members"))
    for name in [name for name in form.fields if name not in request.POST]:
        del form.fields[name]
    if not form.fields:
        messages.error(request, "Nothing to change: choose an assignee or a status.")
        return _back(request, order, "tasks")
    by = request.membership
    form_action(request, form, lambda data: f"Task “{work.task_update(task=task, by=by, data=data)}” saved.")
    return _back(request, order, "tasks")


@tenant_view(POST=ORDERS_MANAGE)
def note_create_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    order = _order(request, order_id)
    form = NoteForm(request.POST, organization=request.organization)

    def create(data: dict[str, Any]) -> str:
        note = work.note_create(order=order, by=request.membership, data=data)
        return "Note added (backdated)." if note.is_backdated else "Note added."

    form_action(request, form, create)
    return _back(request, order, "notes")


@tenant_view(POST=ORDERS_MANAGE)
def note_edit_view(request: TenantRequest, order_id: Any, note_id: Any) -> HttpResponse:
    order = _order(request, order_id)
    note = selectors.note_get(order=order, pk=note_id)
    form = NoteForm(request.POST, instance=note, organization=request.organization)

    def edit(data: dict[str, Any]) -> str:
        work.note_edit(note=note, by=request.membership, data=data)
        return "Note saved; the earlier version is kept."

    form_action(request, form, edit)
    return _back(request, order, "notes")


@tenant_view(POST=ORDERS_MANAGE)
def stage_change_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    order = _order(request, order_id)
    form = StageForm(request.POST, organization=request.organization)

    def change(data: dict[str, Any]) -> str:
        services.order_stage_change(order=order, by=request.membership, **data)
        return f"{order.number} moved to {data['stage']}."

    form_action(request, form, change)
    return _back(request, order, "timeline")


@tenant_view(POST=ORDERS_MANAGE)
def order_confirm_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    """Confirm a draft from its page: the credit limit's warnings are shown, its refusal changes nothing."""
    order = _order(request, order_id)
    try:
        confirmed = services.order_confirm(
            order=order,
            by=request.membership,
            override_reason=request.POST.get("override_reason", "")[:500],
            expected_version=posted_version(request),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        for warning in confirmed.warnings:
            messages.warning(request, warning)
        messages.success(request, f"{order.number} is confirmed.")
    return _back(request, order, "lines")


@tenant_view(POST=ORDERS_MANAGE)
def order_cancel_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    order = _order(request, order_id)
    try:
        services.order_cancel(order=order, by=request.membership, expected_version=posted_version(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The draft {order.number} is cancelled.")
    return _back(request, order, "lines")


@tenant_view(POST=ORDERS_MANAGE)
def deletion_request_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    order = _order(request, order_id)
    form = DeletionRequestForm(request.POST)

    def ask(data: dict[str, Any]) -> str:
        work.deletion_request_create(order=order, by=request.membership, reason=data["reason"])
        return "Deletion requested. An owner or admin will decide."

    form_action(request, form, ask)
    return _back(request, order, "lines")


@tenant_view(POST=ORDERS_MANAGE)
def deletion_decide_view(request: TenantRequest, order_id: Any, request_id: Any) -> HttpResponse:
    order = _order(request, order_id, include_deleted=True)
    deletion = selectors.deletion_request_get(order=order, pk=request_id)
    form = DeletionDecisionForm(request.POST)

    def decide(data: dict[str, Any]) -> str:
        approve = data["decision"] == "approve"
        work.deletion_request_decide(request=deletion, by=request.membership, approve=approve, note=data["note"])
        return f"{order.number} deleted; an admin can restore it." if approve else "Deletion request declined."

    form_action(request, form, decide)
    return _back(request, order, "lines")


@tenant_view(POST=ORDERS_MANAGE)
def order_restore_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    order = _order(request, order_id, include_deleted=True)
    try:
        work.order_restore(order=order, by=request.membership)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{order.number} restored.")
    return _back(request, order, "lines")


@tenant_view(POST=ORDERS_MANAGE)
def lines_transition_view(request: TenantRequest) -> HttpResponse:
    """Move the ticked lines of the orders list to one status, all or nothing."""
    form = BulkLineStatusForm(request.POST)

    def move(data: dict[str, Any]) -> str:
        ids = set(data["lines"])
        lines = selectors.lines_visible_by_ids(
            organization=request.organization, membership=request.membership, ids=ids
        )
        if lines.count() != len(ids):
            raise ApplicationError("Some of the ticked lines no longer exist. Reload the page.", code="not_found")
        moved = services.lines_transition(lines=lines, status=data["status"], by=request.membership)
        label = Line.Status(data["status"]).label.lower()
        return f"{len(moved)} line{'s' if len(moved) != 1 else ''} now {label}."

    form_action(request, form, move)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or not back.startswith("/o/"):
        back = reverse("sales:orders", kwargs={"org_slug": request.organization.slug})
    return redirect(back)
