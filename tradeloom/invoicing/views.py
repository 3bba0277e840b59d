"""Invoice pages: the list with its filters, an invoice's page (lines, totals, paid, credited, outstanding, the due
date and its basis, the floors above's panels — payments —, credit notes, the timeline and the actions it offers),
making an invoice from a shipment or from an order, editing a draft, and the forms the invoice page posts to (issue,
void, credit notes). Writes go through the same services as the API; a refusal shows the form again with the error
next to its field (or, when it names none, above the form)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from tradeloom.audit.labels import Label
from tradeloom.audit.selectors import audit_events_of_targets
from tradeloom.audit.sentences import Described, Scope, describe
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.web import add_application_error, partial_template
from tradeloom.invoicing import selectors, services, states
from tradeloom.invoicing.api.serializers import due_basis_label
from tradeloom.invoicing.capabilities import INVOICES_MANAGE, INVOICES_VIEW
from tradeloom.invoicing.extensions import INVOICE_PANELS
from tradeloom.invoicing.filters import InvoiceFilter
from tradeloom.invoicing.forms import CreditNoteForm, InvoiceHeaderForm, OrderLineForm, VoidForm
from tradeloom.invoicing.models import Invoice
from tradeloom.invoicing.services.invoices import today_of
from tradeloom.logistics import selectors as logistics_selectors
from tradeloom.logistics.models import Shipment
from tradeloom.records.pages import posted_version
from tradeloom.sales import selectors as sales_selectors
from tradeloom.tenancy.roles import role_has
from tradeloom.tenancy.web import TenantRequest, tenant_view

SORTS = [
    SortOption("newest", "Newest first", ("-created_at", "-id")),
    SortOption("due", "Due soonest", ("due_date", "id")),
    SortOption("date", "Invoice date", ("-issue_date", "-id")),
]
LIST_COLUMNS = ["Invoice", "Customer", "Order · shipment", "Date · due", "Total", "Outstanding"]
TIMELINE_LIMIT = 200
HEADER_FIELDS = ("issue_date", "payment_terms", "letter_of_credit", "customer_reference", "bank_details", "notes")


def invoice_of(request: TenantRequest, invoice_id: Any) -> Invoice:
    try:
        return selectors.invoice_get(
            organization=request.organization, membership=request.membership, invoice_id=invoice_id
        )
    except Invoice.DoesNotExist:
        raise Http404("No such invoice.") from None


def _url(name: str, request: TenantRequest, **kwargs: Any) -> str:
    return reverse(f"invoicing:{name}", kwargs={"org_slug": request.organization.slug, **kwargs})


def is_overdue(invoice: Any, today: Any) -> bool:
    return (
        invoice.status in states.OPEN
        and invoice.due_date is not None
        and invoice.due_date < today
        and invoice.outstanding > 0
    )


# --- the list -------------------------------------------------------------------------------------------------------


@tenant_view(GET=INVOICES_VIEW)
def invoice_list_view(request: TenantRequest) -> HttpResponse:
    """Invoices with their status, customer, order or shipment, dates (overdue and due-soon marked), total and
    outstanding; filtered by the API's FilterSet, searched by number; keyset pages."""
    qs = selectors.invoice_list(organization=request.organization, membership=request.membership)
    page = list_page(request, qs, filterset_class=InvoiceFilter, sorts=SORTS)
    today = timezone.localdate()
    for row in page.rows:
        row.overdue = is_overdue(row, today)
        row.due_soon = (
            not row.overdue
            and row.status in states.OPEN
            and row.due_date is not None
            and (row.due_date - today).days <= 7
            and row.outstanding > 0
        )
    context = {
        "nav": "invoices",
        "page": page,
        "today": today,
        "columns": LIST_COLUMNS,
        "badges": states.BADGES,
        "can_manage": role_has(request.membership.role, INVOICES_MANAGE),
    }
    return render(request, partial_template(request, "invoicing/invoice_list.html", "invoice-list"), context)


# --- an invoice's page --------------------------------------------------------------------------------------------


def invoice_timeline(detail: selectors.InvoiceDetail, limit: int = TIMELINE_LIMIT) -> list[Described]:
    invoice = detail.invoice
    labels: dict[str, Label] = {str(invoice.pk): Label(invoice.number)}
    targets: dict[str, list[str]] = {"invoicing.invoice": [str(invoice.pk)], "invoicing.creditnote": []}
    for note in detail.credit_notes:
        targets["invoicing.creditnote"].append(str(note.pk))
        labels[str(note.pk)] = Label(note.number, invoice.number)
    events = audit_events_of_targets(organization=invoice.organization_id, targets=targets, limit=limit)
    return describe(events, labels=labels, scope=Scope(id=str(invoice.pk), name="this invoice", context=invoice.number))


def invoice_page(request: TenantRequest, invoice_id: Any, *, bound: dict[str, Any] | None = None) -> HttpResponse:
    """An invoice's page; ``bound`` holds a refused post's form (``void``, ``credit``, ``credit-void:<id>``) to show
    again with its errors."""
    bound = bound or {}
    try:
        detail = selectors.invoice_detail(
            organization=request.organization, membership=request.membership, invoice_id=invoice_id
        )
    except Invoice.DoesNotExist:
        raise Http404("No such invoice.") from None
    invoice = detail.invoice
    can_manage = role_has(request.membership.role, INVOICES_MANAGE)
    today = timezone.localdate()
    panels = []
    for panel in sorted(INVOICE_PANELS, key=lambda p: p.position):
        extra = panel.context(invoice)
        if extra is not None:
            panels.append((panel, extra))
    context = {
        "nav": "invoices",
        "invoice": invoice,
        "detail": detail,
        "badge": states.BADGES[invoice.status],
        "overdue": is_overdue(invoice, today),
        "due_basis": due_basis_label(invoice),
        "today": today,
        "can_manage": can_manage,
        "can_issue": can_manage and invoice.can(states.ISSUE),
        "can_void": can_manage and invoice.can(states.VOID_ACTION),
        "can_edit": can_manage and invoice.status == states.DRAFT,
        "can_credit": can_manage and invoice.status in states.SETTLEABLE and invoice.outstanding > 0,
        "void_form": bound.get("void") or VoidForm(auto_id="vd-%s"),
        "void_open": "void" in bound,
        "credit_form": bound.get("credit") or CreditNoteForm(initial={"issue_date": today}, auto_id="cn-%s"),
        "credit_open": "credit" in bound,
        "panels": panels,
        "timeline": invoice_timeline(detail),
        "timeline_limit": TIMELINE_LIMIT,
    }
    return render(request, "invoicing/invoice_detail.html", context)


@tenant_view(GET=INVOICES_VIEW)
def invoice_detail_view(request: TenantRequest, invoice_id: Any) -> HttpResponse:
    return invoice_page(request, invoice_id)


@tenant_view(POST=INVOICES_MANAGE)
def invoice_move_view(request: TenantRequest, invoice_id: Any) -> HttpResponse:
    """Issue or void (``action``), from the invoice's page."""
    invoice = invoice_of(request, invoice_id)
    action = request.POST.get("action", "")
    try:
        version = posted_version(request)
        if action == states.ISSUE:
            services.invoice_issue(invoice=invoice, by=request.membership, expected_version=version)
            messages.success(request, f"{invoice.number} is issued.")
        elif action == states.VOID_ACTION:
            form = VoidForm(request.POST, auto_id="vd-%s")
            if not form.is_valid():
                return invoice_page(request, invoice_id, bound={"void": form})
            try:
                services.invoice_void(
                    invoice=invoice,
                    by=request.membership,
                    reason=form.cleaned_data["reason"],
                    expected_version=version,
                )
            except ApplicationError as error:
                add_application_error(form, error, "reason")
                return invoice_page(request, invoice_id, bound={"void": form})
            messages.success(request, f"{invoice.number} is void.")
        else:
            raise ApplicationError("No such action.", code="invalid_transition", status=409)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(_url("invoice", request, invoice_id=invoice.pk))


@tenant_view(POST=INVOICES_MANAGE)
def credit_note_new_view(request: TenantRequest, invoice_id: Any) -> HttpResponse:
    invoice = invoice_of(request, invoice_id)
    form = CreditNoteForm(request.POST, auto_id="cn-%s")
    if not form.is_valid():
        return invoice_page(request, invoice_id, bound={"credit": form})
    try:
        note = services.credit_note_create(
            organization=request.organization,
            by=request.membership,
            invoice=invoice,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
            issue_date=form.cleaned_data.get("issue_date"),
        )
    except ApplicationError as error:
        add_application_error(form, error, "amount")
        return invoice_page(request, invoice_id, bound={"credit": form})
    messages.success(request, f"Credit note {note.number} is raised on {invoice.number}.")
    return redirect(_url("invoice", request, invoice_id=invoice.pk))


@tenant_view(POST=INVOICES_MANAGE)
def credit_note_void_view(request: TenantRequest, invoice_id: Any, credit_note_id: Any) -> HttpResponse:
    invoice = invoice_of(request, invoice_id)
    note = selectors.credit_note_of(invoice=invoice, pk=credit_note_id)
    if note is None:
        raise Http404("No such credit note.")
    try:
        services.credit_note_void(credit_note=note, by=request.membership, reason=request.POST.get("reason", ""))
        messages.success(request, f"Credit note {note.number} is void.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(_url("invoice", request, invoice_id=invoice.pk))


# --- making and editing ---------------------------------------------------------------------------------------------


def _header_values(form: InvoiceHeaderForm) -> dict[str, Any]:
    return {name: form.cleaned_data.get(name) for name in HEADER_FIELDS if name in form.cleaned_data}


def _header_form(request: TenantRequest, *, customer: Any, currency: str, initial: dict[str, Any]) -> InvoiceHeaderForm:
    data = request.POST if request.method == "POST" else None
    return InvoiceHeaderForm(
        data, organization=request.organization, customer=customer, currency=currency, initial=initial
    )


def _new_initial(request: TenantRequest, customer: Any) -> dict[str, Any]:
    return {
        "issue_date": today_of(request.organization),
        "payment_terms": customer.payment_terms_id,
        "bank_details": str((request.organization.settings or {}).get("bank_details", "")),
    }


@tenant_view(GET=INVOICES_MANAGE, POST=INVOICES_MANAGE)
def invoice_new_shipment_view(request: TenantRequest, shipment_id: Any) -> HttpResponse:
    """Invoice a shipment: its lines at their orders' prices (shown), the header to give."""
    try:
        detail = logistics_selectors.shipment_detail(
            organization=request.organization, membership=request.membership, shipment_id=shipment_id
        )
    except Shipment.DoesNotExist:
        raise Http404("No such shipment.") from None
    shipment = detail.shipment
    existing = selectors.shipment_invoice(organization=request.organization, shipment=shipment)
    currency = detail.lines[0].line.order.currency if detail.lines else ""
    form = _header_form(
        request, customer=shipment.customer, currency=currency, initial=_new_initial(request, shipment.customer)
    )
    if request.method == "POST" and form.is_valid():
        try:
            invoice = services.invoice_create_from_shipment(
                organization=request.organization, by=request.membership, shipment=shipment, data=_header_values(form)
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"{invoice.number} is drafted: check it, then issue it.")
            return redirect(_url("invoice", request, invoice_id=invoice.pk))
    context = {
        "nav": "invoices",
        "form": form,
        "shipment": shipment,
        "rows": detail.lines,
        "existing": existing,
        "currency": currency,
        "back": reverse(
            "logistics:shipment", kwargs={"org_slug": request.organization.slug, "shipment_id": shipment.pk}
        ),
    }
    return render(request, "invoicing/invoice_new_shipment.html", context)


@tenant_view(GET=INVOICES_MANAGE, POST=INVOICES_MANAGE)
def invoice_new_order_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    """Invoice chosen quantities of an order's lines (prefilled with what is left to invoice of each)."""
    order = sales_selectors.order_visible_get(
        organization=request.organization, membership=request.membership, pk=order_id
    )
    rows = selectors.invoiceable_lines(order=order)
    posted = request.method == "POST"
    line_forms = []
    for line, limit, invoiced in rows:
        left = max(limit - invoiced, Decimal(0))
        initial = {"quantity": f"{left.normalize():f}" if left > 0 else ""}
        line_forms.append(
            (
                line,
                limit,
                invoiced,
                OrderLineForm(request.POST if posted else None, prefix=f"l-{line.pk}", initial=initial),
            )
        )
    form = _header_form(
        request, customer=order.customer, currency=order.currency, initial=_new_initial(request, order.customer)
    )
    if posted and form.is_valid() and all(f.is_valid() for *_, f in line_forms):
        chosen = [
            {"line": line.pk, "quantity": f.cleaned_data["quantity"]}
            for line, _, _, f in line_forms
            if f.cleaned_data.get("quantity")
        ]
        if not chosen:
            form.add_error(None, "Give a quantity for at least one line.")
        else:
            try:
                invoice = services.invoice_create_from_order(
                    organization=request.organization,
                    by=request.membership,
                    order=order,
                    lines=chosen,
                    data=_header_values(form),
                )
            except ApplicationError as error:
                _line_errors(error, form, line_forms, chosen)
            else:
                messages.success(request, f"{invoice.number} is drafted: check it, then issue it.")
                return redirect(_url("invoice", request, invoice_id=invoice.pk))
    context = {
        "nav": "invoices",
        "form": form,
        "order": order,
        "line_forms": line_forms,
        "back": reverse("sales:order", kwargs={"org_slug": request.organization.slug, "order_id": order.pk}),
    }
    return render(request, "invoicing/invoice_new_order.html", context)


def _line_errors(error: ApplicationError, form: Any, line_forms: list[Any], chosen: list[dict[str, Any]]) -> None:
    """``lines.N.<field>`` (N among the chosen lines) on that line's row; the rest on the header."""
    errors = error.extra.get("errors") if isinstance(error.extra.get("errors"), dict) else {}
    forms_by_line = {str(line.pk): f for line, _, _, f in line_forms}
    rest: dict[str, list[str]] = {}
    for key, texts in (errors or {}).items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(chosen):
            target = forms_by_line[str(chosen[int(parts[1])]["line"])]
            for text in texts:
                target.add_error("quantity", text)
        else:
            rest[key] = texts
    if rest or not errors:
        add_application_error(form, ApplicationError(error.message, code=error.code, extra={"errors": rest}))


@tenant_view(GET=INVOICES_MANAGE, POST=INVOICES_MANAGE)
def invoice_edit_view(request: TenantRequest, invoice_id: Any) -> HttpResponse:
    """A draft's header (its rate and due date follow); an issued invoice is not edited (a credit note corrects it)."""
    invoice = invoice_of(request, invoice_id)
    back = _url("invoice", request, invoice_id=invoice.pk)
    if invoice.status != states.DRAFT:
        messages.error(request, f"{invoice.number} is {invoice.get_status_display().lower()}: only drafts change.")
        return redirect(back)
    initial = {name: getattr(invoice, name) for name in HEADER_FIELDS}
    form = _header_form(request, customer=invoice.customer, currency=invoice.currency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.invoice_update(
                invoice=invoice,
                by=request.membership,
                data=_header_values(form),
                expected_version=posted_version(request),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"{invoice.number} is saved.")
            return redirect(back)
    context = {"nav": "invoices", "form": form, "invoice": invoice, "version": invoice.version, "back": back}
    return render(request, "invoicing/invoice_edit.html", context)
