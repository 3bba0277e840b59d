"""What a shipment is found by: its number, its B/L or AWB number, or one of its containers' numbers — each compared
whole, as typed or without spaces, dashes and slashes (``SH-2026-00012``, ``sh-2026-00012``; ``MAEU 123456789``;
``176-1234 5675``; ``CSQU 305438 3``).

Each is an equality on a B-tree index that starts with the organisation (``logistics_shipment_number_key``,
``shipment_document_key_idx``, ``container_number_idx``). Text equality is leakproof, so PostgreSQL uses those
indexes under row-level security too (an array or trigram operator is not, and would scan the organisation's
shipments).
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q

_SEPARATORS = re.compile(r"[\s\-/.]+")


def search_key(text: str) -> str:
    """A code in capitals without spaces, dashes, slashes or dots (how B/L, AWB and container numbers are kept)."""
    return _SEPARATORS.sub("", text or "").upper()[:64]


def search_condition(query: str) -> Q | None:
    """The shipments a search finds (``None``: an empty query finds everything): ``id IN (<three index lookups,
    UNION>)`` inside the list's one statement. An ``OR`` of the three tests would make PostgreSQL walk the
    organisation's shipments in the list's order instead (1 s against 1 ms at 326,000 shipments)."""
    from tradeloom.logistics.models import Container, Shipment

    typed = (query or "").strip().upper()[:64]
    if not typed:
        return None
    keys = sorted({typed, search_key(typed)})
    by_number = Shipment.objects.filter(number__in=keys).values("id").order_by()
    by_document = Shipment.objects.filter(transport_document_key__in=keys).values("id").order_by()
    by_container = Container.objects.filter(number__in=keys).values("shipment_id").order_by()
    found: Any = by_number.union(by_document, by_container)
    return Q(pk__in=found)
