"""Background work of notifications: the e-mails (outbox effects, at least once) and the hourly digest run."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from celery import shared_task
from django.utils import timezone

from tradeloom.core.context import tenant_context
from tradeloom.core.effects import effect_task
from tradeloom.notifications import digest
from tradeloom.notifications.kinds import Channel
from tradeloom.notifications.models import Notification
from tradeloom.notifications.selectors import digest_items
from tradeloom.tenancy.models import Membership, Organization

logger = logging.getLogger(__name__)


def _organization(organization_id: str) -> Organization | None:
    with tenant_context(organization_id):
        return Organization.objects.filter(pk=organization_id, is_active=True).first()


@effect_task("notifications.send_email", once=False)
def send_email(*, organization_id: str, notification_ids: list[str]) -> int:
    """E-mail each notification not e-mailed yet to its recipient, and mark it e-mailed. An e-mail is outside the
    database, so this is at least once: a worker that dies between sending and marking sends that one again."""
    organization = _organization(organization_id)
    if organization is None:
        return 0
    sent = 0
    with tenant_context(organization):
        rows = list(
            Notification.objects.filter(
                organization=organization, pk__in=notification_ids, channel=Channel.EMAIL, emailed_at__isnull=True
            )
            .select_related("recipient__user")
            .order_by("created_at", "id")
        )
        messages = [
            (row, digest.notification_message(organization=organization, notification=row, membership=row.recipient))
            for row in rows
            if row.recipient.is_active and row.recipient.user.email
        ]
    for row, message in messages:
        message.send()
        with tenant_context(organization):
            Notification.objects.filter(pk=row.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


@effect_task("notifications.send_digest", once=False)
def send_digest(*, organization_id: str, membership_id: str, since: str, until: str) -> int:
    """Send one member's claimed digest: their digest notifications of the window that are still unread when it
    goes (nothing left unread: no e-mail). 1 when sent."""
    organization = _organization(organization_id)
    if organization is None:
        return 0
    start = datetime.fromisoformat(since) if since else None
    end = datetime.fromisoformat(until)
    with tenant_context(organization):
        membership = (
            Membership.objects.filter(organization=organization, pk=membership_id, is_active=True)
            .select_related("user")
            .first()
        )
        if membership is None or not membership.user.email:
            return 0
        items, total = digest_items(
            organization=organization, recipient=membership, since=start, until=end, limit=digest.DIGEST_MAX_ITEMS
        )
        if not items:
            return 0
        message = digest.digest_message(organization=organization, membership=membership, items=items, total=total)
    message.send()
    return 1


@shared_task(name="notifications.daily_digest")
def daily_digest(**_: Any) -> int:
    """Hourly: the digests of the organisations in their morning (``digest.digest_run``); safe to run twice."""
    count = digest.digest_run()
    logger.info("daily digests enqueued", extra={"count": count})
    return count
