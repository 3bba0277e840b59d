"""Factories for partners: customers, suppliers, their contacts, addresses and plants, mappings, carriers.

Each creates its row inside its organisation's tenant context.
"""

from __future__ import annotations

import factory

from tradeloom.partners.models import Address, Carrier, Contact, Customer, Plant, Supplier, SupplierPlantMapping
from tradeloom.tenancy.tests.factories import OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory


class CustomerFactory(TenantFactory[Customer]):
    class Meta:
        model = Customer

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"C{n:05d}")
    legal_name = factory.Sequence(lambda n: f"Buyer {n} GmbH")


class SupplierFactory(TenantFactory[Supplier]):
    class Meta:
        model = Supplier

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"S{n:05d}")
    legal_name = factory.Sequence(lambda n: f"Mill {n} Ltd")


class ContactFactory(TenantFactory[Contact]):
    class Meta:
        model = Contact

    organization = factory.SubFactory(OrganizationFactory)
    supplier = factory.SubFactory(SupplierFactory, organization=factory.SelfAttribute("..organization"))
    name = factory.Sequence(lambda n: f"Contact {n}")


class AddressFactory(TenantFactory[Address]):
    class Meta:
        model = Address

    organization = factory.SubFactory(OrganizationFactory)
    customer = factory.SubFactory(CustomerFactory, organization=factory.SelfAttribute("..organization"))
    line1 = "1 Harbour Road"
    city = "Chattogram"
    country = "BD"


class PlantFactory(TenantFactory[Plant]):
    class Meta:
        model = Plant

    organization = factory.SubFactory(OrganizationFactory)
    supplier = factory.SubFactory(SupplierFactory, organization=factory.SelfAttribute("..organization"))
    code = factory.Sequence(lambda n: f"PL{n:04d}")
    name = factory.Sequence(lambda n: f"Dye house {n}")


class MappingFactory(TenantFactory[SupplierPlantMapping]):
    class Meta:
        model = SupplierPlantMapping

    organization = factory.SubFactory(OrganizationFactory)
    supplier = factory.SubFactory(SupplierFactory, organization=factory.SelfAttribute("..organization"))
    plant = factory.SubFactory(PlantFactory, organization=factory.SelfAttribute("..organization"))


class CarrierFactory(TenantFactory[Carrier]):
    class Meta:
        model = Carrier

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Carrier {n}")
    code = factory.Sequence(lambda n: f"CR{n:03d}")
    mode = Carrier.Mode.SEA


register_factory(Customer, CustomerFactory)
register_factory(Supplier, SupplierFactory)
register_factory(Contact, ContactFactory)
register_factory(Address, AddressFactory)
register_factory(Plant, PlantFactory)
register_factory(SupplierPlantMapping, MappingFactory)
register_factory(Carrier, CarrierFactory)
