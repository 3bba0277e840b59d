"""Reads for partners that pages and endpoints share."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from tradeloom.partners.models import Address, Contact, Customer, Plant, Supplier, SupplierPlantMapping


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


def _partner(partner: Customer | Supplier) -> dict[str, Any]:
    return {partner._meta.model_name or "": partner}


def contact_list_of_partner(*, partner: Customer | Supplier) -> QuerySet[Contact]:
    """A customer's or supplier's active contacts, the primary one first."""
    return Contact.objects.filter(**_partner(partner), archived_at__isnull=True).order_by("-is_primary", "name")


def address_list_of_partner(*, partner: Customer | Supplier) -> QuerySet[Address]:
    """A customer's or supplier's active addresses, by kind."""
    return Address.objects.filter(**_partner(partner), archived_at__isnull=True).order_by("kind")


def plant_list_of_supplier(*, supplier: Supplier) -> QuerySet[Plant]:
    """A supplier's active plants, by name."""
    return Plant.objects.filter(supplier=supplier, archived_at__isnull=True).order_by("name")


def plant_mapping_list_of_supplier(*, supplier: Supplier) -> QuerySet[SupplierPlantMapping]:
    """A supplier's active plant mappings with their plants and customers, by plant."""
    return (
        SupplierPlantMapping.objects.filter(supplier=supplier, archived_at__isnull=True)
        .select_related("plant", "customer")
        .order_by("plant__name")
    )


def plant_mapping_list_of_plant(*, plant: Plant) -> QuerySet[SupplierPlantMapping]:
    """The active mappings of a plant to suppliers, with their suppliers and customers."""
    return SupplierPlantMapping.objects.filter(plant=plant, archived_at__isnull=True).select_related(
        "supplier", "customer"
    )
