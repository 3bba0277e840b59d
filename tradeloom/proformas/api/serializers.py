"""The proforma invoices API's inputs and outputs. Record-shaped ones derive from the models' ``Shape``
declarations (``records.serializers``); commands (a move, a revision) and what a read adds (the order's number, the
customer's name, the revisions and the diff from the previous one, the actions it offers) are written out here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tradeloom.core.shapes import shape_of
from tradeloom.proformas import states
from tradeloom.proformas.models import ProformaInvoice, ProformaLine
from tradeloom.proformas.selectors import ProformaDetail, RevisionDiff, revision_diff
from tradeloom.records.serializers import input_serializer, output_serializer

PROFORMA = shape_of(ProformaInvoice)

OVERRIDE_HELP = (
    "An owner or admin may accept a PI that takes the order's accepted PIs beyond its value incl. tax + the "
    "tolerance (the order's `shipment_tolerance_percent`, else the organisation's) by giving a reason; it is audited "
    "(proforma.over_order_value_allowed). Without one: 409 proforma_over_order_value."
)


# --- inputs -------------------------------------------------------------------------------------------------------


class ProformaLineInput(serializers.Serializer):
    line = serializers.UUIDField(help_text="A line of the PI's order.")
    basis = serializers.ChoiceField(
        choices=ProformaLine.Basis.choices,
        required=False,
        help_text="quantity (default): a quantity at the line's selling price; amount: a percentage or an amount of "
        "the line's value.",
    )
    quantity = serializers.DecimalField(
        max_digits=18,
        decimal_places=3,
        required=False,
        allow_null=True,
        help_text="By quantity: at most what is not yet on sent or accepted PIs (default: all of that).",
    )
    percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, help_text="By amount: 0 < percent ≤ 100."
    )
    amount = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="By amount: above 0, at most the line's value.",
    )


def _lines(required: bool = False) -> ProformaLineInput:
    return ProformaLineInput(
        many=True,
        required=required,
        help_text="The order's lines on the PI (left out on create: every line not archived with a quantity left, "
        "by quantity; on an edit or a revision: all lines, replacing the current ones).",
    )


ProformaCreateInput = input_serializer(
    ProformaInvoice,
    PROFORMA.create,
    name="ProformaCreateInput",
    overrides={
        "pi_date": serializers.DateField(
            required=False, help_text="Default today (the organisation's); the number's year is this date's."
        )
    },
    extra={
        "order": serializers.UUIDField(required=False, help_text="The order (required on `proformas/`)."),
        "lines": _lines(),
    },
)
ProformaUpdateInput = input_serializer(
    ProformaInvoice, PROFORMA.update, name="ProformaUpdateInput", partial=True, extra={"lines": _lines()}
)
ProformaReviseInput = input_serializer(
    ProformaInvoice, PROFORMA.update, name="ProformaReviseInput", partial=True, extra={"lines": _lines()}
)


class ProformaSendInput(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="The day it was sent (default today; not in the future).")


class ProformaAcceptInput(serializers.Serializer):
    on = serializers.DateField(
        required=False, help_text="The day the buyer accepted it (default today; not before it was sent)."
    )
    reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="The buyer's reference (their PO, a mail)."
    )
    override_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text=OVERRIDE_HELP)


class ProformaCancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


# --- outputs ------------------------------------------------------------------------------------------------------

ProformaLineOutput = output_serializer(ProformaLine, name="ProformaLineOutput")


class _ListBase(serializers.ModelSerializer):
    customer_name = serializers.CharField(read_only=True)
    order_number = serializers.CharField(read_only=True)


ProformaListOutput = output_serializer(
    ProformaInvoice,
    PROFORMA.list,
    name="ProformaListOutput",
    extra=("customer_name", "order_number"),
    base=_ListBase,
)


class ProformaRevisionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    revision = serializers.IntegerField()
    status = serializers.ChoiceField(choices=states.STATUSES)
    total = serializers.DecimalField(max_digits=18, decimal_places=2)
    created_at = serializers.DateTimeField()


class ProformaChangeOutput(serializers.Serializer):
    field = serializers.CharField()
    title = serializers.CharField(help_text="What the field is called on the page.")
    old = serializers.CharField(allow_null=True)
    new = serializers.CharField(allow_null=True)


class ProformaLineChangeOutput(serializers.Serializer):
    line_id = serializers.UUIDField()
    description = serializers.CharField()
    changes = ProformaChangeOutput(many=True)


class ProformaDiffOutput(serializers.Serializer):
    previous_id = serializers.UUIDField()
    previous_revision = serializers.IntegerField()
    header = ProformaChangeOutput(many=True)
    added = ProformaLineOutput(many=True)
    removed = ProformaLineOutput(many=True)
    changed = ProformaLineChangeOutput(many=True)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def diff_data(diff: RevisionDiff | None) -> dict[str, Any] | None:
    if diff is None:
        return None
    return {
        "previous_id": str(diff.previous.pk),
        "previous_revision": diff.previous.revision,
        "header": [{"field": c.field, "title": c.label, "old": _text(c.old), "new": _text(c.new)} for c in diff.header],
        "added": ProformaLineOutput(diff.added, many=True).data,
        "removed": ProformaLineOutput(diff.removed, many=True).data,
        "changed": [
            {
                "line_id": str(c.line_id),
                "description": c.description,
                "changes": [
                    {"field": x.field, "title": x.label, "old": _text(x.old), "new": _text(x.new)} for x in c.changes
                ],
            }
            for c in diff.changed
        ],
    }


class _DetailBase(serializers.ModelSerializer):
    order_number = serializers.SerializerMethodField()
    customer_name = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()
    revisions = serializers.SerializerMethodField()
    diff = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_order_number(self, obj: ProformaInvoice) -> str:
        return obj.order.number

    def get_customer_name(self, obj: ProformaInvoice) -> str:
        return obj.customer.trade_name or obj.customer.legal_name

    @extend_schema_field(ProformaLineOutput(many=True))
    def get_lines(self, obj: ProformaInvoice) -> Any:
        return ProformaLineOutput(self.context["lines"], many=True).data

    @extend_schema_field(ProformaRevisionOutput(many=True))
    def get_revisions(self, obj: ProformaInvoice) -> Any:
        return ProformaRevisionOutput(self.context.get("revisions", []), many=True).data

    @extend_schema_field(ProformaDiffOutput(allow_null=True))
    def get_diff(self, obj: ProformaInvoice) -> Any:
        return diff_data(self.context.get("diff"))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, obj: ProformaInvoice) -> list[str]:
        """What the PI offers now: its moves, ``revise`` (sent, accepted) and ``edit`` (drafts)."""
        offered = [t.action for t in states.actions_from(obj.status)]
        if obj.is_revisable:
            offered.append("revise")
        if obj.is_editable:
            offered.append("edit")
        return offered


ProformaDetailOutput = output_serializer(
    ProformaInvoice,
    name="ProformaDetailOutput",
    extra=("order_number", "customer_name", "lines", "revisions", "diff", "actions"),
    base=_DetailBase,
)


def detail_data(detail: ProformaDetail) -> dict[str, Any]:
    return ProformaDetailOutput(
        detail.proforma, context={"lines": detail.lines, "revisions": detail.revisions, "diff": detail.diff}
    ).data


def proformas_data(*, organization: Any, ids: Iterable[str]) -> dict[str, Any]:
    """PIs as ``GET proformas/{id}/`` reads them, by id: three statements whatever the number of ids (the PIs, every
    revision of their numbers, the lines of them and of their previous revisions)."""
    rows = list(
        ProformaInvoice.objects.filter(organization=organization, pk__in=list(ids)).select_related("order", "customer")
    )
    revisions: dict[str, list[ProformaInvoice]] = {}
    for revision in ProformaInvoice.objects.filter(
        organization=organization, number__in={pi.number for pi in rows}
    ).order_by("revision"):
        revisions.setdefault(revision.number, []).append(revision)
    previous = {
        pi.pk: next((r for r in revisions.get(pi.number, []) if r.revision == pi.revision - 1), None) for pi in rows
    }
    wanted = [pi.pk for pi in rows] + [p.pk for p in previous.values() if p is not None]
    lines: dict[Any, list[ProformaLine]] = {}
    for line in ProformaLine.objects.filter(proforma_id__in=wanted).order_by("position", "id"):
        lines.setdefault(line.proforma_id, []).append(line)
    data = {}
    for pi in rows:
        before = previous[pi.pk]
        diff = None if before is None else revision_diff(before, pi, lines.get(before.pk, []), lines.get(pi.pk, []))
        context = {"lines": lines.get(pi.pk, []), "revisions": revisions.get(pi.number, []), "diff": diff}
        data[str(pi.pk)] = ProformaDetailOutput(pi, context=context).data
    return data
