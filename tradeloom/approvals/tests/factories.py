"""Approvals factories: gates, rules, line gates, entries, samples and attachments, each in one organisation."""

from __future__ import annotations

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from tradeloom.approvals.models import Attachment, Gate, GateEntry, GateRule, LineGate, Sample
from tradeloom.sales.tests.factories import LineFactory
from tradeloom.tenancy.tests.factories import SAME_ORG, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object


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


register_factory(Gate, GateFactory)
register_factory(GateRule, RuleFactory)
register_factory(LineGate, LineGateFactory)
register_factory(GateEntry, EntryFactory)
register_factory(Sample, SampleFactory)
register_factory(Attachment, AttachmentFactory)
register_url_object("gate_id", lambda org: GateFactory(organization=org))
register_url_object("rule_id", lambda org: RuleFactory(organization=org))
register_url_object("line_gate_id", lambda org: LineGateFactory(organization=org))
register_url_object("entry_id", lambda org: EntryFactory(organization=org))
register_url_object("sample_id", lambda org: SampleFactory(organization=org))
register_url_object("attachment_id", lambda org: AttachmentFactory(organization=org))
