"""LC factories: letters of credit (issued, for an applicant of the organisation), amendments, order links,
drawings, presentations and discrepancies, each in one organisation. Figures are set directly: use the services
for the rules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from tradeloom.lcs import states
from tradeloom.lcs.models import Amendment, Discrepancy, LcOrder, LetterOfCredit, Presentation, Utilisation
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales.tests.factories import OrderFactory
from tradeloom.tenancy.tests.factories import SAME_ORG, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object


def _today() -> date:
    return timezone.localdate()


class LetterOfCreditFactory(TenantFactory[LetterOfCredit]):
    class Meta:
        model = LetterOfCredit

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"LC-T{n:05d}")
    customer = factory.SubFactory(CustomerFactory, organization=SAME_ORG)
    issuing_bank = "Deutsche Bank Hamburg"
    currency = "USD"
    amount = Decimal("100000.00")
    tolerance_percent = Decimal(0)
    issue_date = factory.LazyFunction(lambda: _today() - timedelta(days=10))
    expiry_date = factory.LazyFunction(lambda: _today() + timedelta(days=90))
    latest_shipment_date = factory.LazyFunction(lambda: _today() + timedelta(days=60))
    status = states.ISSUED
    required_documents = factory.LazyFunction(lambda: ["commercial_invoice", "packing_list", "transport_document"])


class AmendmentFactory(TenantFactory[Amendment]):
    class Meta:
        model = Amendment

    organization = factory.SubFactory(OrganizationFactory)
    letter_of_credit = factory.SubFactory(LetterOfCreditFactory, organization=SAME_ORG)
    revision = factory.Sequence(lambda n: n + 1)
    changes = factory.LazyFunction(lambda: {"amount": ["100000.00", "110000.00"]})
    issue_date = factory.LazyFunction(_today)


class LcOrderFactory(TenantFactory[LcOrder]):
    class Meta:
        model = LcOrder

    organization = factory.SubFactory(OrganizationFactory)
    letter_of_credit = factory.SubFactory(LetterOfCreditFactory, organization=SAME_ORG)
    order = factory.SubFactory(
        OrderFactory, organization=SAME_ORG, customer=factory.SelfAttribute("..letter_of_credit.customer")
    )


class UtilisationFactory(TenantFactory[Utilisation]):
    class Meta:
        model = Utilisation

    organization = factory.SubFactory(OrganizationFactory)
    letter_of_credit = factory.SubFactory(LetterOfCreditFactory, organization=SAME_ORG)
    invoice_reference = factory.Sequence(lambda n: f"INV-T{n:05d}")
    amount = Decimal("1000.00")
    currency = "USD"
    drawn_on = factory.LazyFunction(_today)


class PresentationFactory(TenantFactory[Presentation]):
    class Meta:
        model = Presentation

    organization = factory.SubFactory(OrganizationFactory)
    letter_of_credit = factory.SubFactory(LetterOfCreditFactory, organization=SAME_ORG)
    presented_on = factory.LazyFunction(_today)
    decision_due = factory.LazyFunction(lambda: _today() + timedelta(days=7))


class DiscrepancyFactory(TenantFactory[Discrepancy]):
    class Meta:
        model = Discrepancy

    organization = factory.SubFactory(OrganizationFactory)
    presentation = factory.SubFactory(PresentationFactory, organization=SAME_ORG)
    text = "Late shipment"
    raised_on = factory.LazyFunction(_today)


register_factory(LetterOfCredit, LetterOfCreditFactory)
register_factory(Amendment, AmendmentFactory)
register_factory(LcOrder, LcOrderFactory)
register_factory(Utilisation, UtilisationFactory)
register_factory(Presentation, PresentationFactory)
register_factory(Discrepancy, DiscrepancyFactory)
register_url_object("lc_id", lambda org: LetterOfCreditFactory(organization=org))
register_url_object("lc_amendment_id", lambda org: AmendmentFactory(organization=org))
register_url_object("lc_utilisation_id", lambda org: UtilisationFactory(organization=org))
register_url_object("lc_presentation_id", lambda org: PresentationFactory(organization=org))
register_url_object("lc_discrepancy_id", lambda org: DiscrepancyFactory(organization=org))
