"""Purchasing: purchase orders to mills and vendors, their approvals, amendments and receipts (docs/purchasing.md)."""
