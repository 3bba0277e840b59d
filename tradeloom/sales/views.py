"""Order pages: the list with money and ETD countdowns, and the order with its tabs and line actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.web import add_application_error, form_action, partial_template
from tradeloom.sales import selectors, services, work
from tradeloom.sales.calculator import order_requirements
from tradeloom.sales.capabilities import ORDERS_MANAGE, ORDERS_VIEW
from tradeloom.sales.extensions import ORDER_LIST_COLUMNS, ORDER_TABS
from tradeloom.sales.filters import OrderFilter
from tradeloom.sales.forms import (
    DeletionRequestForm,
    DeliveryForm,
    DeliveryReverseForm,
    NoteForm,
    OfferForm,
    Pickers,
    StageForm,
    TaskForm,
)
from tradeloom.sales.models import Line, Order, Task
from tradeloom.sales.timeline import TIMELINE_LIMIT, order_timeline
from tradeloom.tenancy.roles import Role, role_has
from tradeloom.tenancy.web import TenantRequest, tenant_view

ORDER_SORTS = [
    SortOption("newest", "Newest first", ("-created_at", "-id")),
    SortOption("oldest", "Oldest first", ("created_at", "id")),
]
# The order page's own tabs; other apps' tabs (``sales.extensions.ORDER_TABS``) come after the notes.
OWN_TABS = [
    ("lines", "Lines"),
    ("offers", "Mill offers"),
    ("deliveries", "Deliveries"),
    ("tasks", "Tasks"),
    ("notes", "Notes"),
]
LAST_TABS = [("calculator", "Calculator"), ("timeline", "Timeline")]


def order_tabs() -> list[tuple[str, str]]:
    return [*OWN_TABS, *((tab.key, tab.label) for tab in ORDER_TABS), *LAST_TABS]


@tenant_view(GET=ORDERS_VIEW)
def order_list_view(request: TenantRequest) -> HttpResponse:
    qs = selectors.order_list(organization=request.organization, membership=request.membership)
    qs = qs.filter(archived_at__isnull=True)
    sorts, sort_key = ORDER_SORTS, None
    if request.GET.get("search", "").strip():  # searching: the best matches first, unless another sort is asked
        sorts = [SortOption("relevance", "Best match", ("-search_rank", "-created_at", "-id")), *ORDER_SORTS]
        if request.GET.get("sort") in (None, "", ORDER_SORTS[0].key):
            sort_key = "relevance"
    page = list_page(request, qs, filterset_class=OrderFilter, sorts=sorts, sort_key=sort_key)
    extra = list(ORDER_LIST_COLUMNS)
    columns = ["Order", "Customer", "ETD", "Stage", *(column.heading for column in extra), "Value", "Profit", ""]
    context = {
        "nav": "orders",
        "page": page,
        "today": timezone.localdate(),
        "columns": columns,
        "extra_columns": extra,
        "column_count": len(columns),
        "can_manage": role_has(request.membership.role, ORDERS_MANAGE),
        "statuses": Line.Status.choices,
    }
    template = partial_template(request, "sales/order_list.html", "order-list")
    return render(request, template, context)


@tenant_view(GET=ORDERS_VIEW)
def order_lines_partial_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    """The lines of one order, expanded in the list."""
    order = selectors.order_get(organization=request.organization, membership=request.membership, pk=order_id)
    figures, _ = selectors.order_money(order=order)
    can_manage = role_has(request.membership.role, ORDERS_MANAGE)
    return render(request, "sales/_order_lines.html", {"order": order, "figures": figures, "can_manage": can_manage})


def _by_line(order: Order, rows: Any) -> list[tuple[Line, list[Any]]]:
    """Rows of one query (offers, deliveries) grouped under the order's lines, in line order."""
    grouped: dict[Any, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.line_id, []).append(row)
    return [(line, grouped.get(line.pk, [])) for line in order.lines.all()]


@tenant_view(GET=ORDERS_VIEW)
def order_detail_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    return order_page(request, order_id)


def order_page(request: TenantRequest, order_id: Any, *, tab: str | None = None, **forms: Any) -> HttpResponse:
    """The order page on ``tab`` (default: the one asked for). ``forms`` replace the tab's blank forms: a refused
    post shows its form again with the values typed and the errors on their fields (``delivery_forms`` by line,
    ``delivery_edit_forms`` by delivery, ``offer_form``)."""
    org = request.organization
    order = selectors.order_get(organization=org, membership=request.membership, pk=order_id)
    figures, totals = selectors.order_money(order=order)
    tabs = order_tabs()
    tab = tab or request.GET.get("tab") or "lines"
    tab = tab if tab in dict(tabs) else "lines"
    role = request.membership.role
    context: dict[str, Any] = {
        "nav": "orders",
        "order": order,
        "figures": figures,
        "totals": totals,
        "tabs": tabs,
        "active": tab,
        "base_url": request.path,
        "today": timezone.localdate(),
        "can_manage": role_has(role, ORDERS_MANAGE),
        "is_admin": role in (Role.OWNER, Role.ADMIN),
        "statuses": Line.Status.choices,
        "transitions": Line.TRANSITIONS,
        "pending_deletion": selectors.deletion_request_pending_of_order(order=order),
        "can_decide": False,
        "stage_form": StageForm(organization=org, initial={"stage": order.stage}),
        "deletion_form": DeletionRequestForm(),
    }
    if context["pending_deletion"] is not None:
        context["can_decide"] = work.may_decide_deletion(
            membership=request.membership, request=context["pending_deletion"]
        )
    if tab == "deliveries":
        deliveries = _by_line(order, selectors.delivery_list_of_order(order=order))
        context["deliveries"] = deliveries
        if context["can_manage"] and not order.is_archived:
            units = list(selectors.unit_list_of_organization(organization=org))
            context["delivery_edit_forms"] = {
                d.pk: DeliveryForm(
                    units=[u for u in units if u.dimension == line.unit.dimension],
                    initial={"date": d.date, "quantity": d.quantity, "unit": str(d.unit_id), "note": d.note},
                    auto_id=f"de-{d.pk}-%s",
                )
                for line, rows in deliveries
                for d in rows
                if not d.is_reversed
            }
    elif tab == "offers":
        context["offers"] = _by_line(order, selectors.offer_list_of_order(order=order))
        context["offer_form"] = OfferForm(pickers=Pickers.load(org, "suppliers"), initial={"currency": order.currency})
    elif tab == "tasks":
        pickers = Pickers.load(org, "members")
        context["tasks"] = selectors.task_list_of_order(order=order, with_assignees=True)
        context["task_form"] = TaskForm(pickers=pickers, initial={"status": Task.Status.OPEN})
        context["members"] = pickers.members
        context["task_statuses"] = Task.Status.choices
    elif tab == "notes":
        notes = list(selectors.note_list_of_order(order=order))
        context["notes"] = [
            (note, NoteForm(instance=note, organization=org, auto_id=f"note-{note.pk}-%s")) for note in notes
        ]
        context["note_form"] = NoteForm(organization=org, initial={"effective_date": timezone.localdate()})
    elif tab in ORDER_TABS:
        ids = {"org_slug": org.slug, "order_id": order.pk}
        context["contributed_tab_url"] = reverse(ORDER_TABS[tab].url_name, kwargs=ids)
    elif tab == "calculator":
        context["requirements"] = order_requirements(order)
    elif tab == "timeline":
        context["timeline"] = order_timeline(order=order)
        context["timeline_limit"] = TIMELINE_LIMIT
    for name, value in forms.items():
        context[name] = {**context.get(name, {}), **value} if isinstance(value, dict) else value
    template = partial_template(request, "sales/order_detail.html", "order-tab")
    return render(request, template, context)


def _lines_tab(request: TenantRequest, order_id: Any) -> HttpResponse:
    url = reverse("sales:order", kwargs={"org_slug": request.organization.slug, "order_id": order_id})
    return redirect(f"{url}?tab=lines")


def _line_of(request: TenantRequest, order_id: Any, line_id: Any) -> Line:
    return selectors.line_get(
        organization=request.organization, membership=request.membership, order_id=order_id, line_id=line_id
    )


@tenant_view(POST=ORDERS_MANAGE)
def line_transition_view(request: TenantRequest, order_id: Any, line_id: Any) -> HttpResponse:
    line = _line_of(request, order_id, line_id)
    try:
        services.line_transition(
            line=line,
            status=request.POST.get("status", ""),
            by=request.membership,
            override_reason=request.POST.get("override_reason", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{line} is now {Line.Status(request.POST['status']).label.lower()}.")
    return _lines_tab(request, order_id)


@tenant_view(POST=ORDERS_MANAGE)
def delivery_create_view(request: TenantRequest, order_id: Any, line_id: Any) -> HttpResponse:
    """Record a delivery from the line's row; a refusal shows the row's form again with the error on its field."""
    line = _line_of(request, order_id, line_id)
    units = selectors.unit_list_for_delivery(organization=request.organization, line=line)
    form = DeliveryForm(request.POST, units=units, auto_id=f"d-{line.pk}-%s")
    if form.is_valid():
        try:
            services.delivery_record(line=line, by=request.membership, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            quantity = form.cleaned_data["quantity"].normalize()
            messages.success(request, f"Delivery of {quantity:f} {form.cleaned_data['unit']} recorded for {line}.")
            return _lines_tab(request, order_id)
    return order_page(request, order_id, tab="lines", delivery_forms={line.pk: form})


def _deliveries_tab(request: TenantRequest, order_id: Any) -> HttpResponse:
    url = reverse("sales:order", kwargs={"org_slug": request.organization.slug, "order_id": order_id})
    return redirect(f"{url}?tab=deliveries")


@tenant_view(POST=ORDERS_MANAGE)
def delivery_edit_view(request: TenantRequest, order_id: Any, delivery_id: Any) -> HttpResponse:
    """Correct a delivery (its earlier values are kept); a refusal shows the form again, open, with its errors."""
    order = selectors.order_visible_get(organization=request.organization, membership=request.membership, pk=order_id)
    delivery = selectors.delivery_of_order_get(order=order, pk=delivery_id)
    line = delivery.line
    units = selectors.unit_list_for_delivery(organization=request.organization, line=line)
    form = DeliveryForm(request.POST, units=units, auto_id=f"de-{delivery.pk}-%s")
    if form.is_valid():
        try:
            services.delivery_correct(
                delivery=delivery,
                by=request.membership,
                data=form.changes(delivery),
                override_reason=form.cleaned_data["override_reason"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"Delivery corrected for {line}; its earlier values are kept.")
            return _deliveries_tab(request, order_id)
    return order_page(
        request, order_id, tab="deliveries", delivery_edit_forms={delivery.pk: form}, open_delivery=delivery.pk
    )


@tenant_view(POST=ORDERS_MANAGE)
def delivery_reverse_view(request: TenantRequest, order_id: Any, delivery_id: Any) -> HttpResponse:
    order = selectors.order_visible_get(organization=request.organization, membership=request.membership, pk=order_id)
    delivery = selectors.delivery_of_order_get(order=order, pk=delivery_id)
    form = DeliveryReverseForm(request.POST)

    def reverse_it(data: dict[str, Any]) -> str:
        services.delivery_reverse(delivery=delivery, by=request.membership, reason=data["reason"])
        return f"Delivery of {delivery.line} reversed; it stays listed and no longer counts as delivered."

    form_action(request, form, reverse_it)
    return _deliveries_tab(request, order_id)
