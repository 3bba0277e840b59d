"""The public event types of the floors below webhooks, and how their records read (``core.webhook_events``).

Registered from ``WebhooksConfig.ready()`` for sales, approvals, partners and catalog, which do not know about
webhooks; a module of its own (shipments, invoices …) registers its types and representations in its own
``ready()`` instead, and nothing here changes.

A record reads as ``GET`` on its API returns it: an order as ``orders/{id}/``, a line as it appears in its order's
``lines`` (with ``order_id``), a sample as ``…/samples/`` lists it, a line gate with its history as the entries API
answers, a customer, supplier or item as its record API's detail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from tradeloom.approvals.api.serializers import LineGateOutput, SampleOutput
from tradeloom.approvals.models import LineGate, Sample
from tradeloom.catalog.api.views import ItemViewSet
from tradeloom.core.webhook_events import (
    WEBHOOK_EVENT_TYPES,
    WEBHOOK_REPRESENTATIONS,
    WebhookEventType,
    WebhookRepresentation,
)
from tradeloom.partners.api.views import CustomerViewSet, SupplierViewSet
from tradeloom.records.api import RecordViewSet
from tradeloom.sales.api.serializers import order_detail_data
from tradeloom.sales.models import Line, Order, Style
from tradeloom.sales.selectors import ORDER_SEARCH_COLUMNS, order_detail_from

TEST_EVENT = "webhook.test"

EVENT_TYPES = [
    # orders
    ("sales_order.created", "Order created", "Orders"),
    ("sales_order.updated", "Order header changed", "Orders"),
    ("sales_order.stage_changed", "Order moved to a stage", "Orders"),
    ("sales_order.merged", "Repeated PO merged into an order", "Orders"),
    ("sales_order.deletion_approved", "Order deleted", "Orders"),
    ("sales_order.restored", "Deleted order restored", "Orders"),
    # lines
    ("sales_line.updated", "Line changed (quantities, prices, dates)", "Lines"),
    ("sales_line.status_changed", "Line status changed", "Lines"),
    ("sales_line.delivery_recorded", "Delivery recorded", "Lines"),
    ("sales_line.delivery_corrected", "Delivery corrected", "Lines"),
    ("sales_line.delivery_reversed", "Delivery reversed", "Lines"),
    ("sales_line.offer_accepted", "Mill offer accepted", "Lines"),
    # approvals
    ("approval_line_gate.recorded", "Approval step recorded", "Approvals and samples"),
    ("approval_line_gate.corrected", "Approval step corrected", "Approvals and samples"),
    ("approval_sample.registered", "Sample registered", "Approvals and samples"),
    ("approval_sample.dispatched", "Sample sent", "Approvals and samples"),
    ("approval_sample.decided", "Sample decided by the buyer", "Approvals and samples"),
    # master data
    ("customer.created", "Customer added", "Partners and items"),
    ("customer.updated", "Customer changed", "Partners and items"),
    ("customer.archived", "Customer archived", "Partners and items"),
    ("supplier.created", "Supplier added", "Partners and items"),
    ("supplier.updated", "Supplier changed", "Partners and items"),
    ("supplier.archived", "Supplier archived", "Partners and items"),
    ("item.created", "Item added", "Partners and items"),
    ("item.updated", "Item changed", "Partners and items"),
    ("item.archived", "Item archived", "Partners and items"),
]


def _context(organization: Any) -> dict[str, Any]:
    return {"org_slug": organization.slug, "today": timezone.localdate()}


def orders_represent(organization: Any, ids: Iterable[str]) -> dict[str, Any]:
    """Orders as ``GET orders/{id}/`` returns them (three statements and the rates of their days)."""
    orders = (
        Order.objects.defer(*ORDER_SEARCH_COLUMNS)
        .filter(organization=organization, pk__in=list(ids))
        .select_related("customer")
        .prefetch_related(
            Prefetch("styles", queryset=Style.objects.order_by("position")),
            Prefetch("lines", queryset=Line.objects.select_related("unit").order_by("position")),
        )
    )
    data = {}
    for order in orders:
        order.organization = organization
        detail = order_detail_from(order, styles=order.styles.all(), lines=order.lines.all())
        data[str(order.pk)] = order_detail_data(detail)
    return data


def lines_represent(organization: Any, ids: Iterable[str]) -> dict[str, Any]:
    """Lines as their order's detail shows them, with the order's id."""
    wanted = {str(pk) for pk in ids}
    order_ids = Line.objects.filter(organization=organization, pk__in=wanted).values_list("order_id", flat=True)
    data = {}
    for order_id, order in orders_represent(organization, {str(pk) for pk in order_ids}).items():
        for line in order["lines"]:
            if str(line["id"]) in wanted:
                data[str(line["id"])] = {"order_id": order_id, **line}
    return data


def samples_represent(organization: Any, ids: Iterable[str]) -> dict[str, Any]:
    samples = Sample.objects.filter(organization=organization, pk__in=list(ids)).select_related("gate")
    context = _context(organization)
    return {str(s.pk): SampleOutput(s, context=context).data for s in samples.prefetch_related("attachments")}


def line_gates_represent(organization: Any, ids: Iterable[str]) -> dict[str, Any]:
    line_gates = (
        LineGate.objects.filter(organization=organization, pk__in=list(ids))
        .select_related("gate")
        .prefetch_related("entries__attachments", "entries__created_by")
    )
    context = _context(organization)
    return {str(lg.pk): LineGateOutput(lg, context=context).data for lg in line_gates}


def records_of(viewset: type[RecordViewSet]) -> Any:
    """A record resource's details as its ``RecordViewSet`` reads and writes them."""

    def represent(organization: Any, ids: Iterable[str]) -> dict[str, Any]:
        view = viewset()
        view.organization = organization
        rows = view.base_queryset().filter(pk__in=list(ids))
        return {str(row.pk): viewset.output_serializer(row).data for row in rows}

    return represent


REPRESENTATIONS = {
    "sales.order": WebhookRepresentation(orders_represent, "orders/{id}/"),
    "sales.line": WebhookRepresentation(lines_represent, "orders/{order_id}/ (lines)"),
    "approvals.sample": WebhookRepresentation(samples_represent, "orders/{order_id}/lines/{line_id}/samples/"),
    "approvals.linegate": WebhookRepresentation(line_gates_represent, "approvals/line-gates/{id}/entries/"),
    "partners.customer": WebhookRepresentation(records_of(CustomerViewSet), "customers/{id}/"),
    "partners.supplier": WebhookRepresentation(records_of(SupplierViewSet), "suppliers/{id}/"),
    "catalog.item": WebhookRepresentation(records_of(ItemViewSet), "items/{id}/"),
}


def register() -> None:
    for code, label, area in EVENT_TYPES:
        WEBHOOK_EVENT_TYPES.register(code, WebhookEventType(code, label, area=area))
    for target_type, representation in REPRESENTATIONS.items():
        WEBHOOK_REPRESENTATIONS.register(target_type, representation)
