"""The attachments API: upload with the type read from the content, size and quota, versions, download through the
permission check, archive, the walls between members and organisations, audit rows and query budgets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.core.outbox import OutboxEntry
from tradeloom.documents import services
from tradeloom.documents.models import Attachment
from tradeloom.documents.tests.conftest import CSV, EXE, HTML, SVG, pdf_bytes, png_bytes, xlsx_bytes, zip_bytes
from tradeloom.documents.tests.factories import AttachmentFactory
from tradeloom.invoicing.tests.factories import InvoiceFactory
from tradeloom.lcs.tests.factories import LetterOfCreditFactory
from tradeloom.logistics.tests.factories import ShipmentFactory
from tradeloom.partners.tests.factories import CustomerFactory, SupplierFactory
from tradeloom.purchasing.tests.factories import PurchaseOrderFactory
from tradeloom.sales.models import Order
from tradeloom.sales.tests.factories import OrderFactory
from tradeloom.tenancy.models import Organization
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

URL = "/api/v1/o/{slug}/attachments/"


@dataclass
class Ctx:
    org: Any
    owner: Any
    merch: Any
    client: APIClient
    order: Any
    url: str


@pytest.fixture
def ctx(org, owner, member, api_as) -> Ctx:
    merch = member(Role.MERCHANDISER)
    order = OrderFactory(organization=org, merchandiser=merch)
    return Ctx(org, owner, merch, api_as(merch), order, URL.format(slug=org.slug))


def upload(ctx: Ctx, data: bytes, name: str = "spec.pdf", *, client: Any = None, target: Any = None, **extra: Any):
    target_type, target_id = target or ("sales.order", ctx.order.pk)
    body = {"target_type": target_type, "target_id": str(target_id), "file": SimpleUploadedFile(name, data), **extra}
    return (client or ctx.client).post(ctx.url, body, format="multipart")


def listing(ctx: Ctx, *, client: Any = None, target: Any = None):
    target_type, target_id = target or ("sales.order", ctx.order.pk)
    return (client or ctx.client).get(ctx.url, {"target_type": target_type, "target_id": str(target_id)})


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code, body
    return body


def stored(org: Any) -> list[Attachment]:
    with tenant_context(org):
        return list(Attachment.objects.filter(organization=org).order_by("created_at"))


def events(org: Any, action: str) -> list[AuditEvent]:
    with tenant_context(org):
        return list(AuditEvent.objects.filter(organization=org, action=action).order_by("created_at"))


# --- upload, list, detail, download -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_file_is_uploaded_listed_and_downloaded_through_the_api(ctx):
    data = pdf_bytes()
    created = upload(ctx, data, "Tech pack SS27.pdf")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "Tech pack SS27.pdf"
    assert (body["content_type"], body["size"], body["version"], body["is_latest"]) == (
        "application/pdf",
        len(data),
        1,
        True,
    )
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["document_id"] == body["id"]
    assert body["created_by"] == str(ctx.merch.user)

    listed = listing(ctx)
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]
    assert ctx.client.get(f"{ctx.url}{body['id']}/").json()["sha256"] == body["sha256"]

    download = ctx.client.get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Tech pack SS27.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    with tenant_context(ctx.org):
        kept = Attachment.objects.get(pk=body["id"])
    assert kept.file.name.startswith(f"attachments/{ctx.org.pk}/")
    assert kept.file.name.endswith(f"{kept.pk}.pdf")


@pytest.mark.django_db
def test_each_record_type_takes_attachments(ctx, owner, api_as):
    client = api_as(owner)
    records = {
        "purchasing.purchaseorder": PurchaseOrderFactory(organization=ctx.org),
        "logistics.shipment": ShipmentFactory(organization=ctx.org),
        "lcs.letterofcredit": LetterOfCreditFactory(organization=ctx.org),
        "invoicing.invoice": InvoiceFactory(organization=ctx.org),
        "partners.customer": CustomerFactory(organization=ctx.org),
        "partners.supplier": SupplierFactory(organization=ctx.org),
    }
    for target_type, record in records.items():
        response = upload(ctx, png_bytes(), "photo.png", client=client, target=(target_type, record.pk))
        assert response.status_code == 201, (target_type, response.content)
        listed = listing(ctx, client=client, target=(target_type, record.pk)).json()["results"]
        assert [row["target_type"] for row in listed] == [target_type]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (png_bytes(), "scan.png", "image/png"),
        (xlsx_bytes(), "sizes.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (CSV, "lines.csv", "text/csv"),
        (b"Shade approved by the buyer.\n", "note.txt", "text/plain"),
    ],
)
def test_images_office_documents_and_text_are_kept_with_the_type_of_their_content(ctx, data, name, content_type):
    response = upload(ctx, data, name, content_type="application/octet-stream")
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == content_type


@pytest.mark.django_db
def test_the_content_wins_over_the_name_and_the_declared_type(ctx):
    response = upload(ctx, png_bytes(), "invoice.pdf")
    assert response.status_code == 201
    assert (response.json()["content_type"], response.json()["name"]) == ("image/png", "invoice.png")


# --- refusals -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name"),
    [
        (EXE, "invoice.pdf"),  # an executable renamed .pdf
        (HTML, "statement.html"),
        (HTML, "statement.txt"),
        (SVG, "logo.svg"),
        (zip_bytes(), "docs.zip"),
        (xlsx_bytes(macro=True), "sizes.xlsm"),
    ],
    ids=["exe renamed pdf", "html", "html named txt", "svg with script", "zip", "macro workbook"],
)
def test_executables_markup_and_archives_are_refused_and_nothing_is_kept(ctx, data, name):
    body = problem(upload(ctx, data, name), 400, "unsupported_file_type")
    assert "file" in body["errors"]
    assert stored(ctx.org) == []
    assert events(ctx.org, "attachment.attached") == []


@pytest.mark.django_db
def test_an_empty_file_is_refused(ctx):
    body = problem(upload(ctx, b"", "empty.pdf"), 400, "empty_file")
    assert body["errors"]["file"] == ["The file is empty."]


@pytest.mark.django_db
def test_a_file_beyond_the_size_limit_is_refused_before_it_is_kept(ctx, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    # a zip-bomb-like upload: a large body of one repeated byte
    body = problem(upload(ctx, b"%PDF-1.4\n" + b"0" * 200_000, "bomb.pdf"), 413, "upload_too_large")
    assert body["max_bytes"] == 1024
    # just past the limit (the body is within Content-Length's allowance: caught while streaming in)
    problem(upload(ctx, b"%PDF-1.4\n" + b"0" * 1100, "big.pdf"), 413, "upload_too_large")
    assert stored(ctx.org) == []
    assert upload(ctx, b"%PDF-1.4\n" + b"0" * 900, "fits.pdf").status_code == 201


@pytest.mark.django_db
def test_the_organisations_quota_is_kept(ctx, settings, other_org):
    first = pdf_bytes("one")
    settings.ATTACHMENT_QUOTA_BYTES = len(first) + 100
    assert upload(ctx, first).status_code == 201
    body = problem(upload(ctx, pdf_bytes("two")), 409, "quota_exceeded")
    assert (body["quota_bytes"], body["used_bytes"]) == (len(first) + 100, len(first))
    assert len(stored(ctx.org)) == 1
    # another organisation's files do not count; archiving frees room
    AttachmentFactory(organization=other_org, size=10**9)
    kept = stored(ctx.org)[0]
    assert ctx.client.delete(f"{ctx.url}{kept.pk}/").status_code == 204
    assert upload(ctx, pdf_bytes("two")).status_code == 201


@pytest.mark.django_db
def test_a_bad_target_is_a_validation_error_or_a_404(ctx):
    problem(ctx.client.get(ctx.url, {"target_type": "sales.order"}), 400, "validation_error")
    problem(
        ctx.client.get(ctx.url, {"target_type": "auth.user", "target_id": str(ctx.order.pk)}), 400, "validation_error"
    )
    problem(listing(ctx, target=("sales.order", ctx.merch.pk)), 404, "not_found")
    problem(upload(ctx, pdf_bytes(), target=("partners.customer", ctx.order.pk)), 404, "not_found")


# --- versions -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_version_supersedes_the_current_one_and_keeps_the_old_readable(ctx):
    first = upload(ctx, pdf_bytes("v1"), "Spec.pdf").json()
    second = upload(ctx, pdf_bytes("v2"), "Spec rev B.pdf", supersedes=first["id"])
    assert second.status_code == 201, second.content
    new = second.json()
    assert (new["version"], new["supersedes"], new["document_id"]) == (2, first["id"], first["id"])
    rows = {row["id"]: row for row in listing(ctx).json()["results"]}
    assert (rows[first["id"]]["is_latest"], rows[new["id"]]["is_latest"]) == (False, True)
    old = ctx.client.get(first["download_url"])
    assert b"".join(old.streaming_content) == pdf_bytes("v1")

    # only the current version may be superseded
    body = problem(upload(ctx, pdf_bytes("v2b"), supersedes=first["id"]), 409, "not_latest_version")
    assert body["latest_id"] == new["id"]
    # archiving the current version makes the previous one current again
    assert ctx.client.delete(f"{ctx.url}{new['id']}/").status_code == 204
    third = upload(ctx, pdf_bytes("v3"), supersedes=first["id"]).json()
    assert (third["version"], third["supersedes"]) == (3, first["id"])
    [version_event] = events(ctx.org, "attachment.version_added")[:1]
    assert version_event.changes["version"] == [1, 2]


@pytest.mark.django_db
def test_a_version_of_another_records_file_is_refused(ctx):
    other_order = OrderFactory(organization=ctx.org, merchandiser=ctx.merch)
    theirs = upload(ctx, pdf_bytes(), target=("sales.order", other_order.pk)).json()
    body = problem(upload(ctx, pdf_bytes(), supersedes=theirs["id"]), 400, "validation_error")
    assert "supersedes" in body["errors"]


# --- archive and audit ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_archiving_hides_the_file_audits_and_removes_its_bytes_after_the_commit(
    ctx, django_capture_on_commit_callbacks
):
    created = upload(ctx, pdf_bytes(), "Spec.pdf").json()
    with tenant_context(ctx.org):
        kept = Attachment.objects.get(pk=created["id"])
    storage, name = kept.file.storage, kept.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        assert ctx.client.delete(f"{ctx.url}{created['id']}/").status_code == 204
    assert listing(ctx).json()["results"] == []
    problem(ctx.client.get(created["download_url"]), 404, "not_found")
    problem(ctx.client.delete(f"{ctx.url}{created['id']}/"), 404, "not_found")
    [archived] = events(ctx.org, "attachment.archived")
    assert archived.target_id == created["id"]
    with tenant_context(ctx.org):
        entry = OutboxEntry.objects.get(task=services.REMOVE_TASK)
    assert entry.kwargs["attachment_id"] == created["id"]
    assert not storage.exists(name)  # the eager task ran after the commit
    assert stored(ctx.org)[0].archived_at is not None  # the row stays


@pytest.mark.django_db
def test_every_write_is_audited_with_a_sentence(ctx):
    from tradeloom.audit.sentences import describe

    first = upload(ctx, pdf_bytes(), "Spec.pdf").json()
    upload(ctx, pdf_bytes("b"), "Spec.pdf", supersedes=first["id"])
    ctx.client.delete(f"{ctx.url}{first['id']}/")
    with tenant_context(ctx.org):
        found = list(AuditEvent.objects.filter(organization=ctx.org, target_type="documents.attachment"))
        texts = sorted(d.text for d in describe(found))
    who = str(ctx.merch.user)
    assert texts == sorted(
        [
            f"{who} attached “Spec.pdf” to order {ctx.order.number}",
            f"{who} uploaded version 2 of “Spec.pdf” to order {ctx.order.number}",
            f"{who} archived “Spec.pdf” on order {ctx.order.number}",
        ]
    )


# --- permissions and walls ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_viewer_may_list_and_download_but_not_upload_or_archive(ctx, member, api_as):
    created = upload(ctx, pdf_bytes()).json()
    viewer = api_as(member(Role.VIEWER))
    assert [r["id"] for r in listing(ctx, client=viewer).json()["results"]] == [created["id"]]
    assert viewer.get(created["download_url"]).status_code == 200
    problem(upload(ctx, pdf_bytes(), client=viewer), 403, "permission_denied")
    problem(viewer.delete(f"{ctx.url}{created['id']}/"), 403, "permission_denied")


@pytest.mark.django_db
def test_attaching_needs_the_records_own_manage_capability(ctx, member, api_as):
    accounts = api_as(member(Role.ACCOUNTS))  # may attach in general (invoices, LCs), not to an order
    created = upload(ctx, pdf_bytes()).json()
    problem(upload(ctx, pdf_bytes(), client=accounts), 403, "permission_denied")
    problem(accounts.delete(f"{ctx.url}{created['id']}/"), 403, "permission_denied")
    invoice = InvoiceFactory(organization=ctx.org)
    assert upload(ctx, pdf_bytes(), client=accounts, target=("invoicing.invoice", invoice.pk)).status_code == 201


@pytest.mark.django_db
def test_a_restricted_merchandiser_cannot_reach_another_merchandisers_order_files(ctx, member, api_as):
    created = upload(ctx, pdf_bytes()).json()
    other_merch = member(Role.MERCHANDISER)
    Organization.objects.filter(pk=ctx.org.pk).update(settings={"merchandisers_see_all_orders": False})
    other = api_as(other_merch)
    problem(listing(ctx, client=other), 404, "not_found")
    problem(other.get(f"{ctx.url}{created['id']}/"), 404, "not_found")
    problem(other.get(created["download_url"]), 404, "not_found")
    problem(other.delete(f"{ctx.url}{created['id']}/"), 404, "not_found")
    problem(upload(ctx, pdf_bytes(), client=other), 404, "not_found")
    assert listing(ctx).status_code == 200  # the order's own merchandiser still sees them


@pytest.mark.django_db
def test_another_organisations_files_and_records_are_404(ctx, other_org, member, api_as):
    theirs = AttachmentFactory(organization=other_org)
    with tenant_context(other_org):
        their_order = Order.objects.get(pk=theirs.target_id)
    url = f"{ctx.url}{theirs.pk}/"
    for response in (
        ctx.client.get(url),
        ctx.client.get(f"{url}download/"),
        ctx.client.delete(url),
        listing(ctx, target=("sales.order", their_order.pk)),
        upload(ctx, pdf_bytes(), target=("sales.order", their_order.pk)),
        upload(ctx, pdf_bytes(), supersedes=str(theirs.pk)),
    ):
        assert response.status_code in (404, 400), response.content
        assert response.json()["code"] in ("not_found", "validation_error")
    with tenant_context(other_org):
        assert Attachment.objects.get(pk=theirs.pk).archived_at is None
    assert stored(ctx.org) == []


# --- query budgets --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_costs_the_same_whatever_the_number_of_files(ctx, django_assert_max_num_queries):
    first = upload(ctx, pdf_bytes()).json()
    for n in range(5):
        upload(ctx, png_bytes(), f"photo {n}.png")
    upload(ctx, pdf_bytes("b"), supersedes=first["id"])
    with django_assert_max_num_queries(budget("api.attachments.list")):
        response = listing(ctx)
    assert len(response.json()["results"]) == 7
    with django_assert_max_num_queries(budget("api.attachments.detail")):
        assert ctx.client.get(f"{ctx.url}{first['id']}/").status_code == 200
    with django_assert_max_num_queries(budget("api.attachments.download")):
        assert ctx.client.get(first["download_url"]).status_code == 200


@pytest.mark.django_db
def test_an_upload_costs_a_fixed_number_of_statements(ctx, django_assert_max_num_queries):
    for n in range(3):
        upload(ctx, png_bytes(), f"photo {n}.png")
    with django_assert_max_num_queries(budget("api.attachments.upload")):
        assert upload(ctx, pdf_bytes()).status_code == 201
