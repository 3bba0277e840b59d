"""Approval gates (lab dip, strike-off, PP sample …) per line, their immutable history, the organisation's gating
rules, and the sample register."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tradeloom.approvals import states
from tradeloom.core.models import TenantModel

# The standard gates every organisation starts with: code, name, applies to new lines by default.
STANDARD_GATES = [
    ("lab_dip", "Lab dip", True),
    ("strike_off", "Strike-off", False),
    ("handloom", "Handloom", False),
    ("aop", "AOP", False),
    ("quality_test", "Quality test", False),
    ("quality", "Quality", True),
    ("bulk_swatch", "Bulk swatch", False),
    ("price", "Price", True),
    ("pp_sample", "PP sample", True),
]


class Gate(TenantModel):
    """A kind of approval. Standard gates come with the organisation; custom ones are added by name (the code is
    derived from it and unique). A gate with a ``line`` exists for that line only."""

    audit_prefix = "approval_gate"

    code = models.SlugField(max_length=64, allow_unicode=False)
    name = models.CharField(max_length=120)
    is_standard = models.BooleanField(default=False, editable=False)
    applies_by_default = models.BooleanField(default=False, help_text="Added to every new line of every order.")
    line = models.ForeignKey(
        "sales.Line",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Only for this line (a one-off approval).",
    )
    position = models.PositiveIntegerField(default=100)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="approvals_gate_org_id_key"),
            models.UniqueConstraint(fields=["organization", "code"], name="approvals_gate_code_key"),
        ]
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name


class GateRule(TenantModel):
    """A gating rule: a gate cannot be submitted (``kind=submit``), or a line cannot take a status
    (``kind=line_status``), before the ``requires`` gates of that line are approved. Required gates the line does
    not carry are not asked for."""

    audit_prefix = "approval_rule"

    class Kind(models.TextChoices):
        SUBMIT = "submit", "Submitting a gate"
        LINE_STATUS = "line_status", "Moving a line to a status"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, null=True, blank=True, related_name="rules")
    line_status = models.CharField(max_length=20, blank=True)
    requires = ArrayField(models.SlugField(max_length=64), help_text="Codes of the gates that must be approved.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="approvals_gaterule_org_id_key"),
            models.CheckConstraint(
                condition=(Q(kind="submit", gate__isnull=False, line_status=""))
                | (Q(kind="line_status", gate__isnull=True) & ~Q(line_status="")),
                name="approvals_gaterule_shape",
            ),
            models.UniqueConstraint(
                fields=["organization", "gate"], condition=Q(kind="submit"), name="approvals_gaterule_one_per_gate"
            ),
            models.UniqueConstraint(
                fields=["organization", "line_status"],
                condition=Q(kind="line_status"),
                name="approvals_gaterule_one_per_status",
            ),
        ]


class LineGate(TenantModel):
    """A gate on a line, with its current state kept equal to ``states.current_of`` its entries by the services
    (in the transaction that adds an entry, under a row lock)."""

    audit_prefix = "approval_line_gate"

    line = models.ForeignKey("sales.Line", on_delete=models.CASCADE, related_name="gates", db_index=False)
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=14, choices=states.STATES, default=states.NOT_STARTED)
    round = models.PositiveIntegerField(default=0)
    state_since = models.DateField(null=True, blank=True, help_text="Effective date of the current entry.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="approvals_linegate_org_id_key"),
            models.UniqueConstraint(fields=["line", "gate"], name="approvals_linegate_once"),
        ]
        indexes = [
            models.Index(fields=["organization", "gate", "state", "state_since"], name="approvals_board_idx"),
            models.Index(
                fields=["organization", "gate", "state", "-updated_at", "-id"], name="approvals_board_recent_idx"
            ),
            # The dashboard's approvals waiting for the buyer, longest first, of every gate at once
            models.Index(
                fields=["organization", "state_since"],
                condition=Q(state__in=sorted(states.WAITING)),
                name="approvals_waiting_since_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gate} · {self.line}"


class GateEntry(TenantModel):
    """One immutable step in a gate's history (the database refuses UPDATE and DELETE). A correction is a new
    entry that ``supersedes`` the wrong one."""

    line_gate = models.ForeignKey(LineGate, on_delete=models.PROTECT, related_name="entries")
    state = models.CharField(max_length=14, choices=states.RECORDABLE)
    round = models.PositiveIntegerField()
    effective_date = models.DateField()
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    note = models.TextField(blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    override_reason = models.CharField(max_length=500, blank=True)
    sample = models.ForeignKey("Sample", on_delete=models.PROTECT, null=True, blank=True, related_name="entries")

    class Meta:
        verbose_name_plural = "gate entries"
        constraints = [models.UniqueConstraint(fields=["organization", "id"], name="approvals_gateentry_org_id_key")]
        ordering = ("effective_date", "recorded_at")

    @property
    def is_backdated(self) -> bool:
        return self.effective_date < timezone.localdate(self.recorded_at)


class Sample(TenantModel):
    """A physical sample for a gate of a line: version n per line and gate, sent by courier, decided by the buyer."""

    audit_prefix = "approval_sample"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    line = models.ForeignKey("sales.Line", on_delete=models.CASCADE, related_name="samples", db_index=False)
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_on = models.DateField(null=True, blank=True)
    recipient = models.CharField(max_length=150, blank=True)
    courier = models.CharField(max_length=80, blank=True)
    awb_number = models.CharField("AWB number", max_length=60, blank=True)
    buyer_comments = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="approvals_sample_org_id_key"),
            models.UniqueConstraint(fields=["line", "gate", "version"], name="approvals_sample_version"),
        ]
        ordering = ("gate__position", "version")

    def __str__(self) -> str:
        return f"{self.gate} v{self.version}"


class Attachment(TenantModel):
    """A file on a gate entry or a sample (photos of a lab dip, the buyer's comments sheet …)."""

    audit_prefix = "approval_attachment"

    entry = models.ForeignKey(GateEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments")
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="approvals_attachment_org_id_key"),
            models.CheckConstraint(
                condition=Q(entry__isnull=False) | Q(sample__isnull=False), name="approvals_attachment_has_owner"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WaitingGates(models.Model):
    """How many of an order's line gates wait for the buyer (submission or resubmission), kept by PostgreSQL
    (``approvals.waiting``: triggers on line gates and lines) for the workload report. Never written by the
    application."""

    order = models.OneToOneField("sales.Order", on_delete=models.CASCADE, primary_key=True, related_name="+")
    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    waiting = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["organization"],
                include=["order", "waiting"],
                condition=Q(waiting__gt=0),
                name="approvals_waitinggates_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.waiting} gates of {self.order_id} waiting"
