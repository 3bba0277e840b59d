from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from tradeloom.approvals import states
from tradeloom.approvals.models import Attachment, Gate, GateEntry, GateRule, LineGate, Sample
from tradeloom.sales.models import Line


class GateBadgeOutput(serializers.Serializer):
    gate = serializers.CharField()
    name = serializers.CharField()
    state = serializers.CharField(help_text="What the order's lines add up to for this gate.")


def gate_badges_json(rows: Any) -> list[dict[str, str]]:
    """An order's ``[[code, name, state], …]`` (``selectors.order_gate_states``) as ``GateBadgeOutput`` JSON."""
    return [{"gate": code, "name": name, "state": state} for code, name, state in rows or ()]


def _override() -> serializers.CharField:
    return serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="Owners and admins: pass a gating rule by giving a reason (audited).",
    )


class GateOutput(serializers.ModelSerializer):
    line_id = serializers.UUIDField(read_only=True, allow_null=True)
    archived = serializers.SerializerMethodField()

    class Meta:
        model = Gate
        fields = ("id", "code", "name", "is_standard", "applies_by_default", "line_id", "position", "archived")
        read_only_fields = fields

    def get_archived(self, gate: Gate) -> bool:
        return gate.archived_at is not None


class GateInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    applies_by_default = serializers.BooleanField(default=False)
    line = serializers.UUIDField(required=False, allow_null=True, help_text="Only for this line (a one-off gate).")


class GateUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    applies_by_default = serializers.BooleanField(required=False)
    position = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    archived = serializers.BooleanField(required=False)


class RuleOutput(serializers.ModelSerializer):
    gate = serializers.CharField(source="gate.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = GateRule
        fields = ("id", "kind", "gate", "line_status", "requires")
        read_only_fields = fields


class RuleInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=GateRule.Kind.choices)
    gate = serializers.SlugField(max_length=64, required=False, help_text="For kind=submit: the gate held back.")
    line_status = serializers.ChoiceField(choices=Line.Status.choices, required=False)
    requires = serializers.ListField(child=serializers.SlugField(max_length=64), min_length=1, max_length=50)


class AttachmentOutput(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ("id", "name", "size", "content_type", "url")
        read_only_fields = fields

    def get_url(self, attachment: Attachment) -> str:
        kwargs = {"org_slug": self.context["org_slug"], "attachment_id": attachment.pk}
        return reverse("api:tenant-api:approval-attachment", kwargs=kwargs)


class EntryOutput(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="created_by.email", read_only=True, default=None)
    is_backdated = serializers.BooleanField(read_only=True)
    supersedes = serializers.UUIDField(source="supersedes_id", read_only=True, allow_null=True)
    sample = serializers.UUIDField(source="sample_id", read_only=True, allow_null=True)
    attachments = AttachmentOutput(many=True, read_only=True)

    class Meta:
        model = GateEntry
        fields = (
            "id",
            "state",
            "round",
            "effective_date",
            "recorded_at",
            "recorded_by",
            "is_backdated",
            "note",
            "supersedes",
            "override_reason",
            "sample",
            "attachments",
        )
        read_only_fields = fields


class LineGateOutput(serializers.ModelSerializer):
    gate = serializers.CharField(source="gate.code", read_only=True)
    gate_name = serializers.CharField(source="gate.name", read_only=True)
    line_id = serializers.UUIDField(read_only=True)
    entries = serializers.SerializerMethodField()

    class Meta:
        model = LineGate
        fields = ("id", "line_id", "gate", "gate_name", "state", "round", "state_since", "entries")
        read_only_fields = fields

    def get_entries(self, line_gate: LineGate) -> Any:
        superseded = {e.supersedes_id for e in line_gate.entries.all() if e.supersedes_id}
        rows = EntryOutput(line_gate.entries.all(), many=True, context=self.context).data
        for row in rows:
            row["superseded"] = row["id"] in {str(pk) for pk in superseded}
        return rows


class BoardRowOutput(serializers.ModelSerializer):
    gate = serializers.CharField(source="gate.code", read_only=True)
    gate_name = serializers.CharField(source="gate.name", read_only=True)
    order_id = serializers.UUIDField(source="line.order_id", read_only=True)
    order_number = serializers.CharField(source="line.order.number", read_only=True)
    customer = serializers.CharField(source="line.order.customer.__str__", read_only=True)
    style_number = serializers.CharField(source="line.style.style_number", read_only=True)
    line_id = serializers.UUIDField(read_only=True)
    line = serializers.CharField(source="line.__str__", read_only=True)
    days_in_state = serializers.SerializerMethodField()

    class Meta:
        model = LineGate
        fields = (
            "id",
            "gate",
            "gate_name",
            "state",
            "round",
            "state_since",
            "days_in_state",
            "order_id",
            "order_number",
            "customer",
            "style_number",
            "line_id",
            "line",
        )
        read_only_fields = fields

    def get_days_in_state(self, line_gate: LineGate) -> int | None:
        today = self.context["today"]
        return (today - line_gate.state_since).days if line_gate.state_since else None


class EntryInput(serializers.Serializer):
    state = serializers.ChoiceField(choices=states.RECORDABLE)
    effective_date = serializers.DateField(help_text="When it happened; an earlier day is recorded as backdated.")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    override_reason = _override()
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=10)


class CorrectionInput(serializers.Serializer):
    state = serializers.ChoiceField(choices=states.RECORDABLE)
    effective_date = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    override_reason = _override()


class LineGateInput(serializers.Serializer):
    gate = serializers.SlugField(max_length=64)


class BulkInput(serializers.Serializer):
    gate = serializers.SlugField(max_length=64)
    lines = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=500)
    state = serializers.ChoiceField(choices=states.RECORDABLE)
    effective_date = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    override_reason = _override()


class SampleOutput(serializers.ModelSerializer):
    gate = serializers.CharField(source="gate.code", read_only=True)
    line_id = serializers.UUIDField(read_only=True)
    attachments = AttachmentOutput(many=True, read_only=True)

    class Meta:
        model = Sample
        fields = (
            "id",
            "line_id",
            "gate",
            "version",
            "status",
            "submitted_on",
            "recipient",
            "courier",
            "awb_number",
            "buyer_comments",
            "decided_on",
            "attachments",
        )
        read_only_fields = fields


class SampleInput(serializers.Serializer):
    gate = serializers.SlugField(max_length=64)
    recipient = serializers.CharField(max_length=150, required=False, allow_blank=True)
    courier = serializers.CharField(max_length=80, required=False, allow_blank=True)
    awb_number = serializers.CharField(max_length=60, required=False, allow_blank=True)


class DispatchInput(serializers.Serializer):
    submitted_on = serializers.DateField()
    recipient = serializers.CharField(max_length=150, required=False, allow_blank=True)
    courier = serializers.CharField(max_length=80, required=False, allow_blank=True)
    awb_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    override_reason = _override()


class DecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    decided_on = serializers.DateField()
    buyer_comments = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class AttachmentInput(serializers.Serializer):
    file = serializers.FileField()


class GateStateOutput(serializers.Serializer):
    gate = serializers.CharField()
    name = serializers.CharField()
    state = serializers.CharField()


class StyleGatesOutput(serializers.Serializer):
    style_id = serializers.UUIDField()
    style_number = serializers.CharField()
    gates = GateStateOutput(many=True)


class OrderApprovalsOutput(serializers.Serializer):
    gates = GateStateOutput(many=True, help_text="Per gate, the state the order's lines add up to.")
    styles = StyleGatesOutput(many=True)
    line_gates = LineGateOutput(many=True)
    samples = SampleOutput(many=True)


class MatrixOutput(serializers.Serializer):
    gate = serializers.CharField()
    name = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
