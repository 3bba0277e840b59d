"""Items of the catalog, written through ``records.services``."""

from __future__ import annotations

from tradeloom.catalog.capabilities import CATALOG_MANAGE
from tradeloom.catalog.models import Item
from tradeloom.imports.entities.common import active_of, active_set, combined, given, record_save
from tradeloom.imports.registry import Entity, Field, ImportContext, RowError, RowResult
from tradeloom.imports.values import Reader

ITEM_KINDS = {
    "finished good": "finished_goods",
    "garment": "finished_goods",
    "goods": "finished_goods",
    "meat": "commodity",
}


def _item_apply(context: ImportContext, row: dict[str, str]) -> RowResult:
    reader = Reader(context, row)
    code = reader.text("code", 40, required=True, label="item code")
    data = given(
        name=reader.text("name", 200),
        kind=reader.choice("kind", Item.Kind, ITEM_KINDS),
        unit=reader.unit("unit"),
        description=reader.text("description"),
        composition=reader.text("composition", 200),
        gsm=reader.decimal("gsm", places=2),
        construction=reader.text("construction", 120),
        finish=reader.text("finish", 120),
        width_cm=reader.decimal("width_cm", places=2),
        hs_code=reader.text("hs_code", 12),
    )
    active = active_of(reader)
    reader.done()
    instance = Item.objects.filter(organization=context.organization, code__iexact=code).first()
    if instance is None:
        missing = {
            field: [message]
            for field, message in (
                ("name", "Give the item's name."),
                ("kind", "Give the kind: Fabric, Yarn, Trim, Finished goods or Commodity."),
                ("unit", "Give the stock unit's code."),
            )
            if field not in data
        }
        if missing:
            raise RowError(missing)
        data["code"] = code
    record, outcome = record_save(context, Item, instance, data)
    return RowResult(combined(outcome, active_set(context, record, active)), record)


ITEMS = Entity(
    code="items",
    label="Items",
    description="A row per item (fabric, yarn, trim, finished goods, commodity), matched on its code (SKU).",
    fields=(
        Field("code", "Code", required=True, aliases=("item code", "sku", "item number", "article", "article number")),
        Field("name", "Name", aliases=("item name", "product", "product name")),
        Field(
            "kind",
            "Kind",
            aliases=("item type", "type", "category"),
            help="Fabric, Yarn, Trim, Finished goods or Commodity.",
        ),
        Field("unit", "Unit", aliases=("stock unit", "uom", "unit of measure"), help="A unit's code, e.g. m or kg."),
        Field("description", "Description", aliases=("details",)),
        Field("composition", "Composition", aliases=("fabric composition", "content")),
        Field("gsm", "GSM", aliases=("weight", "grams per square metre")),
        Field("construction", "Construction"),
        Field("finish", "Finish", aliases=("finish type",)),
        Field("width_cm", "Width (cm)", aliases=("width", "width cm")),
        Field("hs_code", "HS code", aliases=("hs", "tariff code", "hts code")),
        Field("active", "Active", aliases=("status",), help="Active / Inactive: inactive ones are archived."),
        Field("archived", "Archived"),
    ),
    key=("code",),
    apply_row=_item_apply,
    capability=str(CATALOG_MANAGE),
    order=70,
)
