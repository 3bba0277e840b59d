"""Partners API: the business rules (codes, references, archive, delete, Idempotency-Key, search).

The standard record API tests (list, detail, create, update with ETag, archive, walls, capabilities, query budgets)
are declared in test_record_api.py.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.db.utils import DatabaseError, IntegrityError

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.partners.models import Customer, Supplier
from tradeloom.partners.tests.factories import (
    ContactFactory,
    CustomerFactory,
    PlantFactory,
    SupplierFactory,
)
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.test_rls import as_tenant
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(org, member, api_as):
    return api_as(member(Role.MERCHANDISER))


def base(org) -> str:
    return f"/api/v1/o/{org.slug}"


# --- create, codes, validation ------------------------------------------------------------------------------------


def test_create_a_supplier_suggests_a_code_and_audits(org, client):
    response = client.post(f"{base(org)}/suppliers/", {"legal_name": "Arvind Mills Ltd", "kind": "mill"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "ARVINDMI"
    assert re.fullmatch(rf'"{body["id"]}-1-[0-9a-f]+"', response["ETag"])  # version 1, and the body's digest
    second = client.post(
        f"{base(org)}/suppliers/", {"legal_name": "Arvind Mills Limited", "confirm_duplicate": True}, format="json"
    ).json()  # a name very like the first one's: saved once confirmed (test_similar_names.py)
    assert second["code"] == "ARVINDMI-2"
    with tenant_context(org):
        event = AuditEvent.objects.get(action="supplier.created", target_id=body["id"])
    assert event.changes["legal_name"] == [None, "Arvind Mills Ltd"]


def test_duplicate_code_is_409_naming_the_field(org, client):
    client.post(f"{base(org)}/customers/", {"code": "HM", "legal_name": "H&M"}, format="json")
    response = client.post(f"{base(org)}/customers/", {"code": "HM", "legal_name": "Other"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "code" in response.json()["errors"]


def test_codes_are_unique_per_organisation_only(org, other_org, client, member, api_as):
    client.post(f"{base(org)}/customers/", {"code": "HM", "legal_name": "H&M"}, format="json")
    theirs = api_as(member(Role.MERCHANDISER, organization=other_org))
    assert (
        theirs.post(f"{base(other_org)}/customers/", {"code": "HM", "legal_name": "H&M"}, format="json").status_code
        == 201
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"default_currency": "XYZ"}, "default_currency"),
        ({"country": "ZZ"}, "country"),
        ({"credit_limit": "-5"}, "credit_limit"),
        ({"website": "not a url"}, "website"),
        ({"legal_name": ""}, "legal_name"),
    ],
)
def test_bad_partner_fields_are_400_and_nothing_is_written(org, client, payload, field):
    response = client.post(f"{base(org)}/customers/", {"legal_name": "Buyer", **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    with tenant_context(org):
        assert not Customer.objects.exists()


# --- archive, restore, delete -------------------------------------------------------------------------------------


def test_archive_hides_from_lists_keeps_references_and_restores(org, client):
    supplier = SupplierFactory(organization=org, legal_name="Archived Mill")
    plant = PlantFactory(organization=org, supplier=supplier)
    url = f"{base(org)}/suppliers/{supplier.pk}/"
    assert client.post(url + "archive/").json()["archived_at"]
    listed = [s["id"] for s in client.get(f"{base(org)}/suppliers/").json()["results"]]
    assert str(supplier.pk) not in listed
    with_archived = [s["id"] for s in client.get(f"{base(org)}/suppliers/?include_archived=1").json()["results"]]
    assert str(supplier.pk) in with_archived
    # the plant still points at it, and it can still be read
    assert client.get(f"{base(org)}/plants/{plant.pk}/").json()["supplier_id"] == str(supplier.pk)
    assert client.get(url).status_code == 200
    # but it cannot be chosen for a new plant
    refused = client.post(
        f"{base(org)}/plants/", {"supplier": str(supplier.pk), "code": "X", "name": "X"}, format="json"
    )
    assert refused.status_code == 404
    assert client.post(url + "restore/").json()["archived_at"] is None
    with tenant_context(org):
        actions = list(AuditEvent.objects.filter(target_id=str(supplier.pk)).values_list("action", flat=True))
    assert {"supplier.archived", "supplier.restored"} <= set(actions)


def test_delete_is_refused_while_referenced_naming_what_refers(org, client):
    supplier = SupplierFactory(organization=org)
    PlantFactory(organization=org, supplier=supplier)
    PlantFactory(organization=org, supplier=supplier)
    response = client.delete(f"{base(org)}/suppliers/{supplier.pk}/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "in_use"
    assert body["referenced_by"] == ["2 plants"]
    with tenant_context(org):
        assert Supplier.objects.filter(pk=supplier.pk).exists()


# --- Idempotency-Key ----------------------------------------------------------------------------------------------


def test_idempotency_key_replays_the_first_response_and_stores_once(org, client):
    payload = {"legal_name": "Once Only Ltd", "code": "ONCE"}
    first = client.post(f"{base(org)}/customers/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(f"{base(org)}/customers/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    with tenant_context(org):
        assert Customer.objects.filter(code="ONCE").count() == 1
    other = client.post(
        f"{base(org)}/customers/", {**payload, "code": "TWICE"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_a_failed_request_does_not_burn_its_idempotency_key(org, client):
    bad = client.post(f"{base(org)}/customers/", {"legal_name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert bad.status_code == 400
    good = client.post(f"{base(org)}/customers/", {"legal_name": "Fixed"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert good.status_code == 201


# --- references across organisations --------------------------------------------------------------------------------


def test_the_database_refuses_a_mapping_to_another_organisations_plant(org, other_org):
    supplier = SupplierFactory(organization=org)
    foreign_plant = PlantFactory(organization=other_org)
    insert = (
        "INSERT INTO partners_supplierplantmapping (id, organization_id, supplier_id, plant_id, version, notes,"
        " created_at, updated_at) VALUES (%s, %s, %s, %s, 1, '', now(), now())"
    )
    with pytest.raises((IntegrityError, DatabaseError), match="same_org"):
        as_tenant(org.pk, insert, [uuid.uuid4(), org.pk, supplier.pk, foreign_plant.pk])


def test_mapping_rules(org, client):
    supplier, plant = SupplierFactory(organization=org), PlantFactory(organization=org)
    url = f"{base(org)}/supplier-plant-mappings/"
    ok = client.post(url, {"supplier": str(supplier.pk), "plant": str(plant.pk)}, format="json")
    assert ok.status_code == 201
    duplicate = client.post(url, {"supplier": str(supplier.pk), "plant": str(plant.pk)}, format="json")
    assert duplicate.status_code == 409
    backwards = client.post(
        url,
        {
            "supplier": str(supplier.pk),
            "plant": str(plant.pk),
            "customer": str(CustomerFactory(organization=org).pk),
            "valid_from": "2026-05-01",
            "valid_to": "2026-04-01",
        },
        format="json",
    )
    assert backwards.status_code == 400
    assert "valid_to" in backwards.json()["errors"]


def test_contact_belongs_to_exactly_one_partner_and_one_primary(org, client):
    supplier = SupplierFactory(organization=org)
    url = f"{base(org)}/contacts/"
    neither = client.post(url, {"name": "Nobody's"}, format="json")
    assert neither.status_code == 400
    first = client.post(url, {"supplier": str(supplier.pk), "name": "Rahul", "is_primary": True}, format="json")
    assert first.status_code == 201
    second = client.post(url, {"supplier": str(supplier.pk), "name": "Priya", "is_primary": True}, format="json")
    assert second.status_code == 409


# --- reads: nested, filters, budgets --------------------------------------------------------------------------------


def test_supplier_detail_nests_plants_and_primary_contact(org, client, django_assert_max_num_queries):
    supplier = SupplierFactory(organization=org)
    PlantFactory(organization=org, supplier=supplier, name="Knitting unit")
    ContactFactory(organization=org, supplier=supplier, name="Rahul", is_primary=True)
    ContactFactory(organization=org, supplier=supplier, name="Priya")
    with django_assert_max_num_queries(budget("api.suppliers.detail")):
        body = client.get(f"{base(org)}/suppliers/{supplier.pk}/").json()
    assert [p["name"] for p in body["plants"]] == ["Knitting unit"]
    assert body["primary_contact"]["name"] == "Rahul"


def test_a_contacts_edit_changes_its_suppliers_tag_though_not_its_version(org, client):
    """The supplier's detail embeds its primary contact and plants: when one changes, a client holding the old tag
    gets the new body, not a 304."""
    supplier = SupplierFactory(organization=org)
    contact = ContactFactory(organization=org, supplier=supplier, name="Rahul", is_primary=True)
    url = f"{base(org)}/suppliers/{supplier.pk}/"
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    edited = client.patch(f"{base(org)}/contacts/{contact.pk}/", {"name": "Rahul Mehta"}, format="json")
    assert edited.status_code == 200
    after = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert after.json()["primary_contact"]["name"] == "Rahul Mehta"
    assert after.json()["version"] == first.json()["version"]


def test_filters_and_ordering(org, client):
    SupplierFactory(organization=org, kind="factory", code="B1")
    SupplierFactory(organization=org, kind="mill", code="A1")
    mills = client.get(f"{base(org)}/suppliers/?kind=mill").json()["results"]
    assert [s["code"] for s in mills] == ["A1"]
    ordered = client.get(f"{base(org)}/suppliers/?ordering=code").json()["results"]
    assert [s["code"] for s in ordered] == ["A1", "B1"]
    bad = client.get(f"{base(org)}/suppliers/?ordering=evil")
    assert bad.status_code == 400
    assert "ordering" in bad.json()["errors"]


# --- search ----------------------------------------------------------------------------------------------------------


def _suppliers(org, names):
    for name in names:
        SupplierFactory(organization=org, legal_name=name)


def test_search_tolerates_typos_and_ranks_the_best_match_first(org, client):
    _suppliers(org, ["Arvind Mills Ltd", "Aravali Dyeing", "Square Textiles", "Vardhman Arvindo Yarns"])
    names = [s["legal_name"] for s in client.get(f"{base(org)}/suppliers/?search=Arvnd").json()["results"]]
    assert names[0] == "Arvind Mills Ltd"
    assert "Square Textiles" not in names


def test_search_finds_prefixes_codes_and_contact_emails(org, client):
    supplier = SupplierFactory(organization=org, legal_name="Square Textiles", code="SQT")
    ContactFactory(organization=org, supplier=supplier, name="Nadia Rahman", email="nadia@squaretex.example")
    with tenant_context(org):
        supplier.reindex()
    for term in ("squ", "SQT", "nadia", "squaretex"):
        hits = [s["code"] for s in client.get(f"{base(org)}/suppliers/?search={term}").json()["results"]]
        assert hits == ["SQT"], term


def test_contact_changes_reindex_their_partner(org, client):
    supplier = SupplierFactory(organization=org, legal_name="Quiet Mill")
    client.post(f"{base(org)}/contacts/", {"supplier": str(supplier.pk), "name": "Zubair Hossain"}, format="json")
    hits = client.get(f"{base(org)}/suppliers/?search=zubair").json()["results"]
    assert [s["id"] for s in hits] == [str(supplier.pk)]


def test_search_pages_keep_rank_order(org, client):
    _suppliers(org, [f"Arvind Unit {i}" for i in range(7)] + ["Arvind"])
    first = client.get(f"{base(org)}/suppliers/?search=arvind&limit=3").json()
    seen = [s["legal_name"] for s in first["results"]]
    page = first
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [s["legal_name"] for s in page["results"]]
    assert len(seen) == len(set(seen)) == 8


def test_search_does_not_cross_organisations(org, other_org, client):
    SupplierFactory(organization=other_org, legal_name="Arvind Mills Ltd")
    assert client.get(f"{base(org)}/suppliers/?search=arvind").json()["results"] == []
