"""Production factories: a draft work order of a product (one unit, due in December), a line of it for a sales-order
line, its requirements and production entries — each in one organisation. Real figures come from the services;
these make rows for the walls tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.production import states
from tradeloom.production.models import ProductionEntry, WorkOrder, WorkOrderLine, WorkOrderRequirement
from tradeloom.sales.tests.factories import LineFactory
from tradeloom.tenancy.tests.factories import SAME_ORG, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object


class WorkOrderFactory(TenantFactory[WorkOrder]):
    class Meta:
        model = WorkOrder

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"WO-T{n:05d}")
    product_name = "Single jersey 160 gsm, navy"
    quantity = Decimal("1000")
    unit = factory.SubFactory(UnitFactory, organization=SAME_ORG)
    due_date = date(2026, 12, 20)
    status = states.DRAFT


class WorkOrderLineFactory(TenantFactory[WorkOrderLine]):
    class Meta:
        model = WorkOrderLine

    organization = factory.SubFactory(OrganizationFactory)
    work_order = factory.SubFactory(WorkOrderFactory, organization=SAME_ORG)
    line = factory.SubFactory(LineFactory, organization=SAME_ORG)
    quantity = Decimal("1000")


class WorkOrderRequirementFactory(TenantFactory[WorkOrderRequirement]):
    class Meta:
        model = WorkOrderRequirement

    organization = factory.SubFactory(OrganizationFactory)
    work_order = factory.SubFactory(WorkOrderFactory, organization=SAME_ORG)
    kind = WorkOrderRequirement.Kind.GREIGE
    quantity = Decimal("1100")
    unit = factory.SelfAttribute("work_order.unit")


class ProductionEntryFactory(TenantFactory[ProductionEntry]):
    class Meta:
        model = ProductionEntry

    organization = factory.SubFactory(OrganizationFactory)
    work_order = factory.SubFactory(WorkOrderFactory, organization=SAME_ORG, status=states.IN_PROGRESS)
    produced_on = date(2026, 11, 30)
    knitted = Decimal("100")
    dyed = Decimal("80")
    finished = Decimal("50")


register_factory(WorkOrder, WorkOrderFactory)
register_factory(WorkOrderLine, WorkOrderLineFactory)
register_factory(WorkOrderRequirement, WorkOrderRequirementFactory)
register_factory(ProductionEntry, ProductionEntryFactory)
register_url_object("work_order_id", lambda org: WorkOrderLineFactory(organization=org).work_order)
register_url_object("requirement_id", lambda org: WorkOrderRequirementFactory(organization=org))
register_url_object("production_entry_id", lambda org: ProductionEntryFactory(organization=org))
