"""Reads of the audit log, always within one organisation."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from tradeloom.audit.models import AuditEvent


def audit_event_list(*, organization: Any) -> QuerySet[AuditEvent]:
    """The organisation's events with their actors; filter with ``audit.filters.AuditEventFilter``."""
    return AuditEvent.objects.filter(organization=organization).select_related("actor")


def audit_recent(*, organization: Any, limit: int = 8) -> list[AuditEvent]:
    """The organisation's latest events, newest first."""
    return list(audit_event_list(organization=organization).order_by("-created_at", "-id")[:limit])


def audit_timeline(
    *, organization: Any, target_ids: Iterable[Any], target_type: str = "", limit: int = 100
) -> list[AuditEvent]:
    """A record's timeline: the events of these targets (an order and its lines; a membership), newest first."""
    events = audit_event_list(organization=organization).filter(target_id__in=[str(pk) for pk in target_ids])
    if target_type:
        events = events.filter(target_type=target_type)
    return list(events.order_by("-created_at", "-id")[:limit])


def audit_events_of_targets(
    *, organization: Any, targets: Mapping[str, Iterable[Any]], limit: int = 200
) -> list[AuditEvent]:
    """The events of many records of many kinds (``{"sales.line": [ids], …}``: an order's timeline), newest first,
    with their actors; one statement (each kind is a lookup of the (organisation, target) index)."""
    condition = Q()
    for target_type, ids in targets.items():
        keys = sorted({str(pk) for pk in ids})
        if keys:
            condition |= Q(target_type=target_type, target_id__in=keys)
    if not condition:
        return []
    events = AuditEvent.objects.filter(condition, organization=organization).select_related("actor")
    return list(events.order_by("-created_at", "-id")[:limit])


def audit_activity_by_day(*, organization: Any, days: int = 14) -> list[tuple[date, int]]:
    """Events per day over the last ``days`` days (organisation time zone), zeros included; one query."""
    tz = zoneinfo.ZoneInfo(organization.timezone)
    today = timezone.now().astimezone(tz).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time.min, tzinfo=tz)
    rows = (
        AuditEvent.objects.filter(organization=organization, created_at__gte=start)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    counts = dict(rows)
    return [(first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range(days)]
