"""Payment rules (``payments``): recording, allocating, taking back, changing and voiding. Every write locks the
payment, then the invoices it touches in id order, checks its rules, writes, audits and publishes in one
transaction; callers use ``receivables.services.<name>``."""

from tradeloom.receivables.services.payments import (
    fx_difference,
    payment_allocate,
    payment_create,
    payment_lock,
    payment_unallocate,
    payment_update,
    payment_void,
)

__all__ = [
    "fx_difference",
    "payment_allocate",
    "payment_create",
    "payment_lock",
    "payment_unallocate",
    "payment_update",
    "payment_void",
]
