"""Factories for the catalog: payment terms, units, items and exchange rates, each in its organisation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory

from tradeloom.catalog.models import ExchangeRate, Item, PaymentTerms, UnitOfMeasure
from tradeloom.tenancy.tests.factories import SAME_ORG, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory


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
    unit = factory.SubFactory(UnitFactory, organization=SAME_ORG)


class ExchangeRateFactory(TenantFactory[ExchangeRate]):
    class Meta:
        model = ExchangeRate

    organization = factory.SubFactory(OrganizationFactory)
    date = factory.Sequence(lambda n: date(2026, 1, 1) + timedelta(days=n))
    from_currency = "USD"
    to_currency = "BDT"
    rate = Decimal("121.5")


register_factory(PaymentTerms, PaymentTermsFactory)
register_factory(UnitOfMeasure, UnitFactory)
register_factory(Item, ItemFactory)
register_factory(ExchangeRate, ExchangeRateFactory)
