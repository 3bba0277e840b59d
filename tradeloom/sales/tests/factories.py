"""Sales factories: an order with one style and one line by default, in its organisation's tenant context."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from tradeloom.partners.tests.factories import CustomerFactory, SupplierFactory, UnitFactory
from tradeloom.sales.models import ActivityNote, DeletionRequest, Line, MillOffer, Order, Style, Task
from tradeloom.tenancy.tests.factories import OrganizationFactory, TenantFactory

SAME_ORG = factory.SelfAttribute("..organization")


class OrderFactory(TenantFactory[Order]):
    class Meta:
        model = Order

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"SO-T{n:06d}")
    po_number = factory.Sequence(lambda n: f"PO-{n}")
    customer = factory.SubFactory(CustomerFactory, organization=SAME_ORG)
    currency = "USD"
    order_date = date(2026, 11, 1)


class StyleFactory(TenantFactory[Style]):
    class Meta:
        model = Style

    organization = factory.SubFactory(OrganizationFactory)
    order = factory.SubFactory(OrderFactory, organization=SAME_ORG)
    style_number = factory.Sequence(lambda n: f"ST-{n}")


class LineFactory(TenantFactory[Line]):
    class Meta:
        model = Line

    organization = factory.SubFactory(OrganizationFactory)
    style = factory.SubFactory(StyleFactory, organization=SAME_ORG)
    order = factory.SelfAttribute("style.order")
    colour_code = factory.Sequence(lambda n: f"COL-{n}")
    quantity = Decimal("1000")
    unit = factory.SubFactory(UnitFactory, organization=SAME_ORG)
    selling_price = Decimal("4.25")


class TaskFactory(TenantFactory[Task]):
    class Meta:
        model = Task

    organization = factory.SubFactory(OrganizationFactory)
    order = factory.SubFactory(OrderFactory, organization=SAME_ORG)
    title = "Chase lab dips"


class NoteFactory(TenantFactory[ActivityNote]):
    class Meta:
        model = ActivityNote

    organization = factory.SubFactory(OrganizationFactory)
    order = factory.SubFactory(OrderFactory, organization=SAME_ORG)
    text = "Buyer called"
    effective_date = date(2026, 11, 1)


class DeletionRequestFactory(TenantFactory[DeletionRequest]):
    class Meta:
        model = DeletionRequest

    organization = factory.SubFactory(OrganizationFactory)
    order = factory.SubFactory(OrderFactory, organization=SAME_ORG)
    requested_by = factory.SubFactory("tradeloom.tenancy.tests.factories.MembershipFactory", organization=SAME_ORG)
    reason = "Duplicate"


class OfferFactory(TenantFactory[MillOffer]):
    class Meta:
        model = MillOffer

    organization = factory.SubFactory(OrganizationFactory)
    line = factory.SubFactory(LineFactory, organization=SAME_ORG)
    supplier = factory.SubFactory(SupplierFactory, organization=SAME_ORG)
    price = Decimal("3.10")
    currency = "USD"
