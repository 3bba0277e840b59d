"""Proforma invoice pages: the list with its filters, a PI's page (header, the moves it offers as forms, totals,
lines, terms, its revisions with the changes from the previous one, and its timeline), and the forms that make a PI
from an order, edit a draft and revise a sent or accepted PI. Writes go through the same services as the API; a
refusal shows the form again with the error next to its field (or, naming none, above the form)."""

from __future__ import annotations

import re
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
from tradeloom.proformas import selectors, services, states
from tradeloom.proformas.capabilities import PROFORMAS_MANAGE, PROFORMAS_VIEW
from tradeloom.proformas.filters import ProformaFilter
from tradeloom.proformas.forms import LineRowForm, ProformaForm, line_initial, move_form
from tradeloom.proformas.models import ProformaInvoice
from tradeloom.records.pages import posted_version
from tradeloom.sales.selectors import order_visible_get, orders_visible
from tradeloom.tenancy.roles import Role, role_has
from tradeloom.tenancy.web import TenantRequest, tenant_view

SORTS = [
    SortOption("newest", "Newest first", ("-created_at", "-id")),
    SortOption("date", "PI date, latest first", ("-pi_date", "-id")),
]
LIST_COLUMNS = ["Proforma invoice", "Customer", "Order", "PI date", "Total"]
TIMELINE_LIMIT = 200
LINE_KEY = re.compile(r"^lines\.(\d+)\.(\w+)$")


def proforma_of(request: TenantRequest, proforma_id: Any) -> ProformaInvoice:
    try:
        return selectors.proforma_get(
            organization=request.organization, membership=request.membership, proforma_id=proforma_id
        )
    except ProformaInvoice.DoesNotExist:
        raise Http404("No such proforma invoice.") from None


def _url(request: TenantRequest, name: str, **kwargs: Any) -> str:
    return reverse(f"proformas:{name}", kwargs={"org_slug": request.organization.slug, **kwargs})


@tenant_view(GET=PROFORMAS_VIEW)
def proforma_list_view(request: TenantRequest) -> HttpResponse:
    """PIs (latest revisions unless asked for superseded ones) with status, customer, order, date and total;
    filtered by the API's FilterSet; keyset pages."""
    qs = selectors.proforma_list(
        organization=request.organization,
        membership=request.membership,
        latest_only=not request.GET.get("status"),
    )
    page = list_page(request, qs, filterset_class=ProformaFilter, sorts=SORTS)
    context = {
        "nav": "proformas",
        "page": page,
        "columns": LIST_COLUMNS,
        "badges": states.BADGES,
        "can_manage": role_has(request.membership.role, PROFORMAS_MANAGE),
    }
    return render(request, partial_template(request, "proformas/proforma_list.html", "proforma-list"), context)


def proforma_timeline(detail: selectors.ProformaDetail, limit: int = TIMELINE_LIMIT) -> list[Described]:
    """The events of every revision of the PI's number, newest first (one statement, and one for labels)."""
    proforma = detail.proforma
    labels = {str(r.pk): Label(str(r)) for r in detail.revisions}
    events = audit_events_of_targets(
        organization=proforma.organization_id,
        targets={"proformas.proformainvoice": [str(r.pk) for r in detail.revisions] or [str(proforma.pk)]},
        limit=limit,
    )
    return describe(events, labels=labels, scope=Scope(id=str(proforma.pk), name="this PI", context=proforma.number))


def proforma_page(
    request: TenantRequest, proforma_id: Any, *, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    """A PI's page; ``bound`` replaces a blank move form by a refused post's (``move:<action>``)."""
    bound = bound or {}
    try:
        detail = selectors.proforma_detail(
            organization=request.organization, membership=request.membership, proforma_id=proforma_id
        )
    except ProformaInvoice.DoesNotExist:
        raise Http404("No such proforma invoice.") from None
    proforma = detail.proforma
    role = request.membership.role
    can_manage = role_has(role, PROFORMAS_MANAGE)
    can_override = role in (Role.OWNER, Role.ADMIN)
    moves = []
    if can_manage:
        for transition in states.actions_from(proforma.status):
            key = f"move:{transition.action}"
            form = bound.get(key) or move_form(
                transition.action, can_override=can_override, auto_id=f"mv-{transition.action}-%s"
            )
            moves.append((transition, form, key in bound))
    context = {
        "nav": "proformas",
        "proforma": proforma,
        "detail": detail,
        "badge": states.BADGES[proforma.status],
        "badges": states.BADGES,
        "can_manage": can_manage,
        "moves": moves,
        "timeline": proforma_timeline(detail),
        "timeline_limit": TIMELINE_LIMIT,
    }
    return render(request, "proformas/proforma_detail.html", context)


@tenant_view(GET=PROFORMAS_VIEW)
def proforma_detail_view(request: TenantRequest, proforma_id: Any) -> HttpResponse:
    return proforma_page(request, proforma_id)


@tenant_view(POST=PROFORMAS_MANAGE)
def proforma_move_view(request: TenantRequest, proforma_id: Any) -> HttpResponse:
    proforma = proforma_of(request, proforma_id)
    action = request.POST.get("action", "")
    if action not in states.ACTIONS:
        raise Http404("No such action.")
    can_override = request.membership.role in (Role.OWNER, Role.ADMIN)
    form = move_form(action, request.POST, can_override=can_override, auto_id=f"mv-{action}-%s")
    if form.is_valid():
        values = form.cleaned_data
        try:
            services.proforma_move(
                proforma=proforma,
                action=action,
                by=request.membership,
                on=values.get("on"),
                reason=values.get("reason", ""),
                reference=values.get("reference", ""),
                override_reason=values.get("override_reason", ""),
                expected_version=posted_version(request),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"{proforma}: {states.ACTIONS[action].label.lower()} — done.")
            return redirect(_url(request, "proforma", proforma_id=proforma.pk))
    return proforma_page(request, proforma_id, bound={f"move:{action}": form})


# --- making, editing, revising -----------------------------------------------------------------------------------


def _rows(request: TenantRequest, order: Any, *, current: list[Any] | None, exclude_number: str) -> list[LineRowForm]:
    figures = selectors.order_lines_for_proforma(order=order, exclude_number=exclude_number)
    by_line = {row.line_id: row for row in current or []}
    data = request.POST if request.method == "POST" else None
    return [
        LineRowForm(
            data,
            figure=figure,
            prefix=f"l-{figure.line.pk}",
            initial=line_initial(by_line.get(figure.line.pk), figure, all_by_default=current is None),
        )
        for figure in figures
    ]


def _payload(header: ProformaForm, rows: list[LineRowForm]) -> tuple[bool, list[LineRowForm], list[dict[str, Any]]]:
    valid = header.is_valid()
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


def _errors_onto(error: ApplicationError, header: ProformaForm, included: list[LineRowForm]) -> None:
    """A refusal's field errors on the header's fields and the rows' (``lines.<n>.<field>``), the rest above."""
    found = error.extra.get("errors")
    errors: dict[str, list[str]] = found if isinstance(found, dict) else {}
    rest: dict[str, list[str]] = {}
    for key, texts in errors.items():
        match = LINE_KEY.match(key)
        if match and int(match[1]) < len(included):
            row, name = included[int(match[1])], match[2]
            for text in texts:
                row.add_error(name if name in row.fields else None, text)
        else:
            rest[key] = texts
    if rest or not errors:
        add_application_error(header, ApplicationError(error.message, code=error.code, extra={"errors": rest}))


def _form_page(
    request: TenantRequest,
    *,
    order: Any,
    proforma: ProformaInvoice | None,
    mode: str,
    header: ProformaForm,
    rows: list[LineRowForm],
) -> HttpResponse:
    titles = {
        "create": f"New proforma invoice for {order.number}",
        "edit": f"Edit {proforma}",
        "revise": f"Revise {proforma}",
    }
    context = {
        "nav": "proformas",
        "order": order,
        "proforma": proforma,
        "mode": mode,
        "title": titles[mode],
        "form": header,
        "rows": rows,
        "can_override": request.membership.role in (Role.OWNER, Role.ADMIN),
    }
    return render(request, "proformas/proforma_form.html", context)


@tenant_view(GET=PROFORMAS_MANAGE, POST=PROFORMAS_MANAGE)
def proforma_create_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    """Make a PI from an order: every line with a price and a quantity left is ticked, by quantity (what is left);
    untick lines, change quantities or make a line by amount (a percentage or an amount of its value)."""
    order = order_visible_get(organization=request.organization, membership=request.membership, pk=order_id)
    organization = request.organization
    data = request.POST if request.method == "POST" else None
    header = ProformaForm(
        data,
        organization=organization,
        # the service's defaults, shown: the previous PI's bank details, the customer's payment terms
        initial={
            "bank_details": services.bank_details_default(organization),
            "payment_terms": getattr(order.customer, "payment_terms_id", None),
        },
        auto_id="pi-%s",
    )
    rows = _rows(request, order, current=None, exclude_number="")
    if request.method == "POST":
        valid, included, payloads = _payload(header, rows)
        if valid and not payloads:
            header.add_error(None, "Tick at least one line of the order.")
        elif valid:
            try:
                proforma = services.proforma_create(
                    organization=organization, by=request.membership, order=order, data=header.payload(), lines=payloads
                )
            except ApplicationError as error:
                _errors_onto(error, header, included)
            else:
                messages.success(request, f"{proforma.number} made as a draft.")
                return redirect(_url(request, "proforma", proforma_id=proforma.pk))
    return _form_page(request, order=order, proforma=None, mode="create", header=header, rows=rows)


def _edit_or_revise(request: TenantRequest, proforma_id: Any, mode: str) -> HttpResponse:
    proforma = proforma_of(request, proforma_id)
    if mode == "edit" and not proforma.is_editable:
        messages.error(request, f"{proforma} is {proforma.get_status_display().lower()}: only a draft can be edited.")
        return redirect(_url(request, "proforma", proforma_id=proforma.pk))
    if mode == "revise" and not proforma.is_revisable:
        messages.error(request, f"{proforma} is {proforma.get_status_display().lower()}: it cannot be revised.")
        return redirect(_url(request, "proforma", proforma_id=proforma.pk))
    data = request.POST if request.method == "POST" else None
    header = ProformaForm(data, instance=proforma, organization=request.organization, auto_id="pi-%s")
    current = list(selectors.proforma_lines(proforma))
    rows = _rows(request, proforma.order, current=current, exclude_number=proforma.number)
    if request.method == "POST":
        valid, included, payloads = _payload(header, rows)
        if valid and not payloads:
            header.add_error(None, "Tick at least one line of the order.")
        elif valid:
            try:
                if mode == "edit":
                    result = services.proforma_update(
                        proforma=proforma,
                        by=request.membership,
                        data=header.changes(),
                        lines=payloads,
                        expected_version=posted_version(request),
                    )
                    done = f"{result} saved."
                else:
                    result = services.proforma_revise(
                        proforma=proforma,
                        by=request.membership,
                        data=header.changes(),
                        lines=payloads,
                        expected_version=posted_version(request),
                    )
                    done = f"{result} made as a draft; revision {proforma.revision} is superseded."
            except ApplicationError as error:
                _errors_onto(error, header, included)
            else:
                messages.success(request, done)
                return redirect(_url(request, "proforma", proforma_id=result.pk))
    if request.method == "POST" and (header.errors or any(r.errors for r in rows)):
        messages.error(request, form_error_message(header) or "Some lines need a correction.")
    return _form_page(request, order=proforma.order, proforma=proforma, mode=mode, header=header, rows=rows)


@tenant_view(GET=PROFORMAS_MANAGE, POST=PROFORMAS_MANAGE)
def proforma_edit_view(request: TenantRequest, proforma_id: Any) -> HttpResponse:
    return _edit_or_revise(request, proforma_id, "edit")


@tenant_view(GET=PROFORMAS_MANAGE, POST=PROFORMAS_MANAGE)
def proforma_revise_view(request: TenantRequest, proforma_id: Any) -> HttpResponse:
    return _edit_or_revise(request, proforma_id, "revise")


@tenant_view(GET=PROFORMAS_VIEW)
def order_panel_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    """The order's PIs (latest revisions) with a link to make one: a small panel other pages may load."""
    order = order_visible_get(organization=request.organization, membership=request.membership, pk=order_id)
    rows = list(selectors.order_proformas(organization=request.organization, order=order))
    context = {
        "order": order,
        "rows": rows,
        "badges": states.BADGES,
        "can_manage": role_has(request.membership.role, PROFORMAS_MANAGE),
    }
    return render(request, "proformas/_order_panel.html", context)


@tenant_view(GET=PROFORMAS_MANAGE)
def proforma_start_view(request: TenantRequest) -> HttpResponse:
    """The list's "Make from an order": the order by its number (or the buyer's PO number) → its new-PI page."""
    text = (request.GET.get("order") or "").strip()
    qs = orders_visible(organization=request.organization, membership=request.membership).filter(
        archived_at__isnull=True
    )
    order = qs.filter(number__iexact=text).first() or qs.filter(po_number__iexact=text).first() if text else None
    if order is None:
        messages.error(request, f"No order numbered “{text}”." if text else "Give an order's number.")
        return redirect(_url(request, "proformas"))
    return redirect(_url(request, "proforma-new", order_id=order.pk))
