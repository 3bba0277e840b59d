"""Every read of shipments for a page or an endpoint: the organisation first, what the member may see, projections
and the related rows each read needs in a fixed number of statements.

A merchandiser restricted to their own orders (``sales.selectors.merchandiser_restricted``) sees the shipments
that carry a line of one of them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from tradeloom.core.pagination import KeysetPage, PreparedFirstPage, parse_limit
from tradeloom.core.shapes import shape_of
from tradeloom.logistics import states
from tradeloom.logistics.models import Container, DocumentFile, EtaRevision, Shipment, ShipmentDocument, ShipmentLine
from tradeloom.partners.models import Carrier, Customer
from tradeloom.sales.models import Line, Order
from tradeloom.sales.selectors import merchandiser_restricted
from tradeloom.tenancy.models import Membership


def late_condition(today: datetime.date | None = None) -> Q:
    """Late: still booked after its ETD, or in transit after its ETA."""
    today = today or timezone.localdate()
    return Q(status=states.BOOKED, etd__lt=today) | Q(status=states.IN_TRANSIT, eta__lt=today)


def shipments_visible(*, organization: Any, membership: Membership) -> QuerySet[Shipment]:
    qs = Shipment.objects.filter(organization=organization)
    if merchandiser_restricted(organization=organization, membership=membership):
        theirs = ShipmentLine.objects.filter(shipment=OuterRef("pk"), order__merchandiser=membership)
        qs = qs.filter(Exists(theirs))
    return qs


@cache
def _shipment_list_columns() -> QuerySet[Shipment]:
    """Every shipment with the list's extra columns (customer and carrier names, the orders it carries), resolved
    once per process: resolving the subqueries is most of what building the statement costs (as the orders list,
    ``sales.selectors._order_list_columns``). Never evaluated itself; ``shipment_list`` takes a filtered copy."""
    customer_name = Customer.objects.filter(pk=OuterRef("customer_id")).annotate(
        label=Coalesce(NullIf("trade_name", Value("")), "legal_name")
    )
    carrier_name = Carrier.objects.filter(pk=OuterRef("carrier_id")).values("name")[:1]
    orders = (
        ShipmentLine.objects.filter(shipment=OuterRef("pk"))
        .order_by()
        .values("shipment")
        .annotate(numbers=ArrayAgg("order__number", distinct=True, order_by="order__number"))
        .values("numbers")
    )
    return (
        Shipment.objects.defer("notes", "status_reason")
        .annotate(
            customer_name=Subquery(customer_name.values("label")[:1]),
            carrier_name=Subquery(carrier_name),
            order_numbers=Subquery(orders),
        )
        .order_by("-created_at", "-id")
    )


def shipment_list(*, organization: Any, membership: Membership) -> QuerySet[Shipment]:
    """The list's rows, each with its customer's and carrier's names and the numbers of the orders it carries, in
    one statement whatever the page size (filter and page it; ``filters.ShipmentFilter``)."""
    qs = _shipment_list_columns().filter(organization=organization)
    if merchandiser_restricted(organization=organization, membership=membership):
        qs = qs.filter(Exists(ShipmentLine.objects.filter(shipment=OuterRef("pk"), order__merchandiser=membership)))
    return qs


# The list's columns: the shipment's own (its ``Shape.list``) and the three the list resolves beside them.
LIST_EXTRA = ("customer_name", "carrier_name", "order_numbers")
LIST_COLUMNS = (*shape_of(Shipment).list, *LIST_EXTRA)
LIST_ORDERING = ("-created_at", "-id")


def _list_page_rows(org: Any, status: Any = None, merchandiser: Any = None) -> QuerySet[Shipment, dict[str, Any]]:
    qs = _shipment_list_columns().filter(organization_id=org)
    if status is not None:
        qs = qs.filter(status=status)
    if merchandiser is not None:
        qs = qs.filter(
            Exists(ShipmentLine.objects.filter(shipment=OuterRef("pk"), order__merchandiser_id=merchandiser))
        )
    return qs.values(*LIST_COLUMNS)


# (status filter, restricted to a merchandiser's orders) → the first page, compiled once per page size
_FIRST_PAGES = {
    (False, False): PreparedFirstPage(lambda org: _list_page_rows(org), ordering=LIST_ORDERING, org=UUID),
    (True, False): PreparedFirstPage(
        lambda org, status: _list_page_rows(org, status), ordering=LIST_ORDERING, org=UUID, status=str
    ),
    (False, True): PreparedFirstPage(
        lambda org, merchandiser: _list_page_rows(org, merchandiser=merchandiser),
        ordering=LIST_ORDERING,
        org=UUID,
        merchandiser=UUID,
    ),
    (True, True): PreparedFirstPage(
        lambda org, status, merchandiser: _list_page_rows(org, status, merchandiser),
        ordering=LIST_ORDERING,
        org=UUID,
        status=str,
        merchandiser=UUID,
    ),
}
_FIRST_PAGE_PARAMS = frozenset({"limit", "status"})


def shipment_list_first_page(*, organization: Any, membership: Membership, params: Any) -> KeysetPage | None:
    """The list's first page when the request asks for nothing but a page size and a status — what opening the
    list and its status tabs ask for — read through a statement compiled once (``PreparedFirstPage``): the same rows
    and next cursor as ``shipment_list`` filtered by ``filters.ShipmentFilter`` and paged. ``None`` for any other
    request (a cursor, another filter, a status that is not one: the general path answers, or refuses, it)."""
    if not params.keys() <= _FIRST_PAGE_PARAMS:
        return None
    status = params.get("status") or None
    if status is not None and status not in states.LABELS:
        return None
    limit = parse_limit(params.get("limit"))
    values: dict[str, Any] = {"org": organization.pk}
    if status is not None:
        values["status"] = status
    restricted = merchandiser_restricted(organization=organization, membership=membership)
    if restricted:
        values["merchandiser"] = membership.pk
    return _FIRST_PAGES[status is not None, restricted].page(limit=limit, **values)


def shipment_get(*, organization: Any, membership: Membership, shipment_id: Any) -> Shipment:
    """One shipment the member may see, with customer and carrier (404 otherwise: ``Shipment.DoesNotExist``)."""
    return (
        shipments_visible(organization=organization, membership=membership)
        .select_related("customer", "carrier")
        .get(pk=shipment_id)
    )


@dataclass(frozen=True)
class ShipmentDetail:
    shipment: Shipment
    lines: list[ShipmentLine]
    containers: list[Container]
    revisions: list[EtaRevision]
    documents: list[ShipmentDocument]


def shipment_lines(shipment: Shipment) -> QuerySet[ShipmentLine]:
    """A shipment's lines with their order line (its order, style and unit) and container: one statement."""
    return (
        ShipmentLine.objects.filter(shipment=shipment)
        .select_related("line__order", "line__style", "line__unit", "container")
        .order_by("position", "id")
    )


def shipment_documents(shipment: Shipment) -> QuerySet[ShipmentDocument]:
    """The checklist with each document's files (two statements)."""
    return (
        ShipmentDocument.objects.filter(shipment=shipment)
        .prefetch_related(Prefetch("files", queryset=DocumentFile.objects.order_by("created_at", "id")))
        .order_by("position", "name")
    )


def shipment_detail(*, organization: Any, membership: Membership, shipment_id: Any) -> ShipmentDetail:
    """Everything a shipment's page and API detail show, in a constant number of statements (six) whatever the
    number of lines, containers, revisions and documents."""
    shipment = shipment_get(organization=organization, membership=membership, shipment_id=shipment_id)
    return ShipmentDetail(
        shipment=shipment,
        lines=list(shipment_lines(shipment)),
        containers=list(Container.objects.filter(shipment=shipment).order_by("position", "number")),
        revisions=list(
            EtaRevision.objects.filter(shipment=shipment).select_related("created_by").order_by("created_at", "id")
        ),
        documents=list(shipment_documents(shipment)),
    )


@dataclass(frozen=True)
class LineShipping:
    """An order line's figures towards the buyer: ordered, shipped, delivered to buyer and the balance to ship
    (ordered - shipped; below zero when shipped beyond the order, within the tolerance or by an override)."""

    line: Line
    ordered: Decimal
    shipped: Decimal
    delivered: Decimal

    @property
    def balance(self) -> Decimal:
        return self.ordered - self.shipped

    @property
    def shipped_percent(self) -> int:
        return int(self.shipped * 100 / self.ordered) if self.ordered else 0


@dataclass(frozen=True)
class OrderShipping:
    order: Order
    lines: list[LineShipping]
    shipment_lines: list[ShipmentLine]  # of this order, each with its shipment

    @property
    def shipments(self) -> list[Shipment]:
        seen: dict[Any, Shipment] = {}
        for row in self.shipment_lines:
            seen.setdefault(row.shipment_id, row.shipment)
        return sorted(seen.values(), key=lambda s: (s.created_at, s.pk), reverse=True)

    def by_unit(self) -> list[dict[str, Any]]:
        """The order's figures per unit (lines in different units are not added up)."""
        totals: dict[str, dict[str, Any]] = {}
        for figure in self.lines:
            unit = figure.line.unit.code
            row = totals.setdefault(
                unit, {"unit": unit, "ordered": Decimal(0), "shipped": Decimal(0), "delivered": Decimal(0)}
            )
            row["ordered"] += figure.ordered
            row["shipped"] += figure.shipped
            row["delivered"] += figure.delivered
        for row in totals.values():
            row["balance"] = row["ordered"] - row["shipped"]
            row["shipped_percent"] = int(row["shipped"] * 100 / row["ordered"]) if row["ordered"] else 0
            row["delivered_percent"] = int(row["delivered"] * 100 / row["ordered"]) if row["ordered"] else 0
        return list(totals.values())


def order_shipping(*, order: Order) -> OrderShipping:
    """An order's lines with their shipped and delivered figures, and its shipment lines with their shipments
    (customer and carrier): two statements whatever the number of lines and shipments."""
    lines = list(
        Line.objects.filter(order=order).select_related("style", "unit").order_by("style__position", "position")
    )
    rows = list(
        ShipmentLine.objects.filter(order=order)
        .select_related("shipment__carrier", "container")
        .order_by("-shipment__created_at", "position")
    )
    return OrderShipping(
        order=order,
        lines=[
            LineShipping(
                line=line, ordered=line.quantity, shipped=line.shipped_quantity, delivered=line.buyer_delivered_quantity
            )
            for line in lines
        ],
        shipment_lines=rows,
    )


def shippable_lines(*, order: Order) -> list[LineShipping]:
    """The order's lines that can still go on a shipment (not archived), with their balances: what the create page
    prefills (one statement)."""
    lines = (
        Line.objects.filter(order=order)
        .exclude(status=Line.Status.ARCHIVED)
        .select_related("style", "unit")
        .order_by("style__position", "position")
    )
    return [
        LineShipping(
            line=line, ordered=line.quantity, shipped=line.shipped_quantity, delivered=line.buyer_delivered_quantity
        )
        for line in lines
    ]


# --- a shipment's own rows, as a path names them (404 when they are not that shipment's) ---------------------------


def shipment_line_of(*, shipment: Shipment, pk: Any) -> ShipmentLine | None:
    """A line of ``shipment`` (carrying it, so a service does not read it again before locking it)."""
    row = ShipmentLine.objects.filter(shipment=shipment, pk=pk).first()
    if row is not None:
        row.shipment = shipment
    return row


def shipment_line_ids(*, shipment: Shipment) -> set[Any]:
    """The order lines a shipment carries (what its add-a-line form leaves out)."""
    return set(ShipmentLine.objects.filter(shipment=shipment).values_list("line_id", flat=True))


def container_of(*, shipment: Shipment, pk: Any) -> Container | None:
    container = Container.objects.filter(shipment=shipment, pk=pk).first()
    if container is not None:
        container.shipment = shipment
    return container


def containers_of(*, shipment: Shipment) -> list[Container]:
    return list(Container.objects.filter(shipment=shipment).order_by("position", "number"))


def document_of(*, shipment: Shipment, pk: Any) -> ShipmentDocument | None:
    document = ShipmentDocument.objects.filter(shipment=shipment, pk=pk).first()
    if document is not None:
        document.shipment = shipment
    return document


def document_file_of(*, document: ShipmentDocument, pk: Any) -> DocumentFile | None:
    found = DocumentFile.objects.filter(document=document, pk=pk).first()
    if found is not None:
        found.document = document
    return found


def document_file_visible(*, organization: Any, membership: Membership, pk: Any) -> DocumentFile | None:
    """A document's file whose shipment the member may see (its file, name and type), else ``None``."""
    visible = shipments_visible(organization=organization, membership=membership)
    return (
        DocumentFile.objects.filter(organization=organization, document__shipment__in=visible, pk=pk)
        .only("file", "name", "content_type")
        .first()
    )
