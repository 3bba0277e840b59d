"""The operators' admin: superusers only."""

from __future__ import annotations

import pytest
from django.test import Client

from tradeloom.accounts.tests.factories import UserFactory

PAGES = [
    "/admin/",
    "/admin/tenancy/organization/",
    "/admin/tenancy/membership/",
    "/admin/accounts/user/",
    "/admin/accounts/invitation/",
    "/admin/audit/auditevent/",
    "/admin/core/job/",
    "/admin/catalog/unitofmeasure/",
    "/admin/catalog/item/",
    "/admin/catalog/paymentterms/",
    "/admin/catalog/exchangerate/",
    "/admin/partners/customer/",
    "/admin/partners/supplier/",
    "/admin/partners/plant/",
    "/admin/partners/carrier/",
    "/admin/sales/order/",
    "/admin/approvals/gate/",
    "/admin/approvals/gaterule/",
]


@pytest.mark.django_db(databases=["default", "owner"])
@pytest.mark.parametrize("path", PAGES)
def test_superusers_use_the_admin(path):
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(path).status_code == 200


@pytest.mark.django_db(databases=["default", "owner"])
@pytest.mark.parametrize("path", PAGES)
def test_staff_who_are_not_superusers_are_kept_out(path):
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    response = client.get(path)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db(databases=["default", "owner"])
def test_audit_events_cannot_be_edited_in_the_admin():
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get("/admin/audit/auditevent/add/").status_code == 403


@pytest.mark.django_db(databases=["default", "owner"])
@pytest.mark.parametrize("path", ["/admin/sales/order/add/", "/admin/partners/customer/add/", "/admin/core/job/add/"])
def test_business_records_are_read_only_in_the_admin(path):
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(path).status_code == 403
