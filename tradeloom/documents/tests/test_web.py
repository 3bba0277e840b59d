"""The Attachments panel: on the order page (its Files tab) and on the PO, shipment, LC, invoice, customer and supplier
pages; uploads and new versions with the refusal next to the field, archiving, downloads, who sees what."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tradeloom.core.context import tenant_context
from tradeloom.documents.models import Attachment
from tradeloom.documents.tests.conftest import EXE, pdf_bytes, png_bytes
from tradeloom.invoicing.tests.factories import InvoiceFactory
from tradeloom.lcs.tests.factories import LetterOfCreditFactory
from tradeloom.logistics.tests.factories import ShipmentFactory
from tradeloom.partners.tests.factories import CustomerFactory, SupplierFactory
from tradeloom.purchasing.tests.factories import PurchaseOrderLineFactory
from tradeloom.sales.tests.factories import LineFactory
from tradeloom.tenancy.models import Organization
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

HTMX = {"HTTP_HX_REQUEST": "true"}


def browser(membership: Any) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def web(org, member) -> dict[str, Any]:
    merch = member(Role.MERCHANDISER)
    order = LineFactory(organization=org, order__merchandiser=merch).order
    panel = f"/o/{org.slug}/attachments/sales.order/{order.pk}/"
    return {"org": org, "merch": merch, "order": order, "client": browser(merch), "panel": panel}


def post_file(client: Client, url: str, data: bytes, name: str, **extra: Any) -> Any:
    return client.post(url, {"file": SimpleUploadedFile(name, data), **extra}, **HTMX)


def files_of(org: Any) -> list[Attachment]:
    with tenant_context(org):
        return list(Attachment.objects.filter(organization=org, archived_at__isnull=True).order_by("created_at"))


@pytest.mark.django_db
def test_the_order_page_has_a_files_tab_that_loads_the_panel(web):
    page = web["client"].get(f"/o/{web['org'].slug}/orders/{web['order'].pk}/?tab=files")
    assert page.status_code == 200
    tab_url = f"/o/{web['org'].slug}/orders/{web['order'].pk}/attachments/"
    assert f'hx-get="{tab_url}"'.encode() in page.content
    assert b">Files<" in page.content
    tab = web["client"].get(tab_url, **HTMX)
    assert tab.status_code == 200
    assert b"No files attached yet." in tab.content
    assert f'hx-post="{web["panel"]}"'.encode() in tab.content


@pytest.mark.django_db
def test_every_record_page_carries_the_attachments_card(org, owner):
    client = browser(owner)
    po = PurchaseOrderLineFactory(organization=org).purchase_order
    records = [
        ("purchasing.purchaseorder", po, f"/o/{org.slug}/purchase-orders/{po.pk}/"),
        *(
            (kind, record, path.format(pk=record.pk))
            for kind, record, path in (
                ("logistics.shipment", ShipmentFactory(organization=org), f"/o/{org.slug}/shipments/{{pk}}/"),
                ("lcs.letterofcredit", LetterOfCreditFactory(organization=org), f"/o/{org.slug}/lcs/{{pk}}/"),
                ("invoicing.invoice", InvoiceFactory(organization=org), f"/o/{org.slug}/invoices/{{pk}}/"),
                ("partners.customer", CustomerFactory(organization=org), f"/o/{org.slug}/customers/{{pk}}/"),
                ("partners.supplier", SupplierFactory(organization=org), f"/o/{org.slug}/suppliers/{{pk}}/"),
            )
        ),
    ]
    for kind, record, path in records:
        page = client.get(path)
        assert page.status_code == 200, (kind, page.status_code)
        panel = f"/o/{org.slug}/attachments/{kind}/{record.pk}/"
        assert f'hx-get="{panel}"'.encode() in page.content, kind
        upload = post_file(client, panel, png_bytes(), "photo.png")
        assert upload.status_code == 200, kind
        assert b"photo.png" in upload.content, kind
        alone = client.get(panel)  # without htmx: the panel in the frame, with a way back to the record
        assert alone.status_code == 200
        assert f'href="{path}"'.encode() in alone.content, kind


@pytest.mark.django_db
def test_an_upload_shows_in_the_panel_with_a_toast(web):
    response = post_file(web["client"], web["panel"], pdf_bytes(), "Tech pack.pdf")
    assert response.status_code == 200
    assert "toast" in response["HX-Trigger"]
    assert b"Tech pack.pdf" in response.content
    [kept] = files_of(web["org"])
    assert f"/o/{web['org'].slug}/attachments/{kept.pk}/download/".encode() in response.content


@pytest.mark.django_db
def test_a_refused_file_is_told_next_to_the_field_and_nothing_is_kept(web):
    response = post_file(web["client"], web["panel"], EXE, "invoice.pdf")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="field-error"' in html
    assert "not accepted" in html
    assert 'aria-invalid="true"' in html
    assert files_of(web["org"]) == []


@pytest.mark.django_db
def test_a_file_beyond_the_limit_is_told_next_to_the_field(web, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    response = post_file(web["client"], web["panel"], b"%PDF-1.4\n" + b"0" * 5000, "big.pdf")
    assert b"larger than" in response.content
    assert files_of(web["org"]) == []


@pytest.mark.django_db
def test_a_new_version_from_the_panel_keeps_the_old_one_listed(web):
    post_file(web["client"], web["panel"], pdf_bytes("one"), "Spec.pdf")
    [first] = files_of(web["org"])
    response = post_file(web["client"], web["panel"], pdf_bytes("two"), "Spec.pdf", supersedes=str(first.pk))
    assert b"Version 2" in response.content
    assert b"Earlier versions (1)" in response.content
    refused = post_file(web["client"], web["panel"], EXE, "Spec.pdf", supersedes=str(files_of(web["org"])[-1].pk))
    html = refused.content.decode()
    assert "not accepted" in html
    assert " open>" in html  # the version's form stays open with its error
    assert [a.version for a in files_of(web["org"])] == [1, 2]


@pytest.mark.django_db
def test_archiving_from_the_panel(web):
    post_file(web["client"], web["panel"], pdf_bytes(), "Spec.pdf")
    [kept] = files_of(web["org"])
    response = web["client"].post(f"/o/{web['org'].slug}/attachments/{kept.pk}/archive/", **HTMX)
    assert response.status_code == 200
    assert b"No files attached yet." in response.content
    assert files_of(web["org"]) == []


@pytest.mark.django_db
def test_without_htmx_an_upload_redirects_back_to_the_panel(web):
    response = web["client"].post(web["panel"], {"file": SimpleUploadedFile("a.pdf", pdf_bytes())})
    assert response.status_code == 302
    assert response["Location"] == web["panel"]


@pytest.mark.django_db
def test_a_viewer_downloads_but_sees_no_upload_form_and_may_not_post(web, member):
    post_file(web["client"], web["panel"], pdf_bytes(), "Spec.pdf")
    [kept] = files_of(web["org"])
    viewer = browser(member(Role.VIEWER))
    panel = viewer.get(web["panel"], **HTMX)
    assert b"Spec.pdf" in panel.content
    assert b"Attach a file" not in panel.content
    assert b"Archive" not in panel.content
    download = viewer.get(f"/o/{web['org'].slug}/attachments/{kept.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"].startswith("sandbox")
    assert post_file(viewer, web["panel"], pdf_bytes(), "x.pdf").status_code == 403
    assert viewer.post(f"/o/{web['org'].slug}/attachments/{kept.pk}/archive/").status_code == 403


@pytest.mark.django_db
def test_a_restricted_merchandiser_cannot_open_another_merchandisers_order_files(web, member):
    post_file(web["client"], web["panel"], pdf_bytes(), "Spec.pdf")
    [kept] = files_of(web["org"])
    Organization.objects.filter(pk=web["org"].pk).update(settings={"merchandisers_see_all_orders": False})
    other = browser(member(Role.MERCHANDISER))
    assert other.get(web["panel"]).status_code == 404
    assert other.get(f"/o/{web['org'].slug}/attachments/{kept.pk}/download/").status_code == 404
    assert other.post(f"/o/{web['org'].slug}/attachments/{kept.pk}/archive/").status_code == 404
    assert post_file(other, web["panel"], pdf_bytes(), "x.pdf").status_code == 404


@pytest.mark.django_db
def test_the_panel_costs_the_same_whatever_the_number_of_files(web, django_assert_max_num_queries):
    post_file(web["client"], web["panel"], pdf_bytes(), "Spec.pdf")
    [first] = files_of(web["org"])
    for n in range(4):
        post_file(web["client"], web["panel"], png_bytes(), f"photo {n}.png")
    post_file(web["client"], web["panel"], pdf_bytes("b"), "Spec.pdf", supersedes=str(first.pk))
    with django_assert_max_num_queries(budget("web.attachments.panel")):
        response = web["client"].get(web["panel"], **HTMX)
    assert response.content.count(b"data-attachment=") == 5


@pytest.mark.django_db
def test_an_upload_without_the_csrf_token_is_refused(web):
    client = Client(enforce_csrf_checks=True)
    client.force_login(web["merch"].user)
    response = client.post(web["panel"], {"file": SimpleUploadedFile("a.pdf", pdf_bytes())}, **HTMX)
    assert response.status_code == 403
    assert files_of(web["org"]) == []
