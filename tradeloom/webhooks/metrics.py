"""What ``/metrics`` reads about outbound webhooks at each scrape (``core.metrics.READINGS``, registered in
``WebhooksConfig.ready()``): deliveries waiting for a retry after a failed attempt, and deliveries given up in the
last day. Read across organisations as the owner role, counted over the partial indexes on pending and failed
deliveries; no organisation or endpoint in any label (the endpoint's delivery log says which, docs/webhooks.md)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import connections, transaction
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from tradeloom.core.outbox import OWNER_DB
from tradeloom.webhooks.models import Delivery

FAILED_WINDOW = timedelta(days=1)


def deliveries_reading(*, using: str = OWNER_DB) -> Iterable[Metric]:
    since = timezone.now() - FAILED_WINDOW
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = '2s'")
        deliveries = Delivery.objects.using(using)
        retrying = deliveries.filter(status=Delivery.Status.PENDING, attempts__gt=0).count()
        failed = deliveries.filter(status=Delivery.Status.FAILED, created_at__gte=since).count()
    return [
        GaugeMetricFamily(
            "tradeloom_webhook_deliveries_retrying",
            "Webhook deliveries whose last attempt failed, waiting for their next one.",
            value=retrying,
        ),
        GaugeMetricFamily(
            "tradeloom_webhook_deliveries_failed_last_day",
            "Webhook deliveries created in the last 24 hours whose every attempt failed (given up).",
            value=failed,
        ),
    ]
