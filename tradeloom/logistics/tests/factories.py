"""Logistics factories: shipments (with one line of an order of their customer), containers, lines, ETA
revisions, documents and files, each in one organisation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.core.files.base import ContentFile

from tradeloom.logistics.models import Container, DocumentFile, EtaRevision, Shipment, ShipmentDocument, ShipmentLine
from tradeloom.partners.tests.factories import CarrierFactory, CustomerFactory
from tradeloom.sales.tests.factories import LineFactory
from tradeloom.tenancy.tests.factories import SAME_ORG, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object


class ShipmentFactory(TenantFactory[Shipment]):
    class Meta:
        model = Shipment

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"SH-T{n:05d}")
    customer = factory.SubFactory(CustomerFactory, organization=SAME_ORG)
    mode = Shipment.Mode.SEA
    carrier = factory.SubFactory(CarrierFactory, organization=SAME_ORG)
    etd = date(2026, 12, 10)
    eta = date(2027, 1, 5)
    port_of_loading = "Chattogram"
    port_of_discharge = "Hamburg"


class ContainerFactory(TenantFactory[Container]):
    class Meta:
        model = Container

    organization = factory.SubFactory(OrganizationFactory)
    shipment = factory.SubFactory(ShipmentFactory, organization=SAME_ORG)
    number = "CSQU3054383"
    kind = Container.Kind.HC40


class ShipmentLineFactory(TenantFactory[ShipmentLine]):
    """A line of an order of the shipment's customer (the figures on the order line are not moved: use the
    services for that)."""

    class Meta:
        model = ShipmentLine

    organization = factory.SubFactory(OrganizationFactory)
    shipment = factory.SubFactory(ShipmentFactory, organization=SAME_ORG)
    line = factory.SubFactory(
        LineFactory,
        organization=SAME_ORG,
        style__order__customer=factory.SelfAttribute("....shipment.customer"),
    )
    order = factory.SelfAttribute("line.order")
    quantity = Decimal("100")


class EtaRevisionFactory(TenantFactory[EtaRevision]):
    class Meta:
        model = EtaRevision

    organization = factory.SubFactory(OrganizationFactory)
    shipment = factory.SubFactory(ShipmentFactory, organization=SAME_ORG)
    previous_etd = date(2026, 12, 10)
    previous_eta = date(2027, 1, 5)
    etd = date(2026, 12, 10)
    eta = date(2027, 1, 9)
    revised_on = date(2026, 12, 1)
    reason = "Vessel rolled over"


class DocumentFactory(TenantFactory[ShipmentDocument]):
    class Meta:
        model = ShipmentDocument

    organization = factory.SubFactory(OrganizationFactory)
    shipment = factory.SubFactory(ShipmentFactory, organization=SAME_ORG)
    kind = ShipmentDocument.Kind.OTHER
    name = factory.Sequence(lambda n: f"Certificate {n}")


class DocumentFileFactory(TenantFactory[DocumentFile]):
    class Meta:
        model = DocumentFile

    organization = factory.SubFactory(OrganizationFactory)
    document = factory.SubFactory(DocumentFactory, organization=SAME_ORG)
    file = factory.LazyFunction(lambda: ContentFile(b"bill of lading", name="bl.txt"))
    name = "bl.txt"
    size = 14
    content_type = "text/plain"


register_factory(Shipment, ShipmentFactory)
register_factory(Container, ContainerFactory)
register_factory(ShipmentLine, ShipmentLineFactory)
register_factory(EtaRevision, EtaRevisionFactory)
register_factory(ShipmentDocument, DocumentFactory)
register_factory(DocumentFile, DocumentFileFactory)
register_url_object("shipment_id", lambda org: ShipmentFactory(organization=org))
register_url_object("container_id", lambda org: ContainerFactory(organization=org))
register_url_object("shipment_line_id", lambda org: ShipmentLineFactory(organization=org))
register_url_object("document_id", lambda org: DocumentFactory(organization=org))
register_url_object("file_id", lambda org: DocumentFileFactory(organization=org))
