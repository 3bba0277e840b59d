"""What the floors above add to the invoice page, registered in their ``AppConfig.ready()`` (invoicing imports none
of them: docs/modules.md).

* ``INVOICE_PANELS``: a card of the invoice page (receivables: the payments allocated to it, with their FX
  difference). ``context(invoice)`` returns the template's context in a fixed number of statements, or ``None``
  (nothing to show).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tradeloom.core.registry import Registry


@dataclass(frozen=True)
class InvoicePanel:
    key: str
    label: str  # the card's heading
    template: str  # rendered with ``invoice``, ``panel`` and what ``context`` returns
    context: Callable[[Any], dict[str, Any] | None]
    position: int = 100


INVOICE_PANELS: Registry[InvoicePanel] = Registry("invoice page panels")
