"""T&A factories: templates and their milestone rows, plans of orders and their milestones, milestone changes —
each in one organisation. Real plans come from the services (``plan_apply``); these make rows for the walls tests."""

from __future__ import annotations

from datetime import date

import factory

from tradeloom.sales.tests.factories import OrderFactory
from tradeloom.tenancy.tests.factories import SAME_ORG, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object
from tradeloom.tna.models import Milestone, MilestoneChange, Plan, Template, TemplateMilestone


class TemplateFactory(TenantFactory[Template]):
    class Meta:
        model = Template

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Template {n}")


class TemplateMilestoneFactory(TenantFactory[TemplateMilestone]):
    class Meta:
        model = TemplateMilestone

    organization = factory.SubFactory(OrganizationFactory)
    template = factory.SubFactory(TemplateFactory, organization=SAME_ORG)
    code = factory.Sequence(lambda n: f"step_{n}")
    name = factory.Sequence(lambda n: f"Step {n}")
    offset_days = -10


class PlanFactory(TenantFactory[Plan]):
    class Meta:
        model = Plan

    organization = factory.SubFactory(OrganizationFactory)
    order = factory.SubFactory(OrderFactory, organization=SAME_ORG, etd=date(2027, 2, 1))
    template_name = "Standard"
    etd = date(2027, 2, 1)
    order_date = date(2026, 11, 1)


class MilestoneFactory(TenantFactory[Milestone]):
    class Meta:
        model = Milestone

    organization = factory.SubFactory(OrganizationFactory)
    plan = factory.SubFactory(PlanFactory, organization=SAME_ORG)
    code = factory.Sequence(lambda n: f"step_{n}")
    name = factory.Sequence(lambda n: f"Step {n}")
    offset_days = -10
    original_date = date(2027, 1, 22)
    planned_date = date(2027, 1, 22)
    forecast_date = date(2027, 1, 22)


class MilestoneChangeFactory(TenantFactory[MilestoneChange]):
    class Meta:
        model = MilestoneChange

    organization = factory.SubFactory(OrganizationFactory)
    milestone = factory.SubFactory(MilestoneFactory, organization=SAME_ORG)
    field = MilestoneChange.Field.PLANNED
    old_date = date(2027, 1, 20)
    new_date = date(2027, 1, 22)
    reason = "The mill is late"


register_factory(Template, TemplateFactory)
register_factory(TemplateMilestone, TemplateMilestoneFactory)
register_factory(Plan, PlanFactory)
register_factory(Milestone, MilestoneFactory)
register_factory(MilestoneChange, MilestoneChangeFactory)
register_url_object("template_id", lambda org: TemplateMilestoneFactory(organization=org).template)
register_url_object("milestone_id", lambda org: MilestoneFactory(organization=org))
