"""Approvals factories: gates, rules, line gates, entries, samples and attachments, each in one organisation."""

from __future__ import annotations

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from tradeloom.approvals.models import Attachment, Gate, GateEntry, GateRule, LineGate, Sample
from tradeloom.sales.tests.factories import SAME_ORG, LineFactory
from tradeloom.tenancy.tests.factories import OrganizationFactory, TenantFactory


class GateFactory(TenantFactory[Gate]):
    class Meta:
        model = Gate

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"gate_{n}")
    name = factory.Sequence(lambda n: f"Gate {n}")


class RuleFactory(TenantFactory[GateRule]):
    class Meta:
        model = GateRule

    organization = factory.SubFactory(OrganizationFactory)
    kind = GateRule.Kind.SUBMIT
    gate = factory.SubFactory(GateFactory, organization=SAME_ORG)
    requires = ["lab_dip"]


class LineGateFactory(TenantFactory[LineGate]):
    class Meta:
        model = LineGate

    organization = factory.SubFactory(OrganizationFactory)
    line = factory.SubFactory(LineFactory, organization=SAME_ORG)
    gate = factory.SubFactory(GateFactory, organization=SAME_ORG)


class EntryFactory(TenantFactory[GateEntry]):
    class Meta:
        model = GateEntry

    organization = factory.SubFactory(OrganizationFactory)
    line_gate = factory.SubFactory(LineGateFactory, organization=SAME_ORG)
    state = "submission"
    round = 1
    effective_date = factory.LazyFunction(timezone.localdate)


class SampleFactory(TenantFactory[Sample]):
    class Meta:
        model = Sample

    organization = factory.SubFactory(OrganizationFactory)
    line = factory.SubFactory(LineFactory, organization=SAME_ORG)
    gate = factory.SubFactory(GateFactory, organization=SAME_ORG)
    version = 1


class AttachmentFactory(TenantFactory[Attachment]):
    class Meta:
        model = Attachment

    organization = factory.SubFactory(OrganizationFactory)
    sample = factory.SubFactory(SampleFactory, organization=SAME_ORG)
    file = factory.LazyFunction(lambda: ContentFile(b"swatch", name="swatch.txt"))
    name = "swatch.txt"
    size = 6
    content_type = "text/plain"
