"""Letters of credit API: the list (a projection, one statement a page), recording, the detail (terms as of the
latest accepted amendment, amendments, drawings, presentations, links), edits of a pending LC, the status moves as
actions, amendments (propose, accept, reject), drawings (draw, release), presentations with their discrepancies,
order and PI links, and the exposure report.

Every id in a path is looked up in the organisation and under its LC (another organisation's, or a drawing of
another LC, is a 404); a shipment, order or PI named in a body is resolved in the organisation (404 otherwise).
Writes that change the LC honour ``If-Match`` with the LC's ``ETag`` (412 when stale) and answer with its detail.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.core.api.conditional import conditional_response
from tradeloom.core.api.schema import api_contract
from tradeloom.lcs import selectors, services, states
from tradeloom.lcs.api import serializers as s
from tradeloom.lcs.capabilities import LCS_MANAGE, LCS_VIEW
from tradeloom.lcs.filters import LcFilter
from tradeloom.lcs.models import Amendment, Discrepancy, LetterOfCredit, Presentation, Utilisation
from tradeloom.records.api import expected_version, idempotent
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView


def _lc(view: Any, lc_id: Any) -> LetterOfCredit:
    found = selectors.lc_of(organization=view.organization, membership=view.membership, pk=lc_id)
    if found is None:
        raise Http404("No such letter of credit.")
    return found


def _found(row: Any, what: str) -> Any:
    if row is None:
        raise Http404(f"No such {what}.")
    return row


def _valid(serializer_class: type[serializers.Serializer], view: Any, **kwargs: Any) -> dict[str, Any]:
    data = serializer_class(data=view.request.data, context={"view": view, "request": view.request}, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def detail_response(view: Any, lc_id: Any, status_code: int = 200) -> Response:
    """The LC's detail with its representation's ``ETag`` (``If-None-Match`` naming it: 304)."""
    try:
        detail = selectors.lc_detail(organization=view.organization, membership=view.membership, lc_id=lc_id)
    except LetterOfCredit.DoesNotExist:
        raise Http404("No such letter of credit.") from None
    data = s.detail_data(detail)
    return conditional_response(
        view.request, data, version_tag=f"{detail.lc.pk}-{detail.lc.version}", status=status_code
    )


class LcsApi(TenantGenericAPIView):
    capabilities = {"GET": LCS_VIEW, "POST": LCS_MANAGE}
    serializer_class = s.LcListOutput
    model = LetterOfCredit
    filterset_class = LcFilter
    ordering = ("-created_at", "-id")

    @extend_schema(
        responses={200: s.LcListOutput(many=True)},
        summary="List letters of credit (filter by status, applicant, issuing bank, expiry; search by number)",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.lc_list(organization=self.organization, membership=self.membership)
        page = self.paginate_queryset(self.filter_queryset(qs))
        return self.get_paginated_response(s.LcListOutput(page, many=True).data)

    @extend_schema(
        request=s.LcCreateInput,
        responses={201: s.LcDetailOutput},
        summary="Record a letter of credit (pending until marked issued), linked to orders and PIs",
        description="A blank number is numbered here (LC-2026-0001). A back-to-back LC beyond its master: 409 "
        "`lc_back_to_back_exceeds`; a number the issuing bank already has: 400 `duplicate_lc_number`.",
    )
    @api_contract(idempotency_key=True, errors=(409,))
    def post(self, request: Request) -> Response:
        def perform() -> Response:
            payload = _valid(s.LcCreateInput, self)
            orders = payload.pop("orders", [])
            proformas = payload.pop("proformas", [])
            lc = services.lc_create(
                organization=self.organization, by=self.membership, data=payload, orders=orders, proformas=proformas
            )
            return detail_response(self, lc.pk, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class LcApi(TenantAPIView):
    capabilities = {"GET": LCS_VIEW, "PATCH": LCS_MANAGE}

    @extend_schema(responses={200: s.LcDetailOutput}, summary="A letter of credit as of its latest amendment")
    @api_contract(if_none_match=True)
    def get(self, request: Request, lc_id: Any) -> Response:
        return detail_response(self, lc_id)

    @extend_schema(
        request=s.LcUpdateInput,
        responses={200: s.LcDetailOutput},
        summary="Change a pending LC (once issued: only its notes and number; its terms by amendment)",
        description="An issued LC's terms: 409 `lc_not_editable`.",
    )
    @api_contract(if_match=True, errors=(409,))
    def patch(self, request: Request, lc_id: Any) -> Response:
        lc = _lc(self, lc_id)
        version = expected_version(request, lc)
        data = s.LcUpdateInput(data=request.data, partial=True, context={"view": self, "instance": lc})
        data.is_valid(raise_exception=True)
        services.lc_update(lc=lc, by=self.membership, data=dict(data.validated_data), expected_version=version)
        return detail_response(self, lc_id)


class _MoveApi(TenantAPIView):
    capabilities = {"POST": LCS_MANAGE}
    move: str

    def perform(self, request: Request, lc_id: Any, input_class: type[serializers.Serializer]) -> Response:
        lc = _lc(self, lc_id)
        version = expected_version(request, lc)
        values = _valid(input_class, self)
        services.lc_move(
            lc=lc,
            action=self.move,
            by=self.membership,
            on=values.get("on"),
            reason=values.get("reason", ""),
            confirming_bank=values.get("confirming_bank", ""),
            expected_version=version,
        )
        return detail_response(self, lc_id)


def _move_schema(action: str, input_class: type[serializers.Serializer], summary: str) -> Any:
    transition = states.ACTIONS[action]
    sources = ", ".join(sorted(transition.sources))
    return extend_schema(
        request=input_class,
        responses={200: s.LcDetailOutput},
        summary=summary,
        description=f"From {sources} to {transition.target}; from any other status a 409 `invalid_transition`.",
    )


class LcIssueApi(_MoveApi):
    move = states.ISSUE

    @_move_schema(states.ISSUE, s.LcMoveInput, "Mark the LC issued by the bank (its issue date)")
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, lc_id: Any) -> Response:
        return self.perform(request, lc_id, s.LcMoveInput)


class LcConfirmApi(_MoveApi):
    move = states.CONFIRM

    @_move_schema(states.CONFIRM, s.LcConfirmInput, "Mark the LC confirmed (by the confirming bank)")
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, lc_id: Any) -> Response:
        return self.perform(request, lc_id, s.LcConfirmInput)


class LcExpireApi(_MoveApi):
    move = states.EXPIRE

    @_move_schema(states.EXPIRE, s.LcMoveInput, "Mark the LC expired (after its expiry moved to a banking day)")
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, lc_id: Any) -> Response:
        return self.perform(request, lc_id, s.LcMoveInput)


class LcCancelApi(_MoveApi):
    move = states.CANCEL

    @_move_schema(states.CANCEL, s.LcReasonInput, "Cancel the LC, with a reason (not with live drawings)")
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, lc_id: Any) -> Response:
        return self.perform(request, lc_id, s.LcReasonInput)


# --- amendments ----------------------------------------------------------------------------------------------------


def _amendment(view: Any, lc_id: Any, amendment_id: Any) -> Amendment:
    return _found(selectors.amendment_of(lc=_lc(view, lc_id), pk=amendment_id), "amendment")


class LcAmendmentsApi(TenantAPIView):
    capabilities = {"POST": LCS_MANAGE}

    @extend_schema(
        request=s.LcAmendmentInput,
        responses={201: s.LcDetailOutput},
        summary="Record an amendment the bank issued (proposed until accepted or rejected)",
        description="One proposed at a time (409 `amendment_pending`); on a pending or final LC 409 "
        "`lc_not_amendable`; below what was drawn 409 `lc_amount_exceeded`.",
    )
    @api_contract(if_match=True, idempotency_key=True, errors=(409,))
    def post(self, request: Request, lc_id: Any) -> Response:
        def perform() -> Response:
            lc = _lc(self, lc_id)
            version = expected_version(request, lc)
            values = _valid(s.LcAmendmentInput, self)
            services.amendment_propose(
                lc=lc,
                by=self.membership,
                changes=dict(values["changes"]),
                issue_date=values.get("issue_date"),
                note=values.get("note", ""),
                expected_version=version,
            )
            return detail_response(self, lc_id, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class LcAmendmentAcceptApi(TenantAPIView):
    capabilities = {"POST": LCS_MANAGE}

    @extend_schema(
        request=s.LcDecisionInput,
        responses={200: s.LcDetailOutput},
        summary="Accept the whole amendment: the LC's terms become the amended ones",
        description="Already decided: 409 `amendment_decided`.",
    )
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, lc_id: Any, lc_amendment_id: Any) -> Response:
        amendment = _amendment(self, lc_id, lc_amendment_id)
        version = expected_version(request, _lc(self, lc_id))
        values = _valid(s.LcDecisionInput, self)
        services.amendment_accept(
            amendment=amendment, by=self.membership, on=values.get("on"), expected_version=version
        )
        return detail_response(self, lc_id)


class LcAmendmentRejectApi(TenantAPIView):
    capabilities = {"POST": LCS_MANAGE}

    @extend_schema(
        request=s.LcRejectInput,
        responses={200: s.LcDetailOutput},
        summary="Reject the amendment (also how to refuse part of it): the LC's terms stay",
    )
    @api_contract(if_match=True, errors=(409,))
    def post(self, request: Request, lc_id: Any, lc_amendment_id: Any) -> Response:
        amendment = _amendment(self, lc_id, lc_amendment_id)
        version = expected_version(request, _lc(self, lc_id))
        values = _valid(s.LcRejectInput, self)
        services.amendment_reject(
            amendment=amendment,
            by=self.membership,
            reason=values["reason"],
            on=values.get("on"),
            expected_version=version,
        )
        return detail_response(self, lc_id)


# --- drawings ------------------------------------------------------------------------------------------------------


class LcUtilisationsApi(TenantAPIView):
    capabilities = {"POST": LCS_MANAGE}

    @extend_schema(
        request=s.LcDrawInput,
        responses={201: s.LcDetailOutput},
        summary="Draw under the LC for a shipment or an invoice",
        description="Refusals (409): `lc_not_available`, `lc_currency_mismatch`, `lc_expired`, "
        "`lc_shipment_date_passed`, `lc_amount_exceeded`, `lc_partial_not_allowed` — with the cap, utilised and "
        "available figures.",
    )
    @api_contract(idempotency_key=True, errors=(409,))
    def post(self, request: Request, lc_id: Any) -> Response:
        def perform() -> Response:
            lc = _lc(self, lc_id)
            values = _valid(s.LcDrawInput, self)
            services.utilisation_draw(
                organization=self.organization,
                by=self.membership,
                lc=lc,
                amount=values.get("amount"),
                currency=values.get("currency") or lc.currency,
                shipped_on=values.get("shipped_on"),
                shipment=values.get("shipment"),
                invoice_reference=values.get("invoice_reference", ""),
                override_reason=values.get("override_reason", ""),
                drawn_on=values.get("drawn_on"),
            )
            return detail_response(self, lc_id, status.HTTP_201_CREATED)

        return idempotent(request, self, perform)


class LcUtilisationReleaseApi(TenantAPIView):
    capabilities = {"POST": LCS_MANAGE}

    @extend_schema(
        request=s.LcReasonInput,
        responses={200: s.LcDetailOutput},
        summary="Release a drawing (a void invoice, refused documents): the amount is available again",
        description="Already released: 409 `already_released`.",
    )
    @api_contract(errors=(409,))
    def post(self, request: Request, lc_id: Any, lc_utilisation_id: Any) -> Response:
        lc = _lc(self, lc_id)
        drawing: Utilisation = _found(selectors.utilisation_of(lc=lc, pk=lc_utilisation_id), "drawing")
        values = _valid(s.LcReasonInput, self)
        services.utilisation_release(
            organization=self.organization, by=self.membership, utilisation=drawing, reason=values["reason"]
        )
        return detail_response(self, lc_id)


# --- presentations and discrepancies -------------------------------------------------------------------------------


def _presentation(view: Any, lc_id: Any, presentation_id: Any) -> Presentation:
    return _found(selectors.presentation_of(lc=_lc(view, lc_id), pk=presentation_id), "presentation")


class LcPresentationsApi(TenantAPIView):
    capabilities = {"POST": LCS_MANAGE}

    @extend_schema(
        request=s.LcPresentationInput,
        responses={201: s.LcDetailOutput},
        summary="Record a presentation of documents (its checklist from the LC's required documents)",
    )
    @api_contract(errors=(409,))
    def post(self, request: Request, lc_id: Any) -> Response:
        lc = _lc(self, lc_id)
        values = _valid(s.LcPresentationInput, self)
        drawing = None
        if values.get("utilisation"):
            drawing = selectors.utilisation_of(lc=lc, pk=values["utilisation"])
            if drawing is None:
                raise Http404("No such drawing.")
        services.presentation_add(
            lc=lc,
            by=self.membership,
            presented_on=values.get("presented_on"),
            utilisation=drawing,
            documents=[dict(d) for d in values["documents"]] if "documents" in values else None,
            note=values.get("note", ""),
        )
        return detail_response(self, lc_id, status.HTTP_201_CREATED)


class LcPresentationApi(TenantAPIView):
    capabilities = {"PATCH": LCS_MANAGE}

    @extend_schema(
        request=s.LcPresentationUpdateInput,
        responses={200: s.LcDetailOutput},
        summary="Tick the presentation's checklist or change its note (while open)",
    )
    @api_contract(errors=(409,))
    def patch(self, request: Request, lc_id: Any, lc_presentation_id: Any) -> Response:
        presentation = _presentation(self, lc_id, lc_presentation_id)
        values = _valid(s.LcPresentationUpdateInput, self, partial=True)
        if "documents" in values:
            values["documents"] = [dict(d) for d in values["documents"]]
        services.presentation_update(presentation=presentation, by=self.membership, data=values)
        return detail_response(self, lc_id)


class LcPresentationDecideApi(TenantAPIView):
    capabilities = {"POST": LCS_MANAGE}

    @extend_schema(
        request=s.LcPresentationDecideInput,
        responses={200: s.LcDetailOutput},
        summary="Record the decision: compliant, discrepant, accepted or refused (refused releases its drawing)",
        description="Open discrepancies block compliant and accepted: 409 `discrepancies_open`.",
    )
    @api_contract(errors=(409,))
    def post(self, request: Request, lc_id: Any, lc_presentation_id: Any) -> Response:
        presentation = _presentation(self, lc_id, lc_presentation_id)
        values = _valid(s.LcPresentationDecideInput, self)
        services.presentation_decide(
            presentation=presentation,
            by=self.membership,
            outcome=values["outcome"],
            on=values.get("on"),
            reason=values.get("reason", ""),
        )
        return detail_response(self, lc_id)


class LcDiscrepanciesApi(TenantAPIView):
    capabilities = {"POST": LCS_MANAGE}

    @extend_schema(
        request=s.LcDiscrepancyInput,
        responses={201: s.LcDetailOutput},
        summary="Log a discrepancy of a presentation (it becomes discrepant)",
    )
    @api_contract(errors=(409,))
    def post(self, request: Request, lc_id: Any, lc_presentation_id: Any) -> Response:
        presentation = _presentation(self, lc_id, lc_presentation_id)
        values = _valid(s.LcDiscrepancyInput, self)
        services.discrepancy_raise(
            presentation=presentation, by=self.membership, text=values["text"], raised_on=values.get("raised_on")
        )
        return detail_response(self, lc_id, status.HTTP_201_CREATED)


class LcDiscrepancyResolveApi(TenantAPIView):
    capabilities = {"POST": LCS_MANAGE}

    @extend_schema(
        request=s.LcDiscrepancyResolveInput,
        responses={200: s.LcDetailOutput},
        summary="Mark a discrepancy waived by the applicant or corrected",
    )
    @api_contract(errors=(409,))
    def post(self, request: Request, lc_id: Any, lc_presentation_id: Any, lc_discrepancy_id: Any) -> Response:
        presentation = _presentation(self, lc_id, lc_presentation_id)
        discrepancy: Discrepancy = _found(
            selectors.discrepancy_of(presentation=presentation, pk=lc_discrepancy_id), "discrepancy"
        )
        values = _valid(s.LcDiscrepancyResolveInput, self)
        services.discrepancy_resolve(
            discrepancy=discrepancy, by=self.membership, outcome=values["outcome"], on=values.get("on")
        )
        return detail_response(self, lc_id)


# --- links -----------------------------------------------------------------------------------------------------------


class LcOrdersApi(TenantAPIView):
    capabilities = {"POST": LCS_MANAGE}

    @extend_schema(request=s.LcLinkOrderInput, responses={201: s.LcDetailOutput}, summary="Link an order")
    def post(self, request: Request, lc_id: Any) -> Response:
        lc = _lc(self, lc_id)
        values = _valid(s.LcLinkOrderInput, self)
        services.lc_order_link(lc=lc, by=self.membership, order=values["order"])
        return detail_response(self, lc_id, status.HTTP_201_CREATED)


class LcOrderApi(TenantAPIView):
    capabilities = {"DELETE": LCS_MANAGE}

    @extend_schema(request=None, responses={200: s.LcDetailOutput}, summary="Unlink an order")
    def delete(self, request: Request, lc_id: Any, order_id: Any) -> Response:
        lc = _lc(self, lc_id)
        link = selectors.lc_order_link(lc=lc, order_id=order_id)
        if link is None:
            raise Http404("No such linked order.")
        services.lc_order_unlink(lc=lc, by=self.membership, order=link.order)
        return detail_response(self, lc_id)


class LcProformasApi(TenantAPIView):
    capabilities = {"POST": LCS_MANAGE}

    @extend_schema(request=s.LcLinkProformaInput, responses={201: s.LcDetailOutput}, summary="Link a proforma invoice")
    def post(self, request: Request, lc_id: Any) -> Response:
        lc = _lc(self, lc_id)
        values = _valid(s.LcLinkProformaInput, self)
        services.lc_proforma_link(lc=lc, by=self.membership, proforma=values["proforma"])
        return detail_response(self, lc_id, status.HTTP_201_CREATED)


# --- the exposure report ---------------------------------------------------------------------------------------------


class LcExposureApi(TenantAPIView):
    capabilities = {"GET": LCS_VIEW}

    @extend_schema(
        responses={200: s.LcExposureOutput},
        summary="Open LC amounts (amount + tolerance - utilised) by issuing bank, applicant and expiry month",
        description="LCs issued, confirmed or utilised; per currency (never added across currencies).",
    )
    def get(self, request: Request) -> Response:
        exposure = selectors.lc_exposure(organization=self.organization)
        data = s.LcExposureOutput(
            {"by_bank": exposure.by_bank, "by_customer": exposure.by_customer, "by_month": exposure.by_month}
        ).data
        return Response(data)
