"""Inventory API: warehouses (a record resource), stock on hand and the stock ledger (filtered lists in keyset pages),
a move, and the moves as actions — transfer, adjust, reverse — plus the warehouse a shipment ships from.

Every id in a path or a body is looked up in the organisation (another's is a 404). Business refusals are problem
documents with a stable code: ``insufficient_stock`` (409) when a move would take a balance below zero and the
organisation does not allow negative stock; ``warehouse_archived`` (409); ``incompatible_units`` (400) for a unit of
another dimension than the item's; ``already_reversed`` / ``invalid_transition`` (409).
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.core.api.schema import api_contract
from tradeloom.core.pagination import KeysetCursorPagination
from tradeloom.inventory import selectors, services
from tradeloom.inventory.api import serializers as s
from tradeloom.inventory.capabilities import INVENTORY_MANAGE, INVENTORY_VIEW
from tradeloom.inventory.filters import BalanceFilter, MoveFilter, WarehouseFilter
from tradeloom.inventory.models import StockBalance, StockMove, Warehouse
from tradeloom.logistics.models import Shipment
from tradeloom.records.api import RecordViewSet, idempotent
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView

INVENTORY_CAPS = {
    "GET": INVENTORY_VIEW,
    "POST": INVENTORY_MANAGE,
    "PUT": INVENTORY_MANAGE,
    "PATCH": INVENTORY_MANAGE,
    "DELETE": INVENTORY_MANAGE,
}
MOVE_ERRORS = (
    "`insufficient_stock` (409) when it would take a balance below zero and the organisation does not allow "
    "negative stock; `warehouse_archived` (409) for an archived warehouse; `incompatible_units` (400) for a unit "
    "of another dimension than the item's stock unit; 404 for another organisation's warehouse, item or unit."
)


def _valid(serializer_class: type[serializers.Serializer], view: Any) -> dict[str, Any]:
    data = serializer_class(data=view.request.data, context={"view": view, "request": view.request})
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class WarehouseViewSet(RecordViewSet):
    model = Warehouse
    output_serializer = s.WarehouseOutput
    input_serializer = s.WarehouseInput
    serializer_class = s.WarehouseOutput
    filterset_class = WarehouseFilter
    capabilities = INVENTORY_CAPS
    orderings = {**RecordViewSet.orderings, "code": ("code", "id")}


class StockBalancesApi(TenantGenericAPIView):
    capabilities = {"GET": INVENTORY_VIEW}
    serializer_class = s.StockBalanceOutput
    model = StockBalance
    filterset_class = BalanceFilter
    ordering = ("created_at", "id")

    @extend_schema(
        responses={200: s.StockBalanceOutput(many=True)},
        summary="Stock on hand: a balance per item, warehouse and lot (filter by item, warehouse, lot, search)",
        description="Quantities in each item's stock unit; values and average costs in the organisation's base "
        "currency (moving average). Balances at zero are left out unless `empty=true`.",
    )
    def get(self, request: Request) -> Response:
        first = selectors.balance_list_first_page(organization=self.organization, params=request.query_params)
        page: list[Any] | None
        if first is not None:  # opening the list: a statement compiled once
            page = cast(KeysetCursorPagination, self.paginator).take_page(first, request)
        else:
            qs = selectors.balance_list(organization=self.organization)
            page = self.paginate_queryset(self.filter_queryset(qs).values(*selectors.BALANCE_COLUMNS))
        return self.get_paginated_response(s.balance_list_rows(page))


class StockMovesApi(TenantGenericAPIView):
    capabilities = {"GET": INVENTORY_VIEW}
    serializer_class = s.StockMoveOutput
    model = StockMove
    filterset_class = MoveFilter
    ordering = ("-created_at", "-id")

    @extend_schema(
        responses={200: s.StockMoveOutput(many=True)},
        summary="The stock ledger, newest first (filter by item, warehouse, kind, dates, source, reference)",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.move_list(organization=self.organization)
        page = self.paginate_queryset(self.filter_queryset(qs))
        return self.get_paginated_response(s.StockMoveOutput(page, many=True).data)


def _move(view: Any, stock_move_id: Any) -> StockMove:
    move = selectors.move_of(organization=view.organization, pk=stock_move_id)
    if move is None:
        raise Http404("No such stock move.")
    return move


class StockMoveApi(TenantAPIView):
    capabilities = {"GET": INVENTORY_VIEW}
    model = StockMove

    @extend_schema(responses={200: s.StockMoveOutput}, summary="A stock move")
    def get(self, request: Request, stock_move_id: Any) -> Response:
        return Response(s.StockMoveOutput(_move(self, stock_move_id)).data)


class StockMoveReverseApi(TenantAPIView):
    capabilities = {"POST": INVENTORY_MANAGE}
    model = StockMove

    @extend_schema(
        request=s.StockReverseInput,
        responses={201: s.StockMoveOutput(many=True)},
        summary="Reverse a stock move (both halves of a transfer), with a reason",
        description="Writes the reversing moves (the opposite quantity and value). `already_reversed` (409) when "
        "it is reversed already; `invalid_transition` (409) for a reversal; `insufficient_stock` (409) when "
        "reversing an incoming move would take the balance below zero.",
    )
    @api_contract(errors=(409,))
    def post(self, request: Request, stock_move_id: Any) -> Response:
        move = _move(self, stock_move_id)
        values = _valid(s.StockReverseInput, self)
        made = services.stock_move_reverse(
            organization=self.organization, by=self.membership, move=move, reason=values["reason"]
        )
        moves = list(selectors.move_list(organization=self.organization).filter(pk__in=[m.pk for m in made]))
        return Response(s.StockMoveOutput(moves, many=True).data, status=status.HTTP_201_CREATED)


class StockTransferApi(TenantAPIView):
    capabilities = {"POST": INVENTORY_MANAGE}

    @extend_schema(
        request=s.StockTransferInput,
        responses={201: s.TransferOutput},
        summary="Transfer stock from one warehouse to another (at its moving average)",
        description=MOVE_ERRORS,
    )
    @api_contract(idempotency_key=True, errors=(404, 409))
    def post(self, request: Request) -> Response:
        def perform() -> Response:
            values = _valid(s.StockTransferInput, self)
            transfer = services.stock_transfer(
                organization=self.organization,
                by=self.membership,
                from_warehouse=values["from_warehouse"],
                to_warehouse=values["to_warehouse"],
                item=values["item"],
                quantity=values["quantity"],
                unit=values["unit"],
                lot=values["lot"],
                on=values["moved_on"],
                reference=values["reference"],
            )
            data = s.TransferOutput({"out_move": transfer.out_move, "in_move": transfer.in_move}).data
            return Response(data, status=status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class StockAdjustmentApi(TenantAPIView):
    capabilities = {"POST": INVENTORY_MANAGE}

    @extend_schema(
        request=s.StockAdjustmentInput,
        responses={201: s.StockMoveOutput},
        summary="Adjust a balance by a signed quantity, with a reason (an increase at a given cost or the average)",
        description=MOVE_ERRORS,
    )
    @api_contract(idempotency_key=True, errors=(404, 409))
    def post(self, request: Request) -> Response:
        def perform() -> Response:
            values = _valid(s.StockAdjustmentInput, self)
            move = services.stock_adjust(
                organization=self.organization,
                by=self.membership,
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
            return Response(s.StockMoveOutput(move).data, status=status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


def _shipment(view: Any, shipment_id: Any) -> Shipment:
    shipment = selectors.shipment_visible(organization=view.organization, membership=view.membership, pk=shipment_id)
    if shipment is None:
        raise Http404("No such shipment.")
    return shipment


def _shipment_data(view: Any, shipment: Shipment) -> dict[str, Any]:
    mapping = selectors.shipment_warehouse(organization=view.organization, shipment=shipment)
    moves = selectors.shipment_moves(organization=view.organization, shipment=shipment)
    payload = {"shipment_id": shipment.pk, "warehouse": mapping.warehouse if mapping else None, "moves": moves}
    return dict(s.ShipmentWarehouseOutput(payload).data)


class ShipmentWarehouseApi(TenantAPIView):
    capabilities = {"GET": INVENTORY_VIEW, "PUT": INVENTORY_MANAGE}
    model = Shipment

    @extend_schema(
        responses={200: s.ShipmentWarehouseOutput},
        summary="The warehouse a shipment ships from, and the stock moves its departure made",
    )
    def get(self, request: Request, shipment_id: Any) -> Response:
        return Response(_shipment_data(self, _shipment(self, shipment_id)))

    @extend_schema(
        request=s.ShipmentWarehouseInput,
        responses={200: s.ShipmentWarehouseOutput},
        summary="Choose the warehouse a shipment ships from (null: none): its departure issues the lines' items",
        description="Only while the shipment is booked: `invalid_transition` (409) once it has left. "
        "`warehouse_archived` (400) for an archived warehouse; 404 for another organisation's.",
    )
    @api_contract(errors=(404, 409))
    def put(self, request: Request, shipment_id: Any) -> Response:
        shipment = _shipment(self, shipment_id)
        values = _valid(s.ShipmentWarehouseInput, self)
        services.shipment_warehouse_set(
            organization=self.organization, by=self.membership, shipment=shipment, warehouse=values["warehouse"]
        )
        return Response(_shipment_data(self, shipment))
