"""Approval rules: gates and their codes, recording history entries (and corrections), gating rules with an
audited admin override, bulk updates, and the sample register whose dispatch and decision move the gate.

Every write takes the ``LineGate`` row lock, appends an immutable ``GateEntry``, sets the line gate's state to
``states.current_of`` its entries and records an audit event, all in one transaction.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from tradeloom.approvals import states
from tradeloom.approvals.models import STANDARD_GATES, Attachment, Gate, GateEntry, GateRule, LineGate, Sample
from tradeloom.audit.services import audit_record
from tradeloom.core.bulk import Each, bulk_insert
from tradeloom.core.exceptions import ApplicationError
from tradeloom.sales.models import Line
from tradeloom.tenancy.roles import Role

DEFAULT_RULES = [
    (GateRule.Kind.SUBMIT, "pp_sample", "", ["lab_dip", "strike_off"]),
    (GateRule.Kind.LINE_STATUS, None, Line.Status.BULK, ["pp_sample"]),
]
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
EARLIEST = datetime.timedelta(days=5 * 366)
ATTACHMENT_TYPES = re.compile(r"^(image/(png|jpeg|gif|webp|heic)|application/pdf|text/plain|text/csv)$")


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="validation_error", extra={"errors": {field: [message]}})


# --- gates --------------------------------------------------------------------------------------------------------


def gates_create_defaults(organization: Any, membership: Any) -> None:
    """The standard gates and the usual gating rules for a new organisation (an organisation-created hook)."""
    existing = set(Gate.objects.filter(organization=organization).values_list("code", flat=True))
    Gate.objects.bulk_create(
        Gate(
            organization=organization,
            created_by_id=membership.user_id,
            code=code,
            name=name,
            is_standard=True,
            applies_by_default=default,
            position=(i + 1) * 10,
        )
        for i, (code, name, default) in enumerate(STANDARD_GATES)
        if code not in existing
    )
    if not GateRule.objects.filter(organization=organization).exists():
        gates = {g.code: g for g in Gate.objects.filter(organization=organization)}
        GateRule.objects.bulk_create(
            GateRule(
                organization=organization,
                created_by_id=membership.user_id,
                kind=kind,
                gate=gates.get(gate) if gate else None,
                line_status=status,
                requires=requires,
            )
            for kind, gate, status, requires in DEFAULT_RULES
        )


def gate_code_for(organization: Any, name: str) -> str:
    """A code from the name (``Hanger approval (buyer)`` → ``hanger_approval_buyer``), unique in the
    organisation (``_2``, ``_3`` … when taken). Long names are cut to 56 characters first."""
    base = slugify(name).replace("-", "_")[:56].strip("_") or "gate"
    taken = set(Gate.objects.filter(organization=organization, code__startswith=base).values_list("code", flat=True))
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    return code


@transaction.atomic
def gate_create(
    *, organization: Any, by: Any, name: str, applies_by_default: bool = False, line: Line | None = None
) -> Gate:
    name = name.strip()
    if not name:
        raise _invalid("name", "A gate needs a name.")
    if line is not None and applies_by_default:
        raise _invalid("applies_by_default", "A gate for one line does not apply to new lines.")
    top = Gate.objects.filter(organization=organization).aggregate(top=Max("position"))["top"] or 0
    gate = Gate.objects.create(
        organization=organization,
        created_by_id=by.user_id,
        code=gate_code_for(organization, name),
        name=name,
        applies_by_default=applies_by_default,
        line=line,
        position=top + 10,
    )
    if line is not None:
        LineGate.objects.create(organization=organization, created_by_id=by.user_id, line=line, gate=gate)
    audit_record(actor=by, action="approval_gate.defined", target=gate, changes={"code": [None, gate.code]})
    return gate


@transaction.atomic
def gate_update(*, gate: Gate, by: Any, data: dict[str, Any]) -> Gate:
    """Rename, reorder, (un)make default, archive or restore a gate. Its code never changes."""
    gate = Gate.objects.select_for_update().get(pk=gate.pk)
    before = {"name": gate.name, "applies_by_default": gate.applies_by_default, "position": gate.position}
    archived = data.pop("archived", None)
    for field, value in data.items():
        if field not in before:
            raise ApplicationError(f"“{field}” cannot be changed here.", code="field_not_editable")
        setattr(gate, field, value.strip() if isinstance(value, str) else value)
    if not gate.name:
        raise _invalid("name", "A gate needs a name.")
    if gate.line_id and gate.applies_by_default:
        raise _invalid("applies_by_default", "A gate for one line does not apply to new lines.")
    if archived is not None:
        gate.archived_at = timezone.now() if archived else None
    changes = {k: [v, getattr(gate, k)] for k, v in before.items() if getattr(gate, k) != v}
    if archived is not None:
        changes["archived"] = [not archived, archived]
    gate.save()
    if changes:
        audit_record(actor=by, action="approval_gate.changed", target=gate, changes=changes)
    return gate


def gates_attach_defaults(lines: list[Line], by: Any) -> None:
    """Give new lines the organisation's default gates (a sales LINES_CREATED hook): one query for the gates, one
    insert for every line's gates."""
    organization_id = lines[0].organization_id
    gates = list(
        Gate.objects.filter(
            organization_id=organization_id, applies_by_default=True, archived_at__isnull=True, line__isnull=True
        ).values_list("pk", flat=True)
    )
    bulk_insert(
        LineGate,
        len(lines) * len(gates),
        {
            "organization": organization_id,
            "created_by": by.user_id,
            "line": Each(line.pk for line in lines for _ in gates),
            "gate": Each(gates * len(lines)),
        },
    )


@transaction.atomic
def line_gate_add(*, line: Line, gate: Gate, by: Any) -> LineGate:
    if gate.line_id and gate.line_id != line.pk:
        raise _invalid("gate", "This gate belongs to another line.")
    if gate.archived_at is not None:
        raise _invalid("gate", "This gate is archived.")
    line_gate, created = LineGate.objects.get_or_create(
        line=line, gate=gate, defaults={"organization_id": line.organization_id, "created_by_id": by.user_id}
    )
    if created:
        audit_record(actor=by, action="approval_gate.added_to_line", target=line_gate)
    return line_gate


# --- gating rules -------------------------------------------------------------------------------------------------


@transaction.atomic
def rule_set(
    *, organization: Any, by: Any, kind: str, requires: list[str], gate: Gate | None = None, line_status: str = ""
) -> GateRule:
    """Create or replace the rule for a gate's submission or a line status."""
    codes = set(Gate.objects.filter(organization=organization).values_list("code", flat=True))
    unknown = sorted(set(requires) - codes)
    if unknown:
        raise _invalid("requires", f"No such gate: {', '.join(unknown)}.")
    if not requires:
        raise _invalid("requires", "Name at least one gate that must be approved.")
    if kind == GateRule.Kind.SUBMIT:
        if gate is None:
            raise _invalid("gate", "Choose the gate this rule holds back.")
        if gate.code in requires:
            raise _invalid("requires", "A gate cannot require itself.")
        loop = _rule_loop(organization, gate.code, set(requires))
        if loop:
            raise _invalid(
                "requires",
                f"That would make a loop ({' → '.join(loop)}): none of these gates could ever be submitted.",
            )
        lookup: dict[str, Any] = {"kind": kind, "gate": gate}
    elif kind == GateRule.Kind.LINE_STATUS:
        if line_status not in Line.Status.values:
            raise _invalid("line_status", "Choose a line status.")
        lookup = {"kind": kind, "line_status": line_status}
    else:
        raise _invalid("kind", "Not a kind of rule.")
    rule = GateRule.objects.select_for_update().filter(organization=organization, **lookup).first()
    before = rule.requires if rule else None
    if rule is None:
        rule = GateRule(organization=organization, created_by_id=by.user_id, **lookup)
    rule.requires = sorted(set(requires))
    rule.save()
    audit_record(actor=by, action="approval_rule.set", target=rule, changes={"requires": [before, rule.requires]})
    return rule


def _rule_loop(organization: Any, code: str, requires: set[str]) -> list[str]:
    """The chain of submission rules leading from ``requires`` back to ``code``, if the new rule closes one."""
    graph: dict[str, set[str]] = {}
    for rule in GateRule.objects.filter(organization=organization, kind=GateRule.Kind.SUBMIT).select_related("gate"):
        if rule.gate is not None and rule.gate.code != code:
            graph[rule.gate.code] = set(rule.requires)
    graph[code] = requires
    path: list[str] = []

    def visit(node: str, seen: set[str]) -> bool:
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt == code or (nxt not in seen and visit(nxt, seen | {nxt})):
                if nxt == code:
                    path.append(code)
                return True
        path.pop()
        return False

    return path if visit(code, {code}) else []


@transaction.atomic
def rule_delete(*, rule: GateRule, by: Any) -> None:
    audit_record(actor=by, action="approval_rule.deleted", target=rule, changes={"requires": [rule.requires, None]})
    rule.delete()


def _missing(line_ids: Iterable[Any], requires: list[str]) -> dict[Any, list[LineGate]]:
    """Per line, its required gates that are not approved (gates the line does not carry are not required)."""
    missing: dict[Any, list[LineGate]] = {}
    for line_gate in (
        LineGate.objects.filter(line_id__in=list(line_ids), gate__code__in=requires, gate__archived_at__isnull=True)
        .exclude(state=states.APPROVED)
        .select_related("gate", "line")
        .order_by("gate__position")
    ):
        missing.setdefault(line_gate.line_id, []).append(line_gate)
    return missing


def _enforce(missing: dict[Any, list[LineGate]], *, by: Any, action: str, override_reason: str, target: Any) -> None:
    """Refuse with ``gate_blocked`` naming the missing gates, unless an owner or admin overrides with a reason."""
    if not missing:
        return
    names = sorted({lg.gate.name for gates in missing.values() for lg in gates})
    codes = sorted({lg.gate.code for gates in missing.values() for lg in gates})
    if override_reason.strip():
        if by.role not in (Role.OWNER, Role.ADMIN):
            raise ApplicationError(
                "Only an owner or admin may override a gating rule.", code="permission_denied", status=403
            )
        audit_record(
            actor=by,
            action="approval_rule.overridden",
            target=target,
            changes={"action": [None, action], "missing": [None, codes], "reason": [None, override_reason.strip()]},
        )
        return
    lines = sorted({str(lg.line) for gates in missing.values() for lg in gates})
    raise ApplicationError(
        f"{action.capitalize()} needs {', '.join(names)} approved first (not yet for {', '.join(lines[:10])}).",
        code="gate_blocked",
        status=409,
        extra={"missing": codes, "lines": [str(line_id) for line_id in missing]},
    )


def line_status_check(lines: list[Line], status: str, by: Any, override_reason: str) -> None:
    """Sales LINE_STATUS check: a line status with a rule needs the rule's gates approved on every moving line."""
    rule = GateRule.objects.filter(
        organization_id=lines[0].organization_id, kind=GateRule.Kind.LINE_STATUS, line_status=status
    ).first()
    if rule is None:
        return
    missing = _missing([line.pk for line in lines], rule.requires)
    label = Line.Status(status).label.lower()
    _enforce(missing, by=by, action=f"moving to {label}", override_reason=override_reason, target=lines[0])


def _submission_check(line_gates: list[LineGate], by: Any, override_reason: str) -> None:
    """The submission rule of these line gates' gate (one gate), checked for all their lines in two queries."""
    first = line_gates[0]
    rule = GateRule.objects.filter(
        organization_id=first.organization_id, kind=GateRule.Kind.SUBMIT, gate_id=first.gate_id
    ).first()
    if rule is None:
        return
    missing = _missing([lg.line_id for lg in line_gates], rule.requires)
    action = f"submitting {first.gate.name}"
    _enforce(missing, by=by, action=action, override_reason=override_reason, target=first)


# --- history ------------------------------------------------------------------------------------------------------


def _record(
    line_gate: LineGate,
    *,
    by: Any,
    state: str,
    effective_date: datetime.date,
    note: str = "",
    override_reason: str = "",
    sample: Sample | None = None,
    supersedes: GateEntry | None = None,
    rules_checked: bool = False,
) -> GateEntry:
    """Append an entry to a locked line gate; the move is checked against the gate's state as of the entry's
    effective date (a backdated entry fits into the history where it belongs). ``rules_checked``: the caller
    checked the gating rule for a whole batch already."""
    if state not in dict(states.RECORDABLE):
        raise _invalid("state", "Choose submission, resubmission, approved or rejected.")
    if effective_date > timezone.localdate():
        raise _invalid("effective_date", "The effective date cannot be in the future.")
    if effective_date < timezone.localdate() - EARLIEST:
        raise _invalid("effective_date", "The effective date is more than five years ago; check the year.")
    entries = list(line_gate.entries.all())
    if supersedes is not None:
        if supersedes.line_gate_id != line_gate.pk:
            raise _invalid("supersedes", "That entry belongs to another gate.")
        if any(e.supersedes_id == supersedes.pk for e in entries):
            raise ApplicationError("That entry was already corrected.", code="already_corrected", status=409)
    live = [e for e in states.live_entries(entries) if supersedes is None or e.pk != supersedes.pk]
    now = timezone.now()
    before = [e for e in live if (e.effective_date, e.recorded_at) <= (effective_date, now)]
    previous = before[-1] if before else None
    previous_state = previous.state if previous else states.NOT_STARTED
    if state not in states.TRANSITIONS[previous_state]:
        allowed = sorted(states.TRANSITIONS[previous_state])
        hint = f" It may become: {', '.join(states.LABELS[s].lower() for s in allowed)}." if allowed else ""
        raise ApplicationError(
            f"{line_gate.gate.name} for {line_gate.line} is {states.LABELS[previous_state].lower()} on "
            f"{effective_date:%d %b %Y}; it cannot become {states.LABELS[state].lower()}.{hint}",
            code="invalid_transition",
            extra={"allowed": allowed},
        )
    if state in states.WAITING and not rules_checked:
        _submission_check([line_gate], by, override_reason)
    entry = GateEntry.objects.create(
        organization_id=line_gate.organization_id,
        created_by_id=by.user_id,
        line_gate=line_gate,
        state=state,
        round=states.next_round(previous_state, previous.round if previous else 0, state),
        effective_date=effective_date,
        recorded_at=now,
        note=note,
        override_reason=override_reason.strip(),
        sample=sample,
        supersedes=supersedes,
    )
    old_state = line_gate.state
    current = states.current_of([*live, entry])
    line_gate.state = current.state if current else states.NOT_STARTED
    line_gate.round = current.round if current else 0
    line_gate.state_since = current.effective_date if current else None
    line_gate.save(update_fields=["state", "round", "state_since", "updated_at"])
    changes: dict[str, Any] = {
        "state": [old_state, line_gate.state],
        "entry": [None, state],
        "effective_date": [None, effective_date],
    }
    if entry.is_backdated:
        changes["backdated"] = [None, True]
    if supersedes is not None:
        changes["supersedes"] = [None, str(supersedes.pk)]
    action = "approval_gate.corrected" if supersedes is not None else "approval_gate.recorded"
    audit_record(actor=by, action=action, target=line_gate, changes=changes)
    return entry


def _locked(line_gate: LineGate) -> LineGate:
    return LineGate.objects.select_for_update(of=("self",)).select_related("gate", "line").get(pk=line_gate.pk)


@transaction.atomic
def entry_record(
    *,
    line_gate: LineGate,
    by: Any,
    state: str,
    effective_date: datetime.date,
    note: str = "",
    override_reason: str = "",
    files: Iterable[Any] = (),
) -> GateEntry:
    entry = _record(
        _locked(line_gate),
        by=by,
        state=state,
        effective_date=effective_date,
        note=note,
        override_reason=override_reason,
    )
    for upload in files:
        attachment_add(by=by, upload=upload, entry=entry)
    return entry


@transaction.atomic
def entry_correct(
    *, entry: GateEntry, by: Any, state: str, effective_date: datetime.date, note: str = "", override_reason: str = ""
) -> GateEntry:
    """Correct a wrong entry: a new entry supersedes it (the wrong one stays in the history, marked)."""
    line_gate = _locked(entry.line_gate)
    return _record(
        line_gate,
        by=by,
        state=state,
        effective_date=effective_date,
        note=note,
        override_reason=override_reason,
        supersedes=entry,
    )


@transaction.atomic
def gates_set_bulk(
    *,
    lines: list[Line],
    gate: Gate,
    by: Any,
    state: str,
    effective_date: datetime.date,
    note: str = "",
    override_reason: str = "",
) -> list[GateEntry]:
    """Record one gate's step for many lines at once (a line without the gate gets it), all or nothing."""
    if not lines:
        raise _invalid("lines", "Choose at least one line.")
    if gate.line_id and any(line.pk != gate.line_id for line in lines):
        raise _invalid("gate", "This gate belongs to one line only.")
    existing = {lg.line_id: lg for lg in LineGate.objects.filter(gate=gate, line__in=lines)}
    LineGate.objects.bulk_create(
        LineGate(organization_id=line.organization_id, created_by_id=by.user_id, line=line, gate=gate)
        for line in lines
        if line.pk not in existing
    )
    locked = list(
        LineGate.objects.select_for_update(of=("self",))
        .select_related("gate", "line")
        .prefetch_related("entries")
        .filter(gate=gate, line__in=lines)
        .order_by("line__order_id", "line__position")
    )
    if state in states.WAITING:
        _submission_check(locked, by, override_reason)
    return [
        _record(
            line_gate,
            by=by,
            state=state,
            effective_date=effective_date,
            note=note,
            override_reason=override_reason,
            rules_checked=True,
        )
        for line_gate in locked
    ]


# --- samples ------------------------------------------------------------------------------------------------------

SAMPLE_FIELDS = ("recipient", "courier", "awb_number", "buyer_comments")


@transaction.atomic
def sample_create(*, line: Line, gate: Gate, by: Any, data: dict[str, Any]) -> Sample:
    """Register a sample; its version is the next for this line and gate."""
    line_gate = line_gate_add(line=line, gate=gate, by=by)
    _locked(line_gate)  # versions are numbered under the line gate's lock
    top = Sample.objects.filter(line=line, gate=gate).aggregate(top=Max("version"))["top"] or 0
    sample = Sample.objects.create(
        organization_id=line.organization_id,
        created_by_id=by.user_id,
        line=line,
        gate=gate,
        version=top + 1,
        **{k: v for k, v in data.items() if k in SAMPLE_FIELDS},
    )
    audit_record(actor=by, action="approval_sample.registered", target=sample, changes={"version": [None, top + 1]})
    return sample


def _sample_line_gate(sample: Sample, by: Any) -> LineGate:
    """The sample's line gate (registered with the sample; kept even if its gate was archived since)."""
    existing = LineGate.objects.filter(line=sample.line, gate=sample.gate).first()
    return _locked(existing or line_gate_add(line=sample.line, gate=sample.gate, by=by))


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
    _record(
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
        action="approval_sample.dispatched",
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
        raise _invalid("decided_on", "The decision cannot be before the sample was sent.")
    line_gate = _sample_line_gate(sample, by)
    old = sample.status
    sample.status = Sample.Status.APPROVED if approve else Sample.Status.REJECTED
    sample.decided_on, sample.buyer_comments = decided_on, buyer_comments or sample.buyer_comments
    sample.save()
    _record(
        line_gate,
        by=by,
        state=states.APPROVED if approve else states.REJECTED,
        effective_date=decided_on,
        note=f"Sample v{sample.version}: {buyer_comments}" if buyer_comments else f"Sample v{sample.version}.",
        sample=sample,
    )
    audit_record(actor=by, action="approval_sample.decided", target=sample, changes={"status": [old, sample.status]})
    return sample


# --- attachments --------------------------------------------------------------------------------------------------


def attachment_add(*, by: Any, upload: Any, entry: GateEntry | None = None, sample: Sample | None = None) -> Attachment:
    """Keep an uploaded file (images, PDF, text; at most 10 MB) on an entry or a sample."""
    owner = entry or sample
    if owner is None:
        raise _invalid("file", "An attachment belongs to an entry or a sample.")
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise _invalid("attachments", f"{upload.name} is larger than 10 MB.")
    if not ATTACHMENT_TYPES.match(content_type):
        raise _invalid("attachments", f"{upload.name}: only images, PDF and text files are accepted.")
    attachment = Attachment.objects.create(
        organization_id=owner.organization_id,
        created_by_id=by.user_id,
        entry=entry,
        sample=sample,
        file=upload,
        name=str(upload.name)[:200],
        size=upload.size,
        content_type=content_type,
    )
    audit_record(
        actor=by, action="approval_attachment.added", target=attachment, changes={"name": [None, attachment.name]}
    )
    return attachment
