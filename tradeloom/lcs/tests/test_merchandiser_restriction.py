"""A merchandiser restricted to their own orders (``sales.selectors.merchandiser_restricted``) sees the letters of
credit linked (``LcOrder``) to one of those orders only, in the list and the detail (404 otherwise); with the
organisation's default every merchandiser sees every LC."""

from __future__ import annotations

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.lcs.tests.factories import LcOrderFactory, LetterOfCreditFactory
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales.tests.factories import OrderFactory
from tradeloom.tenancy.models import Organization
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_merchandisers_see_only_lcs_of_their_orders_when_the_organisation_says_so(org, member, api_as):
    mine_merch, other_merch = member(Role.MERCHANDISER), member(Role.MERCHANDISER)
    with tenant_context(org):
        customer = CustomerFactory(organization=org)
        mine = OrderFactory(organization=org, customer=customer, merchandiser=mine_merch)
        theirs = OrderFactory(organization=org, customer=customer, merchandiser=other_merch)
        for_mine = LetterOfCreditFactory(organization=org, customer=customer)
        LcOrderFactory(organization=org, letter_of_credit=for_mine, order=mine)
        for_theirs = LetterOfCreditFactory(organization=org, customer=customer)
        LcOrderFactory(organization=org, letter_of_credit=for_theirs, order=theirs)
        unlinked = LetterOfCreditFactory(organization=org, customer=customer)
    url = f"/api/v1/o/{org.slug}/lcs/"
    client = api_as(mine_merch)
    everything = {str(lc.pk) for lc in (for_mine, for_theirs, unlinked)}

    assert ids(client.get(url)) == everything
    assert client.get(f"{url}{for_theirs.pk}/").status_code == 200

    Organization.objects.filter(pk=org.pk).update(settings={"merchandisers_see_all_orders": False})
    assert ids(client.get(url)) == {str(for_mine.pk)}
    assert client.get(f"{url}{for_mine.pk}/").status_code == 200
    assert client.get(f"{url}{for_theirs.pk}/").status_code == 404
    assert client.get(f"{url}{unlinked.pk}/").status_code == 404
    assert ids(api_as(other_merch).get(url)) == {str(for_theirs.pk)}
    assert ids(api_as(member(Role.MANAGER)).get(url)) == everything
