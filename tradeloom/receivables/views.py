"""Receivables pages: the payments list with its filters, a payment's page (its figures, allocations with their
exchange differences, what is left unallocated, the forms to allocate, take back and void, its timeline), the ageing
report, a customer's statement and the order page's Finance tab. The forms these pages post to are in
``form_views``."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tradeloom.audit.labels import Label
from tradeloom.audit.selectors import audit_events_of_targets
from tradeloom.audit.sentences import Described, Scope, describe
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.money import ZERO, cents
from tradeloom.core.web import partial_template
from tradeloom.invoicing import states as invoice_states
from tradeloom.invoicing.capabilities import INVOICES_MANAGE
from tradeloom.partners.models import Customer
from tradeloom.proformas.capabilities import PROFORMAS_MANAGE
from tradeloom.receivables import selectors
from tradeloom.receivables.capabilities import PAYMENTS_MANAGE, PAYMENTS_VIEW
from tradeloom.receivables.filters import PaymentFilter
from tradeloom.receivables.forms import AgeingForm, AllocationRowForm, StatementForm, UnallocateForm, VoidForm
from tradeloom.receivables.models import Payment
from tradeloom.sales import selectors as sales_selectors
from tradeloom.sales.models import Order
from tradeloom.tenancy.roles import role_has
from tradeloom.tenancy.web import TenantRequest, tenant_view

SORTS = [
    SortOption("newest", "Latest received", ("-received_on", "-id")),
    SortOption("oldest", "Earliest received", ("received_on", "id")),
    SortOption("amount", "Largest first", ("-amount", "-id")),
]
LIST_COLUMNS = ["Payment", "Customer", "Received", "Amount", "Charges", "Unallocated"]
TIMELINE_LIMIT = 200
STATUS_BADGES: dict[str, str] = {Payment.Status.RECEIVED: "badge-green", Payment.Status.VOID: "badge-red"}


def payment_of(request: TenantRequest, payment_id: Any) -> Payment:
    try:
        return selectors.payment_get(
            organization=request.organization, membership=request.membership, payment_id=payment_id
        )
    except Payment.DoesNotExist:
        raise Http404("No such payment.") from None


@tenant_view(GET=PAYMENTS_VIEW)
def payment_list_view(request: TenantRequest) -> HttpResponse:
    """Payments with their customer, date, amount, charges and what is left to allocate; filtered by the API's
    FilterSet; keyset pages (one statement a page)."""
    qs = selectors.payment_list(organization=request.organization, membership=request.membership)
    page = list_page(request, qs, filterset_class=PaymentFilter, sorts=SORTS)
    context = {
        "nav": "payments",
        "page": page,
        "columns": LIST_COLUMNS,
        "badges": STATUS_BADGES,
        "can_manage": role_has(request.membership.role, PAYMENTS_MANAGE),
    }
    return render(request, partial_template(request, "receivables/payment_list.html", "payment-list"), context)


def payment_timeline(payment: Payment, limit: int = TIMELINE_LIMIT) -> list[Described]:
    labels = {str(payment.pk): Label(payment.number)}
    events = audit_events_of_targets(
        organization=payment.organization_id, targets={"receivables.payment": [str(payment.pk)]}, limit=limit
    )
    return describe(events, labels=labels, scope=Scope(id=str(payment.pk), name="this payment", context=payment.number))


def allocation_rows(
    request: TenantRequest, payment: Payment | None, customer_id: Any, currency: str | None, data: Any = None
) -> list[tuple[Any, AllocationRowForm]]:
    """One row per open invoice of the customer (in ``currency`` when given): the invoice and its form."""
    if not customer_id:
        return []
    invoices = list(
        selectors.open_invoices(organization=request.organization, customer_id=customer_id, currency=currency)
    )
    return [
        (invoice, AllocationRowForm(data, prefix=f"a{index}", initial={"invoice": invoice.pk}, **_row()))
        for index, invoice in enumerate(invoices)
    ]


def _row() -> dict[str, Any]:
    return {"empty_permitted": True, "use_required_attribute": False}


def payment_page(request: TenantRequest, payment_id: Any, *, bound: dict[str, Any] | None = None) -> HttpResponse:
    """A payment's page: a constant number of statements whatever the number of allocations."""
    bound = bound or {}
    payment = payment_of(request, payment_id)
    allocations = selectors.payment_allocations(payment)
    base = request.organization.base_currency
    can_manage = role_has(request.membership.role, PAYMENTS_MANAGE) and not payment.is_void
    rows = bound.get("allocate")
    if rows is None and can_manage and payment.unallocated > 0:
        rows = allocation_rows(request, payment, payment.customer_id, payment.currency)
    context = {
        "nav": "payments",
        "payment": payment,
        "badge": STATUS_BADGES[payment.status],
        "allocations": [(row, cents(row.amount * row.payment_rate)) for row in allocations],
        "fx_total": sum((row.fx_difference for row in allocations), ZERO),
        "base_currency": base,
        "base_amount": cents(payment.amount * payment.exchange_rate),
        "base_charges": cents(payment.bank_charges * payment.exchange_rate),
        "base_net": cents(payment.amount * payment.exchange_rate) - cents(payment.bank_charges * payment.exchange_rate),
        "can_manage": can_manage,
        "allocate_rows": rows or [],
        "allocate_errors": bound.get("allocate_errors", []),
        "unallocate_form": bound.get("unallocate") or UnallocateForm(auto_id="ua-%s"),
        "void_form": bound.get("void") or VoidForm(auto_id="vd-%s"),
        "void_open": "void" in bound,
        "events": payment_timeline(payment),
    }
    return render(request, "receivables/payment_detail.html", context)


@tenant_view(GET=PAYMENTS_VIEW)
def payment_detail_view(request: TenantRequest, payment_id: Any) -> HttpResponse:
    return payment_page(request, payment_id)


# --- reports ---------------------------------------------------------------------------------------------------------


@tenant_view(GET=PAYMENTS_VIEW)
def ageing_view(request: TenantRequest) -> HttpResponse:
    """The ageing report as of a day (default today): LC-backed and open account apart, per customer and currency,
    in base currency — one statement."""
    form = AgeingForm(request.GET or None)
    as_of = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data.get("as_of"):
        as_of = form.cleaned_data["as_of"]
    report = selectors.ageing(organization=request.organization, as_of=as_of)
    context = {
        "nav": "receivables",
        "form": form,
        "report": report,
        "buckets": selectors.BUCKETS,
        "as_of": as_of,
    }
    return render(request, "receivables/ageing.html", context)


@tenant_view(GET=PAYMENTS_VIEW)
def statement_view(request: TenantRequest) -> HttpResponse:
    """A customer's statement between two days (default: 1 January to today), per currency."""
    form = StatementForm(request.GET or None, organization=request.organization)
    report = None
    if form.is_bound and form.is_valid():
        customer: Customer = form.cleaned_data["customer"]
        date_to: datetime.date = form.cleaned_data.get("date_to") or timezone.localdate()
        date_from: datetime.date = form.cleaned_data.get("date_from") or date_to.replace(month=1, day=1)
        if date_from > date_to:
            form.add_error("date_from", "The first day comes after the last.")
        else:
            report = selectors.statement(
                organization=request.organization, customer=customer, date_from=date_from, date_to=date_to
            )
    context = {"nav": "receivables", "form": form, "report": report}
    return render(request, "receivables/statement.html", context)


# --- the order page's Finance tab ------------------------------------------------------------------------------------


@tenant_view(GET=PAYMENTS_VIEW)
def order_panel_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    """The order page's Finance tab: PI → LC → invoices → payments with amounts and balances, and the order's
    realised figures (what was actually received)."""
    order = sales_selectors.order_visible_get(
        organization=request.organization, membership=request.membership, pk=order_id
    )
    finance = selectors.order_finance(organization=request.organization, order=order)
    role = request.membership.role
    confirmed = order.status == Order.Status.OPEN
    context = {
        "order": order,
        "finance": finance,
        "invoice_badges": invoice_states.BADGES,
        "can_new_proforma": confirmed and role_has(role, PROFORMAS_MANAGE),
        "can_new_invoice": confirmed and role_has(role, INVOICES_MANAGE),
        "can_record": role_has(role, PAYMENTS_MANAGE),
    }
    return render(request, "receivables/_order_panel.html", context)
