"""The standard record API tests (tradeloom.testing.record_api) for every partners resource."""

from __future__ import annotations

from tradeloom.catalog.tests.factories import PaymentTermsFactory
from tradeloom.partners.tests.factories import (
    AddressFactory,
    CarrierFactory,
    ContactFactory,
    CustomerFactory,
    MappingFactory,
    PlantFactory,
    SupplierFactory,
)
from tradeloom.testing.record_api import RecordApiTests


class TestCustomersApi(RecordApiTests):
    url = "customers"
    factory = CustomerFactory
    audit_prefix = "customer"
    create_data = {"code": "HM", "legal_name": "H&M Hennes & Mauritz AB", "default_currency": "EUR", "country": "SE"}
    update_data = {"legal_name": "H&M Group", "phone": "+46 8 796 55 00"}
    references = {"payment_terms": PaymentTermsFactory}


class TestSuppliersApi(RecordApiTests):
    url = "suppliers"
    factory = SupplierFactory
    audit_prefix = "supplier"
    create_data = {"code": "ARV", "legal_name": "Arvind Mills Ltd", "kind": "mill", "country": "IN"}
    update_data = {"legal_name": "Arvind Limited", "kind": "factory"}
    references = {"payment_terms": PaymentTermsFactory}


class TestContactsApi(RecordApiTests):
    url = "contacts"
    factory = ContactFactory
    audit_prefix = "contact"
    create_data = {"name": "Rahul Mehta", "email": "rahul@arvind.example", "title": "Export manager"}
    update_data = {"name": "Rahul K. Mehta", "phone": "+91 79 1234 5678"}
    references = {"supplier": SupplierFactory, "customer": CustomerFactory}

    def payload(self, org, **overrides):
        # a contact belongs to exactly one partner: the supplier, unless a test names the customer
        data = super().payload(org, **overrides)
        data.pop("customer" if "customer" not in overrides else "supplier")
        return data


class TestAddressesApi(RecordApiTests):
    url = "addresses"
    factory = AddressFactory
    audit_prefix = "address"
    create_data = {"kind": "shipping", "line1": "12 Dock Road", "city": "Hamburg", "country": "DE"}
    update_data = {"city": "Bremen", "postal_code": "28195"}
    references = {"customer": CustomerFactory, "supplier": SupplierFactory}

    def payload(self, org, **overrides):
        # an address belongs to exactly one partner: the customer, unless a test names the supplier
        data = super().payload(org, **overrides)
        data.pop("supplier" if "supplier" not in overrides else "customer")
        return data


class TestPlantsApi(RecordApiTests):
    url = "plants"
    factory = PlantFactory
    audit_prefix = "plant"
    create_data = {"code": "ARV-K1", "name": "Knitting unit 1", "city": "Ahmedabad", "country": "IN"}
    update_data = {"name": "Knitting unit 1 (north)", "licence_number": "GJ-4471"}
    references = {"supplier": SupplierFactory}


class TestSupplierPlantMappingsApi(RecordApiTests):
    url = "supplier-plant-mappings"
    factory = MappingFactory
    audit_prefix = "supplierplantmapping"
    create_data = {"valid_from": "2026-01-01", "valid_to": "2026-12-31", "notes": "Knits for H&M"}
    update_data = {"notes": "Knits and wovens", "valid_to": "2027-06-30"}
    references = {"supplier": SupplierFactory, "plant": PlantFactory, "customer": CustomerFactory}


class TestCarriersApi(RecordApiTests):
    url = "carriers"
    factory = CarrierFactory
    audit_prefix = "carrier"
    create_data = {"name": "Maersk Line", "code": "MAEU", "mode": "sea", "website": "https://www.maersk.com"}
    update_data = {"name": "A.P. Moller - Maersk", "account_number": "ACC-0091"}
