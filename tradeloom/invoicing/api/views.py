"""Invoices API: the list (one statement a page, with filters and cursor pages), making an invoice from a shipment or
an order (Idempotency-Key), the detail with its lines and credit notes (ETag, If-None-Match), a draft's edits
(If-Match), the issue and void actions, and credit notes (raise, void).

Every id in a path or body is looked up in the organisation (another organisation's is a 404). Writes that change the
invoice honour ``If-Match`` with the invoice's ``ETag`` (412 when stale) and answer with its detail and new ``ETag``.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.core.api.conditional import conditional_response
from tradeloom.core.api.schema import api_contract
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.pagination import KeysetCursorPagination
from tradeloom.invoicing import selectors, services, states
from tradeloom.invoicing.api import serializers as s
from tradeloom.invoicing.capabilities import INVOICES_MANAGE, INVOICES_VIEW
from tradeloom.invoicing.filters import InvoiceFilter
from tradeloom.invoicing.models import CreditNote, Invoice
from tradeloom.records.api import expected_version, idempotent
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView


def _invoice(view: Any, invoice_id: Any) -> Invoice:
    try:
        return selectors.invoice_get(organization=view.organization, membership=view.membership, invoice_id=invoice_id)
    except Invoice.DoesNotExist:
        raise Http404("No such invoice.") from None


def _credit_note(view: Any, invoice_id: Any, credit_note_id: Any) -> CreditNote:
    found = selectors.credit_note_of(invoice=_invoice(view, invoice_id), pk=credit_note_id)
    if found is None:
        raise Http404("No such credit note.")
    return found


def _valid(serializer_class: type[serializers.Serializer], view: Any, **kwargs: Any) -> dict[str, Any]:
    data = serializer_class(data=view.request.data, context={"view": view, "request": view.request}, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def detail_data(view: Any, invoice_id: Any) -> tuple[dict[str, Any], str]:
    try:
        detail = selectors.invoice_detail(
            organization=view.organization, membership=view.membership, invoice_id=invoice_id
        )
    except Invoice.DoesNotExist:
        raise Http404("No such invoice.") from None
    context = {"lines": detail.lines, "credit_notes": detail.credit_notes, "today": timezone.localdate()}
    return s.InvoiceDetailOutput(detail.invoice, context=context).data, detail.invoice.etag


def detail_response(view: Any, invoice_id: Any, status_code: int = 200) -> Response:
    data, tag = detail_data(view, invoice_id)
    return conditional_response(view.request, data, version_tag=tag, status=status_code)


class InvoicesApi(TenantGenericAPIView):
    capabilities = {"GET": INVOICES_VIEW, "POST": INVOICES_MANAGE}
    serializer_class = s.InvoiceListOutput
    model = Invoice
    filterset_class = InvoiceFilter
    ordering = ("-created_at", "-id")

    @extend_schema(
        responses={200: s.InvoiceListOutput(many=True)},
        summary="List invoices (filter by status, customer, order, shipment, LC, due dates, overdue; search by number)",
    )
    def get(self, request: Request) -> Response:
        first = selectors.invoice_list_first_page(
            organization=self.organization, membership=self.membership, params=request.query_params
        )
        page: list[Any] | None
        if first is not None:  # opening the list: a statement compiled once
            page = cast(KeysetCursorPagination, self.paginator).take_page(first, request)
        else:
            qs = selectors.invoice_list(organization=self.organization, membership=self.membership)
            page = self.paginate_queryset(self.filter_queryset(qs).values(*s.LIST_COLUMNS))
        return self.get_paginated_response(s.invoice_list_rows(page, today=timezone.localdate()))

    @extend_schema(
        request=s.InvoiceCreateInput,
        responses={201: s.InvoiceDetailOutput},
        summary="Draft an invoice from a shipment (all its lines) or from an order (chosen lines and quantities)",
        description=(
            "Give `shipment` or `order`. 409 `shipment_already_invoiced`, `currency_mismatch`, `over_invoicing`, "
            "`price_missing`, `shipment_not_invoiceable`, `order_not_invoiceable`, `invoice_empty`; 400 "
            "`terms_need_shipment`, `lc_customer_mismatch`, `lc_currency_mismatch` on their field."
        ),
    )
    @api_contract(idempotency_key=True, errors=(409,))
    def post(self, request: Request) -> Response:
        def perform() -> Response:
            payload = _valid(s.InvoiceCreateInput, self)
            shipment, order = payload.pop("shipment", None), payload.pop("order", None)
            lines = [dict(x) for x in payload.pop("lines", [])]
            if (shipment is None) == (order is None):
                raise ApplicationError(
                    "Give the shipment or the order to invoice (one of them).",
                    code="validation_error",
                    extra={"errors": {"shipment": ["Give a shipment or an order."]}},
                )
            if shipment is not None:
                if lines:
                    raise ApplicationError(
                        "A shipment's invoice bills all its lines; leave out “lines”.",
                        code="validation_error",
                        extra={"errors": {"lines": ["Leave the lines out for a shipment."]}},
                    )
                invoice = services.invoice_create_from_shipment(
                    organization=self.organization, by=self.membership, shipment=shipment, data=payload
                )
            else:
                invoice = services.invoice_create_from_order(
                    organization=self.organization, by=self.membership, order=order, lines=lines, data=payload
                )
            return detail_response(self, invoice.pk, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class InvoiceApi(TenantAPIView):
    capabilities = {"GET": INVOICES_VIEW, "PATCH": INVOICES_MANAGE}

    @extend_schema(responses={200: s.InvoiceDetailOutput}, summary="An invoice with its lines and credit notes")
    @api_contract(if_none_match=True)
    def get(self, request: Request, invoice_id: Any) -> Response:
        return detail_response(self, invoice_id)

    @extend_schema(
        request=s.InvoiceUpdateInput,
        responses={200: s.InvoiceDetailOutput},
        summary="Change a draft's date, terms, LC, reference, bank details or notes",
        description="An issued invoice does not change: 409 `invoice_not_editable` (correct it by a credit note).",
    )
    @api_contract(if_match=True, errors=(409,))
    def patch(self, request: Request, invoice_id: Any) -> Response:
        invoice = _invoice(self, invoice_id)
        version = expected_version(request, invoice)
        data = s.InvoiceUpdateInput(data=request.data, partial=True, context={"view": self, "instance": invoice})
        data.is_valid(raise_exception=True)
        services.invoice_update(
            invoice=invoice, by=self.membership, data=dict(data.validated_data), expected_version=version
        )
        return detail_response(self, invoice_id)


class InvoiceIssueApi(TenantAPIView):
    capabilities = {"POST": INVOICES_MANAGE}

    @extend_schema(
        request=None,
        responses={200: s.InvoiceDetailOutput},
        summary="Issue a draft invoice (under an LC: draws its total on the LC)",
        description=(
            "From draft to issued; otherwise 409 `invalid_transition`. 409 `rate_missing` without a rate to the base "
            "currency at the invoice date, `invoice_empty`; under an LC the LC's refusals (`lc_not_available`, "
            "`lc_currency_mismatch`, `lc_amount_exceeded`, `lc_shipment_date_passed`, `lc_expired`, "
            "`lc_partial_not_allowed`)."
        ),
    )
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, invoice_id: Any) -> Response:
        invoice = _invoice(self, invoice_id)
        version = expected_version(request, invoice)
        services.invoice_issue(invoice=invoice, by=self.membership, expected_version=version)
        return detail_response(self, invoice_id)


class InvoiceVoidApi(TenantAPIView):
    capabilities = {"POST": INVOICES_MANAGE}

    @extend_schema(
        request=s.InvoiceReasonInput,
        responses={200: s.InvoiceDetailOutput},
        summary="Void a draft or issued invoice, with a reason (it keeps its number; an LC drawing is released)",
        description=(
            f"From {', '.join(sorted(states.ACTIONS[states.VOID_ACTION].sources))} to void; otherwise 409 "
            "`invalid_transition`. 409 `invoice_has_payments`, `invoice_has_credit_notes`."
        ),
    )
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, invoice_id: Any) -> Response:
        invoice = _invoice(self, invoice_id)
        version = expected_version(request, invoice)
        values = _valid(s.InvoiceReasonInput, self)
        services.invoice_void(invoice=invoice, by=self.membership, reason=values["reason"], expected_version=version)
        return detail_response(self, invoice_id)


class CreditNotesApi(TenantAPIView):
    capabilities = {"POST": INVOICES_MANAGE}

    @extend_schema(
        request=s.CreditNoteInput,
        responses={201: s.InvoiceDetailOutput},
        summary="Raise a credit note on an issued invoice (an amount up to what it owes, with a reason)",
        description="409 `credit_exceeds_outstanding`, `invoice_not_issued`.",
    )
    @api_contract(if_match=True, idempotency_key=True, errors=(409,))
    def post(self, request: Request, invoice_id: Any) -> Response:
        invoice = _invoice(self, invoice_id)

        def perform() -> Response:
            version = expected_version(request, invoice)
            values = _valid(s.CreditNoteInput, self)
            services.credit_note_create(
                organization=self.organization,
                by=self.membership,
                invoice=invoice,
                amount=values["amount"],
                reason=values["reason"],
                issue_date=values.get("issue_date"),
                expected_version=version,
            )
            return detail_response(self, invoice_id, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class CreditNoteVoidApi(TenantAPIView):
    capabilities = {"POST": INVOICES_MANAGE}

    @extend_schema(
        request=s.InvoiceReasonInput,
        responses={200: s.InvoiceDetailOutput},
        summary="Void a credit note, with a reason (its amount is owed on the invoice again)",
        description="A void credit note: 409 `invalid_transition`.",
    )
    @api_contract(errors=(409,))
    def post(self, request: Request, invoice_id: Any, credit_note_id: Any) -> Response:
        note = _credit_note(self, invoice_id, credit_note_id)
        values = _valid(s.InvoiceReasonInput, self)
        services.credit_note_void(credit_note=note, by=self.membership, reason=values["reason"])
        return detail_response(self, invoice_id)
