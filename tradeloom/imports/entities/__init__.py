"""The built-in import entities, one module per owning app, registered in ``ImportsConfig.ready()``."""

from tradeloom.imports import presets
from tradeloom.imports.entities import catalog, inventory, members, partners, purchasing, sales
from tradeloom.imports.registry import ENTITIES, PRESETS, Entity

BUILT_IN: tuple[Entity, ...] = (
    *partners.ENTITIES,
    catalog.ITEMS,
    inventory.OPENING_STOCK,
    sales.ORDERS,
    purchasing.PURCHASE_ORDERS,
    members.MEMBERS,
)


def register_built_in() -> None:
    """Register every built-in entity and preset (idempotent: ``Registry.register`` ignores an equal item)."""
    for entity in BUILT_IN:
        ENTITIES.register(entity.code, entity)
    for preset in presets.BUILT_IN:
        PRESETS.register(preset.code, preset)
