"""Reads for the imports pages and API: always within the organisation (another organisation's run is a 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from tradeloom.core.models import Job
from tradeloom.imports.models import ImportMapping, ImportRun, header_signature
from tradeloom.imports.registry import ENTITIES, Entity
from tradeloom.tenancy.roles import capability, role_has

# what a list or a detail reads of a run: never its file's bytes
LIGHT = ("content",)


def entity_allowed(role: str, entity: Entity) -> bool:
    try:
        return role_has(role, capability(entity.capability))
    except KeyError:
        return False


def entities_for(role: str) -> list[Entity]:
    """The entities this role may import (each needs its own manage capability), in their page order."""
    return sorted((e for e in ENTITIES if entity_allowed(role, e)), key=lambda e: (e.order, e.label))


def entity_of(code: str) -> Entity:
    entity = ENTITIES.get(code)
    if entity is None:
        raise Http404("No such import entity.")
    return entity


def run_list(*, organization: Any) -> QuerySet[ImportRun]:
    return (
        ImportRun.objects.filter(organization=organization)
        .defer(*LIGHT)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def run_get(*, organization: Any, pk: Any, with_content: bool = False) -> ImportRun:
    queryset = ImportRun.objects.filter(organization=organization).select_related("created_by")
    if not with_content:
        queryset = queryset.defer(*LIGHT)
    run = queryset.filter(pk=pk).first()
    if run is None:
        raise Http404("No such import.")
    return run


def mapping_saved(*, organization: Any, entity: str, headers: list[str]) -> ImportMapping | None:
    """The organisation's saved mapping for files of ``entity`` with these headers (in any order)."""
    return ImportMapping.objects.filter(
        organization=organization, entity=entity, signature=header_signature(headers)
    ).first()


def run_job(*, organization: Any, run: ImportRun) -> Job | None:
    """The job of the run's commit, once started."""
    if run.job_id is None:
        return None
    return Job.objects.filter(organization=organization, pk=run.job_id).first()
