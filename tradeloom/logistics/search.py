"""What a shipment is found by: the keys of ``Shipment.search_keys`` and the keys of a query, compared whole (a GIN
index on the array answers ``search_keys @> query keys`` at any size).

A key is a code in capitals without spaces, dashes or slashes: ``SH-2026-00012`` is found as ``SH202600012``, as
its serial ``00012`` and as ``12``; a B/L ``MAEU 123456789`` as ``MAEU123456789``; an AWB ``176-12345675`` as
``17612345675``; a container ``CSQU 305438 3`` as ``CSQU3054383``; the vessel and flight by each word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_SEPARATORS = re.compile(r"[\s\-/.]+")
MAX_KEYS = 200


def search_key(text: str) -> str:
    return _SEPARATORS.sub("", text or "").upper()[:64]


def shipment_search_keys(shipment: Any, containers: Iterable[str]) -> list[str]:
    keys: list[str] = []
    number = shipment.number or ""
    keys.append(search_key(number))
    serial = re.search(r"(\d+)$", number)
    if serial:
        keys += [serial.group(1), str(int(serial.group(1)))]
    for code in (shipment.transport_document_number, *containers):
        if code:
            keys.append(search_key(code))
    for words in (shipment.vessel, shipment.voyage, shipment.flight_number):
        keys += [search_key(w) for w in (words or "").split()]
        if words and " " in words.strip():
            keys.append(search_key(words))
    return sorted({k for k in keys if k})[:MAX_KEYS]


def query_keys(query: str) -> list[str]:
    """The keys every match must have: the query whole (a code typed with spaces), else each of its words."""
    whole = search_key(query)
    return [whole] if whole else []
