"""LC pages: the list with its filters, an LC's page (terms as of now with the amended ones marked, the amendments'
history, the utilisation bar, drawings, presentations with their checklists and discrepancies, linked orders and
PIs, its timeline and actions), the forms (record, edit a pending LC, amend, draw) and the exposure report. Every
write goes through the same services as the API; a refusal shows the form again with the error by its field (on the
LC's page, as a message)."""

from __future__ import annotations

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
from tradeloom.core.web import add_application_error, partial_template, uuid_or_none
from tradeloom.lcs import selectors, services, states, terms
from tradeloom.lcs.capabilities import LCS_MANAGE, LCS_VIEW
from tradeloom.lcs.filters import LcFilter
from tradeloom.lcs.forms import AmendForm, DiscrepancyForm, DrawForm, LcForm, MoveForm, PresentationForm
from tradeloom.lcs.models import AMENDABLE_TERMS, Discrepancy, LetterOfCredit
from tradeloom.lcs.services.common import document_label, term_field
from tradeloom.records.pages import posted_version
from tradeloom.tenancy.roles import role_has
from tradeloom.tenancy.web import TenantRequest, tenant_view

SORTS = [
    SortOption("newest", "Newest first", ("-created_at", "-id")),
    SortOption("expiry", "Expiry soonest", ("expiry_date", "id")),
]
LIST_COLUMNS = ["LC", "Applicant", "Issuing bank", "Amount", "Utilised", "Expiry"]
TIMELINE_LIMIT = 200
TERM_LABELS = {name: str(term_field(name).verbose_name) for name in AMENDABLE_TERMS}


def lc_page_of(request: TenantRequest, lc_id: Any) -> LetterOfCredit:
    found = selectors.lc_of(organization=request.organization, membership=request.membership, pk=lc_id)
    if found is None:
        raise Http404("No such letter of credit.")
    return found


def _back(request: TenantRequest, lc: LetterOfCredit, anchor: str = "") -> HttpResponse:
    url = reverse("lcs:lc", kwargs={"org_slug": request.organization.slug, "lc_id": lc.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _refused(request: TenantRequest, lc: LetterOfCredit, error: ApplicationError, anchor: str = "") -> HttpResponse:
    errors = error.extra.get("errors")
    details = errors if isinstance(errors, dict) else {}
    texts = [t for values in details.values() for t in values if t != error.message]
    messages.error(request, " ".join([error.message, *texts]))
    return _back(request, lc, anchor)


@tenant_view(GET=LCS_VIEW)
def lc_list_view(request: TenantRequest) -> HttpResponse:
    """LCs with their applicant, bank, amount + tolerance, utilisation and expiry; filtered by the API's FilterSet;
    keyset pages."""
    qs = selectors.lc_list(organization=request.organization, membership=request.membership)
    page = list_page(request, qs, filterset_class=LcFilter, sorts=SORTS)
    today = timezone.localdate()
    for row in page.rows:
        row.expiring = row.status in states.OPEN and (row.expiry_date - today).days <= 14
        row.percent = int(row.utilised_amount * 100 / row.cap) if row.cap else 0
    context = {
        "nav": "lcs",
        "page": page,
        "columns": LIST_COLUMNS,
        "badges": states.BADGES,
        "can_manage": role_has(request.membership.role, LCS_MANAGE),
    }
    return render(request, partial_template(request, "lcs/lc_list.html", "lc-list"), context)


def lc_timeline(lc: LetterOfCredit, limit: int = TIMELINE_LIMIT) -> list[Described]:
    events = audit_events_of_targets(
        organization=lc.organization_id, targets={"lcs.letterofcredit": [str(lc.pk)]}, limit=limit
    )
    return describe(
        events,
        labels={str(lc.pk): Label(lc.number)},
        scope=Scope(id=str(lc.pk), name="this LC", context=lc.number),
    )


def _terms_rows(detail: selectors.LcDetail) -> list[dict[str, Any]]:
    rows = []
    for name in AMENDABLE_TERMS:
        value = detail.terms[name]
        if name == "required_documents":
            value = ", ".join(document_label(v) for v in value or []) or "—"
        elif name == "incoterm" and value:
            value = f"{value} {detail.lc.incoterm_place}".strip()
        elif name == "incoterm_place":
            continue
        rows.append(
            {
                "name": name,
                "label": TERM_LABELS[name],
                "value": value,
                "revision": detail.terms.amended.get(name),
                "original": detail.original.get(name),
            }
        )
    return rows


def lc_page(request: TenantRequest, lc_id: Any, *, status: int = 200) -> HttpResponse:
    try:
        detail = selectors.lc_detail(organization=request.organization, membership=request.membership, lc_id=lc_id)
    except LetterOfCredit.DoesNotExist:
        raise Http404("No such letter of credit.") from None
    lc = detail.lc
    can_manage = role_has(request.membership.role, LCS_MANAGE)
    moves = (
        [(t, MoveForm(transition=t, lc=lc, auto_id=f"mv-{t.action}-%s")) for t in states.actions_from(lc.status)]
        if can_manage
        else []
    )
    presentations = [
        {
            "presentation": p,
            "discrepancies": list(p.discrepancies.all()),
            "documents": [{"label": document_label(d["document"]), **d} for d in p.documents],
            "open": p.status in states.PRESENTATION_OPEN,
            "badge": states.PRESENTATION_BADGES.get(p.status, "badge-gray"),
        }
        for p in detail.presentations
    ]
    context = {
        "nav": "lcs",
        "detail": detail,
        "lc": lc,
        "figures": detail.figures,
        "terms": _terms_rows(detail),
        "badge": states.BADGES.get(lc.status, "badge-gray"),
        "moves": moves,
        "can_manage": can_manage,
        "can_amend": can_manage and lc.status in states.AMENDABLE and detail.proposed is None,
        "can_draw": can_manage and lc.status in states.AVAILABLE,
        "editable": lc.status in states.EDITABLE,
        "presentations": presentations,
        "presentation_form": PresentationForm(lc=lc, drawings=detail.live_drawings, auto_id="pr-%s")
        if can_manage and lc.status in states.AVAILABLE | {states.EXPIRED}
        else None,
        "discrepancy_form": DiscrepancyForm(auto_id=False),
        "timeline": lc_timeline(lc),
        "timeline_limit": TIMELINE_LIMIT,
    }
    return render(request, "lcs/lc_detail.html", context, status=status)


@tenant_view(GET=LCS_VIEW)
def lc_detail_view(request: TenantRequest, lc_id: Any) -> HttpResponse:
    return lc_page(request, lc_id)


@tenant_view(GET=LCS_MANAGE, POST=LCS_MANAGE)
def lc_create_view(request: TenantRequest) -> HttpResponse:
    """Record an LC (pending until the bank's issue is marked); ``?order=`` links that order and takes its
    customer and currency."""
    org = request.organization
    initial: dict[str, Any] = {}
    order_id = uuid_or_none(request.GET.get("order"))
    if order_id:
        order = selectors.order_for_new_lc(organization=org, membership=request.membership, order_id=order_id)
        if order is not None:
            initial = {"customer": order.customer_id, "currency": order.currency, "orders": [order.pk]}
    data = request.POST if request.method == "POST" else None
    form = LcForm(data, organization=org, initial=initial)
    if data is not None and form.is_valid():
        try:
            lc = services.lc_create(
                organization=org,
                by=request.membership,
                data=form.payload(),
                orders=list(form.cleaned_data.get("orders") or []),
            )
        except ApplicationError as error:
            if "required_documents" in (error.extra.get("errors") or {}):
                error.extra["errors"]["documents"] = error.extra["errors"].pop("required_documents")
            add_application_error(form, error)
        else:
            messages.success(request, f"Recorded {lc.number}.")
            return redirect("lcs:lc", org_slug=org.slug, lc_id=lc.pk)
    return render(request, "lcs/lc_form.html", {"nav": "lcs", "form": form, "lc": None})


@tenant_view(GET=LCS_MANAGE, POST=LCS_MANAGE)
def lc_edit_view(request: TenantRequest, lc_id: Any) -> HttpResponse:
    """Change a pending LC; an issued one changes here only its notes and number (its terms by amendment)."""
    lc = lc_page_of(request, lc_id)
    data = request.POST if request.method == "POST" else None
    form = LcForm(data, instance=lc, organization=request.organization, editing=True)
    if data is not None and form.is_valid():
        try:
            services.lc_update(
                lc=lc, by=request.membership, data=form.changes(), expected_version=posted_version(request)
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"Saved {lc.number}.")
            return _back(request, lc)
    return render(request, "lcs/lc_form.html", {"nav": "lcs", "form": form, "lc": lc, "version": lc.version})


@tenant_view(POST=LCS_MANAGE)
def lc_move_view(request: TenantRequest, lc_id: Any) -> HttpResponse:
    lc = lc_page_of(request, lc_id)
    transition = states.ACTIONS.get(request.POST.get("action", ""))
    if transition is None:
        messages.error(request, "Choose what happened to the LC.")
        return _back(request, lc)
    form = MoveForm(request.POST, transition=transition, lc=lc)
    if not form.is_valid():
        messages.error(request, "Check the date.")
        return _back(request, lc)
    try:
        moved = services.lc_move(
            lc=lc,
            action=transition.action,
            by=request.membership,
            expected_version=posted_version(request),
            **form.arguments(),
        )
    except ApplicationError as error:
        return _refused(request, lc, error)
    messages.success(request, f"{moved.number} is {moved.get_status_display().lower()}.")
    return _back(request, lc)


@tenant_view(GET=LCS_MANAGE, POST=LCS_MANAGE)
def lc_amend_view(request: TenantRequest, lc_id: Any) -> HttpResponse:
    """Record an amendment the bank issued: change the terms it changes; it binds once accepted."""
    lc = lc_page_of(request, lc_id)
    data = request.POST if request.method == "POST" else None
    form = AmendForm(data, lc=lc)
    if data is not None and form.is_valid():
        changes = form.terms_changed()
        try:
            services.amendment_propose(
                lc=lc,
                by=request.membership,
                changes=changes,
                issue_date=form.cleaned_data.get("issue_date"),
                note=form.cleaned_data.get("note", ""),
                expected_version=posted_version(request),
            )
        except ApplicationError as error:
            errors = error.extra.get("errors") or {}
            error.extra["errors"] = {k.removeprefix("changes."): v for k, v in errors.items()}
            add_application_error(form, error)
        else:
            messages.success(request, f"Recorded the amendment of {lc.number}: accept or reject it.")
            return _back(request, lc, "amendments")
    terms = [form[name] for name in AMENDABLE_TERMS]
    context = {"nav": "lcs", "form": form, "lc": lc, "terms": terms, "version": lc.version}
    return render(request, "lcs/lc_amend.html", context)


@tenant_view(POST=LCS_MANAGE)
def amendment_decide_view(request: TenantRequest, lc_id: Any, lc_amendment_id: Any) -> HttpResponse:
    lc = lc_page_of(request, lc_id)
    amendment = selectors.amendment_of(lc=lc, pk=lc_amendment_id)
    if amendment is None:
        raise Http404("No such amendment.")
    try:
        if request.POST.get("decision") == "accept":
            services.amendment_accept(amendment=amendment, by=request.membership)
            messages.success(request, f"Accepted amendment {amendment.revision}: {lc.number}'s terms are amended.")
        else:
            services.amendment_reject(amendment=amendment, by=request.membership, reason=request.POST.get("reason", ""))
            messages.success(request, f"Rejected amendment {amendment.revision}.")
    except ApplicationError as error:
        return _refused(request, lc, error, "amendments")
    return _back(request, lc, "amendments")


@tenant_view(GET=LCS_MANAGE, POST=LCS_MANAGE)
def lc_draw_view(request: TenantRequest, lc_id: Any) -> HttpResponse:
    """Draw under the LC for a shipment (its value and departure by default) or an invoice."""
    lc = lc_page_of(request, lc_id)
    data = request.POST if request.method == "POST" else None
    form = DrawForm(data, lc=lc)
    if data is not None and form.is_valid():
        values = form.cleaned_data
        try:
            services.utilisation_draw(
                organization=request.organization,
                by=request.membership,
                lc=lc,
                amount=values.get("amount"),
                currency=lc.currency,
                shipped_on=values.get("shipped_on"),
                shipment=values.get("shipment"),
                invoice_reference=values.get("invoice_reference", ""),
                override_reason=values.get("override_reason", ""),
                drawn_on=values.get("drawn_on"),
            )
        except ApplicationError as error:
            if not error.extra.get("errors"):
                field = {"lc_shipment_date_passed": "shipped_on", "lc_expired": "drawn_on"}.get(error.code, "amount")
                add_application_error(form, error, field=field)
            else:
                add_application_error(form, error)
        else:
            messages.success(request, f"Drawn under {lc.number}.")
            return _back(request, lc, "utilisation")
    figures = {"cap": terms.amount_cap(lc), "available": terms.available(lc)}
    return render(request, "lcs/lc_draw.html", {"nav": "lcs", "form": form, "lc": lc, "figures": figures})


@tenant_view(POST=LCS_MANAGE)
def utilisation_release_view(request: TenantRequest, lc_id: Any, lc_utilisation_id: Any) -> HttpResponse:
    lc = lc_page_of(request, lc_id)
    drawing = selectors.utilisation_of(lc=lc, pk=lc_utilisation_id)
    if drawing is None:
        raise Http404("No such drawing.")
    try:
        services.utilisation_release(
            organization=request.organization,
            by=request.membership,
            utilisation=drawing,
            reason=request.POST.get("reason", ""),
        )
    except ApplicationError as error:
        return _refused(request, lc, error, "utilisation")
    messages.success(request, "Released the drawing.")
    return _back(request, lc, "utilisation")


@tenant_view(POST=LCS_MANAGE)
def presentation_add_view(request: TenantRequest, lc_id: Any) -> HttpResponse:
    lc = lc_page_of(request, lc_id)
    drawings = [u for u in lc.utilisations.all() if u.released_at is None]
    form = PresentationForm(request.POST, lc=lc, drawings=drawings)
    if not form.is_valid():
        messages.error(request, "Check the presentation's date.")
        return _back(request, lc, "presentations")
    chosen = form.cleaned_data.get("utilisation")
    drawing = next((d for d in drawings if str(d.pk) == chosen), None)
    try:
        services.presentation_add(
            lc=lc,
            by=request.membership,
            presented_on=form.cleaned_data["presented_on"],
            utilisation=drawing,
            documents=form.presented(),
            note=form.cleaned_data.get("note", ""),
        )
    except ApplicationError as error:
        return _refused(request, lc, error, "presentations")
    messages.success(request, "Recorded the presentation.")
    return _back(request, lc, "presentations")


@tenant_view(POST=LCS_MANAGE)
def presentation_decide_view(request: TenantRequest, lc_id: Any, lc_presentation_id: Any) -> HttpResponse:
    lc = lc_page_of(request, lc_id)
    presentation = selectors.presentation_of(lc=lc, pk=lc_presentation_id)
    if presentation is None:
        raise Http404("No such presentation.")
    try:
        services.presentation_decide(
            presentation=presentation,
            by=request.membership,
            outcome=request.POST.get("outcome", ""),
            reason=request.POST.get("reason", ""),
        )
    except ApplicationError as error:
        return _refused(request, lc, error, "presentations")
    messages.success(request, "Recorded the decision.")
    return _back(request, lc, "presentations")


@tenant_view(POST=LCS_MANAGE)
def discrepancy_add_view(request: TenantRequest, lc_id: Any, lc_presentation_id: Any) -> HttpResponse:
    lc = lc_page_of(request, lc_id)
    presentation = selectors.presentation_of(lc=lc, pk=lc_presentation_id)
    if presentation is None:
        raise Http404("No such presentation.")
    form = DiscrepancyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what the discrepancy is.")
        return _back(request, lc, "presentations")
    try:
        services.discrepancy_raise(
            presentation=presentation,
            by=request.membership,
            text=form.cleaned_data["text"],
            raised_on=form.cleaned_data.get("raised_on"),
        )
    except ApplicationError as error:
        return _refused(request, lc, error, "presentations")
    return _back(request, lc, "presentations")


@tenant_view(POST=LCS_MANAGE)
def discrepancy_resolve_view(
    request: TenantRequest, lc_id: Any, lc_presentation_id: Any, lc_discrepancy_id: Any
) -> HttpResponse:
    lc = lc_page_of(request, lc_id)
    presentation = selectors.presentation_of(lc=lc, pk=lc_presentation_id)
    discrepancy = selectors.discrepancy_of(presentation=presentation, pk=lc_discrepancy_id) if presentation else None
    if discrepancy is None:
        raise Http404("No such discrepancy.")
    try:
        services.discrepancy_resolve(
            discrepancy=discrepancy, by=request.membership, outcome=request.POST.get("outcome", "")
        )
    except ApplicationError as error:
        return _refused(request, lc, error, "presentations")
    return _back(request, lc, "presentations")


@tenant_view(GET=LCS_VIEW)
def exposure_view(request: TenantRequest) -> HttpResponse:
    """Open LC amounts by issuing bank, applicant and expiry month (three statements)."""
    exposure = selectors.lc_exposure(organization=request.organization)
    return render(request, "lcs/exposure.html", {"nav": "lcs", "exposure": exposure})


DISCREPANCY_OUTCOMES = [(Discrepancy.Status.WAIVED, "Waived by applicant"), (Discrepancy.Status.CORRECTED, "Corrected")]
