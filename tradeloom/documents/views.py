"""Pages: a record's Attachments panel (loaded with htmx into the record's page; on its own with the frame), an
upload or a new version posted to it, archiving a file, and the permission-checked download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.web import add_application_error, with_toast
from tradeloom.documents import selectors, services
from tradeloom.documents.capabilities import DOCUMENTS_ATTACH, DOCUMENTS_VIEW
from tradeloom.documents.downloads import file_response
from tradeloom.documents.forms import UploadForm
from tradeloom.documents.selectors import TargetRecord
from tradeloom.documents.uploads import declared_too_large, limit_uploads
from tradeloom.tenancy.web import TenantRequest, tenant_view


def _panel_url(request: TenantRequest, target: TargetRecord) -> str:
    kwargs = {"org_slug": request.organization.slug, "target_type": target.spec.key, "target_id": target.record.pk}
    return reverse("documents:panel", kwargs=kwargs)


def _render(
    request: TenantRequest, target: TargetRecord, *, form: UploadForm | None = None, status: int = 200
) -> HttpResponse:
    org = request.organization
    page_name, page_kwargs = target.spec.page(target.record)
    blank = UploadForm(auto_id=f"att-{target.record.pk}-%s")
    version_error_for = ""
    if form is not None and form.is_bound and form.errors:
        version_error_for = str(form.data.get("supersedes") or "")
    context = {
        "target": target,
        "documents": selectors.documents_of(organization=org, target=target),
        "form": form or blank,
        "blank_form": blank,
        "version_error_for": version_error_for,
        "can_attach": services.attach_allowed(membership=request.membership, target=target),
        "panel_url": _panel_url(request, target),
        "record_url": reverse(page_name, kwargs={"org_slug": org.slug, **page_kwargs}),
        "max_size": services.human_size(services.max_bytes()),
    }
    htmx = getattr(request, "htmx", None)
    template = "documents/_panel.html" if htmx else "documents/panel_page.html"
    return render(request, template, context, status=status)


def _finish(request: TenantRequest, target: TargetRecord, message: str) -> HttpResponse:
    if getattr(request, "htmx", None):
        return with_toast(_render(request, target), message)
    messages.success(request, message)
    return redirect(_panel_url(request, target))


@csrf_protect
def _upload(request: TenantRequest, target: TargetRecord, handler: Any) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES, auto_id=f"att-{target.record.pk}-%s")
    if handler.exceeded or declared_too_large(request, limit=services.max_bytes()):
        form.is_valid()
        form.errors.pop("file", None)
        add_application_error(form, services.too_large())
        return _render(request, target, form=form, status=200 if getattr(request, "htmx", None) else 413)
    if not form.is_valid():
        return _render(request, target, form=form)
    supersedes = None
    if form.cleaned_data.get("supersedes"):
        supersedes = selectors.attachment_of_target(
            organization=request.organization, target=target, pk=form.cleaned_data["supersedes"]
        )
        if supersedes is None:
            raise Http404("No such file.")
    try:
        attachment = services.attachment_upload(
            organization=request.organization,
            by=request.membership,
            target=target,
            upload=form.cleaned_data["file"],
            supersedes=supersedes,
        )
    except ApplicationError as error:
        if error.status == 403:
            raise PermissionDenied(error.message) from None
        add_application_error(form, error, field="file")
        return _render(request, target, form=form)
    # the toast travels in a header: ASCII only (a file's name may not be)
    return _finish(
        request, target, f"Version {attachment.version} attached." if attachment.version > 1 else "File attached."
    )


@csrf_exempt  # the upload's limit goes first among the handlers; ``_upload`` checks the CSRF token after that
@tenant_view(GET=DOCUMENTS_VIEW, POST=DOCUMENTS_ATTACH)
def panel_view(request: TenantRequest, target_type: str, target_id: Any) -> HttpResponse:
    """A record's files: its documents with their versions, download links and (for those who may attach) the
    upload form; a POST uploads a file or a new version (``supersedes``)."""
    handler = limit_uploads(request, limit=services.max_bytes()) if request.method == "POST" else None
    target = selectors.target_resolve(
        organization=request.organization, membership=request.membership, target_type=target_type, target_id=target_id
    )
    if request.method == "POST":
        return _upload(request, target, handler)
    return _render(request, target)


@tenant_view(GET=DOCUMENTS_VIEW)
def order_panel_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    """The order page's Files tab: the order's Attachments panel."""
    target = selectors.target_resolve(
        organization=request.organization, membership=request.membership, target_type="sales.order", target_id=order_id
    )
    return _render(request, target)


@tenant_view(POST=DOCUMENTS_ATTACH)
def archive_view(request: TenantRequest, record_file_id: Any) -> HttpResponse:
    found, target = selectors.attachment_visible_get(
        organization=request.organization, membership=request.membership, pk=record_file_id
    )
    try:
        services.attachment_archive(attachment=found, target=target, by=request.membership)
    except ApplicationError as error:
        raise PermissionDenied(error.message) from None
    return _finish(request, target, "File archived.")


@tenant_view(GET=DOCUMENTS_VIEW)
def download_view(request: TenantRequest, record_file_id: Any) -> FileResponse | HttpResponse:
    """A file, to a member who may see its record (404 otherwise); always as a download."""
    found, _ = selectors.attachment_visible_get(
        organization=request.organization, membership=request.membership, pk=record_file_id
    )
    try:
        return file_response(found)
    except FileNotFoundError:
        raise Http404("The file is no longer stored.") from None
