"""Partners and catalog pages in the browser's terms: forms, related lists, search, archive, budgets."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tradeloom.core.context import tenant_context
from tradeloom.partners.models import Plant, Supplier
from tradeloom.partners.tests.factories import ContactFactory, CustomerFactory, PlantFactory, SupplierFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(member):
    client = Client()
    client.force_login(member(Role.MERCHANDISER).user)
    return client


def test_create_a_supplier_then_a_plant_from_its_page(org, browser):
    response = browser.post(
        f"/o/{org.slug}/suppliers/new/",
        {"kind": "mill", "legal_name": "Arvind Mills Ltd", "default_currency": "INR", "country": "in"},
    )
    assert response.status_code == 302
    with tenant_context(org):
        supplier = Supplier.objects.get()
    assert (supplier.code, supplier.country) == ("ARVINDMI", "IN")
    detail = browser.get(response["Location"]).content.decode()
    add_plant = re.search(r'href="(/o/[^"]+/plants/new/\?supplier=[^"]+)"', detail).group(1)
    form = browser.get(add_plant).content.decode()
    assert f'<option value="{supplier.pk}" selected>' in form
    created = browser.post(
        add_plant,
        {
            "supplier": str(supplier.pk),
            "code": "ARV-DH1",
            "name": "Dyeing house 1",
            "city": "Ahmedabad",
            "country": "IN",
        },
    )
    assert created.status_code == 302
    assert "Dyeing house 1" in browser.get(f"/o/{org.slug}/suppliers/{supplier.pk}/").content.decode()


def test_form_errors_are_inline_and_nothing_is_saved(org, browser):
    SupplierFactory(organization=org, code="DUP")
    response = browser.post(
        f"/o/{org.slug}/suppliers/new/",
        {"kind": "mill", "legal_name": "X", "code": "DUP", "default_currency": "USD", "country": "IN"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "A supplier with this code already exists." in html or "already exists" in html
    with tenant_context(org):
        assert Supplier.objects.count() == 1


def test_bad_currency_and_country_are_field_errors(org, browser):
    html = browser.post(
        f"/o/{org.slug}/customers/new/", {"legal_name": "Y", "default_currency": "XYZ", "country": "QQ"}
    ).content.decode()
    assert "is not an ISO 4217 currency code" in html
    assert "is not an ISO 3166 country code" in html


def test_search_with_a_typo_finds_the_supplier(org, browser):
    SupplierFactory(organization=org, legal_name="Arvind Mills Ltd")
    SupplierFactory(organization=org, legal_name="Square Textiles")
    html = browser.get(f"/o/{org.slug}/suppliers/?search=Arvnd").content.decode()
    assert "Arvind Mills Ltd" in html
    assert "Square Textiles" not in html
    assert "Best match" in html


def test_archive_and_restore_from_the_detail_page(org, browser):
    customer = CustomerFactory(organization=org, legal_name="Seasonal Buyer")
    link = f'href="/o/{org.slug}/customers/{customer.pk}/"'
    browser.post(f"/o/{org.slug}/customers/{customer.pk}/archive/")
    assert link not in browser.get(f"/o/{org.slug}/customers/").content.decode()
    assert link in browser.get(f"/o/{org.slug}/customers/?include_archived=1").content.decode()
    browser.post(f"/o/{org.slug}/customers/{customer.pk}/restore/")
    assert link in browser.get(f"/o/{org.slug}/customers/").content.decode()


def test_editing_a_stale_version_is_refused(org, browser):
    customer = CustomerFactory(organization=org, legal_name="Before")
    fields = {"legal_name": "Mine", "code": customer.code, "default_currency": "USD", "version": "1"}
    assert browser.post(f"/o/{org.slug}/customers/{customer.pk}/edit/", fields).status_code == 302
    stale = browser.post(f"/o/{org.slug}/customers/{customer.pk}/edit/", {**fields, "legal_name": "Theirs"})
    assert "changed by someone else" in stale.content.decode()


def test_viewers_see_no_edit_buttons(org, member):
    supplier = SupplierFactory(organization=org)
    client = Client()
    client.force_login(member(Role.VIEWER).user)
    page = client.get(f"/o/{org.slug}/suppliers/{supplier.pk}/").content.decode()
    assert "/edit/" not in page
    assert "/archive/" not in page
    assert client.get(f"/o/{org.slug}/suppliers/new/").status_code == 403


@pytest.mark.parametrize(
    "resource",
    [
        "customers",
        "suppliers",
        "plants",
        "contacts",
        "items",
        "units",
        "payment-terms",
        "exchange-rates",
        "carriers",
        "addresses",
        "supplier-plant-mappings",
    ],
)
def test_list_pages_have_a_query_budget(org, browser, resource, django_assert_max_num_queries):
    for _ in range(10):
        supplier = SupplierFactory(organization=org)
        PlantFactory(organization=org, supplier=supplier)
        ContactFactory(organization=org, supplier=supplier, is_primary=True)
    browser.get(f"/o/{org.slug}/{resource}/")
    # frame (session, user, tenant, memberships, counters) + page + reference-filter choices
    with django_assert_max_num_queries(budget("web.records.list")):
        assert browser.get(f"/o/{org.slug}/{resource}/").status_code == 200


def test_supplier_detail_has_a_query_budget(org, browser, django_assert_max_num_queries):
    supplier = SupplierFactory(organization=org)
    for _ in range(5):
        PlantFactory(organization=org, supplier=supplier)
        ContactFactory(organization=org, supplier=supplier)
    browser.get(f"/o/{org.slug}/suppliers/{supplier.pk}/")
    with django_assert_max_num_queries(budget("web.records.detail")):
        html = browser.get(f"/o/{org.slug}/suppliers/{supplier.pk}/").content.decode()
    with tenant_context(org):
        assert html.count("/plants/") >= Plant.objects.filter(supplier=supplier).count()


def test_payment_terms_form_reads_instalments_as_text(org, browser):
    response = browser.post(
        f"/o/{org.slug}/payment-terms/new/", {"name": "30/70", "schedule": "30% at 0 days\n70% at 60 days"}
    )
    assert response.status_code == 302
    bad = browser.post(f"/o/{org.slug}/payment-terms/new/", {"name": "Broken", "schedule": "half now"})
    assert "Write each instalment as" in bad.content.decode()
    short = browser.post(f"/o/{org.slug}/payment-terms/new/", {"name": "Short", "schedule": "30% at 0 days"})
    assert "add up to 30" in short.content.decode()
