"""Regression tests for problems found in review of the partners and catalog modules."""

from __future__ import annotations

import pytest
from django.db import connections, transaction
from django.test import Client

from tradeloom.catalog.tests.factories import ItemFactory, UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.partners.models import Contact
from tradeloom.partners.tests.factories import ContactFactory, CustomerFactory, PlantFactory, SupplierFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(org, member, api_as):
    return api_as(member(Role.MERCHANDISER))


def b(org) -> str:
    return f"/api/v1/o/{org.slug}"


@pytest.mark.parametrize("term", ["!!!", "&", "'", "·", "😀", "%20%20"])
def test_searches_without_words_find_nothing_instead_of_failing(org, client, term):
    CustomerFactory(organization=org, legal_name="Arvind Mills")
    for resource in ("customers", "suppliers"):
        response = client.get(f"{b(org)}/{resource}/?search={term}")
        assert response.status_code == 200, (resource, term, response.content[:200])


def test_an_overlong_search_is_a_400_in_the_api_and_a_form_error_on_the_page(org, client, member):
    assert client.get(f"{b(org)}/customers/?search={'x' * 101}").status_code == 400
    browser = Client()
    browser.force_login(member(Role.STAFF).user)
    page = browser.get(f"/o/{org.slug}/customers/?search={'x' * 101}")
    assert page.status_code == 200
    assert "Ensure this value has at most 100 characters" in page.content.decode()


def test_idempotent_replay_of_a_response_with_references(org, client):
    supplier = SupplierFactory(organization=org)
    payload = {"supplier": str(supplier.pk), "name": "Ann"}
    first = client.post(f"{b(org)}/contacts/", payload, format="json", HTTP_IDEMPOTENCY_KEY="ref-1")
    again = client.post(f"{b(org)}/contacts/", payload, format="json", HTTP_IDEMPOTENCY_KEY="ref-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["ETag"] == first["ETag"]


@pytest.mark.django_db(databases=["default", "owner"])
def test_search_candidates_come_from_a_security_definer_function_that_can_use_the_gin_index(org):
    owner = connections["owner"]
    with owner.cursor() as cursor:
        cursor.execute(
            "SELECT p.prosecdef, pg_get_userbyid(p.proowner) FROM pg_proc p"
            " WHERE p.proname = 'tradeloom_search_partners_supplier'"
        )
        assert cursor.fetchone() == (True, "tradeloom_owner")
    with transaction.atomic(using="owner"), owner.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # as the function's owner (no row-level security in the way) the overlap is an index condition
        cursor.execute(
            "EXPLAIN SELECT id FROM partners_supplier WHERE search_trigrams && %s::varchar(3)[]", [["arv", "rvn"]]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "partners_supplier_search_trgm" in plan


def test_the_search_function_sees_nothing_without_a_tenant(org):
    SupplierFactory(organization=org, legal_name="Arvind Mills")
    with transaction.atomic(), connections["default"].cursor() as cursor:
        cursor.execute("SELECT set_config('app.organization_id', '', true)")
        cursor.execute(
            "SELECT count(*) FROM tradeloom_search_partners_supplier("
            "%s::text[], to_tsquery('simple', 'arvind:*'), 0.5)",
            [["arv"]],
        )
        assert cursor.fetchone() == (0,)


def test_an_update_may_keep_an_archived_reference_but_not_choose_one(org, client):
    unit, other = UnitFactory(organization=org), UnitFactory(organization=org)
    item = ItemFactory(organization=org, unit=unit)
    client.post(f"{b(org)}/units/{unit.pk}/archive/")
    client.post(f"{b(org)}/units/{other.pk}/archive/")
    body = {"kind": "fabric", "code": item.code, "name": "Renamed", "unit": str(unit.pk)}
    assert client.put(f"{b(org)}/items/{item.pk}/", body, format="json").status_code == 200
    assert client.put(f"{b(org)}/items/{item.pk}/", {**body, "unit": str(other.pk)}, format="json").status_code == 404


def test_an_archived_primary_contact_makes_way_for_a_new_one(org, client):
    customer = CustomerFactory(organization=org)
    old = ContactFactory(organization=org, supplier=None, customer=customer, is_primary=True)
    client.post(f"{b(org)}/contacts/{old.pk}/archive/")
    new = client.post(
        f"{b(org)}/contacts/", {"customer": str(customer.pk), "name": "New", "is_primary": True}, format="json"
    )
    assert new.status_code == 201
    assert client.get(f"{b(org)}/customers/{customer.pk}/").json()["primary_contact"]["name"] == "New"


def test_moving_a_contact_reindexes_both_partners(org, client):
    customer = CustomerFactory(organization=org, legal_name="Zeta Buyer")
    supplier = SupplierFactory(organization=org, legal_name="Omega Mill")
    contact = client.post(
        f"{b(org)}/contacts/", {"customer": str(customer.pk), "name": "Quixotic Person"}, format="json"
    ).json()
    client.patch(f"{b(org)}/contacts/{contact['id']}/", {"customer": None, "supplier": str(supplier.pk)}, format="json")
    assert client.get(f"{b(org)}/customers/?search=quixotic").json()["results"] == []
    assert [s["legal_name"] for s in client.get(f"{b(org)}/suppliers/?search=quixotic").json()["results"]] == [
        "Omega Mill"
    ]


def test_archived_contacts_leave_the_search(org, client):
    supplier = SupplierFactory(organization=org)
    contact = ContactFactory(organization=org, supplier=supplier, name="Vanishing Vera")
    with tenant_context(org):
        supplier.reindex()
    assert len(client.get(f"{b(org)}/suppliers/?search=vanishing").json()["results"]) == 1
    client.post(f"{b(org)}/contacts/{contact.pk}/archive/")
    assert client.get(f"{b(org)}/suppliers/?search=vanishing").json()["results"] == []


def test_a_partner_with_contacts_or_addresses_cannot_be_deleted(org, client):
    customer = CustomerFactory(organization=org)
    ContactFactory(organization=org, supplier=None, customer=customer)
    response = client.delete(f"{b(org)}/customers/{customer.pk}/")
    assert response.status_code == 409
    assert response.json()["referenced_by"] == ["1 contact"]
    with tenant_context(org):
        assert Contact.objects.filter(customer=customer).exists()


def test_references_must_be_id_strings(org, client):
    response = client.post(f"{b(org)}/customers/", {"legal_name": "X", "payment_terms": 5}, format="json")
    assert response.status_code == 400
    assert "payment_terms" in response.json()["errors"]


def test_address_filters_are_validated(org, client):
    assert client.get(f"{b(org)}/addresses/?kind=nonsense").status_code == 400


def test_web_forms_with_a_bad_or_stale_version_are_refused_cleanly(org, member):
    customer = CustomerFactory(organization=org, legal_name="Before")
    browser = Client()
    browser.force_login(member(Role.MERCHANDISER).user)
    fields = {"legal_name": "After", "code": customer.code, "default_currency": "USD"}
    bad = browser.post(f"/o/{org.slug}/customers/{customer.pk}/edit/", {**fields, "version": "abc"})
    assert bad.status_code == 200
    assert "out of date" in bad.content.decode()
    stale = browser.post(f"/o/{org.slug}/customers/{customer.pk}/archive/", {"version": "7"}, follow=True)
    assert "changed by someone else" in stale.content.decode()
    with tenant_context(org):
        customer.refresh_from_db()
    assert customer.archived_at is None
    assert customer.legal_name == "Before"


def test_plants_keep_working_when_their_supplier_is_archived(org, client):
    supplier = SupplierFactory(organization=org)
    plant = PlantFactory(organization=org, supplier=supplier)
    client.post(f"{b(org)}/suppliers/{supplier.pk}/archive/")
    body = {"supplier": str(supplier.pk), "code": plant.code, "name": "Renamed plant"}
    assert client.put(f"{b(org)}/plants/{plant.pk}/", body, format="json").status_code == 200


RESOURCES = {
    "customers": "Customer",
    "suppliers": "Supplier",
    "contacts": "Contact",
    "addresses": "Address",
    "plants": "Plant",
    "supplier-plant-mappings": "SupplierPlantMapping",
    "carriers": "Carrier",
    "payment-terms": "PaymentTerms",
    "items": "Item",
    "units": "UnitOfMeasure",
    "exchange-rates": "ExchangeRate",
}


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_every_detail_has_a_query_budget_in_the_api_and_on_the_page(
    org, client, member, resource, django_assert_max_num_queries
):
    from django.apps import apps

    from tradeloom.testing.walls import factory_for

    model = next(m for m in apps.get_models() if m.__name__ == RESOURCES[resource])
    record = factory_for(model)(organization=org)
    with django_assert_max_num_queries(budget(f"api.{resource}.detail")):
        assert client.get(f"{b(org)}/{resource}/{record.pk}/").status_code == 200
    browser = Client()
    browser.force_login(member(Role.MERCHANDISER).user)
    browser.get(f"/o/{org.slug}/{resource}/{record.pk}/")
    with django_assert_max_num_queries(budget("web.records.detail")):
        assert browser.get(f"/o/{org.slug}/{resource}/{record.pk}/").status_code == 200
