"""The payment forms: recording a payment with its allocation rows (one per open invoice of the customer), editing
it, and what a payment's page posts — allocate more, take an allocation back, void. Writes go through the same
services as the API; a refusal shows the form again with the error next to its field (or, when it names none, as a
message)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.web import add_application_error, uuid_or_none
from tradeloom.receivables import selectors, services
from tradeloom.receivables.capabilities import PAYMENTS_MANAGE
from tradeloom.receivables.forms import AllocationRowForm, PaymentEditForm, PaymentForm, UnallocateForm, VoidForm
from tradeloom.receivables.views import allocation_rows, payment_of, payment_page
from tradeloom.records.pages import posted_version
from tradeloom.tenancy.web import TenantRequest, tenant_view

ROW_KEY = re.compile(r"^allocations\[(\d+)\]\.(\w+)$")


def field_errors(error: ApplicationError) -> dict[str, list[str]]:
    found = error.extra.get("errors")
    return found if isinstance(found, dict) else {}


def errors_onto(form: forms.BaseForm, error: ApplicationError) -> bool:
    """A service's refusal on ``form``: field errors on their fields, the rest above the form. True when one is on a
    field."""
    errors = field_errors(error)
    add_application_error(form, ApplicationError(error.message, code=error.code, extra={"errors": errors}))
    return any(key in form.fields for key in errors)


def rows_errors(error: ApplicationError, sent: list[AllocationRowForm], section: list[str]) -> bool:
    """Errors about allocation rows (``allocations[i].amount``) next to the row's amount; others in ``section``."""
    placed = False
    for key, texts in field_errors(error).items():
        match = ROW_KEY.match(key)
        if match and int(match[1]) < len(sent):
            form = sent[int(match[1])]
            for text in texts:
                form.add_error("amount", text)
            placed = True
        elif key in ("allocations", "allocation"):
            section.extend(texts)
            placed = True
    return placed


def _payloads(rows: list[tuple[Any, AllocationRowForm]]) -> tuple[bool, list[AllocationRowForm], list[dict[str, Any]]]:
    valid = True
    sent, payloads = [], []
    for invoice, form in rows:
        if not form.is_valid():
            valid = False
            continue
        amount = form.cleaned_data.get("amount")
        if amount:
            sent.append(form)
            payloads.append({"invoice": invoice.pk, "amount": amount})
    return valid, sent, payloads


@tenant_view(GET=PAYMENTS_MANAGE, POST=PAYMENTS_MANAGE)
def payment_create_view(request: TenantRequest) -> HttpResponse:
    """Record a payment: its header, then how much goes to each open invoice of the customer (blank rows allocate
    nothing; the rest stays on the customer as credit). Choosing the customer (``?customer=``) shows its invoices."""
    org = request.organization
    posted = request.method == "POST"
    data = request.POST if posted else None
    customer_id = uuid_or_none((request.POST if posted else request.GET).get("customer"))
    customer = selectors.customer_of(organization=org, pk=customer_id) if customer_id else None
    initial: dict[str, Any] = {}
    if customer is not None:
        initial = {"customer": customer.pk, "currency": customer.default_currency}
    reload = posted and "reload" in request.POST
    if reload:  # the customer changed: its invoices, with what was typed so far (unchecked)
        typed = {k: request.POST.get(k) for k in PaymentForm.base_fields if request.POST.get(k)}
        form = PaymentForm(organization=org, initial={**initial, **typed})
    else:
        form = PaymentForm(data, organization=org, initial=initial)
    rows = allocation_rows(request, None, customer.pk if customer else None, None, None if reload else data)
    section: list[str] = []
    if posted and not reload:
        header_ok = form.is_valid()
        rows_ok, sent, payloads = _payloads(rows)
        if header_ok and rows_ok:
            try:
                payment = services.payment_create(
                    organization=org, by=request.membership, data=form.payload(), allocations=payloads
                )
            except ApplicationError as error:
                if not rows_errors(error, sent, section):
                    errors_onto(form, error)
            else:
                allocated = f", {payment.allocated_amount:,} allocated" if payment.allocated_amount else ""
                messages.success(
                    request, f"Recorded {payment.number}: {payment.currency} {payment.amount:,}{allocated}."
                )
                return redirect("receivables:payment", org_slug=org.slug, payment_id=payment.pk)
    context = {
        "nav": "payments",
        "form": form,
        "customer": customer,
        "rows": rows,
        "section_errors": section,
    }
    return render(request, "receivables/payment_form.html", context)


@tenant_view(GET=PAYMENTS_MANAGE, POST=PAYMENTS_MANAGE)
def payment_edit_view(request: TenantRequest, payment_id: Any) -> HttpResponse:
    """Change a payment's date, amount, rate, method, reference, charges or notes (the version it was read at
    guards against a change made meanwhile)."""
    payment = payment_of(request, payment_id)
    data = request.POST if request.method == "POST" else None
    form = PaymentEditForm(data, payment=payment)
    version = payment.version
    if data is not None:
        version = int(data["version"]) if str(data.get("version", "")).isdigit() else payment.version
        if form.is_valid():
            try:
                services.payment_update(
                    payment=payment,
                    by=request.membership,
                    data=form.changes(),
                    expected_version=posted_version(request),
                )
            except ApplicationError as error:
                errors_onto(form, error)
            else:
                messages.success(request, f"Saved {payment.number}.")
                return redirect("receivables:payment", org_slug=request.organization.slug, payment_id=payment.pk)
    context = {"nav": "payments", "payment": payment, "form": form, "version": version}
    return render(request, "receivables/payment_edit.html", context)


def _back(request: TenantRequest, payment: Any) -> HttpResponse:
    return redirect("receivables:payment", org_slug=request.organization.slug, payment_id=payment.pk)


@tenant_view(POST=PAYMENTS_MANAGE)
def payment_allocate_view(request: TenantRequest, payment_id: Any) -> HttpResponse:
    payment = payment_of(request, payment_id)
    rows = allocation_rows(request, payment, payment.customer_id, payment.currency, request.POST)
    section: list[str] = []
    valid, sent, payloads = _payloads(rows)
    if valid and not payloads:
        section.append("Enter an amount for at least one invoice.")
    if not valid or section:
        return payment_page(request, payment.pk, bound={"allocate": rows, "allocate_errors": section})
    try:
        services.payment_allocate(
            payment=payment, by=request.membership, allocations=payloads, expected_version=posted_version(request)
        )
    except ApplicationError as error:
        if rows_errors(error, sent, section):
            return payment_page(request, payment.pk, bound={"allocate": rows, "allocate_errors": section})
        messages.error(request, error.message)
        return _back(request, payment)
    total = sum((p["amount"] for p in payloads), start=0)
    messages.success(request, f"Allocated {payment.currency} {total:,} of {payment.number}.")
    return _back(request, payment)


@tenant_view(POST=PAYMENTS_MANAGE)
def payment_unallocate_view(request: TenantRequest, payment_id: Any) -> HttpResponse:
    payment = payment_of(request, payment_id)
    form = UnallocateForm(request.POST, auto_id="ua-%s")
    if not form.is_valid():
        messages.error(request, "Choose the allocation to take back, and a valid amount.")
        return _back(request, payment)
    try:
        services.payment_unallocate(
            payment=payment,
            by=request.membership,
            invoice=form.cleaned_data["invoice"],
            amount=form.cleaned_data.get("amount"),
            expected_version=posted_version(request),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back(request, payment)
    messages.success(request, f"Took the allocation back: {payment.number} has it unallocated again.")
    return _back(request, payment)


@tenant_view(POST=PAYMENTS_MANAGE)
def payment_void_view(request: TenantRequest, payment_id: Any) -> HttpResponse:
    payment = payment_of(request, payment_id)
    form = VoidForm(request.POST, auto_id="vd-%s")
    if not form.is_valid():
        return payment_page(request, payment.pk, bound={"void": form})
    try:
        services.payment_void(
            payment=payment,
            by=request.membership,
            reason=form.cleaned_data["reason"],
            expected_version=posted_version(request),
        )
    except ApplicationError as error:
        if errors_onto(form, error):
            return payment_page(request, payment.pk, bound={"void": form})
        messages.error(request, error.message)
        return _back(request, payment)
    messages.success(request, f"{payment.number} is void; its allocations are back on their invoices.")
    return _back(request, payment)
