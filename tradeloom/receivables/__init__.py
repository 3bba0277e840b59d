"""Payments received, their allocation to invoices, ageing, statements and credit limits (docs/receivables.md)."""
