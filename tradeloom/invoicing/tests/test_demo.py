"""The demo invoices (``demo.finance_invoicing``) on the demo organisation's shipments: issued through the services,
one under the demo LC, one due from a B/L date still to come, one credit note; and made once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tradeloom.core.context import tenant_context
from tradeloom.demo.finance_invoicing import demo_invoicing_create
from tradeloom.invoicing import states
from tradeloom.invoicing.models import CreditNote, Invoice
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role


@pytest.mark.django_db(databases=["default", "owner"])
def test_the_demo_invoices_are_made_through_the_services_once():
    call_command("demo_setup", stdout=StringIO())
    organization = Organization.objects.get(slug="demo")
    owner = Membership.objects.filter(organization=organization, role=Role.OWNER).first()
    with tenant_context(organization):
        demo_invoicing_create(organization=organization, by=owner)
        count = Invoice.objects.filter(organization=organization).count()
        demo_invoicing_create(organization=organization, by=owner)  # again: nothing more
        assert Invoice.objects.filter(organization=organization).count() == count
        invoices = list(Invoice.objects.filter(organization=organization).order_by("number"))
        issued = [i for i in invoices if i.status != states.DRAFT and i.status != states.VOID]
        assert len(issued) >= 2, [(i.number, i.status) for i in invoices]
        assert all(i.number.startswith("INV-") and i.total > 0 for i in issued)
        assert any(i.due_date is None and i.due_basis == "bl_date" for i in invoices)
        assert CreditNote.objects.filter(organization=organization).count() == 1
