"""A customer or supplier saved under a name very like an existing one's: the API answers 409 ``similar_records``
naming them unless ``confirm_duplicate`` is true; the web form lists them and asks to confirm. Similar means the
typo-tolerant search finds it and the names share most of their trigrams (legal forms such as "Ltd" left out)."""

from __future__ import annotations

import pytest
from django.test import Client

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.partners.models import Customer, Supplier
from tradeloom.partners.selectors import name_similarity, partner_similar_list
from tradeloom.partners.services import similar_partners_check
from tradeloom.partners.tests.factories import CustomerFactory, SupplierFactory
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("Arvind Mills", "Arvind Mills Ltd", True),  # a legal form says nothing
        ("Arvind Mills", "Arvnd Mills", True),  # a typo
        ("Bayside Apparel", "Bayside Apparels", True),
        ("Vardhman Textiles", "Vardhaman Textile", True),
        ("Arvind Mills", "Bayside Mills", False),  # only the trade word in common
        ("Nordic Apparel", "Urban Threads", False),
    ],
)
def test_how_alike_two_names_are(a, b, similar):
    assert (name_similarity(a, b) >= 0.5) is similar


def test_similar_partners_come_from_the_search_most_alike_first(org, other_org):
    for name in ("Arvind Mills Ltd", "Arvind Mill", "Bayside Mills", "Delta Mills"):
        SupplierFactory(organization=org, legal_name=name)
    SupplierFactory(organization=other_org, legal_name="Arvind Mills")  # another organisation's: never
    CustomerFactory(organization=org, legal_name="Arvind Mills")  # a customer is not a supplier
    with tenant_context(org):
        found = partner_similar_list(model=Supplier, organization=org, names=["Arvind Mills"])
    assert [partner.legal_name for partner in found] == ["Arvind Mills Ltd", "Arvind Mill"]


def test_the_check_refuses_a_new_name_like_an_existing_one_unless_confirmed(org):
    existing = CustomerFactory(organization=org, legal_name="Bayside Apparel Ltd", trade_name="Bayside", code="BAY")
    with tenant_context(org):
        with pytest.raises(ApplicationError) as refused:
            similar_partners_check(model=Customer, organization=org, data={"legal_name": "Bayside Apparels"})
        similar_partners_check(
            model=Customer, organization=org, data={"legal_name": "Bayside Apparels"}, confirmed=True
        )
        # an edit that keeps the name is not asked again; a rename to the other's name is
        similar_partners_check(model=Customer, organization=org, data={"email": "x@example.com"}, instance=existing)
        other = CustomerFactory(organization=org, legal_name="Kappa Sportswear")
        with pytest.raises(ApplicationError):
            similar_partners_check(model=Customer, organization=org, data={"trade_name": "Bayside"}, instance=other)
    error = refused.value
    assert (error.code, error.status) == ("similar_records", 409)
    assert "Bayside (BAY)" in error.message
    assert error.extra["similar_records"] == [
        {
            "id": str(existing.pk),
            "code": "BAY",
            "name": "Bayside",
            "legal_name": "Bayside Apparel Ltd",
            "trade_name": "Bayside",
            "country": existing.country,
            "archived": False,
        }
    ]


# --- API -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def client(member, api_as):
    return api_as(member(Role.MERCHANDISER))


def test_the_api_answers_409_with_the_similar_records_and_saves_once_confirmed(org, client):
    first = client.post(f"/api/v1/o/{org.slug}/suppliers/", {"legal_name": "Arvind Mills Ltd"}, format="json")
    assert first.status_code == 201
    key = {"HTTP_IDEMPOTENCY_KEY": "supplier-arvnd"}
    again = client.post(f"/api/v1/o/{org.slug}/suppliers/", {"legal_name": "Arvnd Mills"}, format="json", **key)
    assert again.status_code == 409
    body = again.json()
    assert body["code"] == "similar_records"
    assert [(r["id"], r["code"], r["name"]) for r in body["similar_records"]] == [
        (first.json()["id"], "ARVINDMI", "Arvind Mills Ltd")
    ]
    with tenant_context(org):
        assert Supplier.objects.count() == 1
        assert not AuditEvent.objects.filter(action="supplier.created", changes__legal_name=[None, "Arvnd Mills"])
    confirmed = client.post(  # the same key: the refusal kept nothing under it
        f"/api/v1/o/{org.slug}/suppliers/",
        {"legal_name": "Arvnd Mills", "confirm_duplicate": True},
        format="json",
        **key,
    )
    assert confirmed.status_code == 201
    assert "confirm_duplicate" not in confirmed.json()


def test_a_rename_through_the_api_is_checked_too_and_an_unrelated_edit_is_not(org, client):
    CustomerFactory(organization=org, legal_name="Nordic Apparel GmbH")
    other = CustomerFactory(organization=org, legal_name="Urban Threads")
    url = f"/api/v1/o/{org.slug}/customers/{other.pk}/"
    assert client.patch(url, {"phone": "+49 30 1234"}, format="json").status_code == 200
    assert client.patch(url, {"legal_name": "Nordic Apparel"}, format="json").status_code == 409
    assert (
        client.patch(url, {"legal_name": "Nordic Apparel", "confirm_duplicate": True}, format="json").status_code == 200
    )


# --- the web form --------------------------------------------------------------------------------------------------


def test_the_form_lists_the_similar_records_and_asks_to_confirm(org, member):
    existing = SupplierFactory(organization=org, legal_name="Square Textiles Ltd", code="SQUARE")
    browser = Client()
    browser.force_login(member(Role.MERCHANDISER).user)
    data = {"kind": "mill", "legal_name": "Square Textile", "default_currency": "USD"}
    response = browser.post(f"/o/{org.slug}/suppliers/new/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "A supplier with a very similar name exists: Square Textiles Ltd (SQUARE)." in html
    assert f'href="/o/{org.slug}/suppliers/{existing.pk}/">Square Textiles Ltd</a>' in html
    assert 'name="confirm_duplicate"' in html
    with tenant_context(org):
        assert Supplier.objects.count() == 1
    saved = browser.post(f"/o/{org.slug}/suppliers/new/", {**data, "confirm_duplicate": "1"})
    assert saved.status_code == 302
    with tenant_context(org):
        assert Supplier.objects.count() == 2
