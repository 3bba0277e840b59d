"""Factories for master data. Each creates its row inside its organisation's tenant context."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory

from tradeloom.catalog.models import ExchangeRate, Item, PaymentTerms, UnitOfMeasure
from tradeloom.partners.models import Address, Carrier, Contact, Customer, Plant, Supplier, SupplierPlantMapping
from tradeloom.tenancy.tests.factories import OrganizationFactory, TenantFactory


class PaymentTermsFactory(TenantFactory[PaymentTerms]):
    class Meta:
        model = PaymentTerms

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Net {30 + n}")
    schedule = factory.LazyFunction(lambda: [{"percent": "100", "days": 30}])


class UnitFactory(TenantFactory[UnitOfMeasure]):
    class Meta:
        model = UnitOfMeasure

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"u{n}")
    name = factory.Sequence(lambda n: f"Unit {n}")
    dimension = UnitOfMeasure.Dimension.LENGTH
    factor = Decimal("1")


class ItemFactory(TenantFactory[Item]):
    class Meta:
        model = Item

    organization = factory.SubFactory(OrganizationFactory)
    kind = Item.Kind.FABRIC
    code = factory.Sequence(lambda n: f"FAB-{n:04d}")
    name = factory.Sequence(lambda n: f"Single jersey {n}")
    unit = factory.SubFactory(UnitFactory, organization=factory.SelfAttribute("..organization"))


class ExchangeRateFactory(TenantFactory[ExchangeRate]):
    class Meta:
        model = ExchangeRate

    organization = factory.SubFactory(OrganizationFactory)
    date = factory.Sequence(lambda n: date(2026, 1, 1) + timedelta(days=n))
    from_currency = "USD"
    to_currency = "BDT"
    rate = Decimal("121.5")


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


FACTORY_BY_MODEL = {
    PaymentTerms: PaymentTermsFactory,
    UnitOfMeasure: UnitFactory,
    Item: ItemFactory,
    ExchangeRate: ExchangeRateFactory,
    Customer: CustomerFactory,
    Supplier: SupplierFactory,
    Contact: ContactFactory,
    Address: AddressFactory,
    Plant: PlantFactory,
    SupplierPlantMapping: MappingFactory,
    Carrier: CarrierFactory,
}
