"""Reads of the audit log, always within one organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tradeloom.audit.models import AuditEvent
from tradeloom.tenancy.models import Organization


def audit_event_list(*, organization: Organization, filters: dict[str, Any] | None = None) -> QuerySet[AuditEvent]:
    filters = filters or {}
    qs = AuditEvent.objects.filter(organization=organization).select_related("actor")
    if filters.get("actor"):
        qs = qs.filter(actor_id=filters["actor"])
    if filters.get("action"):
        action = filters["action"]
        qs = qs.filter(action__startswith=action[:-1]) if action.endswith("*") else qs.filter(action=action)
    if filters.get("target_type"):
        qs = qs.filter(target_type=filters["target_type"])
    if filters.get("target_id"):
        qs = qs.filter(target_id=str(filters["target_id"]))
    if filters.get("since"):
        qs = qs.filter(created_at__gte=filters["since"])
    if filters.get("until"):
        qs = qs.filter(created_at__lt=filters["until"])
    return qs
