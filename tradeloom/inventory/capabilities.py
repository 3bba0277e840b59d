"""Warehouses, stock on hand and the stock ledger (see ``tenancy.roles``)."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability, Role

INVENTORY_VIEW = Capability("inventory.view", "See warehouses, stock on hand and the stock ledger", roles=EVERY_ROLE)
INVENTORY_MANAGE = Capability(
    "inventory.manage",
    "Add and change warehouses, transfer and adjust stock, choose the warehouse a shipment ships from",
    roles=(Role.MANAGER, Role.MERCHANDISER, Role.ACCOUNTS),
)
