"""Shipment pages: the list with its filters, a shipment's page (header, the moves it offers, ETA history, lines,
containers, documents and its timeline), the order page's Shipments tab, and the download of a document's file.
The forms these pages post to are in ``form_views``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tradeloom.audit.labels import Label
from tradeloom.audit.selectors import audit_events_of_targets
from tradeloom.audit.sentences import Described, Scope, describe
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.web import form_error_message, partial_template
from tradeloom.logistics import selectors, states
from tradeloom.logistics.capabilities import SHIPMENTS_MANAGE, SHIPMENTS_VIEW
from tradeloom.logistics.extensions import shipment_actions_for
from tradeloom.logistics.filters import ShipmentFilter
from tradeloom.logistics.forms import (
    MEASURES,
    ContainerForm,
    DocumentAddForm,
    DocumentForm,
    FileForm,
    LineAddForm,
    LineEditForm,
    MoveForm,
    ReviseForm,
)
from tradeloom.logistics.models import Shipment, ShipmentDocument, ShipmentLine
from tradeloom.sales import selectors as sales_selectors
from tradeloom.sales.models import Line, Order
from tradeloom.tenancy.roles import Role, role_has
from tradeloom.tenancy.web import TenantRequest, tenant_view

SORTS = [
    SortOption("newest", "Newest first", ("-created_at", "-id")),
    SortOption("eta", "ETA soonest", ("eta", "id")),
    SortOption("etd", "ETD soonest", ("etd", "id")),
]
LIST_COLUMNS = ["Shipment", "Customer", "Mode · carrier", "Orders", "ETD", "ETA", "Cartons · CBM"]
TIMELINE_LIMIT = 200
# the most order lines the "add a line" picker offers (the customer's open orders' lines with a balance)
LINE_CHOICES_LIMIT = 300
CONTAINER_MODES = (Shipment.Mode.SEA, Shipment.Mode.ROAD)
DOCUMENT_BADGES = {
    ShipmentDocument.Status.PENDING: "badge-gray",
    ShipmentDocument.Status.DRAFTED: "badge-blue",
    ShipmentDocument.Status.SENT: "badge-amber",
    ShipmentDocument.Status.ACCEPTED: "badge-green",
    ShipmentDocument.Status.DISCREPANT: "badge-red",
}


def shipment_of(request: TenantRequest, shipment_id: Any) -> Shipment:
    """A shipment the member may see, else 404 (another organisation's, or not one of theirs)."""
    try:
        return selectors.shipment_get(
            organization=request.organization, membership=request.membership, shipment_id=shipment_id
        )
    except Shipment.DoesNotExist:
        raise Http404("No such shipment.") from None


def is_late(shipment: Any, today: Any) -> bool:
    """Still booked after its ETD, or in transit after its ETA (``selectors.late_condition``)."""
    return (shipment.status == states.BOOKED and shipment.etd < today) or (
        shipment.status == states.IN_TRANSIT and shipment.eta < today
    )


@tenant_view(GET=SHIPMENTS_VIEW)
def shipment_list_view(request: TenantRequest) -> HttpResponse:
    """Shipments with their status, customer, carrier, orders, dates (late ones marked) and totals; filtered by the
    API's FilterSet, searched by number, B/L or AWB, or container; keyset pages."""
    qs = selectors.shipment_list(organization=request.organization, membership=request.membership)
    page = list_page(request, qs, filterset_class=ShipmentFilter, sorts=SORTS)
    today = timezone.localdate()
    for row in page.rows:
        row.late = is_late(row, today)
    context = {
        "nav": "shipments",
        "page": page,
        "today": today,
        "columns": LIST_COLUMNS,
        "badges": states.BADGES,
        "can_manage": role_has(request.membership.role, SHIPMENTS_MANAGE),
    }
    return render(request, partial_template(request, "logistics/shipment_list.html", "shipment-list"), context)


def shipment_timeline(detail: selectors.ShipmentDetail, limit: int = TIMELINE_LIMIT) -> list[Described]:
    """The events of the shipment, its documents and their files, newest first, as sentences about "this shipment"
    (one statement for the events, at most one for the labels they refer to)."""
    shipment = detail.shipment
    number = shipment.number
    labels: dict[str, Label] = {str(shipment.pk): Label(number)}
    targets: dict[str, list[str]] = {
        "logistics.shipment": [str(shipment.pk)],
        "logistics.shipmentdocument": [],
        "logistics.documentfile": [],
    }
    for document in detail.documents:
        targets["logistics.shipmentdocument"].append(str(document.pk))
        labels[str(document.pk)] = Label(str(document), number)
        for attached in document.files.all():
            targets["logistics.documentfile"].append(str(attached.pk))
            labels[str(attached.pk)] = Label(attached.name, number)
    events = audit_events_of_targets(organization=shipment.organization_id, targets=targets, limit=limit)
    return describe(events, labels=labels, scope=Scope(id=str(shipment.pk), name="this shipment", context=number))


def line_choices(request: TenantRequest, shipment: Shipment, carried: set[Any]) -> list[tuple[str, str]]:
    """The order lines a booked shipment may take on: of its customer's open orders, not archived, not on it yet,
    with their balances (one statement)."""
    lines = (
        sales_selectors.lines_visible(organization=request.organization, membership=request.membership)
        .filter(order__customer_id=shipment.customer_id, order__status=Order.Status.OPEN)
        .exclude(status=Line.Status.ARCHIVED)
        .exclude(pk__in=list(carried))
        .select_related("order", "style", "unit")
        .order_by("-order__created_at", "style__position", "position")[:LINE_CHOICES_LIMIT]
    )
    choices = []
    for line in lines:
        balance = line.quantity - line.shipped_quantity
        choices.append(
            (
                str(line.pk),
                f"{line.order.number} · {line.style.style_number} · {line} — balance {balance.normalize():,f} "
                f"{line.unit.code}",
            )
        )
    return choices


def line_initial(row: ShipmentLine) -> dict[str, Any]:
    """A shipment line's values as its form shows them (``1000``, not ``1000.000``)."""
    figures = {name: f"{getattr(row, name).normalize():f}" for name in ("quantity", *MEASURES) if name != "cartons"}
    return {**figures, "cartons": row.cartons, "container": row.container.number if row.container else ""}


def _blank_line_form(row: ShipmentLine, containers: list[Any], can_override: bool) -> LineEditForm:
    initial = line_initial(row)
    return LineEditForm(initial=initial, containers=containers, can_override=can_override, auto_id=f"ln-{row.pk}-%s")


def shipment_page(request: TenantRequest, shipment_id: Any, *, bound: dict[str, Any] | None = None) -> HttpResponse:
    """A shipment's page. ``bound`` replaces blank forms by a refused post's, keyed ``move:<action>``, ``revise``,
    ``line:<id>``, ``line-add``, ``container:<id>``, ``container-add``, ``document:<id>``, ``file:<id>``,
    ``document-add``: the page shows it again with the values typed and the errors next to their fields (a form it
    no longer shows, the shipment having moved on, gives its errors as a message)."""
    bound = bound or {}
    shown: set[str] = set()
    editing = request.GET.get("edit", "")  # the row whose form is open (``?edit=<id>``)

    def form_for(key: str, blank: Any) -> Any:
        if key in bound:
            shown.add(key)
            return bound[key]
        return blank()

    try:
        detail = selectors.shipment_detail(
            organization=request.organization, membership=request.membership, shipment_id=shipment_id
        )
    except Shipment.DoesNotExist:
        raise Http404("No such shipment.") from None
    shipment = detail.shipment
    role = request.membership.role
    can_manage = role_has(role, SHIPMENTS_MANAGE)
    can_override = role in (Role.OWNER, Role.ADMIN)
    today = timezone.localdate()
    lines_editable = can_manage and shipment.status in states.LINES_EDITABLE
    containers_editable = (
        can_manage and shipment.status in states.CONTAINERS_EDITABLE and shipment.mode in CONTAINER_MODES
    )
    containers = detail.containers

    moves = []
    if can_manage:
        for transition in states.actions_from(shipment.status):
            key = f"move:{transition.action}"
            form = form_for(key, lambda t=transition: MoveForm(transition=t, auto_id=f"mv-{t.action}-%s"))
            moves.append((transition, form, key in bound))
    revise_form = None
    if can_manage and shipment.status in states.REVISABLE:
        revise_form = form_for("revise", lambda: ReviseForm(shipment=shipment, auto_id="rv-%s"))

    line_rows = []
    for row in detail.lines:
        key = f"line:{row.pk}"
        form = None
        if lines_editable:
            form = form_for(key, lambda row=row: _blank_line_form(row, containers, can_override))
        line_rows.append((row, form, key in bound or str(row.pk) == editing))
    line_add_form = None
    if lines_editable:
        line_add_form = form_for(
            "line-add",
            lambda: LineAddForm(
                lines=line_choices(request, shipment, {row.line_id for row in detail.lines}),
                containers=containers,
                can_override=can_override,
                auto_id="la-%s",
            ),
        )

    container_rows = []
    for container in containers:
        key = f"container:{container.pk}"
        form = None
        if containers_editable:
            form = form_for(
                key,
                lambda c=container: ContainerForm(
                    initial={"number": c.number, "kind": c.kind, "seal_number": c.seal_number},
                    auto_id=f"ct-{c.pk}-%s",
                ),
            )
        container_rows.append((container, form, key in bound or str(container.pk) == editing))
    container_add_form = None
    if containers_editable:
        container_add_form = form_for("container-add", lambda: ContainerForm(auto_id="ca-%s"))

    document_rows = []
    for document in detail.documents:
        document_form = file_form = None
        if can_manage:
            document_form = form_for(
                f"document:{document.pk}",
                lambda d=document: DocumentForm(document=d, auto_id=f"dc-{d.pk}-%s"),
            )
            file_form = form_for(f"file:{document.pk}", lambda d=document: FileForm(auto_id=f"fl-{d.pk}-%s"))
        opened = f"document:{document.pk}" in bound or f"file:{document.pk}" in bound or str(document.pk) == editing
        overdue = (
            document.due_date is not None
            and document.due_date < today
            and document.status in (ShipmentDocument.Status.PENDING, ShipmentDocument.Status.DRAFTED)
            and not shipment.is_final
        )
        document_rows.append((document, document_form, file_form, opened, overdue))
    document_add_form = None
    if can_manage:
        document_add_form = form_for("document-add", lambda: DocumentAddForm(auto_id="da-%s"))
    for key, form in bound.items():
        if key not in shown:
            messages.error(request, form_error_message(form))

    context = {
        "nav": "shipments",
        "shipment": shipment,
        "detail": detail,
        "badge": states.BADGES[shipment.status],
        "late": is_late(shipment, today),
        "today": today,
        "can_manage": can_manage,
        "can_override": can_override,
        "moves": moves,
        "revise_form": revise_form,
        "revise_open": "revise" in bound,
        "line_rows": line_rows,
        "line_add_form": line_add_form,
        "line_add_open": "line-add" in bound,
        "lines_editable": lines_editable,
        "container_rows": container_rows,
        "container_add_form": container_add_form,
        "container_add_open": "container-add" in bound,
        "takes_containers": shipment.mode in CONTAINER_MODES,
        "document_rows": document_rows,
        "document_badges": DOCUMENT_BADGES,
        "document_add_form": document_add_form,
        "document_add_open": "document-add" in bound,
        "timeline": shipment_timeline(detail),
        "timeline_limit": TIMELINE_LIMIT,
        # the floors above's actions on this shipment (``extensions.SHIPMENT_ACTIONS``: invoicing's invoice)
        "extension_actions": shipment_actions_for(role=role, org_slug=request.organization.slug, shipment=shipment),
    }
    return render(request, "logistics/shipment_detail.html", context)


@tenant_view(GET=SHIPMENTS_VIEW)
def shipment_detail_view(request: TenantRequest, shipment_id: Any) -> HttpResponse:
    return shipment_page(request, shipment_id)


@tenant_view(GET=SHIPMENTS_VIEW)
def order_panel_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    """The order page's Shipments tab: each line's ordered, shipped, delivered-to-buyer and balance figures, the
    order's totals per unit, and the shipments that carry its lines."""
    order = sales_selectors.order_visible_get(
        organization=request.organization, membership=request.membership, pk=order_id
    )
    shipping = selectors.order_shipping(order=order)
    carried: dict[Any, list[ShipmentLine]] = {}
    for row in shipping.shipment_lines:
        carried.setdefault(row.shipment_id, []).append(row)
    lines = {figure.line.pk: figure.line for figure in shipping.lines}
    today = timezone.localdate()
    shipments = []
    for shipment in shipping.shipments:
        rows = [(row, lines.get(row.line_id)) for row in carried.get(shipment.pk, [])]
        shipments.append((shipment, rows, states.BADGES[shipment.status], is_late(shipment, today)))
    context = {
        "order": order,
        "shipping": shipping,
        "totals": shipping.by_unit(),
        "shipments": shipments,
        "can_book": role_has(request.membership.role, SHIPMENTS_MANAGE) and order.status == Order.Status.OPEN,
    }
    return render(request, "logistics/_order_panel.html", context)


@tenant_view(GET=SHIPMENTS_VIEW)
def file_download_view(request: TenantRequest, file_id: Any) -> FileResponse:
    """A document's file, to a member who may see its shipment (404 otherwise); always as a download."""
    attached = selectors.document_file_visible(
        organization=request.organization, membership=request.membership, pk=file_id
    )
    if attached is None:
        raise Http404("No such file.")
    return FileResponse(
        attached.file.open("rb"), as_attachment=True, filename=attached.name, content_type=attached.content_type
    )
