"""Reads of records that the generic pages (``records.pages``) and the generic API (``records.api``) share: an
organisation's records of a model, one of them, and the records a picker offers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404


def record_list(
    *, organization: Any, model: type[models.Model], select_related: Iterable[str] = (), prefetch: Iterable[Any] = ()
) -> QuerySet[Any]:
    """The organisation's records of ``model`` (archived ones included), with the joins and prefetches a page or an
    endpoint reads."""
    qs = model._default_manager.filter(organization=organization)
    select_related, prefetch = tuple(select_related), tuple(prefetch)
    if select_related:
        qs = qs.select_related(*select_related)
    if prefetch:
        qs = qs.prefetch_related(*prefetch)
    return qs


def record_list_none(*, model: type[models.Model]) -> QuerySet[Any]:
    """No records of ``model``: what a field or a view declares before it knows the organisation (for the schema)."""
    return model._default_manager.none()


def record_get(*, records: QuerySet[Any], pk: Any) -> Any:
    """The record ``pk`` among ``records`` (an organisation's, as ``record_list`` gives them); 404 when it is not
    there."""
    instance = records.filter(pk=pk).first()
    if instance is None:
        raise Http404(f"No such {records.model._meta.verbose_name}.")
    return instance


def record_choices(
    *, organization: Any, model: type[models.Model], current: Any = None, include_archived: bool = False
) -> QuerySet[Any]:
    """The records of ``model`` a picker offers: the organisation's active ones, plus ``current`` (the id of the one
    already chosen: an edit may keep it, though it was archived since); every one with ``include_archived``. A model
    without an archive offers its active rows where it has an ``is_active`` flag (memberships)."""
    qs = model._default_manager.filter(organization=organization)
    if include_archived or not hasattr(model, "archived_at"):
        return qs.filter(is_active=True) if hasattr(model, "is_active") else qs
    active = Q(archived_at__isnull=True)
    return qs.filter(active | Q(pk=current)) if current else qs.filter(active)
