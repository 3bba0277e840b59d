"""Making purchase orders, changing a draft, and the moves: submit, approve, send back (reject), cancel.

The rules (docs/purchasing.md):

* the supplier, plant, customer, carrier, payment terms and warehouse are the organisation's (another's: a field
  error, as if it did not exist); a plant is one the supplier operates or is mapped to (``partners``' supplier-plant
  mappings, for every customer or the PO's customer, valid at the PO date): else ``plant_not_mapped``;
* the PO date defaults to today (the organisation's), the due date is on or after it, the currency defaults to the
  supplier's, the payment terms to the supplier's; the tax rate is 0 to 100 %;
* each line buys a catalog item or a free material (a name, optionally a code), a quantity above zero in a unit, at a
  unit price of zero or more; an optional tax rate 0 to 100 % overrides the PO's; an optional sales-order line links it
  to the buyer's order (back to back);
* the figures (``figures``) are kept on every write; a draft changes (If-Match), a submitted one does not
  (``po_not_editable``), an approved one only by amendment;
* submitting converts the total to the base currency at the PO date (``rate_missing`` without a rate): at or below the
  organisation's ``po_approval_limit`` it is approved at once; above it, it waits for a manager's, owner's or admin's
  approval (``approval_required`` for anyone else), never its author's (``self_approval``); sending it back needs a
  reason and makes it a draft again; cancelling needs a reason and no standing receipts (``po_has_receipts``).
"""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.catalog.models import Item, PaymentTerms, UnitOfMeasure
from tradeloom.catalog.services import exchange_rate_on
from tradeloom.core.bulk import bulk_insert_objects
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.numbering import number_allocate
from tradeloom.core.shapes import shape_of
from tradeloom.core.validators import validate_currency_code
from tradeloom.partners.models import Carrier, Customer, Plant, Supplier, SupplierPlantMapping
from tradeloom.purchasing import states
from tradeloom.purchasing.events import (
    PurchaseOrderAction,
    PurchaseOrderApproved,
    PurchaseOrderCancelled,
    PurchaseOrderCreated,
    PurchaseOrderMoved,
    PurchaseOrderRejected,
    PurchaseOrderSubmitted,
)
from tradeloom.purchasing.models import MAX_QUANTITY, Approval, PurchaseOrder, PurchaseOrderLine, Receipt
from tradeloom.purchasing.services.figures import base_amount, effective_rate, line_money, totals_of
from tradeloom.sales.models import Line
from tradeloom.tenancy.roles import Role

PO = shape_of(PurchaseOrder)
HEADER_FIELDS = PO.update
LINE_KEYS = frozenset(
    {
        "id",
        "item",
        "material_code",
        "material_name",
        "description",
        "quantity",
        "unit",
        "unit_price",
        "tax_rate",
        "sales_line",
    }
)
APPROVERS = frozenset({Role.OWNER, Role.ADMIN, Role.MANAGER})
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def invalid(
    errors: Mapping[str, list[str]], message: str = "The purchase order has invalid fields."
) -> ApplicationError:
    return ApplicationError(message, code="validation_error", extra={"errors": dict(errors)})


def local_today(organization: Any) -> datetime.date:
    """Today in the organisation's time zone."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(getattr(organization, "timezone", "") or "UTC")).date()


def po_lock(purchase_order: PurchaseOrder, expected_version: int | None = None) -> PurchaseOrder:
    """The PO, locked; 412 when ``expected_version`` is stale (If-Match)."""
    locked = PurchaseOrder.objects.select_for_update().select_related("organization").get(pk=purchase_order.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(
            "The purchase order was changed by someone else. Reload it and try again.",
            code="precondition_failed",
            status=412,
            extra={"current_version": locked.version},
        )
    return locked


def money_text(currency: str, amount: Decimal | None) -> str | None:
    return None if amount is None else f"{currency} {Decimal(amount):,.2f}"


def approval_limit(organization: Any) -> Decimal:
    """The organisation's PO approval limit in its base currency."""
    return Decimal(organization.po_approval_limit)


# --- the header -------------------------------------------------------------------------------------------------------


def _header_fields(data: Mapping[str, Any]) -> None:
    for field in data:
        if field not in HEADER_FIELDS:
            raise ApplicationError(f"“{field}” cannot be set.", code="field_not_editable")


def _own(model: Any, value: Any, organization: Any, field: str, what: str) -> Any:
    """``value`` (an instance or an id) as a live record of the organisation, else a field error."""
    if value is None or value == "":
        return None
    pk = getattr(value, "pk", value)
    qs = model.objects.filter(organization=organization, pk=pk)
    if hasattr(model, "archived_at"):
        qs = qs.filter(archived_at__isnull=True)
    try:
        found = qs.first()
    except (ValueError, TypeError):  # not an id
        found = None
    if found is None:
        raise field_error(field, f"Choose one of your {what}.")
    return found


def _warehouse_model() -> Any:
    from django.apps import apps

    return apps.get_model("inventory", "Warehouse")


def plant_allowed(*, supplier: Supplier, plant: Plant, customer: Customer | None, on: datetime.date) -> bool:
    """Whether the supplier operates ``plant`` or is mapped to it (for every customer or ``customer``, valid ``on``)."""
    if plant.supplier_id == supplier.pk:
        return True
    mappings = SupplierPlantMapping.objects.filter(
        organization_id=supplier.organization_id, supplier=supplier, plant=plant, archived_at__isnull=True
    ).filter(Q(customer__isnull=True) | Q(customer=customer))
    mappings = mappings.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
    mappings = mappings.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    return mappings.exists()


def header_apply(purchase_order: PurchaseOrder, data: Mapping[str, Any]) -> None:
    """Set and check the header fields of ``data`` on ``purchase_order`` (not saved)."""
    organization = purchase_order.organization
    errors: dict[str, list[str]] = {}
    refs = {
        "supplier": (Supplier, "suppliers"),
        "plant": (Plant, "plants"),
        "customer": (Customer, "customers"),
        "carrier": (Carrier, "carriers"),
        "payment_terms": (PaymentTerms, "payment terms"),
        "warehouse": (None, "warehouses"),
    }
    for field, value in data.items():
        if field in refs:
            model, what = refs[field]
            try:
                found = _own(model or _warehouse_model(), value, organization, field, what)
            except ApplicationError as error:
                errors.update(error.extra.get("errors", {}))
                continue
            setattr(purchase_order, field, found)
        else:
            setattr(purchase_order, field, value)
    if purchase_order.supplier_id is None and "supplier" not in errors:
        errors["supplier"] = ["Choose the supplier."]
    currency = (purchase_order.currency or "").upper()
    purchase_order.currency = currency
    try:
        validate_currency_code(currency)
    except Exception:
        errors["currency"] = ["Enter a three-letter ISO currency code, e.g. USD."]
    if purchase_order.po_date is None:
        errors["po_date"] = ["Enter the PO date."]
    elif purchase_order.due_date and purchase_order.due_date < purchase_order.po_date:
        errors["due_date"] = ["The due date cannot be before the PO date."]
    rate = purchase_order.tax_rate
    try:
        rate = Decimal(str(rate if rate is not None else 0))
        if not rate.is_finite() or rate < 0 or rate > HUNDRED or rate != rate.quantize(Decimal("0.01")):
            raise ValueError
        purchase_order.tax_rate = rate
    except (ValueError, InvalidOperation):
        errors["tax_rate"] = ["The tax rate is a percentage from 0 to 100, with at most 2 decimals."]
    if len(purchase_order.notes or "") > 5000:
        errors["notes"] = ["Keep the notes to 5,000 characters."]
    if errors:
        raise invalid(errors)
    plant = purchase_order.plant
    if plant is not None and not plant_allowed(
        supplier=purchase_order.supplier,
        plant=plant,
        customer=purchase_order.customer,
        on=purchase_order.po_date,
    ):
        message = f"{plant} is not one of {purchase_order.supplier}'s plants (no supplier-plant mapping)."
        raise ApplicationError(message, code="plant_not_mapped", extra={"errors": {"plant": [message]}})


# --- the lines --------------------------------------------------------------------------------------------------------


def _decimal(value: Any, places: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError("Enter a number.") from exc
    if not number.is_finite():
        raise ValueError("Enter a number.")
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(f"Enter at most {places} decimals.")
    return number


def _sales_line(value: Any, organization: Any) -> Line | None:
    if value is None or value == "":
        return None
    pk = getattr(value, "pk", value)
    try:
        return Line.objects.select_related("order").filter(organization=organization, pk=pk).first()
    except (ValueError, TypeError):
        return None


def lines_build(
    *,
    purchase_order: PurchaseOrder,
    by: Any,
    payloads: Sequence[Mapping[str, Any]],
    existing: Mapping[str, PurchaseOrderLine] | None = None,
) -> list[PurchaseOrderLine]:
    """The PO's lines from their payloads, checked (errors name ``lines.<n>.<field>``). A payload naming the ``id``
    of one of ``existing`` changes that line (an amendment keeps its received quantity); others are new lines."""
    organization = purchase_order.organization
    existing = existing or {}
    if not payloads:
        raise field_error("lines", "A purchase order needs at least one line.")
    item_ids = {str(getattr(p.get("item"), "pk", p.get("item"))) for p in payloads if p.get("item")}
    unit_ids = {str(getattr(p.get("unit"), "pk", p.get("unit"))) for p in payloads if p.get("unit")}
    items = _by_id(Item, item_ids, organization)
    units = _by_id(UnitOfMeasure, unit_ids, organization)
    errors: dict[str, list[str]] = {}
    rows: list[PurchaseOrderLine] = []
    seen: set[str] = set()
    for i, payload in enumerate(payloads):
        prefix = f"lines.{i}."
        unknown = set(payload) - LINE_KEYS
        if unknown:
            errors[f"{prefix}{sorted(unknown)[0]}"] = ["This cannot be set on a line."]
            continue
        line_id = str(payload.get("id") or "")
        if line_id:
            row = existing.get(line_id)
            if row is None or line_id in seen:
                errors[f"{prefix}id"] = ["No such line on this purchase order."]
                continue
            seen.add(line_id)
        else:
            row = PurchaseOrderLine(
                organization_id=purchase_order.organization_id, created_by_id=by.user_id, purchase_order=purchase_order
            )
        item = None
        item_key = payload.get("item")
        if item_key:
            item = items.get(str(getattr(item_key, "pk", item_key)))
            if item is None:
                errors[f"{prefix}item"] = ["Choose one of your items."]
                continue
        code = str(payload.get("material_code") or "").strip()
        name = str(payload.get("material_name") or "").strip()
        if item is None and not name:
            errors[f"{prefix}material_name"] = ["Choose an item, or give the material's name."]
            continue
        if len(code) > 60 or len(name) > 200:
            errors[f"{prefix}material_name" if len(name) > 200 else f"{prefix}material_code"] = ["Too long."]
            continue
        unit_key = payload.get("unit")
        unit = units.get(str(getattr(unit_key, "pk", unit_key))) if unit_key else None
        if unit is None and item is not None and not unit_key:
            unit = item.unit
        if unit is None:
            errors[f"{prefix}unit"] = ["Choose one of your units." if unit_key else "Choose the unit."]
            continue
        try:
            quantity = _decimal(payload.get("quantity"), 3)
        except ValueError as exc:
            errors[f"{prefix}quantity"] = [str(exc)]
            continue
        if quantity is None or quantity <= 0 or quantity > MAX_QUANTITY:
            errors[f"{prefix}quantity"] = [
                "Quantity must be above zero." if not quantity or quantity <= 0 else "Too large."
            ]
            continue
        try:
            price = _decimal(payload.get("unit_price"), 4)
        except ValueError as exc:
            errors[f"{prefix}unit_price"] = [str(exc)]
            continue
        if price is None or price < 0 or price >= Decimal("1e14"):
            errors[f"{prefix}unit_price"] = ["Enter the unit price (zero or more)."]
            continue
        try:
            rate = _decimal(payload.get("tax_rate"), 2)
        except ValueError as exc:
            errors[f"{prefix}tax_rate"] = [str(exc)]
            continue
        if rate is not None and not ZERO <= rate <= HUNDRED:
            errors[f"{prefix}tax_rate"] = ["The tax rate is a percentage from 0 to 100."]
            continue
        sales_line = None
        if payload.get("sales_line"):
            sales_line = _sales_line(payload.get("sales_line"), organization)
            if sales_line is None:
                errors[f"{prefix}sales_line"] = ["No such order line."]
                continue
        if row.pk and row.received_quantity and quantity < row.received_quantity:
            errors[f"{prefix}quantity"] = [
                f"{row.received_quantity.normalize():,f} {unit.code} of it are received already: the quantity "
                "cannot be below that."
            ]
            continue
        description = str(payload.get("description") or "").strip()
        if len(description) > 300:
            errors[f"{prefix}description"] = ["Keep the description to 300 characters."]
            continue
        row.item = item
        row.material_code = code or (item.code if item else "")
        row.material_name = name or (item.name if item else "")
        row.description = description
        row.quantity = quantity.quantize(Decimal("0.001"))
        row.unit = unit
        row.unit_price = price.quantize(Decimal("0.0001"))
        row.tax_rate = None if rate is None else rate.quantize(Decimal("0.01"))
        row.sales_line = sales_line
        row.position = i
        money = line_money(quantity=quantity, unit_price=price, tax_rate=effective_rate(rate, purchase_order.tax_rate))
        row.amount, row.tax = money.amount, money.tax
        rows.append(row)
    if errors:
        raise invalid(errors, "Some lines need a correction.")
    return rows


def _by_id(model: Any, ids: Iterable[str], organization: Any) -> dict[str, Any]:
    valid = []
    for value in ids:
        try:
            valid.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    if not valid:
        return {}
    qs = model.objects.filter(organization=organization, pk__in=valid, archived_at__isnull=True)
    if model is Item:
        qs = qs.select_related("unit")
    return {str(x.pk): x for x in qs}


def totals_set(purchase_order: PurchaseOrder, rows: Iterable[PurchaseOrderLine]) -> None:
    """The PO's sums of its lines (saved by the caller); the line figures follow the PO's tax rate."""
    rows = list(rows)
    for row in rows:
        money = line_money(
            quantity=row.quantity,
            unit_price=row.unit_price,
            tax_rate=effective_rate(row.tax_rate, purchase_order.tax_rate),
        )
        row.amount, row.tax = money.amount, money.tax
    totals = totals_of(rows_money(rows))
    purchase_order.line_count = len(rows)
    purchase_order.subtotal, purchase_order.tax = totals.subtotal, totals.tax
    purchase_order.total = totals.total


def rows_money(rows: Iterable[PurchaseOrderLine]) -> Iterable[Any]:
    from tradeloom.purchasing.services.figures import LineMoney

    return [LineMoney(amount=Decimal(r.amount), tax=Decimal(r.tax)) for r in rows]


def values_of(instance: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The fields' values, references as their ids."""
    return {f: getattr(instance, getattr(instance._meta.get_field(f), "attname", f)) for f in fields}


def json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is not None and not isinstance(value, str | int | float | bool):
        return str(value)
    return value


# --- making and editing -----------------------------------------------------------------------------------------------


def new_purchase_order(*, organization: Any, by: Any, data: Mapping[str, Any]) -> PurchaseOrder:
    """An unsaved draft with ``data`` applied and the defaults filled in (currency, terms from the supplier)."""
    data = dict(data)
    _header_fields(data)
    po = PurchaseOrder(organization=organization, created_by_id=by.user_id, status=states.DRAFT, number="")
    if data.get("po_date") is None:
        data["po_date"] = local_today(organization)
    supplier = None
    if data.get("supplier"):
        try:
            supplier = _own(Supplier, data["supplier"], organization, "supplier", "suppliers")
        except ApplicationError:
            supplier = None  # header_apply says so, with the other fields' errors
    if not data.get("currency"):
        data["currency"] = (supplier.default_currency if supplier else "") or organization.base_currency
    if "payment_terms" not in data and supplier is not None:
        data["payment_terms"] = supplier.payment_terms_id
    header_apply(po, data)
    return po


def save_new(
    purchase_order: PurchaseOrder, rows: list[PurchaseOrderLine], *, by: Any, source: str = ""
) -> PurchaseOrder:
    """Number, save and audit a new draft with its lines."""
    totals_set(purchase_order, rows)
    purchase_order.number = number_allocate(
        organization=purchase_order.organization, kind="purchase_order", on=purchase_order.po_date
    )
    purchase_order.save()
    for row in rows:
        row.purchase_order = purchase_order
    bulk_insert_objects(rows)
    changes: dict[str, Any] = {
        "number": [None, purchase_order.number],
        "lines": [None, len(rows)],
        "total": [None, money_text(purchase_order.currency, purchase_order.total)],
        "status": [None, purchase_order.status],
    }
    if source:
        changes["source"] = [None, source]
    audit_record(actor=by, action=PurchaseOrderAction.CREATED, target=purchase_order, changes=changes)
    publish(PurchaseOrderCreated(purchase_order=purchase_order, by=by))
    return purchase_order


@transaction.atomic
def purchase_order_create(
    *, organization: Any, by: Any, data: Mapping[str, Any], lines: Sequence[Mapping[str, Any]]
) -> PurchaseOrder:
    """A draft PO with its lines; its number is allocated in this transaction (gap-free: a refusal gives it back)."""
    po = new_purchase_order(organization=organization, by=by, data=data)
    rows = lines_build(purchase_order=po, by=by, payloads=[dict(x) for x in lines or []])
    return save_new(po, rows, by=by)


def _editable(purchase_order: PurchaseOrder) -> None:
    if purchase_order.is_editable:
        return
    hint = " Amend it instead." if purchase_order.is_amendable else ""
    raise ApplicationError(
        f"{purchase_order.number} is {purchase_order.get_status_display().lower()}: only a draft can be edited.{hint}",
        code="po_not_editable",
        status=409,
        extra={"po_status": purchase_order.status},
    )


def line_snapshot(row: PurchaseOrderLine) -> dict[str, Any]:
    """What a line is, as an amendment's diff and the audit read it."""
    return {
        "id": str(row.pk),
        "label": row.label,
        "item_id": str(row.item_id) if row.item_id else None,
        "description": row.description,
        "quantity": str(row.quantity),
        "unit": row.unit.code if row.unit_id else "",
        "unit_price": str(row.unit_price),
        "tax_rate": None if row.tax_rate is None else str(row.tax_rate),
        "amount": str(row.amount),
        "sales_line_id": str(row.sales_line_id) if row.sales_line_id else None,
    }


LINE_DIFF = ("label", "item_id", "description", "quantity", "unit", "unit_price", "tax_rate", "amount", "sales_line_id")


def lines_diff(before: Iterable[dict[str, Any]], after: Iterable[dict[str, Any]]) -> dict[str, list[Any]]:
    """``added`` / ``removed`` lines and ``changed`` ones (field → [old, new]) between two snapshots."""
    old = {row["id"]: row for row in before}
    new = {row["id"]: row for row in after}
    added = [row for key, row in new.items() if key not in old]
    removed = [row for key, row in old.items() if key not in new]
    changed = []
    for key, row in new.items():
        was = old.get(key)
        if was is None:
            continue
        fields = {f: [was.get(f), row.get(f)] for f in LINE_DIFF if was.get(f) != row.get(f)}
        if fields:
            changed.append({"id": key, "label": row["label"], "fields": fields})
    return {"added": added, "removed": removed, "changed": changed}


def lines_replace(
    purchase_order: PurchaseOrder, *, by: Any, payloads: Sequence[Mapping[str, Any]]
) -> tuple[list[PurchaseOrderLine], dict[str, list[Any]]]:
    """Replace the PO's lines by ``payloads`` (rows naming an ``id`` keep that line): the new rows and the diff.
    A line with receipts is never removed (``line_has_receipts``)."""
    current = list(PurchaseOrderLine.objects.filter(purchase_order=purchase_order).select_related("unit"))
    before = [line_snapshot(r) for r in current]
    existing = {str(r.pk): r for r in current}
    rows = lines_build(purchase_order=purchase_order, by=by, payloads=payloads, existing=existing)
    kept = {str(r.pk) for r in rows if r.pk and str(r.pk) in existing and not r._state.adding}
    gone = [r for key, r in existing.items() if key not in kept]
    for row in gone:
        if row.received_quantity > 0:
            message = f"{row.label} has goods received: it cannot be removed (cancel its receipts first)."
            raise ApplicationError(
                message, code="line_has_receipts", status=409, extra={"errors": {"lines": [message]}}
            )
    totals_set(purchase_order, rows)
    diff = lines_diff(before, [line_snapshot(r) for r in rows])
    if gone:
        PurchaseOrderLine.objects.filter(pk__in=[r.pk for r in gone]).delete()
    new_rows = [r for r in rows if r._state.adding]
    for row in rows:
        if not row._state.adding:
            row.save()
    bulk_insert_objects(new_rows)
    return rows, diff


def header_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {k: [json_value(before[k]), json_value(v)] for k, v in after.items() if before[k] != v}


@transaction.atomic
def purchase_order_update(
    *,
    purchase_order: PurchaseOrder,
    by: Any,
    data: Mapping[str, Any] | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
    expected_version: int | None = None,
) -> PurchaseOrder:
    """Change a draft: its header and, when ``lines`` is given, its lines (all of them; rows with an ``id`` keep that
    line). A submitted PO is not edited (``po_not_editable``); an approved one is amended."""
    data = dict(data or {})
    _header_fields(data)
    po = po_lock(purchase_order, expected_version)
    _editable(po)
    before = values_of(po, HEADER_FIELDS)
    old_total, old_count = po.total, po.line_count
    header_apply(po, data)
    changes = header_changes(before, values_of(po, HEADER_FIELDS))
    if lines is not None:
        _rows, diff = lines_replace(po, by=by, payloads=[dict(x) for x in lines])
        if any(diff.values()):
            changes["lines"] = [old_count, po.line_count]
    elif "tax_rate" in changes:
        rows = list(PurchaseOrderLine.objects.filter(purchase_order=po))
        totals_set(po, rows)
        for row in rows:
            row.save(update_fields=["amount", "tax", "updated_at"])
    if po.total != old_total:
        changes["total"] = [money_text(po.currency, old_total), money_text(po.currency, po.total)]
    if not changes:
        return po
    po.version += 1
    po.save()
    audit_record(actor=by, action="purchase_order.updated", target=po, changes=changes)
    return po


# --- the moves --------------------------------------------------------------------------------------------------------

EVENTS: dict[str, tuple[type[PurchaseOrderMoved], str]] = {
    states.SUBMIT: (PurchaseOrderSubmitted, PurchaseOrderAction.SUBMITTED),
    states.APPROVE: (PurchaseOrderApproved, PurchaseOrderAction.APPROVED),
    states.REJECT: (PurchaseOrderRejected, PurchaseOrderAction.REJECTED),
    states.CANCEL: (PurchaseOrderCancelled, PurchaseOrderAction.CANCELLED),
}


def refuse(purchase_order: PurchaseOrder, action: str) -> ApplicationError:
    offered = [t.action for t in states.actions_from(purchase_order.status)]
    can = f"it can {', '.join(offered)}" if offered else "no action is left"
    what = action if action in states.ACTIONS else f"take “{action}”"
    return ApplicationError(
        f"{purchase_order.number} is {purchase_order.get_status_display().lower()}: it cannot {what} ({can}).",
        code="invalid_transition",
        status=409,
        extra={"po_status": purchase_order.status, "allowed": offered},
    )


def base_total_of(purchase_order: PurchaseOrder) -> tuple[Decimal, Decimal]:
    """The rate to the base currency at the PO date and the total in it; 409 ``rate_missing`` without a rate."""
    organization = purchase_order.organization
    base = organization.base_currency
    rate = exchange_rate_on(
        organization=organization, day=purchase_order.po_date, from_currency=purchase_order.currency, to_currency=base
    )
    total = base_amount(purchase_order.total, rate)
    if rate is None or total is None:
        raise ApplicationError(
            f"There is no {purchase_order.currency} → {base} rate on or before {purchase_order.po_date:%d %b %Y}: the "
            "approval limit cannot be checked. Add the rate under Catalog > Exchange rates, then submit.",
            code="rate_missing",
            status=409,
            extra={
                "currency": purchase_order.currency,
                "base_currency": base,
                "date": purchase_order.po_date.isoformat(),
            },
        )
    return Decimal(rate), total


def needs_approval(purchase_order: PurchaseOrder, base_total: Decimal) -> bool:
    """Above the organisation's limit (in the base currency): a manager, owner or admin approves it."""
    return base_total > approval_limit(purchase_order.organization)


def approver_check(purchase_order: PurchaseOrder, by: Any) -> None:
    """Only a manager, owner or admin approves or sends back, and never the PO's author."""
    if by.role not in APPROVERS:
        raise ApplicationError(
            f"{purchase_order.number} is above the approval limit: a manager, owner or admin approves it.",
            code="approval_required",
            status=403,
        )
    authors = {purchase_order.created_by_id, purchase_order.submitted_by_id} - {None}
    if by.user_id in authors:
        raise ApplicationError(
            f"You made or submitted {purchase_order.number}: someone else must approve it.",
            code="self_approval",
            status=403,
        )


def _approval(purchase_order: PurchaseOrder, by: Any, decision: str, reason: str = "") -> Approval:
    return Approval.objects.create(
        organization_id=purchase_order.organization_id,
        created_by_id=by.user_id,
        purchase_order=purchase_order,
        revision=purchase_order.revision,
        decision=decision,
        decided_by_id=by.user_id,
        total=purchase_order.total,
        base_total=purchase_order.base_total,
        limit=approval_limit(purchase_order.organization),
        reason=reason[:500],
    )


def submit_apply(purchase_order: PurchaseOrder, by: Any) -> dict[str, list[Any]]:
    """Convert the total, and approve at once within the limit (an ``auto_approved`` approval) or leave it submitted:
    the audit rows. Used by the submit move and by an amendment (which re-submits above the limit)."""
    rate, base_total = base_total_of(purchase_order)
    purchase_order.exchange_rate, purchase_order.base_total = rate, base_total
    now = timezone.now()
    purchase_order.submitted_at, purchase_order.submitted_by_id = now, by.user_id
    base = purchase_order.organization.base_currency
    changes: dict[str, list[Any]] = {
        "base_total": [None, money_text(base, base_total)],
        "limit": [None, money_text(base, approval_limit(purchase_order.organization))],
    }
    if needs_approval(purchase_order, base_total):
        purchase_order.status = states.SUBMITTED
        purchase_order.approved_at, purchase_order.approved_by_id = None, None
    else:
        purchase_order.status = states.APPROVED
        purchase_order.approved_at, purchase_order.approved_by_id = now, None
        _approval(purchase_order, by, Approval.Decision.AUTO_APPROVED)
    return changes


@transaction.atomic
def purchase_order_move(
    *, purchase_order: PurchaseOrder, action: str, by: Any, reason: str = "", expected_version: int | None = None
) -> PurchaseOrder:
    """Move the PO by ``action`` (``states.ACTIONS``): submit (approved at once within the limit), approve, send back
    (reject, with a reason), cancel (with a reason)."""
    po = po_lock(purchase_order, expected_version)
    transition = states.ACTIONS.get(action)
    if transition is None or not po.can(action):
        raise refuse(po, action)
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        what = "sent back" if action == states.REJECT else "cancelled"
        raise field_error("reason", f"Say why the purchase order is {what}.")
    if len(reason) > 500:
        raise field_error("reason", "Keep the reason to 500 characters.")
    previous = po.status
    changes: dict[str, list[Any]] = {}
    if action == states.SUBMIT:
        if not PurchaseOrderLine.objects.filter(purchase_order=po).exists():
            raise ApplicationError(f"{po.number} has no lines.", code="po_empty", status=409)
        changes.update(submit_apply(po, by))
    elif action == states.APPROVE:
        approver_check(po, by)
        po.status = status_from_receipts(po)  # an amended PO may have goods received already
        po.approved_at, po.approved_by_id = timezone.now(), by.user_id
        _approval(po, by, Approval.Decision.APPROVED)
        changes["total"] = [None, money_text(po.currency, po.total)]
    elif action == states.REJECT:
        approver_check(po, by)
        po.status = states.DRAFT
        po.submitted_at, po.submitted_by_id = None, None
        _approval(po, by, Approval.Decision.REJECTED, reason)
    elif action == states.CANCEL:
        if Receipt.objects.filter(purchase_order=po, status=Receipt.Status.RECEIVED).exists():
            raise ApplicationError(
                f"{po.number} has goods received: cancel its receipts first.", code="po_has_receipts", status=409
            )
        po.status = states.CANCELLED
    changes = {"status": [previous, po.status], **changes}
    if reason:
        po.status_reason = reason
        changes["reason"] = [None, reason]
    po.version += 1
    po.save()
    event, audit_action = EVENTS[action]
    audit_record(actor=by, action=audit_action, target=po, changes=changes)
    publish(event(purchase_order=po, previous_status=previous, by=by))
    return po


def status_from_receipts(purchase_order: PurchaseOrder) -> str:
    """An approved PO's status by its lines' received quantities (approved, partly received or received)."""
    rows = list(
        PurchaseOrderLine.objects.filter(purchase_order=purchase_order).values_list("quantity", "received_quantity")
    )
    return states.received_status(
        ordered_lines=len(rows),
        fully_received_lines=sum(1 for quantity, received in rows if received >= quantity),
        any_received=any(received > 0 for _quantity, received in rows),
    )
