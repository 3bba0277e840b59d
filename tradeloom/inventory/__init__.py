"""Inventory: warehouses, the append-only stock-move ledger and on-hand balances (docs/inventory.md)."""
