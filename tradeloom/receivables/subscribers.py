"""How receivables answers other apps' events: the credit-limit check when an order is confirmed."""

from __future__ import annotations

from typing import Any

from tradeloom.receivables.credit import credit_limit_check


def order_confirming(event: Any) -> None:
    """``sales.events.OrderConfirming`` (in the confirming transaction): warn or refuse beyond the credit limit."""
    credit_limit_check(event)
