"""Proforma factories: a draft PI of an order (with one line of it by quantity), each in one organisation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from tradeloom.proformas.models import ProformaInvoice, ProformaLine
from tradeloom.sales.tests.factories import LineFactory, OrderFactory
from tradeloom.tenancy.tests.factories import SAME_ORG, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object


class ProformaFactory(TenantFactory[ProformaInvoice]):
    class Meta:
        model = ProformaInvoice

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"PI-T-{n:04d}")
    order = factory.SubFactory(OrderFactory, organization=SAME_ORG)
    customer = factory.SelfAttribute("order.customer")
    currency = factory.SelfAttribute("order.currency")
    pi_date = date(2026, 11, 20)
    subtotal = Decimal("425.00")
    total = Decimal("425.00")
    line_count = 1


class ProformaLineFactory(TenantFactory[ProformaLine]):
    class Meta:
        model = ProformaLine

    organization = factory.SubFactory(OrganizationFactory)
    proforma = factory.SubFactory(ProformaFactory, organization=SAME_ORG)
    line = factory.SubFactory(
        LineFactory, organization=SAME_ORG, style__order=factory.SelfAttribute("...proforma.order")
    )
    basis = ProformaLine.Basis.QUANTITY
    quantity = Decimal("100")
    unit_price = Decimal("4.25")
    amount = Decimal("425.00")


register_factory(ProformaInvoice, ProformaFactory)
register_factory(ProformaLine, ProformaLineFactory)
register_url_object("proforma_id", lambda org: ProformaLineFactory(organization=org).proforma)
