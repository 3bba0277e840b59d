"""Every read of proforma invoices for a page or an endpoint: the organisation first, what the member may see, and
the related rows each read needs in a fixed number of statements.

A merchandiser restricted to their own orders (``sales.selectors.merchandiser_restricted``) sees the PIs of those
orders. Lists show the latest revision of each number (superseded revisions appear with ``status=superseded``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from tradeloom.partners.models import Customer
from tradeloom.proformas import states
from tradeloom.proformas.models import ProformaInvoice, ProformaLine
from tradeloom.sales.models import Order
from tradeloom.sales.selectors import merchandiser_restricted
from tradeloom.tenancy.models import Membership


def proformas_visible(*, organization: Any, membership: Membership) -> QuerySet[ProformaInvoice]:
    qs = ProformaInvoice.objects.filter(organization=organization)
    if merchandiser_restricted(organization=organization, membership=membership):
        qs = qs.filter(order__merchandiser=membership)
    return qs


@cache
def _list_columns() -> QuerySet[ProformaInvoice]:
    """Every PI with the list's extra columns (customer name, order number), resolved once per process. Never
    evaluated itself; ``proforma_list`` takes a filtered copy."""
    customer_name = Customer.objects.filter(pk=OuterRef("customer_id")).annotate(
        label=Coalesce(NullIf("trade_name", Value("")), "legal_name")
    )
    return (
        ProformaInvoice.objects.defer("terms", "bank_details", "notes", "status_reason", "override_reason")
        .annotate(
            customer_name=Subquery(customer_name.values("label")[:1]),
            order_number=Subquery(Order.objects.filter(pk=OuterRef("order_id")).values("number")[:1]),
        )
        .order_by("-created_at", "-id")
    )


def proforma_list(*, organization: Any, membership: Membership, latest_only: bool = True) -> QuerySet[ProformaInvoice]:
    """The list's rows, each with its customer's name and its order's number, in one statement whatever the page
    size; ``latest_only``: superseded revisions left out (the list without a status filter)."""
    qs = _list_columns().filter(organization=organization)
    if latest_only:
        qs = qs.exclude(status=states.SUPERSEDED)
    if merchandiser_restricted(organization=organization, membership=membership):
        qs = qs.filter(order__merchandiser=membership)
    return qs


def proforma_get(*, organization: Any, membership: Membership, proforma_id: Any) -> ProformaInvoice:
    """One PI the member may see, with its order, customer, payment terms and who accepted it
    (``ProformaInvoice.DoesNotExist`` otherwise)."""
    return (
        proformas_visible(organization=organization, membership=membership)
        .select_related("order", "customer", "payment_terms", "accepted_by")
        .defer(*(f"customer__{c}" for c in ("search_trigrams", "search_document", "search_vector", "notes")))
        .get(pk=proforma_id)
    )


def proforma_lines(proforma: ProformaInvoice) -> QuerySet[ProformaLine]:
    return ProformaLine.objects.filter(proforma=proforma).order_by("position", "id")


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class LineChange:
    line_id: Any
    description: str
    changes: list[Change]


@dataclass(frozen=True)
class RevisionDiff:
    """What changed from ``previous`` to ``current`` (header fields, and lines by their order line)."""

    previous: ProformaInvoice
    current: ProformaInvoice
    header: list[Change] = field(default_factory=list)
    added: list[ProformaLine] = field(default_factory=list)
    removed: list[ProformaLine] = field(default_factory=list)
    changed: list[LineChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.header or self.added or self.removed or self.changed)


DIFF_HEADER = (
    ("pi_date", "PI date"),
    ("valid_until", "Valid until"),
    ("payment_terms_id", "Payment terms"),
    ("terms", "Terms"),
    ("bank_details", "Bank details"),
    ("notes", "Notes"),
    ("subtotal", "Subtotal"),
    ("tax", "Tax"),
    ("total", "Total"),
)
DIFF_LINE = (
    ("basis", "Basis"),
    ("quantity", "Quantity"),
    ("unit_price", "Unit price"),
    ("percent", "Percent"),
    ("amount", "Amount"),
    ("tax_rate", "Tax %"),
    ("tax", "Tax"),
)


def revision_diff(
    previous: ProformaInvoice,
    current: ProformaInvoice,
    previous_lines: list[ProformaLine],
    current_lines: list[ProformaLine],
) -> RevisionDiff:
    """The differences between two revisions (no statement: both revisions' lines are given)."""
    diff = RevisionDiff(previous=previous, current=current)
    for name, label in DIFF_HEADER:
        old, new = getattr(previous, name), getattr(current, name)
        if old != new:
            diff.header.append(Change(name, label, old, new))
    old_rows = {row.line_id: row for row in previous_lines}
    new_rows = {row.line_id: row for row in current_lines}
    diff.removed.extend(row for key, row in old_rows.items() if key not in new_rows)
    for key, row in new_rows.items():
        before = old_rows.get(key)
        if before is None:
            diff.added.append(row)
            continue
        changes = [
            Change(name, label, getattr(before, name), getattr(row, name))
            for name, label in DIFF_LINE
            if getattr(before, name) != getattr(row, name)
        ]
        if changes:
            diff.changed.append(LineChange(key, row.description, changes))
    return diff


@dataclass(frozen=True)
class ProformaDetail:
    proforma: ProformaInvoice
    lines: list[ProformaLine]
    revisions: list[ProformaInvoice]  # every revision of the number, oldest first (this one among them)
    diff: RevisionDiff | None  # from the previous revision to this one

    @property
    def latest(self) -> ProformaInvoice:
        return self.revisions[-1] if self.revisions else self.proforma

    @property
    def is_latest(self) -> bool:
        return self.latest.pk == self.proforma.pk


def proforma_detail(*, organization: Any, membership: Membership, proforma_id: Any) -> ProformaDetail:
    """Everything a PI's page and API detail show, in four statements whatever the number of lines and revisions:
    the PI, its revisions, and the lines of it and of its previous revision."""
    proforma = proforma_get(organization=organization, membership=membership, proforma_id=proforma_id)
    revisions = list(
        ProformaInvoice.objects.filter(organization=organization, number=proforma.number)
        .only("id", "number", "revision", "status", "total", "currency", "created_at", "created_by_id", "version")
        .order_by("revision")
    )
    previous = next((r for r in revisions if r.revision == proforma.revision - 1), None)
    ids = [proforma.pk] + ([previous.pk] if previous else [])
    rows = list(ProformaLine.objects.filter(proforma_id__in=ids).order_by("position", "id"))
    lines = [r for r in rows if r.proforma_id == proforma.pk]
    diff = None
    if previous is not None:
        previous_full = ProformaInvoice.objects.get(pk=previous.pk)
        diff = revision_diff(previous_full, proforma, [r for r in rows if r.proforma_id == previous.pk], lines)
    return ProformaDetail(proforma=proforma, lines=lines, revisions=revisions, diff=diff)


def order_proformas(*, organization: Any, order: Order | Any) -> QuerySet[ProformaInvoice]:
    """The PIs of an order, latest revisions only (superseded ones left out; cancelled ones kept — filter on
    ``status``), newest number first: one statement (the order's Finance tab)."""
    return (
        ProformaInvoice.objects.filter(organization=organization, order_id=getattr(order, "pk", order))
        .exclude(status=states.SUPERSEDED)
        .defer("terms", "bank_details", "notes")
        .order_by("-pi_date", "-number")
    )


@dataclass(frozen=True)
class OrderProformaLine:
    """An order line and what of it is on PIs (by quantity, sent or accepted) — what the create page shows."""

    line: Any
    committed: Decimal
    rate: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(Decimal(self.line.quantity) - self.committed, Decimal(0))

    @property
    def value(self) -> Decimal | None:
        from tradeloom.core.money import cents

        price = self.line.selling_price
        return None if price is None else cents(Decimal(self.line.quantity) * Decimal(price))


def order_lines_for_proforma(*, order: Order, exclude_number: str = "") -> list[OrderProformaLine]:
    """The order's lines not archived, with the quantity already on sent or accepted PIs and their effective tax
    rate (two statements)."""
    from tradeloom.sales.models import Line

    committed: dict[Any, Decimal] = {}
    rows = ProformaLine.objects.filter(
        proforma__order=order, proforma__status__in=sorted(states.COMMITTED), basis=ProformaLine.Basis.QUANTITY
    )
    if exclude_number:
        rows = rows.exclude(proforma__number=exclude_number)
    for line_id, quantity in rows.values_list("line_id", "quantity"):
        committed[line_id] = committed.get(line_id, Decimal(0)) + Decimal(quantity or 0)
    lines = (
        Line.objects.filter(order=order)
        .exclude(status=Line.Status.ARCHIVED)
        .select_related("style", "unit")
        .order_by("style__position", "position")
    )
    return [
        OrderProformaLine(
            line=line,
            committed=committed.get(line.pk, Decimal(0)),
            rate=Decimal(line.tax_rate if line.tax_rate is not None else order.tax_rate or 0),
        )
        for line in lines
    ]
