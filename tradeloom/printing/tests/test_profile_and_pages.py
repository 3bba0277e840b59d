"""The print profile (API and page: changes audited, a stale version refused, the logo checked by its content)
and the pages: a record's PDF panel (made, polled, downloaded) and the PDF button on each record's page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.documents.tests.conftest import EXE, png_bytes
from tradeloom.printing.models import PrintProfile
from tradeloom.printing.tests.factories import PrintProfileFactory
from tradeloom.purchasing.tests.factories import PurchaseOrderLineFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget


def browser(membership: Any) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def profile_url(org: Any) -> str:
    return f"/api/v1/o/{org.slug}/print-profile/"


@pytest.mark.django_db
def test_the_profile_is_empty_until_set_then_changes_are_audited(org, owner, api_as, django_assert_max_num_queries):
    client = api_as(owner)
    with django_assert_max_num_queries(budget("api.printing.profile")):
        empty = client.get(profile_url(org)).json()
    assert empty["id"] is None
    assert empty["company_name"] == ""
    assert empty["version"] == 0

    saved = client.patch(profile_url(org), {"company_name": "Acme Ltd", "bank_details": "SWIFT: X"}, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["company_name"] == "Acme Ltd"
    assert saved.json()["version"] == 1
    changed = client.patch(profile_url(org), {"footer": "Dhaka", "version": 1}, format="json")
    assert changed.json()["version"] == 2
    assert changed.json()["bank_details"] == "SWIFT: X"
    stale = client.patch(profile_url(org), {"footer": "Chattogram", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "profile_changed"
    with tenant_context(org):
        events = list(AuditEvent.objects.filter(action="print_profile.changed").order_by("created_at"))
    assert len(events) == 2
    assert events[1].changes == {"footer": ["", "Dhaka"]}


@pytest.mark.django_db
def test_the_logo_is_a_png_or_jpeg_read_from_its_content(org, owner, api_as):
    client = api_as(owner)
    url = f"{profile_url(org)}files/"
    refused = client.put(url, {"logo": SimpleUploadedFile("logo.png", EXE)}, format="multipart")
    assert refused.status_code == 400
    assert refused.json()["code"] == "unsupported_file_type"
    kept = client.put(url, {"logo": SimpleUploadedFile("logo.png", png_bytes())}, format="multipart")
    assert kept.status_code == 200, kept.content
    assert kept.json()["logo_url"].endswith("/print-profile/files/")
    shown = client.get(url)
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/png"
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_only_managers_owners_and_admins_change_the_profile(org, member, api_as):
    for role in (Role.VIEWER, Role.MERCHANDISER, Role.ACCOUNTS):
        response = api_as(member(role)).patch(profile_url(org), {"footer": "x"}, format="json")
        assert response.status_code == 403, role
    assert api_as(member(Role.MANAGER)).patch(profile_url(org), {"footer": "x"}, format="json").status_code == 200


@pytest.mark.django_db
def test_the_profile_page_saves_and_shows_errors_next_to_the_field(org, owner, django_assert_max_num_queries):
    client = browser(owner)
    url = f"/o/{org.slug}/print/profile/"
    with django_assert_max_num_queries(budget("web.printing.profile")):
        page = client.get(url)
    assert page.status_code == 200
    assert b"Print profile" in page.content
    bad = client.post(url, {"company_name": "Acme", "logo_file": SimpleUploadedFile("x.png", EXE)})
    assert bad.status_code == 200
    assert b"PNG or JPEG" in bad.content
    with tenant_context(org):
        assert not PrintProfile.objects.filter(organization=org).exists()
    saved = client.post(url, {"company_name": "Acme", "signature_block": "For Acme", "logo_file": ""})
    assert saved.status_code == 302
    with tenant_context(org):
        assert PrintProfile.objects.get(organization=org).signature_block == "For Acme"


@pytest.mark.django_db
def test_the_record_page_has_the_pdf_button_and_the_panel_makes_and_shows_the_pdf(
    org, owner, member, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    PrintProfileFactory(organization=org)
    po = PurchaseOrderLineFactory(organization=org).purchase_order
    client = browser(owner)
    page = client.get(f"/o/{org.slug}/purchase-orders/{po.pk}/")
    assert page.status_code == 200
    panel_url = f"/o/{org.slug}/print/purchase-order/{po.pk}/"
    assert panel_url.encode() in page.content

    with django_assert_max_num_queries(budget("web.printing.panel")):
        panel = client.get(panel_url, HTTP_HX_REQUEST="true")
    assert b"Make purchase order PDF" in panel.content
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post(panel_url, HTTP_HX_REQUEST="true")
    assert made.status_code == 200
    assert b"Making the PDF" in made.content
    polled = client.get(
        f"/o/{org.slug}/print/jobs/{made.content.split(b'/print/jobs/')[1][:36].decode()}/", HTTP_HX_REQUEST="true"
    )
    assert b"Purchase order PDF" in polled.content
    assert b"v1" in polled.content
    assert b"Regenerate purchase order PDF" in polled.content
    # a viewer sees the PDF, not the button
    seen = browser(member(Role.VIEWER)).get(panel_url, HTTP_HX_REQUEST="true")
    assert b"v1" in seen.content
    assert b"Regenerate" not in seen.content


@pytest.mark.django_db
def test_every_printed_records_page_carries_the_button(org, owner):
    from tradeloom.invoicing.tests.factories import InvoiceLineFactory
    from tradeloom.logistics.tests.factories import ShipmentLineFactory
    from tradeloom.proformas.tests.factories import ProformaLineFactory
    from tradeloom.sales.tests.factories import LineFactory

    client = browser(owner)
    pages = {
        "proforma-invoice": ("proformas", ProformaLineFactory(organization=org).proforma),
        "commercial-invoice": ("invoices", InvoiceLineFactory(organization=org).invoice),
        "packing-list": ("shipments", ShipmentLineFactory(organization=org).shipment),
        "order-confirmation": ("orders", LineFactory(organization=org).order),
    }
    for kind, (segment, record) in pages.items():
        page = client.get(f"/o/{org.slug}/{segment}/{record.pk}/")
        assert page.status_code == 200, kind
        assert f"/o/{org.slug}/print/{kind}/{record.pk}/".encode() in page.content, kind
