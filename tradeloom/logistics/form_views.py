"""The shipment forms: booking from an order (its lines prefilled with their balances; lines of the customer's other
open orders added on request), editing the header, and every action a shipment's page posts — a status move, an ETA
revision, lines, containers, documents and their files. Writes go through the same services as the API; a refusal
shows the form again with the error next to its field (or, when it names none, as a message)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.web import add_application_error
from tradeloom.logistics import selectors, services, states
from tradeloom.logistics.capabilities import SHIPMENTS_MANAGE
from tradeloom.logistics.forms import (
    ROW,
    BookContainerForm,
    BookLineForm,
    ContainerForm,
    DocumentAddForm,
    DocumentForm,
    FileForm,
    LineAddForm,
    LineEditForm,
    MoveForm,
    OverrideForm,
    ReviseForm,
    ShipmentEditForm,
    ShipmentForm,
)
from tradeloom.logistics.models import Container, Shipment, ShipmentDocument, ShipmentLine
from tradeloom.logistics.views import line_choices, line_initial, shipment_of, shipment_page
from tradeloom.records.pages import posted_version
from tradeloom.sales import selectors as sales_selectors
from tradeloom.sales.models import Order
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.web import TenantRequest, tenant_view

LINE_KEY = re.compile(r"^lines\.(\d+)\.(\w+)$")
CONTAINER_KEY = re.compile(r"^containers\.(\d+)\.(\w+)$")
CONTAINER_ROWS = 4  # on the booking form; more are added on the shipment's page
OTHER_ORDERS_LIMIT = 50


def field_errors(error: ApplicationError) -> dict[str, list[str]]:
    found = error.extra.get("errors")
    return found if isinstance(found, dict) else {}


def errors_onto(form: forms.BaseForm, error: ApplicationError, *, strip: str = "") -> bool:
    """Put a service's refusal on ``form``: each field error on the field it names (after ``strip``, e.g. a
    ``lines.0.`` prefix), the others and a refusal naming no field above the form. True when one is on a field."""
    errors = {key.removeprefix(strip): texts for key, texts in field_errors(error).items()}
    add_application_error(form, ApplicationError(error.message, code=error.code, extra={"errors": errors}))
    return any(key in form.fields for key in errors)


def _can_override(request: TenantRequest) -> bool:
    return request.membership.role in (Role.OWNER, Role.ADMIN)


# --- booking ----------------------------------------------------------------------------------------------------


def _typed(posted: Any, prefix: str, names: Any) -> dict[str, Any]:
    """What was typed into a form's fields (``prefix-name``), as its initial values: the form shows them again
    unchecked (the booking form reloaded with another order's lines)."""
    typed = {}
    for name in names:
        key = f"{prefix}-{name}" if prefix else name
        if key in posted:
            typed[name] = posted.get(key)
    return typed


def _booking_errors(
    error: ApplicationError,
    header: forms.BaseForm,
    line_forms: list[BookLineForm],
    container_forms: list[BookContainerForm],
    section: dict[str, list[str]],
) -> None:
    """Put a booking's refusal where it belongs: ``lines.N.<field>`` on the N-th booked line's row,
    ``containers.N.<field>`` on the N-th container's, ``lines``/``containers`` above their sections, the header's
    fields on the header."""
    header_errors: dict[str, list[str]] = {}
    for key, texts in field_errors(error).items():
        line, box = LINE_KEY.match(key), CONTAINER_KEY.match(key)
        target: forms.BaseForm | None = None
        name = ""
        if line and int(line[1]) < len(line_forms):
            target, name = line_forms[int(line[1])], line[2]
        elif box and int(box[1]) < len(container_forms):
            target, name = container_forms[int(box[1])], box[2]
        if target is not None:
            for text in texts:
                target.add_error(name if name in target.fields else None, text)
        elif key in section:
            section[key].extend(texts)
        else:
            header_errors[key] = texts
    if header_errors or not field_errors(error):
        add_application_error(header, ApplicationError(error.message, code=error.code, extra={"errors": header_errors}))


@tenant_view(GET=SHIPMENTS_MANAGE, POST=SHIPMENTS_MANAGE)
def shipment_create_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    """Book a shipment from an order: tick its lines (prefilled with their balances), give quantities and packing,
    the header and containers. "Add its lines" brings in another open order of the customer (a shipment may carry
    several); what was typed stays."""
    org, membership = request.organization, request.membership
    order = sales_selectors.order_visible_get(organization=org, membership=membership, pk=order_id)
    others = list(
        sales_selectors.orders_visible(organization=org, membership=membership)
        .filter(customer_id=order.customer_id, status=Order.Status.OPEN, archived_at__isnull=True)
        .exclude(pk=order.pk)
        .only("id", "number", "po_number", "etd")
        .order_by("-created_at")[:OTHER_ORDERS_LIMIT]
    )
    posted = request.method == "POST"
    action = request.POST.get("action", "book") if posted else ""
    chosen = set(request.POST.getlist("orders") if posted else request.GET.getlist("also"))
    if action == "add_order":
        chosen.add(request.POST.get("add_order", ""))
    included = [order, *(o for o in others if str(o.pk) in chosen)]
    data = request.POST if action == "book" else None
    reload = request.POST if action == "add_order" else None

    def initial_of(prefix: str, names: Any, initial: dict[str, Any]) -> dict[str, Any]:
        return {**initial, **_typed(reload, prefix, names)} if reload is not None else initial

    header = ShipmentForm(
        data,
        organization=org,
        initial=initial_of("", ShipmentForm.base_fields, {"mode": Shipment.Mode.SEA, "etd": order.etd}),
    )
    blocks = []
    for shipped_order in included:
        rows = []
        for figure in selectors.shippable_lines(order=shipped_order):
            prefix = f"l-{figure.line.pk}"
            balance = figure.balance
            initial: dict[str, Any] = {
                "ship": balance > 0,
                "quantity": f"{balance.normalize():f}" if balance > 0 else None,
            }
            initial = initial_of(prefix, BookLineForm.base_fields, initial)
            if reload is not None and f"{prefix}-quantity" in reload:  # the row was on the form: as it was ticked
                initial["ship"] = f"{prefix}-ship" in reload
            rows.append((figure, BookLineForm(data, prefix=prefix, initial=initial)))
        blocks.append((shipped_order, rows))
    container_forms = [
        BookContainerForm(data, prefix=f"c{i}", initial=initial_of(f"c{i}", ContainerForm.base_fields, {}), **ROW)
        for i in range(CONTAINER_ROWS)
    ]
    override = OverrideForm(data, initial=initial_of("", OverrideForm.base_fields, {}))
    section: dict[str, list[str]] = {"lines": [], "containers": []}
    over_shipment = False
    if data is not None:
        valid = header.is_valid()
        ticked = []
        for _, rows in blocks:
            for figure, form in rows:
                form.is_valid()
                if form.cleaned_data.get("ship"):
                    ticked.append((figure.line, form))
        checked = [form.is_valid() for _, form in ticked]  # every form checked, so each shows its errors
        filled = [form for form in container_forms if form.has_changed()]
        checked += [form.is_valid() for form in filled]
        valid = all(checked) and valid
        valid = override.is_valid() and valid
        if not ticked:
            section["lines"].append("Tick at least one line to ship.")
            valid = False
        if valid:
            try:
                booked = services.shipment_create(
                    organization=org,
                    by=membership,
                    data=header.payload(order.customer),
                    lines=[form.payload(line) for line, form in ticked],
                    containers=[form.payload() for form in filled],
                    override_reason=override.cleaned_data["override_reason"] if _can_override(request) else "",
                )
            except ApplicationError as error:
                _booking_errors(error, header, [form for _, form in ticked], filled, section)
                over_shipment = error.code == "over_shipment"
            else:
                shipment = booked.shipment
                count = len(booked.lines)
                messages.success(request, f"Booked {shipment.number} with {count} line{'s' * (count != 1)}.")
                return redirect("logistics:shipment", org_slug=org.slug, shipment_id=shipment.pk)
    typed_reason = bool((request.POST.get("override_reason") or "").strip()) if posted else False
    context = {
        "nav": "shipments",
        "order": order,
        "header": header,
        "blocks": blocks,
        "container_forms": container_forms,
        "override_form": override,
        "show_override": _can_override(request) and (over_shipment or typed_reason),
        "over_shipment": over_shipment,
        "section_errors": section,
        "extra_orders": included[1:],
        "addable": [o for o in others if o not in included],
    }
    return render(request, "logistics/shipment_form.html", context)


@tenant_view(GET=SHIPMENTS_MANAGE, POST=SHIPMENTS_MANAGE)
def shipment_edit_view(request: TenantRequest, shipment_id: Any) -> HttpResponse:
    """Change a shipment's header. The form carries the version it was read at: a shipment changed meanwhile is
    refused with a clear message, nothing saved."""
    shipment = shipment_of(request, shipment_id)
    data = request.POST if request.method == "POST" else None
    form = ShipmentEditForm(data, instance=shipment, organization=request.organization)
    version = shipment.version
    if data is not None:
        version = int(data["version"]) if str(data.get("version", "")).isdigit() else shipment.version
        if form.is_valid():
            try:
                services.shipment_update(
                    shipment=shipment,
                    by=request.membership,
                    data=form.changes(),
                    expected_version=posted_version(request),
                )
            except ApplicationError as error:
                errors_onto(form, error)
            else:
                messages.success(request, f"Saved {shipment.number}.")
                return redirect("logistics:shipment", org_slug=request.organization.slug, shipment_id=shipment.pk)
    context = {"nav": "shipments", "shipment": shipment, "form": form, "version": version}
    return render(request, "logistics/shipment_edit.html", context)


# --- a shipment's page actions -----------------------------------------------------------------------------------


def _back(request: TenantRequest, shipment: Shipment, anchor: str = "") -> HttpResponse:
    url = reverse("logistics:shipment", kwargs={"org_slug": request.organization.slug, "shipment_id": shipment.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _refused(
    request: TenantRequest,
    shipment: Shipment,
    error: ApplicationError,
    key: str,
    form: forms.BaseForm,
    anchor: str,
    strip: str = "",
) -> HttpResponse:
    """A refusal on a field shows the page again with the form open and the error next to the field; one naming
    no field (a stale version, a move no longer offered) is a message on the page."""
    if errors_onto(form, error, strip=strip):
        return shipment_page(request, shipment.pk, bound={key: form})
    messages.error(request, error.message)
    return _back(request, shipment, anchor)


@tenant_view(POST=SHIPMENTS_MANAGE)
def shipment_move_view(request: TenantRequest, shipment_id: Any) -> HttpResponse:
    """Depart, arrive, deliver (with the day), return or cancel (with a reason)."""
    shipment = shipment_of(request, shipment_id)
    action = request.POST.get("action", "")
    transition = states.ACTIONS.get(action)
    if transition is None:
        messages.error(request, "Choose what happened to the shipment.")
        return _back(request, shipment)
    form = MoveForm(request.POST, transition=transition, auto_id=f"mv-{action}-%s")
    key = f"move:{action}"
    if not form.is_valid():
        return shipment_page(request, shipment.pk, bound={key: form})
    try:
        moved = services.shipment_move(
            shipment=shipment,
            action=action,
            by=request.membership,
            expected_version=posted_version(request),
            **form.arguments(),
        )
    except ApplicationError as error:
        return _refused(request, shipment, error, key, form, "")
    messages.success(request, f"{moved.number} is {moved.get_status_display().lower()}.")
    return _back(request, shipment)


@tenant_view(POST=SHIPMENTS_MANAGE)
def shipment_revise_view(request: TenantRequest, shipment_id: Any) -> HttpResponse:
    """New ETD and/or ETA with the day they were learnt and why; the earlier dates stay in the history."""
    shipment = shipment_of(request, shipment_id)
    form = ReviseForm(request.POST, shipment=shipment, auto_id="rv-%s")
    if not form.is_valid():
        return shipment_page(request, shipment.pk, bound={"revise": form})
    try:
        revision = services.shipment_eta_revise(
            shipment=shipment, by=request.membership, expected_version=posted_version(request), **form.arguments()
        )
    except ApplicationError as error:
        return _refused(request, shipment, error, "revise", form, "dates")
    dates = f"ETD {revision.etd:%d %b %Y}, ETA {revision.eta:%d %b %Y}"
    messages.success(request, f"{shipment.number}: {dates}; the earlier dates are kept.")
    return _back(request, shipment, "dates")


def _row_of(shipment: Shipment, shipment_line_id: Any) -> ShipmentLine:
    row = selectors.shipment_lines(shipment).filter(pk=shipment_line_id).first()
    if row is None:
        raise Http404("No such shipment line.")
    return row


def _containers(shipment: Shipment) -> list[Container]:
    return selectors.containers_of(shipment=shipment)


@tenant_view(POST=SHIPMENTS_MANAGE)
def line_add_view(request: TenantRequest, shipment_id: Any) -> HttpResponse:
    shipment = shipment_of(request, shipment_id)
    form = LineAddForm(
        request.POST,
        lines=line_choices(request, shipment, selectors.shipment_line_ids(shipment=shipment)),
        containers=_containers(shipment),
        can_override=_can_override(request),
        auto_id="la-%s",
    )
    if not form.is_valid():
        return shipment_page(request, shipment.pk, bound={"line-add": form})
    try:
        row = services.shipment_line_add(
            shipment=shipment,
            by=request.membership,
            data=form.payload(),
            override_reason=form.reason_to_override(),
            expected_version=posted_version(request),
        )
    except ApplicationError as error:
        return _refused(request, shipment, error, "line-add", form, "lines", strip="lines.0.")
    messages.success(request, f"{row.line} added to {shipment.number}.")
    return _back(request, shipment, "lines")


@tenant_view(POST=SHIPMENTS_MANAGE)
def line_edit_view(request: TenantRequest, shipment_id: Any, shipment_line_id: Any) -> HttpResponse:
    shipment = shipment_of(request, shipment_id)
    row = _row_of(shipment, shipment_line_id)
    form = LineEditForm(
        request.POST,
        initial=line_initial(row),
        containers=_containers(shipment),
        can_override=_can_override(request),
        auto_id=f"ln-{row.pk}-%s",
    )
    key = f"line:{row.pk}"
    if not form.is_valid():
        return shipment_page(request, shipment.pk, bound={key: form})
    changes = form.changes()
    if not changes:
        messages.info(request, "Nothing changed.")
        return _back(request, shipment, "lines")
    try:
        services.shipment_line_update(
            row=row,
            by=request.membership,
            data=changes,
            override_reason=form.reason_to_override(),
            expected_version=posted_version(request),
        )
    except ApplicationError as error:
        return _refused(request, shipment, error, key, form, "lines")
    messages.success(request, f"{row.line} on {shipment.number} saved.")
    return _back(request, shipment, "lines")


@tenant_view(POST=SHIPMENTS_MANAGE)
def line_remove_view(request: TenantRequest, shipment_id: Any, shipment_line_id: Any) -> HttpResponse:
    shipment = shipment_of(request, shipment_id)
    row = _row_of(shipment, shipment_line_id)
    try:
        services.shipment_line_remove(row=row, by=request.membership, expected_version=posted_version(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{row.line} taken off {shipment.number}; its quantity is back in the balance.")
    return _back(request, shipment, "lines")


def _container_of(shipment: Shipment, container_id: Any) -> Container:
    container = selectors.container_of(shipment=shipment, pk=container_id)
    if container is None:
        raise Http404("No such container.")
    container.shipment = shipment
    return container


@tenant_view(POST=SHIPMENTS_MANAGE)
def container_add_view(request: TenantRequest, shipment_id: Any) -> HttpResponse:
    shipment = shipment_of(request, shipment_id)
    form = ContainerForm(request.POST, auto_id="ca-%s")
    if not form.is_valid():
        return shipment_page(request, shipment.pk, bound={"container-add": form})
    try:
        container = services.container_add(
            shipment=shipment, by=request.membership, data=form.payload(), expected_version=posted_version(request)
        )
    except ApplicationError as error:
        return _refused(request, shipment, error, "container-add", form, "containers")
    messages.success(request, f"Container {container.number} added to {shipment.number}.")
    return _back(request, shipment, "containers")


@tenant_view(POST=SHIPMENTS_MANAGE)
def container_edit_view(request: TenantRequest, shipment_id: Any, container_id: Any) -> HttpResponse:
    shipment = shipment_of(request, shipment_id)
    container = _container_of(shipment, container_id)
    form = ContainerForm(request.POST, auto_id=f"ct-{container.pk}-%s")
    key = f"container:{container.pk}"
    if not form.is_valid():
        return shipment_page(request, shipment.pk, bound={key: form})
    try:
        saved = services.container_update(
            container=container, by=request.membership, data=form.payload(), expected_version=posted_version(request)
        )
    except ApplicationError as error:
        return _refused(request, shipment, error, key, form, "containers")
    messages.success(request, f"Container {saved.number} saved.")
    return _back(request, shipment, "containers")


@tenant_view(POST=SHIPMENTS_MANAGE)
def container_remove_view(request: TenantRequest, shipment_id: Any, container_id: Any) -> HttpResponse:
    shipment = shipment_of(request, shipment_id)
    container = _container_of(shipment, container_id)
    try:
        services.container_remove(container=container, by=request.membership, expected_version=posted_version(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Container {container.number} removed; its lines stay on the shipment.")
    return _back(request, shipment, "containers")


def _document_of(shipment: Shipment, document_id: Any) -> ShipmentDocument:
    document = selectors.document_of(shipment=shipment, pk=document_id)
    if document is None:
        raise Http404("No such document.")
    return document


@tenant_view(POST=SHIPMENTS_MANAGE)
def document_add_view(request: TenantRequest, shipment_id: Any) -> HttpResponse:
    shipment = shipment_of(request, shipment_id)
    form = DocumentAddForm(request.POST, auto_id="da-%s")
    if not form.is_valid():
        return shipment_page(request, shipment.pk, bound={"document-add": form})
    try:
        document = services.document_add(shipment=shipment, by=request.membership, data=form.payload())
    except ApplicationError as error:
        return _refused(request, shipment, error, "document-add", form, "documents")
    messages.success(request, f"{document} added to the checklist.")
    return _back(request, shipment, "documents")


@tenant_view(POST=SHIPMENTS_MANAGE)
def document_edit_view(request: TenantRequest, shipment_id: Any, document_id: Any) -> HttpResponse:
    shipment = shipment_of(request, shipment_id)
    document = _document_of(shipment, document_id)
    form = DocumentForm(request.POST, document=document, auto_id=f"dc-{document.pk}-%s")
    key = f"document:{document.pk}"
    if not form.is_valid():
        return shipment_page(request, shipment.pk, bound={key: form})
    try:
        saved = services.document_update(document=document, by=request.membership, data=form.changes())
    except ApplicationError as error:
        return _refused(request, shipment, error, key, form, "documents")
    messages.success(request, f"{saved}: {saved.get_status_display().lower()}.")
    return _back(request, shipment, "documents")


@tenant_view(POST=SHIPMENTS_MANAGE)
def document_file_view(request: TenantRequest, shipment_id: Any, document_id: Any) -> HttpResponse:
    shipment = shipment_of(request, shipment_id)
    document = _document_of(shipment, document_id)
    form = FileForm(request.POST, request.FILES, auto_id=f"fl-{document.pk}-%s")
    key = f"file:{document.pk}"
    if not form.is_valid():
        return shipment_page(request, shipment.pk, bound={key: form})
    try:
        attached = services.document_file_attach(
            document=document, by=request.membership, upload=form.cleaned_data["file"]
        )
    except ApplicationError as error:
        return _refused(request, shipment, error, key, form, "documents")
    messages.success(request, f"{attached.name} attached to {document}.")
    return _back(request, shipment, "documents")
