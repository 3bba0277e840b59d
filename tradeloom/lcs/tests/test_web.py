"""LC pages: the list with its filters, an LC's page (terms with amended markers, utilisation, amendments,
presentations, timeline), recording and editing, amending, drawing with errors by their fields, the exposure page,
capabilities and other organisations' LCs, and the pages' query budgets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from tradeloom.core.context import tenant_context
from tradeloom.lcs import services
from tradeloom.lcs.models import LetterOfCredit
from tradeloom.lcs.tests.conftest import DAY, TODAY, lc_make
from tradeloom.lcs.tests.factories import LetterOfCreditFactory
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


def client_for(membership):
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def web(ctx):
    ctx["client"] = client_for(ctx["accounts"])
    ctx["base"] = f"/o/{ctx['org'].slug}/lcs/"
    return ctx


def test_list_and_filters(web, django_assert_max_num_queries):
    with tenant_context(web["org"]):
        lc_make(web, number="LIST-1")
        lc_make(web, number="LIST-2", issuing_bank="HSBC")
    with django_assert_max_num_queries(budget("web.lcs.list")):
        page = web["client"].get(web["base"])
    assert page.status_code == 200
    assert b"LIST-1" in page.content
    assert b"LIST-2" in page.content
    assert b"Letters of credit" in page.content
    filtered = web["client"].get(web["base"], {"q": "LIST-2"})
    assert b"LIST-2" in filtered.content
    assert b"LIST-1" not in filtered.content


def test_the_detail_shows_amended_terms_and_utilisation(web, django_assert_max_num_queries):
    with tenant_context(web["org"]):
        lc = lc_make(web, tolerance_percent=Decimal(5))
        services.utilisation_draw(
            organization=web["org"],
            by=web["accounts"],
            lc=lc,
            amount=Decimal("40000.00"),
            currency="USD",
            shipped_on=None,
            invoice_reference="INV-9",
        )
        amendment = services.amendment_propose(lc=lc, by=web["accounts"], changes={"amount": "120000.00"})
        services.amendment_accept(amendment=amendment, by=web["accounts"])
        drawing = lc.utilisations.first()
        presentation = services.presentation_add(lc=lc, by=web["accounts"], utilisation=drawing)
        services.discrepancy_raise(presentation=presentation, by=web["accounts"], text="Invoice unsigned")
    with django_assert_max_num_queries(budget("web.lcs.detail")):
        page = web["client"].get(f"{web['base']}{lc.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "amended (1)" in html
    assert "originally 100000.00" in html
    # 120,000.00 + 5 % = 126,000.00; 40,000.00 drawn
    assert "126,000.00" in html
    assert "86,000.00" in html
    assert "Invoice unsigned" in html
    assert "INV-9" in html
    assert "Timeline" in html


def test_record_edit_and_amend_with_errors_by_their_fields(web):
    client, base = web["client"], web["base"]
    form = client.get(f"{base}new/?order={web['order'].pk}")
    assert form.status_code == 200
    data = {
        "number": "WEB-1",
        "kind": "sight",
        "role": "master",
        "customer": str(web["customer"].pk),
        "issuing_bank": "Citi",
        "currency": "USD",
        "amount": "10000.00",
        "tolerance_percent": "0",
        "expiry_date": (TODAY + 30 * DAY).isoformat(),
        "latest_shipment_date": (TODAY + 40 * DAY).isoformat(),
        "presentation_days": "21",
        "partial_shipments_allowed": "on",
        "documents": "Packing list\nBeneficiary's certificate",
        "orders": [str(web["order"].pk)],
    }
    refused = client.post(f"{base}new/", data)
    assert refused.status_code == 200
    assert b"The latest shipment date cannot be after the expiry date." in refused.content
    data["latest_shipment_date"] = (TODAY + 20 * DAY).isoformat()
    created = client.post(f"{base}new/", data)
    assert created.status_code == 302, created.content.decode()[:2000]
    with tenant_context(web["org"]):
        lc = LetterOfCredit.objects.get(number="WEB-1")
        assert lc.required_documents == ["packing_list", "Beneficiary's certificate"]
        assert list(lc.order_links.values_list("order_id", flat=True)) == [web["order"].pk]
    edit = client.get(f"{base}{lc.pk}/edit/")
    assert edit.status_code == 200
    client.post(f"{base}{lc.pk}/move/", {"action": "issue", "version": lc.version})
    amend = client.get(f"{base}{lc.pk}/amend/")
    assert amend.status_code == 200
    with tenant_context(web["org"]):
        lc.refresh_from_db()
    posted = {k: v for k, v in amend.context["form"].initial.items() if v is not None}
    posted.update({"issue_date": TODAY.isoformat(), "version": lc.version, "amount": "12000.00"})
    posted = {k: ("on" if v is True else v) for k, v in posted.items() if v is not False}
    posted = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in posted.items()}
    recorded = client.post(f"{base}{lc.pk}/amend/", posted)
    assert recorded.status_code == 302, recorded.content.decode()[:3000]
    with tenant_context(web["org"]):
        amendment = lc.amendments.get()
    assert amendment.changes == {"amount": ["10000.00", "12000.00"]}
    draw = client.post(f"{base}{lc.pk}/draw/", {"amount": "10000.01", "drawn_on": TODAY.isoformat()})
    assert draw.status_code == 200
    assert b"it allows USD 10,000.00" in draw.content
    assert client.post(f"{base}{lc.pk}/draw/", {"amount": "10000.00"}).status_code == 302


def test_exposure_page(web, django_assert_max_num_queries):
    with tenant_context(web["org"]):
        lc_make(web)
    with django_assert_max_num_queries(budget("web.lcs.exposure")):
        page = web["client"].get(f"{web['base']}exposure/")
    assert page.status_code == 200
    assert b"Deutsche Bank Hamburg" in page.content
    assert b"100,000.00" in page.content


def test_capabilities_and_other_organisations(web, other_org):
    viewer = client_for(web["merch"])
    assert viewer.get(web["base"]).status_code == 200
    assert viewer.get(f"{web['base']}new/").status_code == 403
    with tenant_context(other_org):
        foreign = LetterOfCreditFactory(organization=other_org)
    assert web["client"].get(f"{web['base']}{foreign.pk}/").status_code == 404


@pytest.mark.parametrize("order", ["abc", "x" * 36, "00000000-0000-0000-0000-00000000000z"])
def test_an_order_that_is_not_an_id_opens_an_empty_form_never_a_500(web, order):
    form = web["client"].get(f"{web['base']}new/", {"order": order})
    assert form.status_code == 200
    assert 'name="number"' in form.content.decode()
