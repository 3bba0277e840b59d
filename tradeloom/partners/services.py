"""Partner rules beyond the record services (``records.services`` writes, validates and audits every partner)."""

from __future__ import annotations

from typing import Any

from tradeloom.core.exceptions import ApplicationError
from tradeloom.partners.models import Customer, Supplier
from tradeloom.partners.selectors import partner_similar_list


def similar_record(partner: Customer | Supplier) -> dict[str, Any]:
    """How a refusal names a similar partner (the API's ``similar_records`` items)."""
    return {
        "id": str(partner.pk),
        "code": partner.code,
        "name": str(partner),
        "legal_name": partner.legal_name,
        "trade_name": partner.trade_name,
        "country": partner.country,
        "archived": partner.archived_at is not None,
    }


def similar_partners_check(
    *,
    model: type[Customer | Supplier],
    organization: Any,
    data: dict[str, Any],
    instance: Customer | Supplier | None = None,
    confirmed: bool = False,
) -> None:
    """Before a customer or supplier is saved under a new name (created, or renamed): refuse with 409
    ``similar_records`` when the organisation already has ones whose name is very like it (typo-tolerant, legal
    forms ignored: ``selectors.partner_similar_list``), naming them — unless the caller ``confirmed`` it is another
    partner. An edit that keeps the names is never asked again."""
    if confirmed:
        return
    names = {
        field: (data.get(field) if field in data else getattr(instance, field, "")) or ""
        for field in ("legal_name", "trade_name")
    }
    if instance is not None and all(names[field] == getattr(instance, field) for field in names):
        return
    similar = partner_similar_list(
        model=model,
        organization=organization,
        names=list(names.values()),
        exclude=instance.pk if instance is not None else None,
    )
    if not similar:
        return
    kind = str(model._meta.verbose_name)
    listed = ", ".join(f"{partner} ({partner.code})" for partner in similar)
    found = (
        f"A {kind} with a very similar name exists: {listed}."
        if len(similar) == 1
        else f"{str(model._meta.verbose_name_plural).capitalize()} with very similar names exist: {listed}."
    )
    raise ApplicationError(
        f"{found} Check that this is another {kind}; confirm to save it anyway.",
        code="similar_records",
        status=409,
        extra={"similar_records": [similar_record(partner) for partner in similar]},
    )
