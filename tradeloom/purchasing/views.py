"""Purchasing pages: the PO list with its filters and totals, the approval queue, a PO's page (header, the moves it
offers as forms, lines, approvals, receipts, amendments with what changed, its timeline), the PO form (new, a
draft's edit, an amendment) with line rows, the receipt form, and on an order: its Purchasing tab and the
back-to-back form (choose lines → preview by mill → create). Writes go through the same services as the API; a
refusal shows the form again with the error next to its field (or, naming none, above the form)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tradeloom.audit.labels import Label
from tradeloom.audit.selectors import audit_events_of_targets
from tradeloom.audit.sentences import Described, Scope, describe
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.web import add_application_error, form_error_message, partial_template
from tradeloom.purchasing import selectors, services, states
from tradeloom.purchasing.capabilities import PURCHASING_APPROVE, PURCHASING_MANAGE, PURCHASING_VIEW
from tradeloom.purchasing.filters import PurchaseOrderFilter
from tradeloom.purchasing.forms import (
    LINE_FIGURES_CLASSES,
    AmendReasonForm,
    BackToBackHeaderForm,
    BackToBackRowForm,
    LineRowForm,
    PurchaseOrderForm,
    ReasonForm,
    ReceiptForm,
    ReceiptRowForm,
    line_choices,
    line_initial,
    move_form,
)
from tradeloom.purchasing.models import PurchaseOrder, Receipt
from tradeloom.records.pages import posted_version
from tradeloom.sales.models import Order
from tradeloom.sales.selectors import order_visible_get
from tradeloom.tenancy.roles import role_has
from tradeloom.tenancy.web import TenantRequest, tenant_view

SORTS = [
    SortOption("newest", "Newest first", ("-created_at", "-id")),
    SortOption("date", "PO date, latest first", ("-po_date", "-id")),
]
LIST_COLUMNS = ["Purchase order", "Supplier", "For", "PO date · due", "Total"]
TIMELINE_LIMIT = 200
LINE_KEY = re.compile(r"^lines\.(\d+)\.(\w+)$")
BLANK_ROWS = 2


def _url(request: TenantRequest, name: str, **kwargs: Any) -> str:
    return reverse(f"purchasing:{name}", kwargs={"org_slug": request.organization.slug, **kwargs})


def po_of(request: TenantRequest, purchase_order_id: Any) -> PurchaseOrder:
    try:
        return selectors.purchase_order_get(organization=request.organization, purchase_order_id=purchase_order_id)
    except PurchaseOrder.DoesNotExist:
        raise Http404("No such purchase order.") from None


def _warehouses(organization: Any) -> Any:
    return selectors.warehouses_to_choose(organization=organization)


# --- lists --------------------------------------------------------------------------------------------------------


@tenant_view(GET=PURCHASING_VIEW)
def purchase_order_list_view(request: TenantRequest) -> HttpResponse:
    """POs with status, supplier, customer or order, dates and total; filtered by the API's FilterSet; keyset pages;
    the filtered list's totals per currency."""
    qs = selectors.purchase_order_list(organization=request.organization)
    page = list_page(request, qs, filterset_class=PurchaseOrderFilter, sorts=SORTS)
    valid = not page.filterset.is_bound or page.filterset.is_valid()
    totals = selectors.purchase_order_totals(page.filterset.qs) if valid else []
    context = {
        "nav": "purchase_orders",
        "page": page,
        "totals": totals,
        "columns": LIST_COLUMNS,
        "badges": states.BADGES,
        "can_manage": role_has(request.membership.role, PURCHASING_MANAGE),
    }
    return render(request, partial_template(request, "purchasing/po_list.html", "po-list"), context)


@tenant_view(GET=PURCHASING_APPROVE)
def approvals_view(request: TenantRequest) -> HttpResponse:
    """The POs waiting for approval (above the limit), oldest submission first, each with its approve and send-back
    forms (not one's own)."""
    rows = list(selectors.approval_queue(organization=request.organization)[:200])
    context = {
        "nav": "purchase_order_approvals",
        "rows": rows,
        "badges": states.BADGES,
        "limit": services.approval_limit(request.organization),
        "me": request.membership.user_id,
    }
    return render(request, "purchasing/approvals.html", context)


# --- a PO's page ---------------------------------------------------------------------------------------------------


def po_timeline(po: PurchaseOrder, limit: int = TIMELINE_LIMIT) -> list[Described]:
    events = audit_events_of_targets(
        organization=po.organization_id, targets={"purchasing.purchaseorder": [str(po.pk)]}, limit=limit
    )
    return describe(
        events, labels={str(po.pk): Label(po.number)}, scope=Scope(id=str(po.pk), name="this PO", context=po.number)
    )


def po_page(
    request: TenantRequest, purchase_order_id: Any, *, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    """A PO's page; ``bound`` replaces a blank form by a refused post's (``move:<action>``, ``receipt:<id>``)."""
    bound = bound or {}
    try:
        detail = selectors.purchase_order_detail(organization=request.organization, purchase_order_id=purchase_order_id)
    except PurchaseOrder.DoesNotExist:
        raise Http404("No such purchase order.") from None
    po = detail.purchase_order
    role = request.membership.role
    can_manage = role_has(role, PURCHASING_MANAGE)
    can_approve = role_has(role, PURCHASING_APPROVE)
    moves = []
    for transition in states.actions_from(po.status):
        allowed = can_approve if transition.capability == PURCHASING_APPROVE else can_manage
        if not allowed:
            continue
        key = f"move:{transition.action}"
        form = bound.get(key) or move_form(transition.action, auto_id=f"mv-{transition.action}-%s")
        moves.append((transition, form, key in bound))
    lines = {line.pk: line for line in detail.lines}
    receipts = []
    for receipt in detail.receipts:
        key = f"receipt:{receipt.pk}"
        form = bound.get(key) or ReasonForm(auto_id=f"rc-{receipt.pk}-%s")
        rows = [(row, lines.get(row.po_line_id)) for row in detail.receipt_lines.get(receipt.pk, [])]
        receipts.append((receipt, rows, form, key in bound))
    header_labels = {f.name: str(f.verbose_name) for f in PurchaseOrder._meta.concrete_fields}
    amendments = [
        (a, [(header_labels.get(k, k).capitalize(), v[0], v[1]) for k, v in (a.changes.get("header") or {}).items()])
        for a in detail.amendments
    ]
    context = {
        "nav": "purchase_orders",
        "po": po,
        "detail": detail,
        "amendments": amendments,
        "badge": states.BADGES[po.status],
        "can_manage": can_manage,
        "moves": moves,
        "receipts": receipts,
        "own": request.membership.user_id in {po.created_by_id, po.submitted_by_id},
        "limit": services.approval_limit(request.organization),
        "timeline": po_timeline(po),
        "timeline_limit": TIMELINE_LIMIT,
    }
    return render(request, "purchasing/po_detail.html", context)


@tenant_view(GET=PURCHASING_VIEW)
def purchase_order_detail_view(request: TenantRequest, purchase_order_id: Any) -> HttpResponse:
    return po_page(request, purchase_order_id)


@tenant_view(POST=PURCHASING_MANAGE)
def purchase_order_move_view(request: TenantRequest, purchase_order_id: Any) -> HttpResponse:
    po = po_of(request, purchase_order_id)
    action = request.POST.get("action", "")
    transition = states.ACTIONS.get(action)
    if transition is None:
        raise Http404("No such action.")
    if transition.capability == PURCHASING_APPROVE and not role_has(request.membership.role, PURCHASING_APPROVE):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Your role does not approve purchase orders.")
    form = move_form(action, request.POST, auto_id=f"mv-{action}-%s")
    if form.is_valid():
        try:
            moved = services.purchase_order_move(
                purchase_order=po,
                action=action,
                by=request.membership,
                reason=form.cleaned_data.get("reason", ""),
                expected_version=posted_version(request),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            done = transition.label.lower()
            if action == states.SUBMIT:
                done = (
                    "approved at once (within the limit)"
                    if moved.status == states.APPROVED
                    else "submitted for approval"
                )
            messages.success(request, f"{po.number}: {done}.")
            if request.POST.get("next") == "approvals":
                return redirect(_url(request, "approvals"))
            return redirect(_url(request, "purchase-order", purchase_order_id=po.pk))
    return po_page(request, purchase_order_id, bound={f"move:{action}": form})


# --- the PO form: new, edit, amend -------------------------------------------------------------------------------


def _rows(request: TenantRequest, current: list[Any] | None, choices: Any) -> list[LineRowForm]:
    """The line rows: the posted ones (``l-<n>-…``, gaps from removed rows are fine), else the current lines and
    blank rows to fill."""
    items, units = choices
    if request.method == "POST":
        prefixes = sorted({int(m[1]) for k in request.POST if (m := re.match(r"^l-(\d+)-", k))})
        return [LineRowForm(request.POST, prefix=f"l-{n}", items=items, units=units) for n in prefixes]
    rows = [
        LineRowForm(prefix=f"l-{i}", initial=line_initial(line), items=items, units=units)
        for i, line in enumerate(current or [])
    ]
    start = len(rows)
    rows += [
        LineRowForm(prefix=f"l-{start + i}", items=items, units=units) for i in range(BLANK_ROWS if not rows else 1)
    ]
    return rows


def _payload(rows: list[LineRowForm]) -> tuple[bool, list[LineRowForm], list[dict[str, Any]]]:
    valid = True
    included: list[LineRowForm] = []
    payloads: list[dict[str, Any]] = []
    for row in rows:
        if not row.is_valid():
            valid = False
            continue
        payload = row.payload()
        if payload is not None:
            included.append(row)
            payloads.append(payload)
    return valid, included, payloads


def _errors_onto(error: ApplicationError, forms_: Sequence[forms.BaseForm], included: Sequence[forms.BaseForm]) -> None:
    """A refusal's field errors on the header forms' fields and the rows' (``lines.<n>.<field>``), the rest above."""
    found = error.extra.get("errors")
    errors: dict[str, list[str]] = found if isinstance(found, dict) else {}
    rest: dict[str, list[str]] = {}
    for key, texts in errors.items():
        match = LINE_KEY.match(key)
        if match and int(match[1]) < len(included):
            row, name = included[int(match[1])], match[2]
            for text in texts:
                row.add_error(name if name in row.fields else None, text)
            continue
        target = next((f for f in forms_ if key in f.fields), None)
        if target is not None:
            for text in texts:
                target.add_error(key, text)
        else:
            rest[key] = texts
    if rest or not errors:
        add_application_error(forms_[0], ApplicationError(error.message, code=error.code, extra={"errors": rest}))


def _form_page(
    request: TenantRequest,
    *,
    po: PurchaseOrder | None,
    mode: str,
    header: PurchaseOrderForm,
    rows: list[LineRowForm],
    choices: Any,
    reason: forms.Form | None = None,
) -> HttpResponse:
    titles = {"create": "New purchase order", "edit": f"Edit {po}", "amend": f"Amend {po}"}
    items, units = choices
    context = {
        "nav": "purchase_orders",
        "po": po,
        "mode": mode,
        "title": titles[mode],
        "form": header,
        "reason_form": reason,
        "rows": rows,
        "empty_row": LineRowForm(prefix="l-__n__", items=items, units=units),
        "next_row": max((int(str(r.prefix).split("-")[1]) for r in rows), default=-1) + 1,
        "currency": po.currency if po else "",
        "figures_classes": LINE_FIGURES_CLASSES,
    }
    if request.method == "POST" and (header.errors or any(r.errors for r in rows) or (reason and reason.errors)):
        messages.error(request, form_error_message(header) or "Some lines need a correction.")
    return render(request, "purchasing/po_form.html", context)


@tenant_view(GET=PURCHASING_MANAGE, POST=PURCHASING_MANAGE)
def purchase_order_create_view(request: TenantRequest) -> HttpResponse:
    organization = request.organization
    data = request.POST if request.method == "POST" else None
    header = PurchaseOrderForm(data, organization=organization, initial={"tax_rate": 0}, auto_id="po-%s")
    choices = line_choices(organization)
    rows = _rows(request, None, choices)
    if request.method == "POST":
        valid, included, payloads = _payload(rows)
        valid = header.is_valid() and valid
        if valid and not payloads:
            header.add_error(None, "Add at least one line.")
        elif valid:
            try:
                po = services.purchase_order_create(
                    organization=organization, by=request.membership, data=header.payload(), lines=payloads
                )
            except ApplicationError as error:
                _errors_onto(error, [header], included)
            else:
                messages.success(request, f"{po.number} made as a draft: submit it when it is ready.")
                return redirect(_url(request, "purchase-order", purchase_order_id=po.pk))
    return _form_page(request, po=None, mode="create", header=header, rows=rows, choices=choices)


def _edit_or_amend(request: TenantRequest, purchase_order_id: Any, mode: str) -> HttpResponse:
    po = po_of(request, purchase_order_id)
    if mode == "edit" and not po.is_editable:
        messages.error(request, f"{po.number} is {po.get_status_display().lower()}: only a draft is edited.")
        return redirect(_url(request, "purchase-order", purchase_order_id=po.pk))
    if mode == "amend" and not po.is_amendable:
        messages.error(request, f"{po.number} is {po.get_status_display().lower()}: it cannot be amended.")
        return redirect(_url(request, "purchase-order", purchase_order_id=po.pk))
    data = request.POST if request.method == "POST" else None
    header = PurchaseOrderForm(
        data, instance=po, organization=request.organization, amend=mode == "amend", auto_id="po-%s"
    )
    reason = AmendReasonForm(data, auto_id="am-%s") if mode == "amend" else None
    choices = line_choices(request.organization)
    rows = _rows(request, list(selectors.purchase_order_lines(po)), choices)
    if request.method == "POST":
        valid, included, payloads = _payload(rows)
        valid = header.is_valid() and valid and (reason is None or reason.is_valid())
        if valid and not payloads:
            header.add_error(None, "A purchase order needs at least one line.")
        elif valid:
            try:
                if mode == "edit":
                    services.purchase_order_update(
                        purchase_order=po,
                        by=request.membership,
                        data=header.changes(),
                        lines=payloads,
                        expected_version=posted_version(request),
                    )
                    done = f"{po.number} saved."
                else:
                    if reason is None:  # the amend mode always has its reason form
                        raise Http404("No such form.")
                    amendment = services.purchase_order_amend(
                        purchase_order=po,
                        by=request.membership,
                        reason=reason.cleaned_data["reason"],
                        data=header.changes(),
                        lines=payloads,
                        expected_version=posted_version(request),
                    )
                    again = " It needs approval again." if amendment.reapproval else ""
                    done = f"{po.number} amended (revision {amendment.revision}).{again}"
            except ApplicationError as error:
                _errors_onto(error, [header, *([reason] if reason else [])], included)
            else:
                messages.success(request, done)
                return redirect(_url(request, "purchase-order", purchase_order_id=po.pk))
    return _form_page(request, po=po, mode=mode, header=header, rows=rows, choices=choices, reason=reason)


@tenant_view(GET=PURCHASING_MANAGE, POST=PURCHASING_MANAGE)
def purchase_order_edit_view(request: TenantRequest, purchase_order_id: Any) -> HttpResponse:
    return _edit_or_amend(request, purchase_order_id, "edit")


@tenant_view(GET=PURCHASING_MANAGE, POST=PURCHASING_MANAGE)
def purchase_order_amend_view(request: TenantRequest, purchase_order_id: Any) -> HttpResponse:
    return _edit_or_amend(request, purchase_order_id, "amend")


# --- receipts -------------------------------------------------------------------------------------------------------


@tenant_view(GET=PURCHASING_MANAGE, POST=PURCHASING_MANAGE)
def receipt_create_view(request: TenantRequest, purchase_order_id: Any) -> HttpResponse:
    """Goods received: the date, the warehouse (default the PO's deliver-to) and, per line, the quantity and lot."""
    po = po_of(request, purchase_order_id)
    if not po.is_receivable:
        messages.error(request, f"{po.number} is {po.get_status_display().lower()}: no goods are received against it.")
        return redirect(_url(request, "purchase-order", purchase_order_id=po.pk))
    data = request.POST if request.method == "POST" else None
    header = ReceiptForm(data, warehouses=_warehouses(request.organization), auto_id="rc-%s")
    lines = list(selectors.purchase_order_lines(po))
    rows = [ReceiptRowForm(data, line=line, prefix=f"r-{line.pk}") for line in lines]
    if request.method == "POST":
        valid = header.is_valid() and all(r.is_valid() for r in rows)
        included = [r for r in rows if r.payload() is not None] if valid else []
        if valid and not included:
            header.add_error(None, "Give the quantity received of at least one line.")
        elif valid:
            values = header.cleaned_data
            try:
                receipt = services.receipt_create(
                    purchase_order=po,
                    by=request.membership,
                    lines=[r.payload() or {} for r in included],
                    received_on=values.get("received_on"),
                    warehouse=values["warehouse"].pk if values.get("warehouse") else None,
                    reference=values.get("reference", ""),
                    note=values.get("note", ""),
                    expected_version=posted_version(request),
                )
            except ApplicationError as error:
                _receipt_errors(error, header, included)
            else:
                messages.success(request, f"{receipt.number} recorded.")
                return redirect(_url(request, "purchase-order", purchase_order_id=po.pk))
        messages.error(request, form_error_message(header) or "Some lines need a correction.")
    limits = {line.pk: services.receipt_limit(line, request.organization) for line in lines}
    context = {
        "nav": "purchase_orders",
        "po": po,
        "form": header,
        "rows": [(row, limits[row.line.pk]) for row in rows],
        "tolerance": request.organization.over_receipt_tolerance_percent,
    }
    return render(request, "purchasing/receipt_form.html", context)


def _receipt_errors(error: ApplicationError, header: forms.Form, included: list[ReceiptRowForm]) -> None:
    found = error.extra.get("errors")
    errors: dict[str, list[str]] = found if isinstance(found, dict) else {}
    rest: dict[str, list[str]] = {}
    for key, texts in errors.items():
        match = LINE_KEY.match(key)
        if match and int(match[1]) < len(included):
            row, name = included[int(match[1])], match[2]
            for text in texts:
                row.add_error(name if name in row.fields else None, text)
        elif key in header.fields:
            for text in texts:
                header.add_error(key, text)
        else:
            rest[key] = texts
    if rest or not errors:
        add_application_error(header, ApplicationError(error.message, code=error.code, extra={"errors": rest}))


@tenant_view(POST=PURCHASING_MANAGE)
def receipt_cancel_view(request: TenantRequest, purchase_order_id: Any, receipt_id: Any) -> HttpResponse:
    po = po_of(request, purchase_order_id)
    try:
        receipt = selectors.receipt_get(organization=request.organization, purchase_order=po, receipt_id=receipt_id)
    except Receipt.DoesNotExist:
        raise Http404("No such receipt.") from None
    form = ReasonForm(request.POST, auto_id=f"rc-{receipt.pk}-%s")
    if form.is_valid():
        try:
            services.receipt_cancel(
                receipt=receipt,
                by=request.membership,
                reason=form.cleaned_data["reason"],
                expected_version=posted_version(request),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"{receipt.number} cancelled; its stock is reversed.")
            return redirect(_url(request, "purchase-order", purchase_order_id=po.pk))
    return po_page(request, purchase_order_id, bound={f"receipt:{receipt.pk}": form})


# --- on the order: the Purchasing tab and back to back ------------------------------------------------------------


@tenant_view(GET=PURCHASING_VIEW)
def order_panel_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    """The order page's Purchasing tab: its POs and, per line, ordered / purchased / received / delivered to buyer."""
    order = order_visible_get(organization=request.organization, membership=request.membership, pk=order_id)
    figures = selectors.order_purchasing(organization=request.organization, order=order)
    context = {
        "order": order,
        "figures": figures,
        "badges": states.BADGES,
        "can_manage": role_has(request.membership.role, PURCHASING_MANAGE) and order.status != Order.Status.CANCELLED,
    }
    return render(request, "purchasing/_order_panel.html", context)


@tenant_view(GET=PURCHASING_MANAGE, POST=PURCHASING_MANAGE)
def back_to_back_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    """Choose the order's lines to buy (what is not yet on POs, by default) → a preview of the POs by mill (``step``
    ``preview``) → create them (``step`` ``create``)."""
    order = order_visible_get(organization=request.organization, membership=request.membership, pk=order_id)
    data = request.POST if request.method == "POST" else None
    header = BackToBackHeaderForm(data, warehouses=_warehouses(request.organization), auto_id="bb-%s")
    figures = selectors.order_lines_for_purchase(order=order)
    rows = [
        BackToBackRowForm(
            data,
            figure=f,
            prefix=f"b-{f.line.pk}",
            initial={
                "include": f.to_buy > 0 and f.line.supplier_id is not None and f.line.mill_price is not None,
                "quantity": f"{f.to_buy.normalize():f}" if f.to_buy > 0 else None,
            },
        )
        for f in figures
    ]
    plan = None
    if request.method == "POST":
        valid = header.is_valid() and all(r.is_valid() for r in rows)
        included = [r for r in rows if r.payload() is not None] if valid else []
        payloads = [r.payload() or {} for r in included]
        if valid and not payloads:
            header.add_error(None, "Tick at least one line to buy.")
        elif valid:
            try:
                if request.POST.get("step") == "create":
                    made = services.purchase_orders_from_order(
                        organization=request.organization,
                        by=request.membership,
                        order=order,
                        lines=payloads,
                        data=header.payload(),
                    )
                    numbers = ", ".join(po.number for po in made)
                    drafts = "drafts" if len(made) > 1 else "a draft"
                    messages.success(request, f"{numbers} made as {drafts} from {order.number}.")
                    target = reverse(
                        "sales:order", kwargs={"org_slug": request.organization.slug, "order_id": order.pk}
                    )
                    return redirect(f"{target}?tab=purchasing")
                plan = services.back_to_back_plan(order=order, lines=payloads)
            except ApplicationError as error:
                _b2b_errors(error, header, included)
    context = {"order": order, "form": header, "rows": rows, "plan": plan, "nav": "orders"}
    return render(request, "purchasing/back_to_back.html", context)


def _b2b_errors(error: ApplicationError, header: forms.Form, included: list[BackToBackRowForm]) -> None:
    found = error.extra.get("errors")
    errors: dict[str, list[str]] = found if isinstance(found, dict) else {}
    rest: dict[str, list[str]] = {}
    for key, texts in errors.items():
        match = LINE_KEY.match(key)
        if match and int(match[1]) < len(included):
            row, name = included[int(match[1])], match[2]
            for text in texts:
                row.add_error("quantity" if name == "quantity" else None, text)
        elif key in header.fields:
            for text in texts:
                header.add_error(key, text)
        else:
            rest[key] = texts
    if rest or not errors:
        add_application_error(header, ApplicationError(error.message, code=error.code, extra={"errors": rest}))
