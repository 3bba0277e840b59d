"""Invoice rules, one module per part: making invoices, drafts and the issue and void actions (``invoices``), the
money (``figures``), due dates from payment terms (``due``), credit notes (``credit_notes``) and the settlement the
receivables floor drives (``settlement.invoice_paid_set``). Callers use ``invoicing.services.<name>``."""

from tradeloom.invoicing.services.credit_notes import credit_note_create, credit_note_void
from tradeloom.invoicing.services.invoices import (
    invoice_create_from_order,
    invoice_create_from_shipment,
    invoice_issue,
    invoice_lock,
    invoice_update,
    invoice_void,
    invoices_due_refresh,
)
from tradeloom.invoicing.services.settlement import invoice_paid_set

__all__ = [
    "credit_note_create",
    "credit_note_void",
    "invoice_create_from_order",
    "invoice_create_from_shipment",
    "invoice_issue",
    "invoice_lock",
    "invoice_paid_set",
    "invoice_update",
    "invoice_void",
    "invoices_due_refresh",
]
