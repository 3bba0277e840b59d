"""The standard record API tests (tradeloom.testing.record_api) for every catalog resource."""

from __future__ import annotations

from tradeloom.catalog.tests.factories import ExchangeRateFactory, ItemFactory, PaymentTermsFactory, UnitFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.record_api import RecordApiTests


class TestUnitsApi(RecordApiTests):
    url = "units"
    factory = UnitFactory
    audit_prefix = "unitofmeasure"
    manage_role = Role.MANAGER
    create_data = {"code": "ctn", "name": "Carton", "dimension": "count", "factor": "12"}
    update_data = {"name": "Carton of twelve", "factor": "12.5"}


class TestExchangeRatesApi(RecordApiTests):
    url = "exchange-rates"
    factory = ExchangeRateFactory
    audit_prefix = "exchangerate"
    manage_role = Role.ACCOUNTS
    create_data = {"date": "2027-03-01", "from_currency": "USD", "to_currency": "EUR", "rate": "0.92"}
    update_data = {"rate": "0.9125"}


class TestPaymentTermsApi(RecordApiTests):
    url = "payment-terms"
    factory = PaymentTermsFactory
    audit_prefix = "paymentterms"
    manage_role = Role.MANAGER
    create_data = {
        "name": "30% advance, 70% at 60 days",
        "schedule": [{"percent": "30", "days": 0}, {"percent": "70", "days": 60}],
    }
    update_data = {"name": "Net 45 end of month", "schedule": [{"percent": "100", "days": 45}]}


class TestItemsApi(RecordApiTests):
    url = "items"
    factory = ItemFactory
    audit_prefix = "item"
    manage_role = Role.MANAGER
    create_data = {"kind": "fabric", "code": "SJ-160", "name": "Single jersey 160 GSM", "gsm": "160"}
    update_data = {"name": "Single jersey 165 GSM", "gsm": "165"}
    references = {"unit": UnitFactory}
