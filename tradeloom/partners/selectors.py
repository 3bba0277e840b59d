"""Reads for partners that pages and endpoints share."""

from __future__ import annotations

from django.db.models import Prefetch

from tradeloom.partners.models import Contact, Plant


def primary_contacts_prefetch() -> Prefetch:
    """Each partner's active primary contact as ``partner.primary_contacts`` (a list of 0 or 1), one query."""
    return Prefetch(
        "contacts",
        queryset=Contact.objects.filter(is_primary=True, archived_at__isnull=True),
        to_attr="primary_contacts",
    )


def active_plants_prefetch() -> Prefetch:
    return Prefetch(
        "plants", queryset=Plant.objects.filter(archived_at__isnull=True).order_by("name"), to_attr="active_plants"
    )
