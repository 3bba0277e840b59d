"""Pages: the print profile, and a record's PDF panel (loaded with htmx into the record's page: the button that
makes its PDF, the current version's download link, the progress of a PDF being made)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.models import Job
from tradeloom.core.web import add_application_error, with_toast
from tradeloom.printing import selectors, services
from tradeloom.printing.capabilities import PRINTING_GENERATE, PRINTING_MANAGE, PRINTING_VIEW
from tradeloom.printing.downloads import logo_response
from tradeloom.printing.forms import PrintProfileForm
from tradeloom.printing.selectors import Printable
from tradeloom.tenancy.roles import role_has
from tradeloom.tenancy.web import TenantRequest, tenant_view


def _panel_url(request: TenantRequest, printable: Printable) -> str:
    kwargs = {"org_slug": request.organization.slug, printable.kind.url_kwarg: printable.record.pk}
    return reverse(f"printing:pdf-{printable.kind.key}", kwargs=kwargs)


def _render_panel(request: TenantRequest, printable: Printable, *, job: Job | None = None) -> HttpResponse:
    org = request.organization
    job = job or selectors.pdf_job_pending(organization=org, printable=printable)
    latest = selectors.latest_pdf(organization=org, printable=printable)
    poll_url = (
        reverse("printing:pdf-job", kwargs={"org_slug": org.slug, "job_id": job.pk})
        if job is not None and not job.is_finished
        else ""
    )
    page_name, page_kwargs = printable.kind.page(printable.record)
    context = {
        "printable": printable,
        "latest": latest,
        "job": job,
        "poll_url": poll_url,
        "panel_url": _panel_url(request, printable),
        "record_url": reverse(page_name, kwargs={"org_slug": org.slug, **page_kwargs}),
        "can_generate": role_has(request.membership.role, PRINTING_GENERATE),
        "can_manage_profile": role_has(request.membership.role, PRINTING_MANAGE),
    }
    template = "printing/_pdf.html" if getattr(request, "htmx", None) else "printing/pdf_page.html"
    return render(request, template, context)


@tenant_view(GET=PRINTING_VIEW, POST=PRINTING_GENERATE)
def pdf_view(request: TenantRequest, kind_key: str, **ids: Any) -> HttpResponse:
    """A record's PDF of one kind: its current version and the button that makes a new one (POST)."""
    (record_id,) = ids.values()
    printable = selectors.printable_resolve(
        organization=request.organization, membership=request.membership, kind_key=kind_key, record_id=record_id
    )
    if request.method != "POST":
        return _render_panel(request, printable)
    try:
        job = services.pdf_generate_start(organization=request.organization, by=request.membership, printable=printable)
    except ApplicationError as error:
        raise PermissionDenied(error.message) from None
    message = f"Making the {printable.title} PDF…"
    if getattr(request, "htmx", None):
        return with_toast(_render_panel(request, printable, job=job), message)
    messages.success(request, message)
    return redirect(_panel_url(request, printable))


@tenant_view(GET=PRINTING_VIEW)
def pdf_job_view(request: TenantRequest, job_id: Any) -> HttpResponse:
    """The panel of the record a PDF job is making, with the job's progress (polled until it ends)."""
    job, printable = selectors.pdf_job_get(organization=request.organization, membership=request.membership, pk=job_id)
    return _render_panel(request, printable, job=job)


@tenant_view(GET=PRINTING_MANAGE, POST=PRINTING_MANAGE)
def profile_view(request: TenantRequest) -> HttpResponse:
    """The print profile: what every document the organisation prints carries."""
    org = request.organization
    profile = selectors.profile_of(organization=org)
    if request.method == "POST":
        form = PrintProfileForm(request.POST, request.FILES, instance=profile)
        if form.is_valid():
            values = {name: form.cleaned_data.get(name, "") for name in form.Meta.fields}
            try:
                services.print_profile_update(
                    organization=org,
                    by=request.membership,
                    values=values,
                    logo=form.cleaned_data.get("logo_file"),
                    remove_logo=bool(form.cleaned_data.get("remove_logo")),
                    version=form.cleaned_data.get("version"),
                )
            except ApplicationError as error:
                add_application_error(form, error, field="logo_file" if error.code != "profile_changed" else None)
            else:
                messages.success(request, "Print profile saved. New PDFs print with it.")
                return redirect("printing:profile", org_slug=org.slug)
    else:
        form = PrintProfileForm(instance=profile, initial={"version": profile.version if profile else None})
    logo_url = reverse("printing:profile-logo", kwargs={"org_slug": org.slug}) if profile and profile.logo else ""
    return render(request, "printing/profile.html", {"form": form, "profile": profile, "logo_url": logo_url})


@tenant_view(GET=PRINTING_MANAGE)
def profile_logo_view(request: TenantRequest) -> FileResponse:
    return logo_response(selectors.profile_of(organization=request.organization))
