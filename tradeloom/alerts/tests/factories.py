"""Alerts factories: a rule (on, for a kind) and an alert of it, each in one organisation."""

from __future__ import annotations

import uuid

import factory
from django.utils import timezone

from tradeloom.alerts.models import Alert, AlertRule, AlertRuleMember
from tradeloom.tenancy.tests.factories import SAME_ORG, MembershipFactory, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory


class AlertRuleFactory(TenantFactory[AlertRule]):
    class Meta:
        model = AlertRule
        django_get_or_create = ("organization", "kind")

    organization = factory.SubFactory(OrganizationFactory)
    kind = "task_overdue"
    enabled = True
    days = 0


class AlertRuleMemberFactory(TenantFactory[AlertRuleMember]):
    class Meta:
        model = AlertRuleMember

    organization = factory.SubFactory(OrganizationFactory)
    rule = factory.SubFactory(AlertRuleFactory, organization=SAME_ORG)
    membership = factory.SubFactory(MembershipFactory, organization=SAME_ORG)


class AlertFactory(TenantFactory[Alert]):
    class Meta:
        model = Alert

    organization = factory.SubFactory(OrganizationFactory)
    rule = factory.SubFactory(AlertRuleFactory, organization=SAME_ORG)
    kind = factory.SelfAttribute("rule.kind")
    target_type = "sales.task"
    target_id = factory.LazyFunction(uuid.uuid4)
    label = factory.Sequence(lambda n: f"Chase lab dips · SO-{n:06d}")
    fired_at = factory.LazyFunction(timezone.now)


register_factory(AlertRule, AlertRuleFactory)
register_factory(AlertRuleMember, AlertRuleMemberFactory)
register_factory(Alert, AlertFactory)
