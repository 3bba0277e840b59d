"""The sample register: versions per line and gate; dispatching and deciding a sample moves its gate."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max

from tradeloom.approvals import states
from tradeloom.approvals.events import (
    SampleAction,
)
from tradeloom.approvals.models import Gate, LineGate, Sample
from tradeloom.approvals.services.entries import entry_append, line_gate_lock
from tradeloom.approvals.services.gates import line_gate_add
from tradeloom.audit.services import audit_record
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.sales.models import Line

SAMPLE_FIELDS = ("recipient", "courier", "awb_number", "buyer_comments")


@transaction.atomic
def sample_create(*, line: Line, gate: Gate, by: Any, data: dict[str, Any]) -> Sample:
    """Register a sample; its version is the next for this line and gate."""
    line_gate = line_gate_add(line=line, gate=gate, by=by)
    line_gate_lock(line_gate)  # versions are numbered under the line gate's lock
    top = Sample.objects.filter(line=line, gate=gate).aggregate(top=Max("version"))["top"] or 0
    sample = Sample.objects.create(
        organization_id=line.organization_id,
        created_by_id=by.user_id,
        line=line,
        gate=gate,
        version=top + 1,
        **{k: v for k, v in data.items() if k in SAMPLE_FIELDS},
    )
    audit_record(actor=by, action=SampleAction.REGISTERED, target=sample, changes={"version": [None, top + 1]})
    return sample


def _sample_line_gate(sample: Sample, by: Any) -> LineGate:
    """The sample's line gate (registered with the sample; kept even if its gate was archived since)."""
    existing = LineGate.objects.filter(line=sample.line, gate=sample.gate).first()
    return line_gate_lock(existing or line_gate_add(line=sample.line, gate=sample.gate, by=by))


@transaction.atomic
def sample_dispatch(
    *,
    sample: Sample,
    by: Any,
    submitted_on: datetime.date,
    recipient: str = "",
    courier: str = "",
    awb_number: str = "",
    override_reason: str = "",
) -> Sample:
    """Send a sample: it becomes submitted and its gate records a submission (or a resubmission after earlier
    rounds), in one transaction."""
    sample = Sample.objects.select_for_update().select_related("gate", "line").get(pk=sample.pk)
    if sample.status != Sample.Status.PENDING:
        raise ApplicationError("This sample was already sent.", code="invalid_transition", status=409)
    line_gate = _sample_line_gate(sample, by)
    state = states.SUBMISSION if line_gate.state == states.NOT_STARTED else states.RESUBMISSION
    sample.status, sample.submitted_on = Sample.Status.SUBMITTED, submitted_on
    sample.recipient = recipient or sample.recipient
    sample.courier = courier or sample.courier
    sample.awb_number = awb_number or sample.awb_number
    sample.save()
    via = " ".join(part for part in (sample.courier, f"AWB {sample.awb_number}" if sample.awb_number else "") if part)
    to = f" to {sample.recipient}" if sample.recipient else ""
    note = f"Sample v{sample.version} sent{' by ' + via if via else ''}{to}."
    entry_append(
        line_gate,
        by=by,
        state=state,
        effective_date=submitted_on,
        note=note,
        override_reason=override_reason,
        sample=sample,
    )
    audit_record(
        actor=by,
        action=SampleAction.DISPATCHED,
        target=sample,
        changes={"status": [Sample.Status.PENDING, sample.status], "awb_number": [None, sample.awb_number]},
    )
    return sample


@transaction.atomic
def sample_decide(
    *, sample: Sample, by: Any, approve: bool, decided_on: datetime.date, buyer_comments: str = ""
) -> Sample:
    """Record the buyer's decision on a sent sample; its gate records approved or rejected, in one transaction."""
    sample = Sample.objects.select_for_update().select_related("gate", "line").get(pk=sample.pk)
    if sample.status != Sample.Status.SUBMITTED:
        raise ApplicationError("Only a sent sample can be decided.", code="invalid_transition", status=409)
    if sample.submitted_on and decided_on < sample.submitted_on:
        raise field_error("decided_on", "The decision cannot be before the sample was sent.")
    line_gate = _sample_line_gate(sample, by)
    old = sample.status
    sample.status = Sample.Status.APPROVED if approve else Sample.Status.REJECTED
    sample.decided_on, sample.buyer_comments = decided_on, buyer_comments or sample.buyer_comments
    sample.save()
    entry_append(
        line_gate,
        by=by,
        state=states.APPROVED if approve else states.REJECTED,
        effective_date=decided_on,
        note=f"Sample v{sample.version}: {buyer_comments}" if buyer_comments else f"Sample v{sample.version}.",
        sample=sample,
    )
    audit_record(actor=by, action=SampleAction.DECIDED, target=sample, changes={"status": [old, sample.status]})
    return sample
