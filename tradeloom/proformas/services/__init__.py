"""Proforma invoice rules, one module per part: making and editing drafts (``proformas``), status moves
(``transitions``) and revisions (``revisions``). Every write locks the order and the PI, checks its rules, writes,
audits and publishes in one transaction; callers use ``proformas.services.<name>``."""

from tradeloom.proformas.services.proformas import (
    OrderValue,
    bank_details_default,
    committed_quantities,
    effective_rate,
    local_today,
    order_value,
    proforma_create,
    proforma_lock,
    proforma_update,
)
from tradeloom.proformas.services.revisions import proforma_revise
from tradeloom.proformas.services.transitions import OrderLimit, order_limit, proforma_move, tolerance_percent

__all__ = [
    "OrderLimit",
    "OrderValue",
    "bank_details_default",
    "committed_quantities",
    "effective_rate",
    "local_today",
    "order_limit",
    "order_value",
    "proforma_create",
    "proforma_lock",
    "proforma_move",
    "proforma_revise",
    "proforma_update",
    "tolerance_percent",
]
