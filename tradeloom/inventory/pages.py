"""The warehouse pages (see records.pages): list, form, detail with the warehouse's stock on hand."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tradeloom.audit.formats import number
from tradeloom.core.listing import SortOption
from tradeloom.inventory import filters, forms, selectors
from tradeloom.inventory.capabilities import INVENTORY_MANAGE, INVENTORY_VIEW
from tradeloom.inventory.models import Warehouse
from tradeloom.records.pages import RecordPages

DETAIL_BALANCES = 100


def _warehouse_related(request: Any, warehouse: Warehouse) -> dict[str, Any]:
    """The warehouse's stock on hand (its largest balances by value), one statement."""
    slug = request.organization.slug
    balances = selectors.warehouse_balances(
        organization=request.organization, warehouse=warehouse, limit=DETAIL_BALANCES
    )
    base = request.organization.base_currency
    return {
        "related": [
            {
                "title": "Stock on hand",
                "rows": [
                    {
                        "url": reverse("inventory:item-ledger", kwargs={"org_slug": slug, "item_id": b.item_id}),
                        "label": f"{b.item.code} · {b.item.name}" + (f" · lot {b.lot}" if b.lot else ""),
                        "note": f"{number(b.quantity)} {b.item.unit.code} · {base} {number(b.value, money=True)}",
                    }
                    for b in balances
                ],
                "empty": "No stock here yet: receive, transfer or adjust stock into it.",
                "add_url": reverse("inventory:adjust", kwargs={"org_slug": slug}) + f"?warehouse={warehouse.pk}",
            }
        ]
    }


WAREHOUSES = RecordPages(
    model=Warehouse,
    form_class=forms.WarehouseForm,
    filterset_class=filters.WarehouseFilter,
    slug="warehouses",
    title="Warehouses",
    view_capability=INVENTORY_VIEW,
    manage_capability=INVENTORY_MANAGE,
    select_related=("supplier",),
    columns=["Warehouse", "Kind", "Mill"],
    row_template="inventory/_warehouse_row.html",
    detail_context=_warehouse_related,
    sorts=[SortOption("code", "Code", ("code", "id")), SortOption("newest", "Newest first", ("-created_at", "-id"))],
    intro="Where stock is kept: your own stores, stock held at mills, goods in transit.",
)

ALL = [WAREHOUSES]
