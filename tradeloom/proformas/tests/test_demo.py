"""The demo PIs (``demo/finance_proformas.py``), through the services: one accepted, one advance sent, one revised
and sent again; a second run adds nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.demo.finance_proformas import demo_proformas_create
from tradeloom.proformas.models import ProformaInvoice
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_demo_pis_once(org, member):
    owner = member(Role.OWNER)
    with tenant_context(org):
        for day in (1, 2, 3):
            order = OrderFactory(organization=org, order_date=date(2026, 10, day), tax_rate=Decimal(5))
            style = StyleFactory(organization=org, order=order)
            LineFactory(organization=org, style=style, quantity=Decimal(1000))
            LineFactory(organization=org, style=style, quantity=Decimal(500), position=1)
        demo_proformas_create(organization=org, by=owner)
        demo_proformas_create(organization=org, by=owner)
        rows = sorted(ProformaInvoice.objects.values_list("number", "revision", "status"))
    first, second, third = sorted({number for number, *_ in rows})
    assert rows == [
        (first, 1, "accepted"),
        (second, 1, "sent"),
        (third, 1, "superseded"),
        (third, 2, "sent"),
    ]
