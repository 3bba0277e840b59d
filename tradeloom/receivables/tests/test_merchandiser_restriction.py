"""A merchandiser restricted to their own orders (``sales.selectors.merchandiser_restricted``) sees the payments
with an allocation to an invoice of one of those orders only, in the list and the detail (404 otherwise); with the
organisation's default every merchandiser sees every payment."""

from __future__ import annotations

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.invoicing.tests.factories import InvoiceLineFactory
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.receivables.tests.factories import AllocationFactory, PaymentFactory, issued_invoice
from tradeloom.sales.tests.factories import LineFactory, OrderFactory
from tradeloom.tenancy.models import Organization
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_merchandisers_see_only_payments_to_invoices_of_their_orders_when_the_organisation_says_so(org, member, api_as):
    mine_merch, other_merch = member(Role.MERCHANDISER), member(Role.MERCHANDISER)
    with tenant_context(org):
        customer = CustomerFactory(organization=org)
        mine = OrderFactory(organization=org, customer=customer, merchandiser=mine_merch)
        theirs = OrderFactory(organization=org, customer=customer, merchandiser=other_merch)
        by_order = issued_invoice(org, customer, order=mine)
        by_line = issued_invoice(org, customer)  # a shipment's: its lines name the order
        InvoiceLineFactory(organization=org, invoice=by_line, line=LineFactory(organization=org, style__order=mine))
        other = issued_invoice(org, customer, order=theirs)
        to_mine = AllocationFactory(organization=org, invoice=by_order, payment__customer=customer).payment
        to_mine_line = AllocationFactory(organization=org, invoice=by_line, payment__customer=customer).payment
        to_theirs = AllocationFactory(organization=org, invoice=other, payment__customer=customer).payment
        unallocated = PaymentFactory(organization=org, customer=customer)
    url = f"/api/v1/o/{org.slug}/payments/"
    client = api_as(mine_merch)
    everything = {str(p.pk) for p in (to_mine, to_mine_line, to_theirs, unallocated)}

    assert ids(client.get(url)) == everything
    assert client.get(f"{url}{to_theirs.pk}/").status_code == 200

    Organization.objects.filter(pk=org.pk).update(settings={"merchandisers_see_all_orders": False})
    assert ids(client.get(url)) == {str(to_mine.pk), str(to_mine_line.pk)}
    assert client.get(f"{url}{to_mine_line.pk}/").status_code == 200
    assert client.get(f"{url}{to_theirs.pk}/").status_code == 404
    assert client.get(f"{url}{unallocated.pk}/").status_code == 404
    assert ids(api_as(other_merch).get(url)) == {str(to_theirs.pk)}
    assert ids(api_as(member(Role.MANAGER)).get(url)) == everything
