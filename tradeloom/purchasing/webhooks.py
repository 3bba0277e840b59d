"""What purchasing gives outbound webhooks (``core.webhook_events``): the PO actions integrators may subscribe to,
and how a PO reads in their payloads — as ``GET purchase-orders/{id}/`` returns it. Registered from
``PurchasingConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tradeloom.core.webhook_events import (
    WEBHOOK_EVENT_TYPES,
    WEBHOOK_REPRESENTATIONS,
    WebhookEventType,
    WebhookRepresentation,
)
from tradeloom.purchasing.events import PurchaseOrderAction

AREA = "Purchasing"
EVENT_TYPES = [
    (PurchaseOrderAction.CREATED, "Purchase order drafted"),
    ("purchase_order.updated", "Draft purchase order changed"),
    (PurchaseOrderAction.SUBMITTED, "Purchase order submitted (or approved at once within the limit)"),
    (PurchaseOrderAction.APPROVED, "Purchase order approved"),
    (PurchaseOrderAction.REJECTED, "Purchase order sent back to draft"),
    (PurchaseOrderAction.CANCELLED, "Purchase order cancelled"),
    (PurchaseOrderAction.AMENDED, "Purchase order amended"),
    (PurchaseOrderAction.RECEIPT_RECORDED, "Goods received against a purchase order"),
    (PurchaseOrderAction.RECEIPT_CANCELLED, "Goods receipt cancelled"),
]


def purchase_orders_represent(organization: Any, ids: Iterable[str]) -> dict[str, Any]:
    """POs as ``GET purchase-orders/{id}/`` returns them: six statements whatever the number of ids (the POs, their
    lines, approvals, amendments, receipts and the receipts' lines)."""
    from tradeloom.purchasing.api.serializers import detail_data
    from tradeloom.purchasing.models import Amendment, Approval, PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine
    from tradeloom.purchasing.selectors import PurchaseOrderDetail

    wanted = list(ids)
    pos = list(
        PurchaseOrder.objects.filter(organization=organization, pk__in=wanted).select_related("supplier").order_by("pk")
    )
    keys = [po.pk for po in pos]

    def grouped(rows: Iterable[Any], key: str) -> dict[Any, list[Any]]:
        found: dict[Any, list[Any]] = {}
        for row in rows:
            found.setdefault(getattr(row, key), []).append(row)
        return found

    lines = grouped(
        PurchaseOrderLine.objects.filter(purchase_order_id__in=keys).order_by("position", "id"), "purchase_order_id"
    )
    approvals = grouped(Approval.objects.filter(purchase_order_id__in=keys), "purchase_order_id")
    amendments = grouped(Amendment.objects.filter(purchase_order_id__in=keys), "purchase_order_id")
    receipts = grouped(Receipt.objects.filter(purchase_order_id__in=keys), "purchase_order_id")
    receipt_lines = grouped(
        ReceiptLine.objects.filter(receipt__purchase_order_id__in=keys).order_by("created_at", "id"), "receipt_id"
    )
    return {
        str(po.pk): detail_data(
            PurchaseOrderDetail(
                po,
                lines.get(po.pk, []),
                approvals.get(po.pk, []),
                amendments.get(po.pk, []),
                receipts.get(po.pk, []),
                receipt_lines,
            )
        )
        for po in pos
    }


def register() -> None:
    for code, label in EVENT_TYPES:
        WEBHOOK_EVENT_TYPES.register(str(code), WebhookEventType(str(code), label, area=AREA))
    WEBHOOK_REPRESENTATIONS.register(
        "purchasing.purchaseorder", WebhookRepresentation(purchase_orders_represent, "purchase-orders/{id}/")
    )
