"""The daily digest: which organisations are in their morning, which of their members have something to read, the
once-a-day claim, and what the e-mail says.

Beat runs ``notifications.daily_digest`` every hour (``tasks.py``). An organisation is due while its local time is
between ``DIGEST_HOUR`` and ``DIGEST_HOUR + CATCH_UP_HOURS`` (07:00 to 09:59: a run missed at 07:00 is made up at 08:00
or 09:00). For each due organisation, under a transaction-level advisory lock of its own (overlapping runs wait for
each other), every active member with unread digest notifications made since their last digest, and no digest yet
today, gets a ``DigestRecord`` for today and an outbox entry that sends the e-mail after the claim commits — so a
member gets one digest a day however often the task runs, and a broker that is down delays it instead of losing it.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tradeloom.core.context import tenant_context
from tradeloom.core.outbox import OWNER_DB, outbox_enqueue
from tradeloom.notifications.kinds import Channel, kind_label
from tradeloom.notifications.models import DigestRecord, Notification
from tradeloom.tenancy.models import Membership, Organization

DIGEST_HOUR = 7
CATCH_UP_HOURS = 3
DIGEST_MAX_ITEMS = 50  # a digest lists at most this many (the most severe, then the newest); the inbox has the rest
SEND_DIGEST = "notifications.send_digest"
SEVERITY_ORDER = (Notification.Severity.CRITICAL, Notification.Severity.WARNING, Notification.Severity.INFO)


def absolute(path: str) -> str:
    """A page's address for an e-mail: ``TRADELOOM_BASE_URL`` + the path."""
    return f"{settings.TRADELOOM_BASE_URL.rstrip('/')}{path}" if path else ""


def is_morning(zone: str, now: datetime) -> bool:
    try:
        local = now.astimezone(zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return DIGEST_HOUR <= local.hour < DIGEST_HOUR + CATCH_UP_HOURS


def organizations_due(*, now: datetime, using: str = OWNER_DB) -> list[Organization]:
    """The active organisations whose local time is the digest's morning (read as the owner role: they span
    organisations). Two statements: their time zones, then the organisations in the due ones."""
    organizations = Organization.objects.using(using).filter(is_active=True)
    zones = set(organizations.values_list("timezone", flat=True).distinct())
    due = sorted(zone for zone in zones if is_morning(zone, now))
    return list(organizations.filter(timezone__in=due).order_by("pk")) if due else []


def _lock(organization: Organization) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"notifications.digest:{organization.pk}"]
        )


def digest_organization(*, organization: Organization, now: datetime) -> int:
    """Claim today's digest of every member of ``organization`` who has something to read and none yet today,
    and enqueue each e-mail; how many. Safe to run twice and to overlap."""
    with tenant_context(organization):
        _lock(organization)
        today = timezone.localdate(now)
        last = DigestRecord.objects.filter(organization=organization, membership_id=OuterRef("recipient_id"))
        pending = (
            Notification.objects.filter(
                organization=organization,
                channel=Channel.DIGEST,
                read_at__isnull=True,
                created_at__lte=now,
                recipient__is_active=True,
            )
            .annotate(last_at=Subquery(last.values("last_sent_at")), last_on=Subquery(last.values("last_sent_on")))
            .filter(Q(last_at__isnull=True) | Q(created_at__gt=F("last_at")))
            .filter(Q(last_on__isnull=True) | Q(last_on__lt=today))
            .order_by()
            .values("recipient_id", "last_at")
            .distinct()
        )
        due = {row["recipient_id"]: row["last_at"] for row in pending}
        if not due:
            return 0
        DigestRecord.objects.bulk_create(
            [
                DigestRecord(organization=organization, membership_id=pk, last_sent_at=now, last_sent_on=today)
                for pk in sorted(due)
            ],
            update_conflicts=True,
            unique_fields=["membership"],
            update_fields=["last_sent_at", "last_sent_on", "updated_at"],
        )
        for pk in sorted(due):
            since = due[pk]
            outbox_enqueue(
                SEND_DIGEST,
                organization_id=organization.pk,
                membership_id=str(pk),
                since=since.isoformat() if since else "",
                until=now.isoformat(),
            )
    return len(due)


def digest_run(*, now: datetime | None = None, using: str = OWNER_DB) -> int:
    """The hourly run: every due organisation's digests; how many were enqueued. ``using``: where to read the
    organisations from (tests read their own transaction's, as ``default``)."""
    now = now or timezone.now()
    return sum(digest_organization(organization=org, now=now) for org in organizations_due(now=now, using=using))


# --- what the e-mail says ---------------------------------------------------------------------------------------


@dataclass
class DigestKind:
    label: str
    items: list[Notification] = field(default_factory=list)


@dataclass
class DigestGroup:
    severity: str
    label: str
    kinds: list[DigestKind] = field(default_factory=list)


def digest_groups(items: list[Notification]) -> list[DigestGroup]:
    """The items by severity (critical first), then by kind (by label), newest first within a kind."""
    labels = dict(Notification.Severity.choices)
    groups = []
    for severity in SEVERITY_ORDER:
        of_severity = [n for n in items if n.severity == severity]
        if not of_severity:
            continue
        by_kind: dict[str, DigestKind] = {}
        for item in sorted(of_severity, key=lambda n: (n.created_at, n.pk), reverse=True):
            by_kind.setdefault(item.kind, DigestKind(kind_label(item.kind))).items.append(item)
        groups.append(DigestGroup(severity, labels[severity], sorted(by_kind.values(), key=lambda k: k.label)))
    return groups


def _urls(organization: Organization) -> dict[str, str]:
    slug = {"org_slug": organization.slug}
    return {
        "inbox_url": absolute(reverse("notifications:inbox", kwargs=slug)),
        "settings_url": absolute(reverse("notifications:settings", kwargs=slug)),
    }


def open_url(organization: Organization, notification: Notification) -> str:
    """The notification's address for an e-mail: opening it marks it read and shows its page (``views.open_view``)."""
    return absolute(
        reverse("notifications:open", kwargs={"org_slug": organization.slug, "notification_id": notification.pk})
    )


def _name(membership: Membership) -> str:
    return membership.user.full_name or membership.user.email


def digest_message(
    *, organization: Organization, membership: Membership, items: list[Notification], total: int
) -> EmailMultiAlternatives:
    """The digest e-mail (plain text and HTML) of ``items`` (at most ``DIGEST_MAX_ITEMS`` of ``total``). Render it
    with the organisation's time zone current (its times are local)."""
    shown = items[:DIGEST_MAX_ITEMS]
    for item in shown:
        item.url = open_url(organization, item)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "organization": organization,
        "name": _name(membership),
        "groups": digest_groups(shown),
        "total": total,
        "more": total - len(shown),
        **_urls(organization),
    }
    subject = f"{organization.name}: your daily digest ({total} unread notification{'s' if total != 1 else ''})"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[membership.user.email],
    )
    message.attach_alternative(render_to_string("notifications/email/digest.html", context), "text/html")
    return message


def notification_message(
    *, organization: Organization, notification: Notification, membership: Membership
) -> EmailMultiAlternatives:
    """The e-mail of one notification (plain text and HTML)."""
    context: dict[str, Any] = {
        "organization": organization,
        "name": _name(membership),
        "notification": notification,
        "kind_label": kind_label(notification.kind),
        "url": open_url(organization, notification),
        **_urls(organization),
    }
    urgent = {"critical": "[Critical] ", "warning": "[Warning] "}.get(notification.severity, "")
    message = EmailMultiAlternatives(
        subject=f"{urgent}{notification.title} · {organization.name}",
        body=render_to_string("notifications/email/notification.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[membership.user.email],
    )
    message.attach_alternative(render_to_string("notifications/email/notification.html", context), "text/html")
    return message
