"""/metrics' webhook reading: deliveries retrying and given up, counted across organisations without labels."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from tradeloom.core import metrics
from tradeloom.core.context import tenant_context
from tradeloom.webhooks.metrics import deliveries_reading
from tradeloom.webhooks.models import Delivery
from tradeloom.webhooks.tests.factories import DeliveryFactory


def _values(families) -> dict[str, float]:
    return {family.name: family.samples[0].value for family in families}


@pytest.mark.django_db
def test_retrying_and_recently_failed_deliveries_are_counted(org):
    # given, in one organisation: a first try not made yet, one retrying, one given up today, one given up last week
    with tenant_context(org):
        DeliveryFactory(organization=org)
        DeliveryFactory(organization=org, attempts=2)
        DeliveryFactory(organization=org, status=Delivery.Status.FAILED, attempts=8)
        old = DeliveryFactory(organization=org, status=Delivery.Status.FAILED, attempts=8)
        Delivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=7))
        # when the reading is taken (here through this test's connection, which sees the uncommitted rows)
        values = _values(deliveries_reading(using="default"))
    # then
    assert values == {
        "tradeloom_webhook_deliveries_retrying": 1,
        "tradeloom_webhook_deliveries_failed_last_day": 1,
    }


@pytest.mark.django_db(databases=["default", "owner"])
def test_the_reading_is_part_of_the_scrape_through_the_owner_role():
    text = metrics.scrape().decode()
    names = {family.name for family in text_string_to_metric_families(text)}
    assert {"tradeloom_webhook_deliveries_retrying", "tradeloom_webhook_deliveries_failed_last_day"} <= names
    assert 'tradeloom_metrics_reading_ok{reading="webhooks"} 1.0' in text
