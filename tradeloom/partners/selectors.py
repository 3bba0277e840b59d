"""Reads for partners that pages and endpoints share."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from tradeloom.core.search import search_filter, trigrams, words
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


# --- similar names (a warning before a likely duplicate is saved) -------------------------------------------------
# Words that say what kind of company it is, not which: "Arvind Mills Ltd" and "Arvind Mills" are the same mill.
LEGAL_FORM_WORDS = frozenset(
    {
        *("ltd", "limited", "llc", "llp", "inc", "incorporated", "co", "company", "corp", "corporation", "plc"),
        *("pvt", "private", "pte", "pty", "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "oy"),
        *("ab", "as"),
    }
)
# The share of trigrams two names have in common (of all their trigrams, legal forms left out) from which they are
# "very like" each other: "Arvind Mills" ~ "Arvnd Mills" (0.67), ~ "Arvind Mills Ltd" (1.0); "Arvind Mills" and
# "Bayside Mills" (0.29) are not.
SIMILAR_NAME_THRESHOLD = 0.5
SIMILAR_CANDIDATES = 20


def _name_trigrams(name: str) -> set[str]:
    kept = [word for word in words(name).split() if word not in LEGAL_FORM_WORDS]
    return set(trigrams(" ".join(kept) or name))


def name_similarity(a: str, b: str) -> float:
    """How alike two names are, 0 to 1 (shared trigrams of all trigrams, as pg_trgm's ``similarity``)."""
    left, right = _name_trigrams(a), _name_trigrams(b)
    return len(left & right) / len(left | right) if left and right else 0.0


def partner_similar_list(
    *, model: type[Customer | Supplier], organization: Any, names: list[str], exclude: Any = None, limit: int = 5
) -> list[Customer | Supplier]:
    """The organisation's partners of ``model`` (archived ones too) whose legal or trade name is very like one of
    ``names``, most alike first. Candidates come from the typo-tolerant search index (``core.search``, one query per
    name, as ``?search=`` finds them); a candidate is kept when its name's ``name_similarity`` reaches
    ``SIMILAR_NAME_THRESHOLD`` (a search finds "Mills" in every mill; that is not a duplicate)."""
    scores: dict[Any, tuple[float, Customer | Supplier]] = {}
    for name in {n.strip() for n in names if n and n.strip()}:
        candidates = search_filter(model.objects.filter(organization=organization), name)
        if exclude is not None:
            candidates = candidates.exclude(pk=exclude)
        fields = ("id", "code", "legal_name", "trade_name", "country", "archived_at", "version")
        for partner in candidates.only(*fields).order_by("-search_rank", "-id")[:SIMILAR_CANDIDATES]:
            score = max(name_similarity(name, other) for other in (partner.legal_name, partner.trade_name) if other)
            if score >= SIMILAR_NAME_THRESHOLD and score > scores.get(partner.pk, (0.0, None))[0]:
                scores[partner.pk] = (score, partner)
    ranked = sorted(scores.values(), key=lambda pair: (-pair[0], pair[1].code))
    return [partner for _, partner in ranked[:limit]]
