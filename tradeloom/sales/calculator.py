"""The local-order calculator: how much greige fabric and yarn a finished quantity needs.

greige = finished x (1 + process loss %); yarn = greige x (1 - mixed-fabric %). The order gives the default
percentages; a line may override either. Results keep 3 decimals (half up), in the line's unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

THOUSANDTH = Decimal("0.001")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Requirement:
    finished: Decimal
    loss_percent: Decimal
    mixed_percent: Decimal
    greige: Decimal
    yarn: Decimal


def requirement(*, finished: Decimal, loss_percent: Decimal, mixed_percent: Decimal) -> Requirement:
    greige = (finished * (1 + loss_percent / HUNDRED)).quantize(THOUSANDTH, rounding=ROUND_HALF_UP)
    yarn = (greige * (1 - mixed_percent / HUNDRED)).quantize(THOUSANDTH, rounding=ROUND_HALF_UP)
    return Requirement(
        finished=finished, loss_percent=loss_percent, mixed_percent=mixed_percent, greige=greige, yarn=yarn
    )


def order_requirements(order: Any) -> list[tuple[Any, Requirement]]:
    """Per line: (line, requirement), each line's own percentages winning over the order's (0 when neither)."""
    results = []
    for line in order.lines.all():
        loss = line.process_loss_percent if line.process_loss_percent is not None else order.process_loss_percent
        mixed = line.mixed_percent if line.mixed_percent is not None else order.mixed_percent
        results.append(
            (
                line,
                requirement(finished=line.quantity, loss_percent=loss or Decimal(0), mixed_percent=mixed or Decimal(0)),
            )
        )
    return results
