"""Reads of the audit log, always within one organisation."""

from __future__ import annotations

from django.db.models import QuerySet

from tradeloom.audit.models import AuditEvent
from tradeloom.tenancy.models import Organization


def audit_event_list(*, organization: Organization) -> QuerySet[AuditEvent]:
    """The organisation's events with their actors; filter with ``audit.filters.AuditEventFilter``."""
    return AuditEvent.objects.filter(organization=organization).select_related("actor")
