from __future__ import annotations

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.tenancy.roles import Role


@pytest.fixture
def rx(org, member):
    """An organisation (base USD) with an accounts member, an owner, a customer and a second customer."""
    with tenant_context(org):
        yield {
            "org": org,
            "accounts": member(Role.ACCOUNTS),
            "owner": member(Role.OWNER),
            "viewer": member(Role.VIEWER),
            "customer": CustomerFactory(organization=org, legal_name="Bayside Apparel", code="BAY"),
            "other_customer": CustomerFactory(organization=org, legal_name="Northwind Retail", code="NOR"),
        }
