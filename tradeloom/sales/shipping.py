"""A line's figures towards the buyer: what shipments carry of it (``shipped_quantity``) and what of that the buyer
received (``buyer_delivered_quantity``). Sales keeps the columns and knows nothing of shipments: the logistics floor
moves them, in its own transactions and with the lines locked, through ``lines_shipping_move``; the order's page and
lists read them like any other line column. The balance still to ship is ordered - shipped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from tradeloom.sales.models import Line


def lines_for_shipping(line_ids: Iterable[Any]) -> dict[Any, Line]:
    """The lines, locked (in id order, so two shipments of the same lines wait for each other rather than
    deadlock), with their order and unit: one statement. Call inside the shipping transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("Lock lines for shipping inside the shipping transaction.")
    ids = sorted({str(i) for i in line_ids})
    if not ids:
        return {}
    lines = (
        Line.objects.select_for_update(of=("self",)).select_related("order", "unit").filter(pk__in=ids).order_by("pk")
    )
    return {line.pk: line for line in lines}


@transaction.atomic
def lines_shipping_move(
    *, shipped: Mapping[Any, Decimal] | None = None, delivered: Mapping[Any, Decimal] | None = None
) -> None:
    """Add ``shipped[line_id]`` to each line's shipped quantity and ``delivered[line_id]`` to its delivered-to-buyer
    quantity (negative amounts take them back): one statement for any number of lines."""
    moved = {str(k): v for k, v in (shipped or {}).items()}
    received = {str(k): v for k, v in (delivered or {}).items()}
    ids = sorted({*moved, *received})
    if not ids:
        return
    rows = [(i, moved.get(i, Decimal(0)), received.get(i, Decimal(0))) for i in ids]
    values = ", ".join(["(%s::uuid, %s::numeric, %s::numeric)"] * len(rows))
    params: list[Any] = [v for row in rows for v in row]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE sales_line l
                   SET shipped_quantity = l.shipped_quantity + d.shipped,
                       buyer_delivered_quantity = l.buyer_delivered_quantity + d.delivered,
                       updated_at = now()
                  FROM (VALUES {values}) AS d(id, shipped, delivered)
                 WHERE l.id = d.id""",  # noqa: S608 - placeholders only
            params,
        )
