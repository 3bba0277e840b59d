"""Commercial invoices and credit notes, from shipments or orders (docs/invoicing.md)."""
