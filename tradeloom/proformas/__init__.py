"""Proforma invoices: the offer the buyer accepts before an LC is opened or money is paid (docs/proformas.md)."""
