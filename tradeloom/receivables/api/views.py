"""Receivables API: payments (the list with its filters and keyset pages; recording one with its allocations in one
request, all or nothing; the detail with allocations and exchange differences; header edits; allocate, unallocate
and void as actions), the ageing report, a customer's statement and an order's finance.

Every id in a path is looked up in the organisation (another's is a 404), and so is every invoice named in a body
(another organisation's invoice in an allocation is a 404 too). Writes to a payment honour ``If-Match`` with its
``ETag`` (412 when stale) and answer with its detail and new ``ETag``; recording honours ``Idempotency-Key``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.core.api.conditional import conditional_response
from tradeloom.core.api.schema import api_contract
from tradeloom.core.exceptions import ApplicationError
from tradeloom.partners.models import Customer
from tradeloom.receivables import selectors, services
from tradeloom.receivables.api import serializers as s
from tradeloom.receivables.capabilities import PAYMENTS_MANAGE, PAYMENTS_VIEW
from tradeloom.receivables.filters import PaymentFilter
from tradeloom.receivables.models import Payment
from tradeloom.records.api import expected_version, idempotent
from tradeloom.sales import selectors as sales_selectors
from tradeloom.sales.models import Order
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView


def _payment(view: Any, payment_id: Any) -> Payment:
    try:
        return selectors.payment_get(organization=view.organization, membership=view.membership, payment_id=payment_id)
    except Payment.DoesNotExist:
        raise Http404("No such payment.") from None


def _valid(serializer_class: type[serializers.Serializer], view: Any, **kwargs: Any) -> dict[str, Any]:
    data = serializer_class(data=view.request.data, context={"view": view, "request": view.request}, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def payment_data(organization: Any, payment: Payment) -> dict[str, Any]:
    """The JSON of ``PaymentDetailOutput`` (the payment with its customer; its allocations: one statement)."""
    allocations = selectors.payment_allocations(payment)
    context = {"allocations": allocations, "base_currency": organization.base_currency}
    return dict(s.PaymentDetailOutput(payment, context=context).data)


def detail_response(view: Any, payment_id: Any, status_code: int = 200) -> Response:
    payment = _payment(view, payment_id)
    data = payment_data(view.organization, payment)
    return conditional_response(
        view.request, data, version_tag=Payment.etag_of(payment.pk, payment.version), status=status_code
    )


def _day(request: Request, name: str, default: datetime.date) -> datetime.date:
    value = request.query_params.get(name)
    if not value:
        return default
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        message = "Give a day as YYYY-MM-DD."
        raise ApplicationError(message, code="validation_error", extra={"errors": {name: [message]}}) from None


def _allocation_rows(rows: list[Any]) -> list[dict[str, Any]]:
    return [{"invoice": row["invoice"], "amount": row["amount"]} for row in rows]


# --- payments ------------------------------------------------------------------------------------------------------


class PaymentsApi(TenantGenericAPIView):
    capabilities = {"GET": PAYMENTS_VIEW, "POST": PAYMENTS_MANAGE}
    serializer_class = s.PaymentListOutput
    model = Payment
    filterset_class = PaymentFilter
    ordering = ("-received_on", "-id")

    @extend_schema(
        responses={200: s.PaymentListOutput(many=True)},
        summary="List payments received (filter by customer, dates, credit left unallocated, status, currency)",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.payment_list(organization=self.organization, membership=self.membership)
        page = self.paginate_queryset(self.filter_queryset(qs))
        return self.get_paginated_response(s.PaymentListOutput(page, many=True).data)

    @extend_schema(
        request=s.PaymentCreateInput,
        responses={201: s.PaymentDetailOutput},
        summary="Record a payment received, with its allocations to invoices (all or nothing)",
        description="`over_allocation` (409) when the allocations exceed the payment or an invoice's outstanding "
        "amount; `currency_mismatch` / `customer_mismatch` (400) for an invoice of another currency or customer; "
        "`invoice_not_open` (409) for one not issued or partly paid; 404 for an invoice of another organisation.",
    )
    @api_contract(idempotency_key=True, errors=(404, 409))
    def post(self, request: Request) -> Response:
        def perform() -> Response:
            payload = _valid(s.PaymentCreateInput, self)
            allocations = _allocation_rows(payload.pop("allocations", []))
            payment = services.payment_create(
                organization=self.organization, by=self.membership, data=payload, allocations=allocations
            )
            return detail_response(self, payment.pk, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class PaymentApi(TenantAPIView):
    capabilities = {"GET": PAYMENTS_VIEW, "PATCH": PAYMENTS_MANAGE}

    @extend_schema(
        responses={200: s.PaymentDetailOutput},
        summary="A payment with its allocations, their exchange differences and what is left unallocated",
    )
    @api_contract(if_none_match=True)
    def get(self, request: Request, payment_id: Any) -> Response:
        return detail_response(self, payment_id)

    @extend_schema(
        request=s.PaymentUpdateInput,
        responses={200: s.PaymentDetailOutput},
        summary="Change a payment's date, amount, rate, method, bank reference, charges or notes",
        description="Its customer and currency stay. A new rate recomputes its allocations' exchange differences; "
        "the amount cannot go below what is allocated. A void payment: 409 `invalid_transition`.",
    )
    @api_contract(if_match=True, errors=(409,))
    def patch(self, request: Request, payment_id: Any) -> Response:
        payment = _payment(self, payment_id)
        version = expected_version(request, payment)
        values = _valid(s.PaymentUpdateInput, self, partial=True)
        services.payment_update(payment=payment, by=self.membership, data=values, expected_version=version)
        return detail_response(self, payment_id)


class PaymentAllocateApi(TenantAPIView):
    capabilities = {"POST": PAYMENTS_MANAGE}

    @extend_schema(
        request=s.PaymentAllocateInput,
        responses={200: s.PaymentDetailOutput},
        summary="Allocate more of the payment to invoices of its customer (all or nothing)",
        description="Errors as when recording; a void payment: 409 `invalid_transition`.",
    )
    @api_contract(if_match=True, errors=(404, 409))
    def post(self, request: Request, payment_id: Any) -> Response:
        payment = _payment(self, payment_id)
        version = expected_version(request, payment)
        values = _valid(s.PaymentAllocateInput, self)
        services.payment_allocate(
            payment=payment,
            by=self.membership,
            allocations=_allocation_rows(values["allocations"]),
            expected_version=version,
        )
        return detail_response(self, payment_id)


class PaymentUnallocateApi(TenantAPIView):
    capabilities = {"POST": PAYMENTS_MANAGE}

    @extend_schema(
        request=s.PaymentUnallocateInput,
        responses={200: s.PaymentDetailOutput},
        summary="Take back (part of) the payment's allocation to an invoice: the invoice owes it again",
        description="404 when the payment has no allocation to the invoice; `over_unallocation` (409) for more "
        "than is allocated.",
    )
    @api_contract(if_match=True, errors=(404, 409))
    def post(self, request: Request, payment_id: Any) -> Response:
        payment = _payment(self, payment_id)
        version = expected_version(request, payment)
        values = _valid(s.PaymentUnallocateInput, self)
        services.payment_unallocate(
            payment=payment,
            by=self.membership,
            invoice=values["invoice"],
            amount=values.get("amount"),
            expected_version=version,
        )
        return detail_response(self, payment_id)


class PaymentVoidApi(TenantAPIView):
    capabilities = {"POST": PAYMENTS_MANAGE}

    @extend_schema(
        request=s.PaymentVoidInput,
        responses={200: s.PaymentDetailOutput},
        summary="Void the payment, with a reason: its allocations go back to their invoices",
        description="Already void: 409 `invalid_transition`.",
    )
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, payment_id: Any) -> Response:
        payment = _payment(self, payment_id)
        version = expected_version(request, payment)
        values = _valid(s.PaymentVoidInput, self)
        services.payment_void(payment=payment, by=self.membership, reason=values["reason"], expected_version=version)
        return detail_response(self, payment_id)


# --- reports -------------------------------------------------------------------------------------------------------

AS_OF = OpenApiParameter("as_of", datetime.date, description="The day (default today): what was owed then.")
FROM = OpenApiParameter("from", datetime.date, description="The first day (default 1 January of `to`'s year).")
TO = OpenApiParameter("to", datetime.date, description="The last day (default today).")


class AgeingApi(TenantAPIView):
    capabilities = {"GET": PAYMENTS_VIEW}

    @extend_schema(
        parameters=[AS_OF],
        responses={200: s.AgeingOutput},
        summary="Receivables ageing by customer as of a day: LC-backed and open account apart, per currency and "
        "in base currency",
    )
    def get(self, request: Request) -> Response:
        as_of = _day(request, "as_of", timezone.localdate())
        report = selectors.ageing(organization=self.organization, as_of=as_of)
        return Response(s.ageing_data(report))


class CustomerStatementApi(TenantAPIView):
    capabilities = {"GET": PAYMENTS_VIEW}
    model = Customer  # the path's customer_id (the walls tests make another organisation's customer)

    @extend_schema(
        parameters=[FROM, TO],
        responses={200: s.StatementOutput},
        summary="A customer's statement: opening balance, invoices, credit notes and payments with a running "
        "balance, closing balance and unallocated credit, per currency",
    )
    def get(self, request: Request, customer_id: Any) -> Response:
        customer = selectors.customer_of(organization=self.organization, pk=customer_id)
        if customer is None:
            raise Http404("No such customer.")
        date_to = _day(request, "to", timezone.localdate())
        date_from = _day(request, "from", date_to.replace(month=1, day=1))
        if date_from > date_to:
            message = "The first day comes after the last."
            raise ApplicationError(message, code="validation_error", extra={"errors": {"from": [message]}})
        report = selectors.statement(
            organization=self.organization, customer=customer, date_from=date_from, date_to=date_to
        )
        return Response(s.StatementOutput(report).data)


class OrderFinanceApi(TenantAPIView):
    capabilities = {"GET": PAYMENTS_VIEW}

    @extend_schema(
        responses={200: s.OrderFinanceOutput},
        summary="An order's trade finance: PIs, LCs, invoices, payments and its realised figures",
    )
    def get(self, request: Request, order_id: Any) -> Response:
        try:
            order = sales_selectors.order_visible_get(
                organization=self.organization, membership=self.membership, pk=order_id
            )
        except (Order.DoesNotExist, Http404):
            raise Http404("No such order.") from None
        finance = selectors.order_finance(organization=self.organization, order=order)
        return Response(s.OrderFinanceOutput(finance).data)
