"""The LC API's inputs and outputs. Record-shaped ones derive from the models' ``Shape`` declarations
(``records.serializers``); commands (a move, an amendment, a drawing, a decision) and the figures a read adds (the
cap, what is available, the amended terms) are written out here."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from tradeloom.core.money import decimal_text
from tradeloom.core.shapes import iso, row_encoder, shape_of
from tradeloom.lcs import states
from tradeloom.lcs.models import (
    AMENDABLE_TERMS,
    Amendment,
    Discrepancy,
    LetterOfCredit,
    Presentation,
    Utilisation,
)
from tradeloom.lcs.selectors import LcDetail
from tradeloom.logistics.codes import Incoterm
from tradeloom.logistics.models import Shipment
from tradeloom.proformas.models import ProformaInvoice
from tradeloom.records.api import TenantPrimaryKeyRelatedField
from tradeloom.records.serializers import input_serializer, output_serializer
from tradeloom.sales.models import Order

LC = shape_of(LetterOfCredit)
MONEY: dict[str, Any] = {"max_digits": 15, "decimal_places": 2}

OVERRIDE_HELP = (
    "A late shipment or a partial drawing is a discrepancy the applicant may waive: an owner or admin may draw "
    "anyway by giving a reason (audited). Never for the amount, the currency, the status or the expiry."
)


# --- inputs -------------------------------------------------------------------------------------------------------


def _documents() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=120),
        required=False,
        max_length=50,
        help_text="Shipment document kinds (commercial_invoice, packing_list, transport_document …) or other names.",
    )


LcCreateInput = input_serializer(
    LetterOfCredit,
    LC.create,
    name="LcCreateInput",
    overrides={"required_documents": _documents()},
    extra={
        "orders": TenantPrimaryKeyRelatedField(
            model=Order, many=True, required=False, help_text="Orders of the applicant the LC pays for."
        ),
        "proformas": TenantPrimaryKeyRelatedField(
            model=ProformaInvoice, many=True, required=False, help_text="Proforma invoices the LC was opened on."
        ),
    },
)
LcUpdateInput = input_serializer(
    LetterOfCredit, LC.update, name="LcUpdateInput", partial=True, overrides={"required_documents": _documents()}
)


class LcMoveInput(serializers.Serializer):
    on = serializers.DateField(
        required=False, allow_null=True, help_text="The day (issue: the issue date; confirm: the confirmation)."
    )


class LcConfirmInput(LcMoveInput):
    confirming_bank = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="The confirming bank (when not yet named)."
    )


class LcReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Why.")


class LcAmendmentChangesInput(serializers.Serializer):
    """The terms an amendment changes: only those given change (each to its new value)."""

    amount = serializers.DecimalField(**MONEY, required=False, min_value=0)
    tolerance_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, min_value=0)
    tolerance_minus_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    expiry_date = serializers.DateField(required=False)
    expiry_place = serializers.CharField(max_length=120, required=False, allow_blank=True)
    latest_shipment_date = serializers.DateField(required=False, allow_null=True)
    presentation_days = serializers.IntegerField(required=False, min_value=1, max_value=365)
    partial_shipments_allowed = serializers.BooleanField(required=False)
    transhipment_allowed = serializers.BooleanField(required=False)
    incoterm = serializers.CharField(max_length=3, required=False, allow_blank=True)
    incoterm_place = serializers.CharField(max_length=120, required=False, allow_blank=True)
    port_of_loading = serializers.CharField(max_length=120, required=False, allow_blank=True)
    port_of_discharge = serializers.CharField(max_length=120, required=False, allow_blank=True)
    required_documents = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, max_length=50
    )
    confirming_bank = serializers.CharField(max_length=200, required=False, allow_blank=True)
    advising_bank = serializers.CharField(max_length=200, required=False, allow_blank=True)


class LcAmendmentInput(serializers.Serializer):
    changes = LcAmendmentChangesInput(help_text="The terms it changes, each to its new value.")
    issue_date = serializers.DateField(required=False, allow_null=True, help_text="The bank's date (default today).")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class LcDecisionInput(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, help_text="The day decided (default today).")


class LcRejectInput(LcDecisionInput):
    reason = serializers.CharField(
        max_length=500, help_text="Why (accepting only part of an amendment is rejecting it: say which part)."
    )


class LcDrawInput(serializers.Serializer):
    shipment = TenantPrimaryKeyRelatedField(
        model=Shipment, required=False, allow_null=True, help_text="The shipment drawn for (its goods)."
    )
    invoice_reference = serializers.CharField(max_length=60, required=False, allow_blank=True)
    amount = serializers.DecimalField(
        **MONEY, required=False, allow_null=True, help_text="Default: the shipment's value at the orders' prices."
    )
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True, help_text="Default: the LC's.")
    shipped_on = serializers.DateField(
        required=False, allow_null=True, help_text="The shipment (B/L) date; default the shipment's departure."
    )
    drawn_on = serializers.DateField(required=False, allow_null=True, help_text="Default today.")
    override_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text=OVERRIDE_HELP)


class LcDocumentTick(serializers.Serializer):
    document = serializers.CharField(max_length=120, help_text="A shipment document kind or another's name.")
    presented = serializers.BooleanField(default=True)


class LcPresentationInput(serializers.Serializer):
    utilisation = serializers.UUIDField(required=False, allow_null=True, help_text="The drawing presented for.")
    presented_on = serializers.DateField(required=False, allow_null=True, help_text="Default today.")
    documents = LcDocumentTick(many=True, required=False, help_text="The documents presented (the rest: not).")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class LcPresentationUpdateInput(serializers.Serializer):
    documents = LcDocumentTick(many=True, required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class LcPresentationDecideInput(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[states.P_COMPLIANT, states.P_DISCREPANT, states.P_ACCEPTED, states.P_REFUSED]
    )
    on = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class LcDiscrepancyInput(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    raised_on = serializers.DateField(required=False, allow_null=True, help_text="Default today.")


class LcDiscrepancyResolveInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[Discrepancy.Status.WAIVED, Discrepancy.Status.CORRECTED])
    on = serializers.DateField(required=False, allow_null=True)


class LcLinkOrderInput(serializers.Serializer):
    order = TenantPrimaryKeyRelatedField(model=Order, help_text="An order of the LC's applicant.")


class LcLinkProformaInput(serializers.Serializer):
    proforma = TenantPrimaryKeyRelatedField(model=ProformaInvoice, help_text="A PI of the LC's applicant.")


# --- outputs ------------------------------------------------------------------------------------------------------


class _LcListRow(serializers.ModelSerializer):
    customer_name = serializers.CharField(read_only=True)
    cap = serializers.DecimalField(**MONEY, read_only=True, help_text="Amount + tolerance.")
    open_amount = serializers.DecimalField(**MONEY, read_only=True, help_text="Cap - utilised.")


LcListOutput = output_serializer(
    LetterOfCredit,
    LC.list,
    name="LcListOutput",
    extra=("customer_name", "cap", "open_amount"),
    base=_LcListRow,
    doc="A row of the LC list.",
)
AmendmentOutput = output_serializer(Amendment, name="LcAmendmentOutput", doc="An amendment: changes old → new.")
UtilisationOutput = output_serializer(Utilisation, name="LcUtilisationOutput", doc="A drawing under the LC.")
DiscrepancyOutput = output_serializer(Discrepancy, name="LcDiscrepancyOutput", doc="A discrepancy of a presentation.")


class _PresentationRow(serializers.ModelSerializer):
    discrepancies = DiscrepancyOutput(many=True, read_only=True)


PresentationOutput = output_serializer(
    Presentation,
    name="LcPresentationOutput",
    extra=("discrepancies",),
    base=_PresentationRow,
    doc="A presentation of documents with its checklist and discrepancies.",
)


class LcFiguresOutput(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY)
    tolerance = serializers.DecimalField(**MONEY, help_text="The plus tolerance as an amount.")
    cap = serializers.DecimalField(**MONEY, help_text="Amount + tolerance: the most all live drawings may reach.")
    floor = serializers.DecimalField(**MONEY, help_text="Amount - the minus tolerance: fully drawn from here.")
    utilised = serializers.DecimalField(**MONEY)
    available = serializers.DecimalField(**MONEY)
    utilised_percent = serializers.DecimalField(max_digits=7, decimal_places=1)


class LcLinkOutput(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()


class LcActionOutput(serializers.Serializer):
    action = serializers.CharField(help_text="POST …/lcs/{id}/<action>/ moves the LC.")
    title = serializers.CharField()
    needs_reason = serializers.BooleanField()


class _LcDetailRow(serializers.ModelSerializer):
    # none is "" (a read-only field derived from the column would document only the Incoterms)
    incoterm = serializers.ChoiceField(choices=Incoterm.choices, allow_blank=True, read_only=True)
    customer_name = serializers.CharField(read_only=True)
    figures = LcFiguresOutput(read_only=True)
    effective_expiry = serializers.DateField(read_only=True, help_text="The expiry moved to a banking day.")
    amended = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="Term → the revision that last changed it."
    )
    original_terms = serializers.DictField(read_only=True, help_text="Revision 0: the terms as first issued.")
    amendments = AmendmentOutput(many=True, read_only=True)
    utilisations = UtilisationOutput(many=True, read_only=True)
    presentations = PresentationOutput(many=True, read_only=True)
    orders = LcLinkOutput(many=True, read_only=True)
    proformas = LcLinkOutput(many=True, read_only=True)
    back_to_backs = LcLinkOutput(many=True, read_only=True)
    actions = LcActionOutput(many=True, read_only=True)


LcDetailOutput = output_serializer(
    LetterOfCredit,
    name="LcDetailOutput",
    extra=(
        "customer_name",
        "figures",
        "effective_expiry",
        "amended",
        "original_terms",
        "amendments",
        "utilisations",
        "presentations",
        "orders",
        "proformas",
        "back_to_backs",
        "actions",
    ),
    base=_LcDetailRow,
    doc="A letter of credit as of its latest accepted amendment, with its history, drawings and presentations.",
)


class DetailView:
    """What ``LcDetailOutput`` reads: the LC's own fields, and the detail's parts."""

    def __init__(self, detail: LcDetail) -> None:
        self._detail = detail
        lc = detail.lc
        self.customer_name = str(lc.customer)
        self.figures = detail.figures
        self.effective_expiry = detail.terms.expiry
        self.amended = detail.terms.amended
        self.original_terms = {k: detail.original[k] for k in AMENDABLE_TERMS}
        self.amendments = detail.amendments
        self.utilisations = detail.utilisations
        self.presentations = detail.presentations
        self.orders = [{"id": link.order_id, "number": link.order.number} for link in detail.orders]
        self.proformas = [{"id": link.proforma_id, "number": link.proforma.number} for link in detail.proformas]
        self.back_to_backs = [{"id": b.pk, "number": b.number} for b in detail.back_to_backs]
        self.actions = [
            {"action": t.action, "title": t.label, "needs_reason": t.needs_reason}
            for t in states.actions_from(lc.status)
        ]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._detail.lc, name)


def documented_detail_data(detail: LcDetail) -> dict[str, Any]:
    """``LcDetailOutput``'s own rendering of a detail (what ``detail_data`` is held equal to by a test)."""
    return dict(LcDetailOutput(DetailView(detail)).data)


# ``LcDetailOutput``'s JSON written straight from the detail's instances by encoders derived from the same shapes
# (``core.shapes.row_encoder``): DRF's nested serializers cost more than the detail's reads.
_lc_json = row_encoder(LetterOfCredit, LC.read)
_amendment_json = row_encoder(Amendment, shape_of(Amendment).read)
_utilisation_json = row_encoder(Utilisation, shape_of(Utilisation).read)
_presentation_json = row_encoder(Presentation, shape_of(Presentation).read)
_discrepancy_json = row_encoder(Discrepancy, shape_of(Discrepancy).read)


def _row(instance: Any) -> dict[str, Any]:
    return instance.__dict__  # its attnames: what the encoders read


def _money(value: Any) -> str:
    return decimal_text(value, 2)  # type: ignore[return-value]


def detail_data(detail: LcDetail) -> dict[str, Any]:
    """The JSON of ``LcDetailOutput`` for a detail (key order included)."""
    lc, tz = detail.lc, timezone.get_current_timezone()
    data = _lc_json(_row(lc), tz)
    figures = detail.figures
    data["customer_name"] = str(lc.customer)
    data["figures"] = {
        **{key: _money(figures[key]) for key in ("amount", "tolerance", "cap", "floor", "utilised", "available")},
        "utilised_percent": decimal_text(figures["utilised_percent"], 1),
    }
    data["effective_expiry"] = iso(detail.terms.expiry)
    data["amended"] = dict(detail.terms.amended)
    data["original_terms"] = {key: detail.original[key] for key in AMENDABLE_TERMS}
    data["amendments"] = [_amendment_json(_row(a), tz) for a in detail.amendments]
    data["utilisations"] = [_utilisation_json(_row(u), tz) for u in detail.utilisations]
    presentations = []
    for presentation in detail.presentations:
        row = _presentation_json(_row(presentation), tz)
        row["discrepancies"] = [_discrepancy_json(_row(d), tz) for d in presentation.discrepancies.all()]
        presentations.append(row)
    data["presentations"] = presentations
    data["orders"] = [{"id": str(link.order_id), "number": link.order.number} for link in detail.orders]
    data["proformas"] = [{"id": str(link.proforma_id), "number": link.proforma.number} for link in detail.proformas]
    data["back_to_backs"] = [{"id": str(b.pk), "number": b.number} for b in detail.back_to_backs]
    data["actions"] = [
        {"action": t.action, "title": t.label, "needs_reason": t.needs_reason} for t in states.actions_from(lc.status)
    ]
    return data


class LcExposureRow(serializers.Serializer):
    currency = serializers.CharField()
    count = serializers.IntegerField()
    total = serializers.DecimalField(**MONEY, help_text="The LCs' amounts.")
    utilised = serializers.DecimalField(**MONEY)
    open = serializers.DecimalField(**MONEY, help_text="Amount + tolerance - utilised.")


class LcBankExposureRow(LcExposureRow):
    issuing_bank = serializers.CharField()


class LcCustomerExposureRow(LcExposureRow):
    customer_id = serializers.UUIDField()
    customer_name = serializers.CharField()


class LcMonthExposureRow(LcExposureRow):
    month = serializers.DateField(help_text="The first day of the expiry month.")


class LcExposureOutput(serializers.Serializer):
    by_bank = LcBankExposureRow(many=True)
    by_customer = LcCustomerExposureRow(many=True)
    by_month = LcMonthExposureRow(many=True)
