"""Notifications factories: a notification, a preference and a digest record, each in one organisation."""

from __future__ import annotations

import factory
from django.utils import timezone

from tradeloom.notifications.models import DigestRecord, Notification, NotificationPreference
from tradeloom.tenancy.tests.factories import SAME_ORG, MembershipFactory, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object


class NotificationFactory(TenantFactory[Notification]):
    class Meta:
        model = Notification

    organization = factory.SubFactory(OrganizationFactory)
    recipient = factory.SubFactory(MembershipFactory, organization=SAME_ORG)
    kind = "sales.task_assigned"
    title = factory.Sequence(lambda n: f"Notification {n}")


class PreferenceFactory(TenantFactory[NotificationPreference]):
    class Meta:
        model = NotificationPreference

    organization = factory.SubFactory(OrganizationFactory)
    membership = factory.SubFactory(MembershipFactory, organization=SAME_ORG)
    kind = "sales.task_assigned"
    channel = "email"


class DigestRecordFactory(TenantFactory[DigestRecord]):
    class Meta:
        model = DigestRecord

    organization = factory.SubFactory(OrganizationFactory)
    membership = factory.SubFactory(MembershipFactory, organization=SAME_ORG)
    last_sent_at = factory.LazyFunction(timezone.now)
    last_sent_on = factory.LazyFunction(timezone.localdate)


register_factory(Notification, NotificationFactory)
register_factory(NotificationPreference, PreferenceFactory)
register_factory(DigestRecord, DigestRecordFactory)
register_url_object("notification_id", lambda org: NotificationFactory(organization=org))
