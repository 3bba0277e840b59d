"""Inventory pages: stock on hand (filtered, with totals), the stock ledger, an item's ledger (its balances per
warehouse and its moves with the balance after each), the transfer and adjustment forms, and the warehouse a
shipment ships from. Reads go through ``selectors``, writes through ``services``; a refusal shows the form again
with the error next to its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from tradeloom.audit.formats import number
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.web import add_application_error, partial_template, uuid_or_none
from tradeloom.inventory import selectors, services
from tradeloom.inventory.capabilities import INVENTORY_MANAGE, INVENTORY_VIEW
from tradeloom.inventory.filters import BalanceFilter, ItemLedgerFilter, MovePageFilter
from tradeloom.inventory.forms import AdjustmentForm, ShipmentWarehouseForm, TransferForm
from tradeloom.inventory.models import StockMove
from tradeloom.logistics import states as shipment_states
from tradeloom.tenancy.roles import role_has
from tradeloom.tenancy.web import TenantRequest, tenant_view

BALANCE_SORTS = [
    SortOption("value", "Largest value first", ("-value", "-id")),
    SortOption("quantity", "Largest quantity first", ("-quantity", "-id")),
    SortOption("moved", "Recently moved", ("-updated_at", "-id")),
]
MOVE_SORTS = [
    SortOption("newest", "Newest first", ("-created_at", "-id")),
    SortOption("oldest", "Oldest first", ("created_at", "id")),
]
BALANCE_COLUMNS = ["Item", "Warehouse", "On hand", "Average cost", "Value"]
MOVE_COLUMNS = ["Date", "Move", "Item", "Warehouse", "Quantity", "Value", "Balance after"]
LEDGER_COLUMNS = ["Date", "Move", "Warehouse", "Quantity", "Value", "Balance after"]
KIND_BADGES = {
    StockMove.Kind.RECEIPT: "badge-green",
    StockMove.Kind.PRODUCTION_IN: "badge-green",
    StockMove.Kind.TRANSFER_IN: "badge-blue",
    StockMove.Kind.TRANSFER_OUT: "badge-blue",
    StockMove.Kind.ISSUE: "badge-amber",
    StockMove.Kind.PRODUCTION_OUT: "badge-amber",
    StockMove.Kind.ADJUSTMENT: "badge-gray",
    StockMove.Kind.REVERSAL: "badge-red",
}


def _common(request: TenantRequest, **extra: Any) -> dict[str, Any]:
    return {
        "can_manage": role_has(request.membership.role, INVENTORY_MANAGE),
        "base_currency": request.organization.base_currency,
        "badges": KIND_BADGES,
        **extra,
    }


@tenant_view(GET=INVENTORY_VIEW)
def stock_view(request: TenantRequest) -> HttpResponse:
    """Stock on hand: a row per item x warehouse (x lot) with quantity, stock unit, average cost and value, and the
    filtered rows' totals (value in base currency; quantities per unit). Two statements: the page and the totals."""
    qs = selectors.balance_list(organization=request.organization)
    page = list_page(request, qs, filterset_class=BalanceFilter, sorts=BALANCE_SORTS)
    filters_ok = not page.filterset.is_bound or page.filterset.is_valid()
    totals = selectors.balance_totals(page.filterset.qs) if filters_ok else None
    context = _common(request, nav="stock", page=page, columns=BALANCE_COLUMNS, totals=totals)
    return render(request, partial_template(request, "inventory/stock.html", "stock-list"), context)


@tenant_view(GET=INVENTORY_VIEW)
def moves_view(request: TenantRequest) -> HttpResponse:
    """The stock ledger: every move, newest first, with the balance after it."""
    qs = selectors.move_list(organization=request.organization)
    page = list_page(request, qs, filterset_class=MovePageFilter, sorts=MOVE_SORTS)
    context = _common(request, nav="stock-moves", page=page, columns=MOVE_COLUMNS)
    return render(request, partial_template(request, "inventory/moves.html", "move-list"), context)


@tenant_view(GET=INVENTORY_VIEW)
def item_ledger_view(request: TenantRequest, item_id: Any) -> HttpResponse:
    """An item's ledger: its balances per warehouse and lot, and its moves over time, each with the balance of its
    warehouse after it (as recorded by the move: never summed on read)."""
    item = selectors.item_of(organization=request.organization, pk=item_id)
    if item is None:
        raise Http404("No such item.")
    balances = selectors.item_balances(organization=request.organization, item=item)
    qs = selectors.move_list(organization=request.organization).filter(item=item)
    page = list_page(request, qs, filterset_class=ItemLedgerFilter, sorts=MOVE_SORTS)
    context = _common(
        request,
        nav="stock",
        item=item,
        balances=balances,
        total_quantity=sum((b.quantity for b in balances), 0),
        total_value=sum((b.value for b in balances), 0),
        page=page,
        columns=LEDGER_COLUMNS,
    )
    return render(request, partial_template(request, "inventory/item_ledger.html", "ledger-list"), context)


def _errors_onto(form: forms.BaseForm, error: ApplicationError) -> None:
    found = error.extra.get("errors")
    errors = found if isinstance(found, dict) else {}
    placed = {key: texts for key, texts in errors.items() if key in form.fields}
    for key, texts in placed.items():
        for text in texts:
            form.add_error(key, text)
    if not placed:
        add_application_error(form, error)


def _initial(request: TenantRequest, *names: str) -> dict[str, Any]:
    """Choices named in the address (``?item=…&warehouse=…``), and the item's stock unit as the unit."""
    initial: dict[str, Any] = {}
    for name in names:
        value = uuid_or_none(request.GET.get(name))
        if value:
            initial[name] = value
    if "item" in initial:
        item = selectors.item_of(organization=request.organization, pk=initial["item"])
        if item is not None:
            initial["unit"] = item.unit_id
    return initial


@tenant_view(GET=INVENTORY_MANAGE, POST=INVENTORY_MANAGE)
def transfer_view(request: TenantRequest) -> HttpResponse:
    """Move stock from one warehouse to another at its moving average."""
    org = request.organization
    data = request.POST if request.method == "POST" else None
    form = TransferForm(data, organization=org, initial=_initial(request, "item", "from_warehouse"))
    if data is not None and form.is_valid():
        values = form.cleaned_data
        try:
            transfer = services.stock_transfer(
                organization=org,
                by=request.membership,
                from_warehouse=values["from_warehouse"],
                to_warehouse=values["to_warehouse"],
                item=values["item"],
                quantity=values["quantity"],
                unit=values["unit"],
                lot=values["lot"],
                on=values["moved_on"],
                reference=values["reference"],
            )
        except ApplicationError as error:
            _errors_onto(form, error)
        else:
            move = transfer.in_move
            messages.success(
                request,
                f"Transferred {number(move.quantity)} {move.item.unit.code} of {move.item.code} "
                f"from {values['from_warehouse'].code} to {values['to_warehouse'].code}.",
            )
            return redirect("inventory:item-ledger", org_slug=org.slug, item_id=move.item_id)
    context = _common(
        request,
        nav="stock",
        form=form,
        title="Transfer stock",
        intro="Move stock from one warehouse to another. It leaves at its moving average cost and arrives with "
        "the same value; the quantity may be given in any unit of the item's dimension.",
        submit="Transfer",
    )
    return render(request, "inventory/move_form.html", context)


@tenant_view(GET=INVENTORY_MANAGE, POST=INVENTORY_MANAGE)
def adjustment_view(request: TenantRequest) -> HttpResponse:
    """Correct a balance by a signed quantity, with a reason."""
    org = request.organization
    data = request.POST if request.method == "POST" else None
    form = AdjustmentForm(data, organization=org, initial=_initial(request, "item", "warehouse"))
    if data is not None and form.is_valid():
        values = form.cleaned_data
        try:
            move = services.stock_adjust(
                organization=org,
                by=request.membership,
                warehouse=values["warehouse"],
                item=values["item"],
                quantity=values["quantity"],
                unit=values["unit"],
                reason=values["reason"],
                unit_cost=values["unit_cost"],
                lot=values["lot"],
                on=values["moved_on"],
                reference=values["reference"],
            )
        except ApplicationError as error:
            _errors_onto(form, error)
        else:
            messages.success(
                request,
                f"Adjusted {move.item.code} in {move.warehouse.code} by {number(move.quantity)} {move.item.unit.code}: "
                f"{number(move.quantity_after)} on hand.",
            )
            return redirect("inventory:item-ledger", org_slug=org.slug, item_id=move.item_id)
    context = _common(
        request,
        nav="stock",
        form=form,
        title="Adjust stock",
        intro="Correct a balance after a count, damage or for opening stock. An increase is valued at the cost you "
        "give (else the balance's average); a decrease at the moving average. Every adjustment keeps its reason.",
        submit="Adjust",
    )
    return render(request, "inventory/move_form.html", context)


@tenant_view(GET=INVENTORY_VIEW, POST=INVENTORY_MANAGE)
def shipment_warehouse_view(request: TenantRequest, shipment_id: Any) -> HttpResponse:
    """The warehouse a shipment ships from (chosen while it is booked) and the stock moves its departure made."""
    org = request.organization
    shipment = selectors.shipment_visible(organization=org, membership=request.membership, pk=shipment_id)
    if shipment is None:
        raise Http404("No such shipment.")
    mapping = selectors.shipment_warehouse(organization=org, shipment=shipment)
    data = request.POST if request.method == "POST" else None
    form = ShipmentWarehouseForm(
        data, organization=org, initial={"warehouse": mapping.warehouse_id if mapping else None}
    )
    if data is not None and form.is_valid():
        warehouse = form.cleaned_data["warehouse"]
        try:
            services.shipment_warehouse_set(
                organization=org, by=request.membership, shipment=shipment, warehouse=warehouse
            )
        except ApplicationError as error:
            _errors_onto(form, error)
        else:
            where = f"ships from {warehouse.code}" if warehouse else "moves no stock"
            messages.success(request, f"{shipment.number} {where}.")
            return redirect("inventory:shipment-warehouse", org_slug=org.slug, shipment_id=shipment.pk)
    context = _common(
        request,
        nav="shipments",
        shipment=shipment,
        mapping=mapping,
        form=form,
        editable=shipment.status == shipment_states.BOOKED,
        moves=selectors.shipment_moves(organization=org, shipment=shipment),
    )
    return render(request, "inventory/shipment_warehouse.html", context)
