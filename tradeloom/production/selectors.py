"""Every read of work orders and production for a page or an endpoint: the organisation first, and the related rows
each read needs in a fixed number of statements."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum, UUIDField, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404

from tradeloom.core.pagination import KeysetPage, PreparedFirstPage, parse_limit
from tradeloom.core.shapes import shape_of
from tradeloom.inventory.models import StockMove, Warehouse
from tradeloom.partners.models import Supplier
from tradeloom.production import states
from tradeloom.production.models import (
    ProductionEntry,
    WorkOrder,
    WorkOrderLine,
    WorkOrderRequirement,
)
from tradeloom.sales.models import Line, Order

# --- the API and the services -----------------------------------------------------------------------------------------
ZERO = Decimal(0)
PROCESS_FIELDS = {states.KNITTED: "knitted", states.DYED: "dyed", states.FINISHED: "finished"}
STOCK_SOURCE = "production.workorder"


def work_orders_visible(*, organization: Any) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(organization=organization)


def _supplier_name() -> Subquery:
    rows = Supplier.objects.filter(pk=OuterRef("supplier_id")).annotate(
        label=Coalesce(NullIf("trade_name", Value("")), "legal_name")
    )
    return Subquery(rows.values("label")[:1])


# The API list's columns: the work order's own (its ``Shape.list``) and those resolved beside them.
LIST_EXTRA = ("order_number", "supplier_name", "unit_code", "item_name")
LIST_COLUMNS = (*shape_of(WorkOrder).list, *LIST_EXTRA)
LIST_ORDERING = ("-created_at", "-id")


@cache
def _list_columns() -> QuerySet[WorkOrder]:
    """Every work order with the list's extra columns, resolved once per process (resolving the subqueries is most
    of what building the list's statement costs); ``work_order_list`` takes a filtered copy. Never evaluated."""
    from tradeloom.catalog.models import Item, UnitOfMeasure

    return (
        WorkOrder.objects.defer("notes", "status_reason")
        .annotate(
            order_number=Subquery(Order.objects.filter(pk=OuterRef("order_id")).values("number")[:1]),
            supplier_name=_supplier_name(),
            unit_code=Subquery(UnitOfMeasure.objects.filter(pk=OuterRef("unit_id")).values("code")[:1]),
            item_name=Subquery(Item.objects.filter(pk=OuterRef("item_id")).values("name")[:1]),
        )
        .order_by(*LIST_ORDERING)
    )


def work_order_list(*, organization: Any) -> QuerySet[WorkOrder]:
    """The work orders with their order's number, mill's name, unit's code and item's name: one statement a page,
    newest first."""
    return _list_columns().filter(organization=organization)


def _list_page_rows(org: Any, status: Any = None) -> QuerySet[WorkOrder, dict[str, Any]]:
    qs = _list_columns().filter(organization_id=org)
    if status is not None:
        qs = qs.filter(status=status)
    return qs.values(*LIST_COLUMNS)


# (a status asked for) → the first page, compiled once per page size
_FIRST_PAGES = {
    False: PreparedFirstPage(lambda org: _list_page_rows(org), ordering=LIST_ORDERING, org=UUID),
    True: PreparedFirstPage(
        lambda org, status: _list_page_rows(org, status), ordering=LIST_ORDERING, org=UUID, status=str
    ),
}
_FIRST_PAGE_PARAMS = frozenset({"limit", "status"})


def work_order_list_first_page(*, organization: Any, params: Any) -> KeysetPage | None:
    """The API list's first page when the request asks for nothing but a page size and a status — opening the list
    and its status tabs — read through a statement compiled once (``PreparedFirstPage``): the same rows and next
    cursor as ``work_order_list(...).values(*LIST_COLUMNS)`` filtered by ``filters.WorkOrderFilter`` and paged.
    ``None`` for any other request (a cursor, another filter, a status that is not one: the general path answers,
    or refuses, it)."""
    if not params.keys() <= _FIRST_PAGE_PARAMS:
        return None
    status = params.get("status") or None
    if status is not None and status not in states.LABELS:
        return None
    limit = parse_limit(params.get("limit"))
    if status is None:
        return _FIRST_PAGES[False].page(limit=limit, org=organization.pk)
    return _FIRST_PAGES[True].page(limit=limit, org=organization.pk, status=status)


_WO_RELATED = ("item", "unit", "supplier", "warehouse", "order", "purchase_order")
_WO_HEAVY = tuple(f"supplier__{c}" for c in ("search_trigrams", "search_document", "search_vector", "notes"))


def work_order_get(*, organization: Any, pk: Any) -> WorkOrder:
    """One work order of the organisation with its item, unit, mill, warehouse, order and purchase order
    (``Http404`` otherwise: another organisation's is not there)."""
    try:
        return work_orders_visible(organization=organization).select_related(*_WO_RELATED).defer(*_WO_HEAVY).get(pk=pk)
    except (WorkOrder.DoesNotExist, ValueError, TypeError):
        raise Http404("No such work order.") from None


def entry_get(*, organization: Any, pk: Any, work_order: WorkOrder | None = None) -> ProductionEntry:
    """One production entry of the organisation (of ``work_order`` when given), ``Http404`` otherwise."""
    qs = ProductionEntry.objects.filter(organization=organization).select_related("work_order")
    if work_order is not None:
        qs = qs.filter(work_order=work_order)
    try:
        return qs.get(pk=pk)
    except (ProductionEntry.DoesNotExist, ValueError, TypeError):
        raise Http404("No such production entry.") from None


def requirement_get(*, organization: Any, work_order: WorkOrder, pk: Any) -> WorkOrderRequirement:
    """One requirement of the work order, ``Http404`` otherwise."""
    try:
        return WorkOrderRequirement.objects.select_related("item", "unit").get(
            organization=organization, work_order=work_order, pk=pk
        )
    except (WorkOrderRequirement.DoesNotExist, ValueError, TypeError):
        raise Http404("No such requirement.") from None


@dataclass(frozen=True)
class ProgressSeries:
    """Cumulative quantities per process by day (``{"knitted": [(day, cumulative), …], "dyed": …, "finished": …}``,
    each day an entry was reported) and the target they climb to (the ordered quantity)."""

    processes: dict[str, list[tuple[date, Decimal]]]
    target: Decimal

    @property
    def is_empty(self) -> bool:
        return not any(self.processes.values())

    def chart(self) -> dict[str, Any]:
        """The series as the progress chart reads them (``data-chart``: labels, one dataset per process and the
        target as a flat line)."""
        days = sorted({d for points in self.processes.values() for d, _ in points})
        datasets = []
        for process, label in states.PROCESSES:
            values = dict(self.processes.get(process, []))
            running, data = ZERO, []
            for d in days:
                running = values.get(d, running)
                data.append(float(running))
            datasets.append({"label": label, "data": data})
        datasets.append({"label": "Ordered", "data": [float(self.target)] * len(days)})
        return {"labels": [d.isoformat() for d in days], "datasets": datasets}


def series_of(rows: Iterable[tuple[date, Decimal, Decimal, Decimal]], target: Decimal) -> ProgressSeries:
    """``(day, knitted, dyed, finished)`` sums per day → the cumulative series."""
    running = dict.fromkeys(PROCESS_FIELDS, ZERO)
    processes: dict[str, list[tuple[date, Decimal]]] = {process: [] for process in PROCESS_FIELDS}
    for day, knitted, dyed, finished in sorted(rows, key=lambda r: r[0]):
        for process, value in zip(PROCESS_FIELDS, (knitted, dyed, finished), strict=True):
            running[process] += Decimal(value or 0)
            processes[process].append((day, running[process]))
    return ProgressSeries(processes=processes, target=Decimal(target))


def progress_series(*, organization: Any, work_orders: Iterable[WorkOrder]) -> ProgressSeries:
    """The cumulative knitted / dyed / finished of the work orders' current entries by day, against the sum of their
    quantities (cancelled ones left out of the target): one statement."""
    work_orders = list(work_orders)
    target = sum((Decimal(w.quantity) for w in work_orders if w.status != states.CANCELLED), ZERO)
    if not work_orders:
        return series_of([], target)
    rows = (
        ProductionEntry.objects.filter(
            organization=organization, work_order_id__in=[w.pk for w in work_orders], is_current=True
        )
        .order_by()
        .values("produced_on")
        .annotate(k=Sum("knitted"), d=Sum("dyed"), f=Sum("finished"))
        .values_list("produced_on", "k", "d", "f")
    )
    return series_of(list(rows), target)


def _series_from_entries(entries: Iterable[ProductionEntry], target: Decimal) -> ProgressSeries:
    days: dict[date, list[Decimal]] = {}
    for e in entries:
        sums = days.setdefault(e.produced_on, [ZERO, ZERO, ZERO])
        sums[0] += e.knitted
        sums[1] += e.dyed
        sums[2] += e.finished
    return series_of([(d, *v) for d, v in days.items()], target)  # type: ignore[misc]


@dataclass(frozen=True)
class WorkOrderDetail:
    """Everything a work order's page and API detail show."""

    work_order: WorkOrder
    lines: list[WorkOrderLine]  # with ``line`` (its style and order) and ``label``
    requirements: list[WorkOrderRequirement]  # with item and unit
    entries: list[ProductionEntry]  # the current ones, by day
    superseded: list[ProductionEntry]  # the earlier figures corrections replaced
    stock_moves: list[StockMove]  # what it issued and received (with warehouse, item, unit)
    series: ProgressSeries = field(default_factory=lambda: ProgressSeries({}, ZERO))

    def history_of(self, entry: ProductionEntry) -> list[ProductionEntry]:
        """The entries ``entry`` replaced, newest first."""
        by_pk = {e.pk: e for e in self.superseded}
        found, current = [], entry.supersedes_id
        while current is not None and current in by_pk:
            found.append(by_pk[current])
            current = by_pk[current].supersedes_id
        return found


def work_order_detail(*, organization: Any, work_order: WorkOrder) -> WorkOrderDetail:
    """A work order's lines (with their order line's label), requirements, entries (current and superseded, with who
    reported them) and stock moves: four statements whatever their number."""
    return work_order_details(organization=organization, work_orders=[work_order])[work_order.pk]


def work_order_details(*, organization: Any, work_orders: Iterable[WorkOrder]) -> dict[Any, WorkOrderDetail]:
    """``work_order_detail`` of several work orders (webhooks' payloads) in the same four statements."""
    work_orders = list(work_orders)
    ids = [wo.pk for wo in work_orders]
    lines: dict[Any, list[WorkOrderLine]] = {pk: [] for pk in ids}
    for row in (
        WorkOrderLine.objects.filter(organization=organization, work_order_id__in=ids)
        .select_related("line__style", "line__order", "line__unit")
        .order_by("position", "id")
    ):
        name = f" ({row.line.colour_name})" if row.line.colour_name else ""
        row.label = f"{row.line.style.style_number} {row.line}{name}"  # type: ignore[attr-defined]
        lines[row.work_order_id].append(row)
    requirements: dict[Any, list[WorkOrderRequirement]] = {pk: [] for pk in ids}
    for req in (
        WorkOrderRequirement.objects.filter(organization=organization, work_order_id__in=ids)
        .select_related("item", "unit")
        .order_by("position", "id")
    ):
        requirements[req.work_order_id].append(req)
    entries: dict[Any, list[ProductionEntry]] = {pk: [] for pk in ids}
    superseded: dict[Any, list[ProductionEntry]] = {pk: [] for pk in ids}
    for entry in (
        ProductionEntry.objects.filter(organization=organization, work_order_id__in=ids)
        .select_related("reported_by", "line__style")
        .order_by("produced_on", "created_at", "id")
    ):
        (entries if entry.is_current else superseded)[entry.work_order_id].append(entry)
    moves: dict[Any, list[StockMove]] = {pk: [] for pk in ids}
    for move in (
        StockMove.objects.filter(organization=organization, source_type=STOCK_SOURCE, source_id__in=ids)
        .select_related("warehouse", "item", "given_unit")
        .order_by("created_at", "id")
    ):
        moves[move.source_id].append(move)
    return {
        wo.pk: WorkOrderDetail(
            wo,
            lines[wo.pk],
            requirements[wo.pk],
            entries[wo.pk],
            superseded[wo.pk],
            moves[wo.pk],
            _series_from_entries(entries[wo.pk], Decimal(wo.quantity)),
        )
        for wo in work_orders
    }


@dataclass(frozen=True)
class LineProduction:
    """An order line's production: ordered, on work orders (not cancelled), and the current entries' cumulative
    knitted / dyed / finished of those work orders (the entries of a work order of one line count for it)."""

    line: Line
    on_work_orders: Decimal
    knitted: Decimal
    dyed: Decimal
    finished: Decimal

    @property
    def ordered(self) -> Decimal:
        return Decimal(self.line.quantity)

    @property
    def finished_percent(self) -> Decimal:
        if not self.line.quantity:
            return ZERO
        return (self.finished / Decimal(self.line.quantity) * 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class OrderProduction:
    work_orders: list[WorkOrder]  # list rows (``work_order_list``), by due date
    lines: list[LineProduction]
    series: ProgressSeries  # the order's work orders' cumulative production against their quantities


def line_totals(*, organization: Any, lines: Iterable[Any]) -> dict[Any, dict[str, Decimal]]:
    """Per order line (ids): the cumulative knitted / dyed / finished of the current entries of its work orders not
    cancelled — entries naming the line, and those of work orders of that one line — in one statement. T&A reads
    it to complete production milestones."""
    ids = [getattr(x, "pk", x) for x in lines]
    if not ids:
        return {}
    single = (
        WorkOrderLine.objects.filter(work_order_id=OuterRef("work_order_id"))
        .order_by()
        .values("work_order_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    only_line = WorkOrderLine.objects.filter(work_order_id=OuterRef("work_order_id")).values("line_id")[:1]
    rows = (
        ProductionEntry.objects.filter(organization=organization, is_current=True)
        .exclude(work_order__status=states.CANCELLED)
        .annotate(
            order_line=Coalesce("line_id", Subquery(only_line), output_field=UUIDField()),
            lines_on=Subquery(single),
        )
        .filter(Q(line_id__in=ids) | Q(line__isnull=True, lines_on=1, order_line__in=ids))
        .order_by()
        .values("order_line")
        .annotate(k=Sum("knitted"), d=Sum("dyed"), f=Sum("finished"))
    )
    return {
        r["order_line"]: {
            states.KNITTED: Decimal(r["k"] or 0),
            states.DYED: Decimal(r["d"] or 0),
            states.FINISHED: Decimal(r["f"] or 0),
        }
        for r in rows
    }


def order_production(*, organization: Any, order: Order) -> OrderProduction:
    """An order's work orders, per line what is ordered, on work orders, knitted, dyed and finished, and the
    cumulative series of its work orders: five statements."""
    work_orders = list(work_order_list(organization=organization).filter(order=order).order_by("due_date", "number"))
    lines = list(
        Line.objects.filter(organization=organization, order=order)
        .exclude(status=Line.Status.ARCHIVED)
        .select_related("style", "unit")
        .order_by("style__position", "position")
    )
    planned = {
        r["line_id"]: Decimal(r["q"] or 0)
        for r in WorkOrderLine.objects.filter(organization=organization, line__order=order)
        .exclude(work_order__status=states.CANCELLED)
        .order_by()
        .values("line_id")
        .annotate(q=Sum("quantity"))
    }
    totals = line_totals(organization=organization, lines=[line.pk for line in lines]) if lines else {}
    rows = [
        LineProduction(
            line=line,
            on_work_orders=planned.get(line.pk, ZERO),
            knitted=totals.get(line.pk, {}).get(states.KNITTED, ZERO),
            dyed=totals.get(line.pk, {}).get(states.DYED, ZERO),
            finished=totals.get(line.pk, {}).get(states.FINISHED, ZERO),
        )
        for line in lines
    ]
    return OrderProduction(work_orders, rows, progress_series(organization=organization, work_orders=work_orders))


def work_orders_of_order(*, organization: Any, order: Any) -> QuerySet[WorkOrder]:
    """The work orders made for an order (its timeline, T&A)."""
    return work_orders_visible(organization=organization).filter(order=order)


# --- the pages -----------------------------------------------------------
# The pages' own reads (the list's rows are ``work_order_list``'s): the work-order form's choices and the daily
# form's rows.


def warehouse_choices(*, organization: Any) -> list[tuple[str, str]]:
    """The organisation's warehouses not archived, by code, as the issue and receive forms offer them: one
    statement for every form of the page."""
    rows = Warehouse.objects.filter(organization=organization, archived_at__isnull=True).order_by("code")
    return [(str(pk), f"{code} · {name}") for pk, code, name in rows.values_list("pk", "code", "name")]


@dataclass(frozen=True)
class OrderChoice:
    pk: Any
    number: str
    po_number: str
    customer: str

    @property
    def label(self) -> str:
        return f"{self.number} · PO {self.po_number} · {self.customer}"


def orders_to_choose(*, organization: Any, current: Any = None) -> list[OrderChoice]:
    """The orders a work order may be made for: open or draft, not deleted, newest first (plus ``current``, the
    order already chosen): one statement."""
    rows = (
        Order.objects.filter(organization=organization, archived_at__isnull=True)
        .filter(Q(status__in=(Order.Status.OPEN, Order.Status.DRAFT)) | Q(pk=current))
        .annotate(customer_name=Coalesce(NullIf("customer__trade_name", Value("")), "customer__legal_name"))
        .order_by("-created_at", "-id")
        .values_list("pk", "number", "po_number", "customer_name")[:500]
    )
    return [OrderChoice(*row) for row in rows]


@dataclass(frozen=True)
class LineToMake:
    """A sales-order line in the work-order form: its quantity and how much of it is on other work orders."""

    line: Line
    on_work_orders: Decimal

    @property
    def ordered(self) -> Decimal:
        return Decimal(self.line.quantity)

    @property
    def to_make(self) -> Decimal:
        return max(self.ordered - self.on_work_orders, Decimal(0))

    @property
    def is_closed(self) -> bool:
        return self.line.status in (Line.Status.COMPLETED, Line.Status.ARCHIVED)


def order_lines_to_make(*, organization: Any, order_id: Any, work_order: Any = None) -> list[LineToMake]:
    """An order's lines not archived, with what of each is on work orders not cancelled (other than
    ``work_order``): two statements."""
    lines = list(
        Line.objects.filter(organization=organization, order_id=order_id)
        .exclude(status=Line.Status.ARCHIVED)
        .select_related("style", "unit")
        .order_by("style__position", "position")
    )
    if not lines:
        return []
    made = WorkOrderLine.objects.filter(line__in=[line.pk for line in lines]).exclude(
        work_order__status=states.CANCELLED
    )
    if work_order is not None:
        made = made.exclude(work_order=work_order)
    sums = {r["line_id"]: r["q"] for r in made.values("line_id").annotate(q=Sum("quantity"))}
    return [LineToMake(line, Decimal(sums.get(line.pk) or 0)) for line in lines]


@dataclass(frozen=True)
class DailyRow:
    """One row of the daily production form: a work order open for reporting, one of its lines (``None``: a work
    order made for no order line) and that day's current entry."""

    work_order: WorkOrder
    line: Line | None
    entry: ProductionEntry | None

    @property
    def key(self) -> str:
        """The row's form prefix: the ids in full (time-ordered ids made in one millisecond share their start)."""
        return f"{self.work_order.pk.hex}-{self.line.pk.hex if self.line else 'all'}"


def daily_rows(*, organization: Any, on: date, mill: Any = None) -> list[DailyRow]:
    """The daily form's rows for day ``on``: every pending or in-progress work order (of ``mill``; ``"own"``: our
    own floor), by mill then number, one row per line, with that day's current entries — three statements whatever
    the number of work orders and lines."""
    qs = work_order_list(organization=organization).filter(status__in=sorted(states.REPORTABLE))
    qs = qs.order_by("supplier_name", "number")  # type: ignore[misc]  # the list's annotation
    if mill == "own":
        qs = qs.filter(supplier__isnull=True)
    elif mill:
        qs = qs.filter(supplier_id=mill)
    work_orders = list(qs[:300])
    if not work_orders:
        return []
    ids = [wo.pk for wo in work_orders]
    lines: dict[Any, list[Line]] = {}
    for wol in (
        WorkOrderLine.objects.filter(work_order_id__in=ids)
        .select_related("line__style")
        .order_by("work_order_id", "position")
    ):
        lines.setdefault(wol.work_order_id, []).append(wol.line)
    entries = {
        (e.work_order_id, e.line_id): e
        for e in ProductionEntry.objects.filter(work_order_id__in=ids, produced_on=on, is_current=True)
    }
    rows: list[DailyRow] = []
    for wo in work_orders:
        its = lines.get(wo.pk)
        if its:  # a work order of one line reports on that line (services.entries)
            rows.extend(DailyRow(wo, line, entries.get((wo.pk, line.pk))) for line in its)
        else:
            rows.append(DailyRow(wo, None, entries.get((wo.pk, None))))
    return rows


def mills_to_choose(*, organization: Any) -> list[tuple[str, str]]:
    """The mills with a work order open for reporting, by name, and our own floor when it has one: two
    statements."""
    ids = (
        WorkOrder.objects.filter(organization=organization, status__in=sorted(states.REPORTABLE))
        .values_list("supplier_id", flat=True)
        .distinct()
    )
    found = set(ids)
    mills = [
        (str(pk), name)
        for pk, name in Supplier.objects.filter(organization=organization, pk__in=[i for i in found if i])
        .annotate(label=Coalesce(NullIf("trade_name", Value("")), "legal_name"))
        .order_by("label")
        .values_list("pk", "label")
    ]
    if None in found:
        mills.append(("own", "Our own floor"))
    return mills
