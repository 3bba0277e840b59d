"""The order form: create an order with its styles and lines (or merge a repeated PO), and edit an order's
header, its lines' figures, and add styles and lines to it. Writes go through the same services as the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.web import add_application_error
from tradeloom.records.pages import posted_version
from tradeloom.records.services import record_update
from tradeloom.sales import selectors, services
from tradeloom.sales.capabilities import ORDERS_MANAGE
from tradeloom.sales.forms import LineEditForm, OrderForm, Pickers, StyleBlocks
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.web import TenantRequest, tenant_view


def _show_errors(error: ApplicationError, form: forms.BaseForm, styles: StyleBlocks) -> None:
    """Put a service's refusal on the header form and on the style and line rows its errors name."""
    found = error.extra.get("errors")
    errors: dict[str, list[str]] = found if isinstance(found, dict) else {}
    styles.apply_errors({k: v for k, v in errors.items() if k.startswith("styles")})
    header = {k: v for k, v in errors.items() if not k.startswith("styles")}
    if header or not errors:
        add_application_error(form, ApplicationError(error.message, code=error.code, extra={"errors": header}))


def _page(request: TenantRequest, **context: Any) -> HttpResponse:
    return render(
        request,
        "sales/order_form.html",
        {"nav": "orders", **context},
    )


@tenant_view(GET=ORDERS_MANAGE, POST=ORDERS_MANAGE)
def order_create_view(request: TenantRequest) -> HttpResponse:
    org = request.organization
    pickers = Pickers.load(org, "customers", "suppliers", "items", "units", "members")
    data = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {"order_date": timezone.localdate()}
    if request.membership.role == Role.MERCHANDISER:
        initial["merchandiser"] = str(request.membership.pk)
    form = OrderForm(data, pickers=pickers, initial=initial)
    styles = StyleBlocks(data, pickers=pickers)
    if data is not None:
        valid = form.is_valid()
        if styles.is_valid(required=True) and valid:
            header = {k: v for k, v in form.cleaned_data.items() if k != "merge"}
            draft = "draft" in request.POST  # "Save as draft": confirmed later from the order's page
            try:
                with transaction.atomic():
                    created = services.order_create(
                        organization=org,
                        by=request.membership,
                        data=header,
                        styles=styles.payload(),
                        merge=form.cleaned_data["merge"],
                        confirm=not draft,
                    )
            except ApplicationError as error:
                _show_errors(error, form, styles)
            else:
                done = "Merged into" if created.merged else "Saved the draft" if draft else "Created"
                for warning in created.warnings:
                    messages.warning(request, warning)
                messages.success(request, f"{done} {created.order.number}.")
                return redirect("sales:order", org_slug=org.slug, order_id=created.order.pk)
    return _page(request, form=form, styles=styles, title="New order")


@tenant_view(GET=ORDERS_MANAGE, POST=ORDERS_MANAGE)
def order_edit_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    org = request.organization
    order = selectors.order_get(organization=org, membership=request.membership, pk=order_id)
    if order.archived_at is not None:
        messages.error(request, "A deleted order cannot be edited; restore it first.")
        return redirect("sales:order", org_slug=org.slug, order_id=order.pk)
    pickers = Pickers.load(org, "suppliers", "items", "units", "members")
    data = request.POST if request.method == "POST" else None
    form = OrderForm(data, instance=order, pickers=pickers)
    lines = [
        (line, LineEditForm(data, instance=line, prefix=f"line-{line.pk}", organization=org))
        for line in order.lines.all()
    ]
    styles = StyleBlocks(data, pickers=pickers, blank=0)
    if data is not None:
        valid = form.is_valid()
        valid = all(line_form.is_valid() for _, line_form in lines) and valid
        if styles.is_valid(required=False) and valid:
            try:
                with transaction.atomic():
                    header = dict(form.cleaned_data.items())
                    saved = record_update(
                        instance=order, by=request.membership, data=header, expected_version=posted_version(request)
                    )
                    for line, line_form in lines:
                        if line_form.has_changed():
                            changed = {name: line_form.cleaned_data[name] for name in line_form.changed_data}
                            services.line_update(line=line, by=request.membership, data=changed)
                    if styles.filled():
                        services.order_merge(order=saved, by=request.membership, styles=styles.payload())
            except ApplicationError as error:
                _show_errors(error, form, styles)
            else:
                messages.success(request, f"Saved {order.number}.")
                return redirect("sales:order", org_slug=org.slug, order_id=order.pk)
    return _page(request, form=form, styles=styles, order=order, lines=lines, title=f"Edit {order.number}")
