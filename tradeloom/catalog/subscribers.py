"""How the catalog answers other apps' events (subscribed in ``CatalogConfig.ready``)."""

from __future__ import annotations

from tradeloom.catalog.services import units_create_defaults
from tradeloom.tenancy.events import OrganizationCreated


def give_default_units(event: OrganizationCreated) -> None:
    """A new organisation starts with the usual units (m, yd, kg, lb, pcs, dz)."""
    units_create_defaults(organization=event.organization, by=event.membership)
