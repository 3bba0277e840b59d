"""A merchandiser restricted to their own orders (``sales.selectors.merchandiser_restricted``) sees the invoices of
those orders only — an invoice whose order is one of them, or with a line of one of them — in the list and the
detail (404 otherwise); with the organisation's default every merchandiser sees every invoice."""

from __future__ import annotations

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.invoicing.tests.factories import InvoiceFactory, InvoiceLineFactory
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales.tests.factories import LineFactory, OrderFactory
from tradeloom.tenancy.models import Organization
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_merchandisers_see_only_invoices_of_their_orders_when_the_organisation_says_so(org, member, api_as):
    mine_merch, other_merch = member(Role.MERCHANDISER), member(Role.MERCHANDISER)
    with tenant_context(org):
        customer = CustomerFactory(organization=org)
        mine = OrderFactory(organization=org, customer=customer, merchandiser=mine_merch)
        theirs = OrderFactory(organization=org, customer=customer, merchandiser=other_merch)
        by_order = InvoiceFactory(organization=org, customer=customer, order=mine)
        by_line = InvoiceFactory(organization=org, customer=customer)  # a shipment's: its lines name the order
        InvoiceLineFactory(organization=org, invoice=by_line, line=LineFactory(organization=org, style__order=mine))
        other = InvoiceFactory(organization=org, customer=customer, order=theirs)
        InvoiceLineFactory(organization=org, invoice=other, line=LineFactory(organization=org, style__order=theirs))
    url = f"/api/v1/o/{org.slug}/invoices/"
    client = api_as(mine_merch)
    everything = {str(by_order.pk), str(by_line.pk), str(other.pk)}

    assert ids(client.get(url)) == everything
    assert client.get(f"{url}{other.pk}/").status_code == 200

    Organization.objects.filter(pk=org.pk).update(settings={"merchandisers_see_all_orders": False})
    assert ids(client.get(url)) == {str(by_order.pk), str(by_line.pk)}
    # the compiled first page and the general (filtered) path narrow alike
    assert ids(client.get(url, {"limit": 2})) | ids(client.get(url, {"limit": 2, "status": "draft"})) == {
        str(by_order.pk),
        str(by_line.pk),
    }
    assert client.get(f"{url}{by_line.pk}/").status_code == 200
    assert client.get(f"{url}{other.pk}/").status_code == 404
    assert ids(api_as(other_merch).get(url)) == {str(other.pk)}
    assert ids(api_as(member(Role.MANAGER)).get(url)) == everything
