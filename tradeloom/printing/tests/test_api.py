"""PDFs through the API and the worker: a POST answers 202 with a job, the once-only task (through the outbox) makes
the PDF and keeps it as a generated attachment version; regenerating makes version n + 1; the walls between
members and organisations; capabilities; audit rows; query budgets."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.core.models import Job, OutboxEntry
from tradeloom.documents.models import Attachment
from tradeloom.printing.jobs import GENERATE_TASK
from tradeloom.printing.models import PrintedDocument
from tradeloom.printing.tests.conftest import pdf_text
from tradeloom.printing.tests.factories import PrintProfileFactory
from tradeloom.proformas.tests.factories import ProformaLineFactory
from tradeloom.purchasing.tests.factories import PurchaseOrderFactory, PurchaseOrderLineFactory
from tradeloom.sales.tests.factories import LineFactory, OrderFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget


def pdf_url(org: Any, kind: str, pk: Any, suffix: str = "") -> str:
    return f"/api/v1/o/{org.slug}/pdfs/{kind}/{pk}/{suffix}"


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def po(org):
    PrintProfileFactory(organization=org)
    po = PurchaseOrderFactory(organization=org, notes="First terms")
    PurchaseOrderLineFactory(organization=org, purchase_order=po, material_name="Cotton yarn 30/1")
    return po


def make(client: Any, url: str, capture: Any) -> Any:
    with capture(execute=True):
        response = client.post(url)
    assert response.status_code == 202, response.content
    return response


def generated(org: Any) -> list[Attachment]:
    with tenant_context(org):
        return list(Attachment.objects.filter(organization=org, source="generated").order_by("version"))


@pytest.mark.django_db
def test_a_pdf_is_made_in_the_worker_kept_as_an_attachment_and_downloaded(
    org, owner, api_as, po, django_capture_on_commit_callbacks
):
    client = api_as(owner)
    started = make(client, pdf_url(org, "purchase-order", po.pk), django_capture_on_commit_callbacks)
    assert started.json()["status"] == "queued"
    assert started.json()["document_kind"] == "purchase-order"
    job = client.get(started["Location"]).json()
    assert job["status"] == "succeeded", job
    assert job["attachment"]["version"] == 1
    assert job["attachment"]["source"] == "generated"
    assert job["attachment"]["name"] == f"{po.number.lower()}-purchase-order.pdf"
    assert job["attachment"]["content_type"] == "application/pdf"

    status = client.get(pdf_url(org, "purchase-order", po.pk)).json()
    assert status["latest"]["id"] == job["attachment"]["id"]
    assert status["pending"] is None
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    text = pdf_text(body(download))
    assert po.number in text
    assert "Cotton yarn 30/1" in text
    # the same bytes through the kind's own download route, and the record's attachments list shows it
    assert body(client.get(pdf_url(org, "purchase-order", po.pk, "download/"))) == body(
        client.get(status["download_url"])
    )
    listed = client.get(
        f"/api/v1/o/{org.slug}/attachments/", {"target_type": "purchasing.purchaseorder", "target_id": str(po.pk)}
    ).json()["results"]
    assert [row["source"] for row in listed] == ["generated"]


@pytest.mark.django_db
def test_regenerating_after_a_change_makes_the_next_version_and_keeps_the_old_readable(
    org, owner, api_as, po, django_capture_on_commit_callbacks
):
    client = api_as(owner)
    make(client, pdf_url(org, "purchase-order", po.pk), django_capture_on_commit_callbacks)
    po.notes = "Second terms"
    with tenant_context(org):
        po.save(update_fields=["notes"])
    make(client, pdf_url(org, "purchase-order", po.pk), django_capture_on_commit_callbacks)

    first, second = generated(org)
    assert (first.version, second.version) == (1, 2)
    assert second.document_id == first.document_id
    assert second.supersedes_id == first.pk
    assert "First terms" in pdf_text(first.file.open("rb").read())
    assert "Second terms" in pdf_text(second.file.open("rb").read())
    latest = body(client.get(pdf_url(org, "purchase-order", po.pk, "download/")))
    assert "Second terms" in pdf_text(latest)
    with tenant_context(org):
        assert PrintedDocument.objects.get(target_id=po.pk).generated_count == 2


@pytest.mark.django_db
def test_the_task_goes_through_the_outbox_and_runs_once(org, owner, api_as, po, django_capture_on_commit_callbacks):
    client = api_as(owner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = client.post(pdf_url(org, "purchase-order", po.pk))
    with tenant_context(org):
        entry = OutboxEntry.objects.get(task=GENERATE_TASK)
    assert entry.kwargs == {"job_id": started.json()["id"], "organization_id": str(org.pk)}
    assert generated(org) == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(generated(org)) == 1
    # a redelivery of the same entry finds it done and makes nothing
    from config.celery import app

    app.tasks[GENERATE_TASK].apply(kwargs={**entry.kwargs, "outbox_id": str(entry.pk)})
    assert len(generated(org)) == 1


@pytest.mark.django_db
def test_each_kind_of_record_gets_its_pdf(org, owner, api_as, django_capture_on_commit_callbacks):
    from tradeloom.invoicing.tests.factories import InvoiceLineFactory
    from tradeloom.logistics.tests.factories import ShipmentLineFactory

    client = api_as(owner)
    records = {
        "proforma-invoice": ProformaLineFactory(organization=org).proforma,
        "commercial-invoice": InvoiceLineFactory(organization=org).invoice,
        "packing-list": ShipmentLineFactory(organization=org).shipment,
        "order-confirmation": LineFactory(organization=org).order,
    }
    for kind, record in records.items():
        started = make(client, pdf_url(org, kind, record.pk), django_capture_on_commit_callbacks)
        job = client.get(started["Location"]).json()
        assert job["status"] == "succeeded", (kind, job)
        text = pdf_text(body(client.get(pdf_url(org, kind, record.pk, "download/"))))
        assert record.number in text, kind
    assert {a.target_type for a in generated(org)} == {
        "proformas.proformainvoice",
        "invoicing.invoice",
        "logistics.shipment",
        "sales.order",
    }


@pytest.mark.django_db
def test_the_starts_and_the_versions_are_audited(org, owner, api_as, po, django_capture_on_commit_callbacks):
    client = api_as(owner)
    make(client, pdf_url(org, "purchase-order", po.pk), django_capture_on_commit_callbacks)
    make(client, pdf_url(org, "purchase-order", po.pk), django_capture_on_commit_callbacks)
    with tenant_context(org):
        actions = list(
            AuditEvent.objects.filter(organization=org).order_by("created_at").values_list("action", "actor_id")
        )
    assert [a for a, _ in actions] == ["job.started", "attachment.attached", "job.started", "attachment.version_added"]
    assert {actor for _, actor in actions} == {owner.user_id}


@pytest.mark.django_db
def test_a_pdf_beyond_the_quota_fails_its_job_with_the_reason(
    org, owner, api_as, po, settings, django_capture_on_commit_callbacks
):
    settings.ATTACHMENT_QUOTA_BYTES = 100
    client = api_as(owner)
    started = make(client, pdf_url(org, "purchase-order", po.pk), django_capture_on_commit_callbacks)
    job = client.get(started["Location"]).json()
    assert job["status"] == "failed"
    assert "quota" in job["message"]
    assert job["attachment"] is None
    assert generated(org) == []
    assert client.get(pdf_url(org, "purchase-order", po.pk, "download/")).status_code == 404


@pytest.mark.django_db
def test_another_organisations_records_and_jobs_are_404(
    org, other_org, owner, api_as, django_capture_on_commit_callbacks
):
    theirs = PurchaseOrderLineFactory(organization=other_org).purchase_order
    client = api_as(owner)
    for method, suffix in (("get", ""), ("post", ""), ("get", "download/")):
        response = getattr(client, method)(pdf_url(org, "purchase-order", theirs.pk, suffix))
        assert response.status_code == 404, (method, suffix)
        assert response.json()["code"] == "not_found"
    with tenant_context(other_org):
        job = Job.objects.create(
            organization=other_org,
            kind="printing.pdf",
            parameters={"kind": "purchase-order", "target_id": str(theirs.pk)},
        )
    assert client.get(f"/api/v1/o/{org.slug}/pdfs/jobs/{job.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_viewer_may_read_but_not_make_pdfs(org, member, api_as, po):
    viewer = api_as(member(Role.VIEWER))
    assert viewer.get(pdf_url(org, "purchase-order", po.pk)).status_code == 200
    refused = viewer.post(pdf_url(org, "purchase-order", po.pk))
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"


@pytest.mark.django_db
def test_a_restricted_merchandiser_cannot_print_another_merchandisers_order(org, member, api_as):
    org.settings = {**(org.settings or {}), "merchandisers_see_all_orders": False}
    with tenant_context(org):
        org.save(update_fields=["settings"])
    mine, theirs = member(Role.MERCHANDISER), member(Role.MERCHANDISER)
    own = OrderFactory(organization=org, merchandiser=mine)
    other = OrderFactory(organization=org, merchandiser=theirs)
    client = api_as(mine)
    assert client.get(pdf_url(org, "order-confirmation", own.pk)).status_code == 200
    assert client.post(pdf_url(org, "order-confirmation", other.pk)).status_code == 404
    assert client.get(pdf_url(org, "order-confirmation", other.pk)).status_code == 404


@pytest.mark.django_db
def test_the_status_costs_the_same_whatever_the_number_of_versions(
    org, owner, api_as, po, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client = api_as(owner)
    url = pdf_url(org, "purchase-order", po.pk)
    with django_assert_max_num_queries(budget("api.printing.pdf")):
        assert client.get(url).status_code == 200
    for _ in range(3):
        make(client, url, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(budget("api.printing.pdf")):
        assert client.get(url).json()["latest"]["version"] == 3


@pytest.mark.django_db
def test_making_a_pdf_costs_the_same_for_one_line_or_forty(org, owner, api_as, django_capture_on_commit_callbacks):
    PrintProfileFactory(organization=org)
    client = api_as(owner)
    counts = []
    for lines in (1, 40):
        po = PurchaseOrderFactory(organization=org)
        for n in range(lines):
            PurchaseOrderLineFactory(organization=org, purchase_order=po, material_name=f"Yarn {n}")
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            assert client.post(pdf_url(org, "purchase-order", po.pk)).status_code == 202
        counts.append(len(queries))
    assert counts[0] == counts[1] <= budget("printing.generate_pdf"), counts
