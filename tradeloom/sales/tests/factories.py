"""Sales factories: an order with one style and one line by default, in its organisation's tenant context."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.partners.tests.factories import CustomerFactory, SupplierFactory
from tradeloom.sales.models import ActivityNote, DeletionRequest, Delivery, Line, MillOffer, Order, Style, Task
from tradeloom.tenancy.tests.factories import SAME_ORG, MembershipFactory, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object


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
    requested_by = factory.SubFactory(MembershipFactory, organization=SAME_ORG)
    reason = "Duplicate"


class OfferFactory(TenantFactory[MillOffer]):
    class Meta:
        model = MillOffer

    organization = factory.SubFactory(OrganizationFactory)
    line = factory.SubFactory(LineFactory, organization=SAME_ORG)
    supplier = factory.SubFactory(SupplierFactory, organization=SAME_ORG)
    price = Decimal("3.10")
    currency = "USD"


class DeliveryFactory(TenantFactory[Delivery]):
    class Meta:
        model = Delivery

    organization = factory.SubFactory(OrganizationFactory)
    line = factory.SubFactory(LineFactory, organization=SAME_ORG)
    date = date(2026, 11, 20)
    quantity = Decimal("100")
    unit = factory.SelfAttribute("line.unit")
    quantity_in_line_unit = factory.SelfAttribute("quantity")


register_factory(Order, OrderFactory)
register_factory(Style, StyleFactory)
register_factory(Line, LineFactory)
register_factory(Task, TaskFactory)
register_factory(ActivityNote, NoteFactory)
register_factory(DeletionRequest, DeletionRequestFactory)
register_factory(MillOffer, OfferFactory)
register_factory(Delivery, DeliveryFactory)
register_url_object("order_id", lambda org: OrderFactory(organization=org))
register_url_object("line_id", lambda org: LineFactory(organization=org))
register_url_object("offer_id", lambda org: OfferFactory(organization=org))
register_url_object("delivery_id", lambda org: DeliveryFactory(organization=org))
register_url_object("task_id", lambda org: TaskFactory(organization=org))
register_url_object("note_id", lambda org: NoteFactory(organization=org))
register_url_object("request_id", lambda org: DeletionRequestFactory(organization=org))
