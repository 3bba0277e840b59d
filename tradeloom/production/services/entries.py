"""Reporting daily production against work orders, and correcting it.

The rules (docs/production.md):

* many rows in one transaction, all or nothing; each error names its row (``rows.3.finished``);
* a row is a work order of the organisation that is pending or in progress (``not_reportable``, 409), optionally one
  of its lines (``line_not_on_work_order``; the entries of a work order of one line name no line: they are that
  line's), a day not in the future and not more than 60 days before the work order was made, the knitted, dyed
  and finished quantities, pieces and rejects (each zero or more, at least one above zero: ``nothing_reported``),
  a note and a reason;
* a row for a work order, line and day that has a current entry is a **correction**: the new entry supersedes the
  earlier one, which stays readable (``is_current`` false) — it may then be all zeros (nothing was produced after
  all); a row that says what the current entry says already changes nothing;
* the first entry on a pending work order starts it (``WorkOrderMoved``); every work order touched gets its totals,
  last reported day, progress, estimate and late flag again, is audited once and publishes ``ProductionReported``.
"""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from tradeloom.audit.services import audit_record
from tradeloom.core.bulk import bulk_insert_objects
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.production import states
from tradeloom.production.events import ProductionReported, WorkOrderAction, WorkOrderMoved
from tradeloom.production.models import MAX_QUANTITY, ProductionEntry, WorkOrder, WorkOrderLine
from tradeloom.production.services.work_orders import (
    decimal_of,
    figures_refresh,
    local_today,
    quantity_text,
)

ROW_KEYS = frozenset(
    {"work_order", "line", "produced_on", "knitted", "dyed", "finished", "pieces", "rejects", "note", "reason"}
)
FIGURES = ("knitted", "dyed", "finished", "rejects")
BACKDATE_DAYS = 60
ZERO = Decimal(0)
MAX_PIECES = 100_000_000


class _RowError(Exception):
    def __init__(self, field: str, message: str, code: str = "validation_error") -> None:
        super().__init__(message)
        self.field, self.message, self.code = field, message, code


def _pk(value: Any) -> uuid.UUID | None:
    value = getattr(value, "pk", value)
    if value is None or value == "":
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _figures(payload: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in FIGURES:
        try:
            number = decimal_of(payload.get(field), 3)
        except ValueError as exc:
            raise _RowError(field, str(exc)) from None
        number = ZERO if number is None else number
        if number < 0:
            raise _RowError(field, "A reported figure cannot be negative.")
        if number > MAX_QUANTITY:
            raise _RowError(field, f"A reported figure must be at most {MAX_QUANTITY:,}.")
        values[field] = number
    pieces = payload.get("pieces")
    if pieces in (None, ""):
        values["pieces"] = 0
    else:
        try:
            count = Decimal(str(pieces).strip())
            if not count.is_finite() or count != count.to_integral_value():
                raise ValueError
        except (ArithmeticError, ValueError):
            raise _RowError("pieces", "Enter a whole number of pieces.") from None
        if count < 0 or count > MAX_PIECES:
            raise _RowError("pieces", f"Pieces are a whole number from 0 to {MAX_PIECES:,}.")
        values["pieces"] = int(count)
    note = str(payload.get("note") or "").strip()
    if len(note) > 500:
        raise _RowError("note", "Keep the note to 500 characters.")
    values["note"] = note
    reason = str(payload.get("reason") or "").strip()
    if len(reason) > 500:
        raise _RowError("reason", "Keep the reason to 500 characters.")
    values["reason"] = reason
    return values


def _day(value: Any, *, today: datetime.date, work_order: WorkOrder, organization: Any) -> datetime.date:
    if value in (None, ""):
        return today
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value))
        except ValueError:
            raise _RowError("produced_on", "Enter a date (YYYY-MM-DD).") from None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if value > today:
        raise _RowError("produced_on", "This day has not come yet: report what was produced.")
    zone = zoneinfo.ZoneInfo(getattr(organization, "timezone", "") or "UTC")
    made = work_order.created_at.astimezone(zone).date() if work_order.created_at else today
    earliest = made - datetime.timedelta(days=BACKDATE_DAYS)
    if value < earliest:
        raise _RowError(
            "produced_on", f"{work_order.number} was made on {made:%d %b %Y}: report from {earliest:%d %b %Y} on."
        )
    return value


def _same(entry: ProductionEntry, values: Mapping[str, Any]) -> bool:
    return all(getattr(entry, f) == values[f] for f in (*FIGURES, "pieces", "note"))


def _empty(values: Mapping[str, Any]) -> bool:
    return all(values[f] == 0 for f in FIGURES) and values["pieces"] == 0


def _text(entry: ProductionEntry) -> dict[str, str]:
    return {f: str(getattr(entry, f)) for f in (*FIGURES, "pieces")}


@transaction.atomic
def production_report(*, organization: Any, by: Any, rows: Sequence[Mapping[str, Any]]) -> list[ProductionEntry]:
    """Record the rows (see the module's docstring): the new entries, in the rows' order."""
    return _report(organization=organization, by=by, rows=rows)


def _report(
    *,
    organization: Any,
    by: Any,
    rows: Sequence[Mapping[str, Any]],
    require_reason: bool = False,
    corrected_entry: ProductionEntry | None = None,
) -> list[ProductionEntry]:
    if not rows:
        raise field_error("rows", "Report at least one row.", code="nothing_reported")
    if len(rows) > 1000:
        raise field_error("rows", "Report at most 1,000 rows at once.")
    wo_ids = {pk for pk in (_pk(r.get("work_order")) for r in rows) if pk}
    # lock every work order touched, in one order (two clerks reporting the same mills wait for each other)
    work_orders = {
        wo.pk: wo
        for wo in WorkOrder.objects.select_for_update(of=("self",))
        .select_related("organization", "unit")
        .filter(organization=organization, pk__in=wo_ids)
        .order_by("pk")
    }
    wo_lines: dict[uuid.UUID, list[Any]] = {}
    for wo_pk, line_pk in (
        WorkOrderLine.objects.filter(work_order_id__in=list(work_orders))
        .order_by("position", "id")
        .values_list("work_order_id", "line_id")
    ):
        wo_lines.setdefault(wo_pk, []).append(line_pk)
    current = {
        (e.work_order_id, e.line_id, e.produced_on): e
        for e in ProductionEntry.objects.select_for_update().filter(
            work_order_id__in=list(work_orders), is_current=True
        )
    }
    today = local_today(organization)
    errors: dict[str, list[str]] = {}
    codes: list[tuple[str, int]] = []
    new: list[ProductionEntry] = []
    superseded: list[ProductionEntry] = []
    seen: set[tuple[Any, Any, datetime.date]] = set()
    for i, payload in enumerate(rows):
        prefix = f"rows.{i}."
        try:
            unknown = set(payload) - ROW_KEYS
            if unknown:
                raise _RowError(sorted(unknown)[0], "This cannot be reported.")
            wo = work_orders.get(_pk(payload.get("work_order")) or uuid.UUID(int=0))
            if wo is None:
                raise _RowError("work_order", "Choose one of your work orders.")
            if not wo.is_reportable:
                raise _RowError(
                    "work_order",
                    f"{wo.number} is {wo.get_status_display().lower()}: production is reported on pending and "
                    "in-progress work orders.",
                    "not_reportable",
                )
            lines = wo_lines.get(wo.pk, [])
            line_id = _pk(payload.get("line"))
            if payload.get("line") not in (None, "") and (line_id is None or line_id not in lines):
                raise _RowError("line", f"This line is not on {wo.number}.", "line_not_on_work_order")
            if len(lines) == 1:  # a work order of one line: its entries are the work order's (and that line's)
                line_id = None
            day = _day(payload.get("produced_on"), today=today, work_order=wo, organization=organization)
            values = _figures(payload)
            key = (wo.pk, line_id, day)
            if key in seen:
                raise _RowError("produced_on", "This work order, line and day is twice in the report.")
            seen.add(key)
            earlier = current.get(key)
            if corrected_entry is not None:
                earlier = corrected_entry
            if earlier is None and _empty(values):
                raise _RowError("finished", "Report at least one figure above zero.", "nothing_reported")
            if earlier is not None and require_reason and not values["reason"]:
                raise _RowError("reason", "Say why the figures are corrected.")
            if earlier is not None and _same(earlier, values):
                continue
        except _RowError as error:
            errors[f"{prefix}{error.field}"] = [error.message]
            codes.append((error.code, 409 if error.code == "not_reportable" else 400))
            continue
        entry = ProductionEntry(
            organization_id=organization.pk,
            created_by_id=by.user_id,
            work_order=wo,
            line_id=line_id,
            produced_on=day,
            knitted=values["knitted"],
            dyed=values["dyed"],
            finished=values["finished"],
            pieces=values["pieces"],
            rejects=values["rejects"],
            note=values["note"],
            reported_by_id=by.user_id,
            supersedes=earlier,
            correction_reason=values["reason"] if earlier is not None else "",
        )
        new.append(entry)
        if earlier is not None:
            superseded.append(earlier)
    if errors:
        code, status = codes[0]
        first = next(iter(errors.values()))[0]
        message = first if len(errors) == 1 else f"{len(errors)} rows need a correction: {first}"
        raise ApplicationError(message, code=code, status=status, extra={"errors": errors})
    if not new:
        return []
    if superseded:
        ProductionEntry.objects.filter(pk__in=[e.pk for e in superseded]).update(is_current=False)
    bulk_insert_objects(new)
    by_wo: dict[Any, list[ProductionEntry]] = {}
    for entry in new:
        by_wo.setdefault(entry.work_order_id, []).append(entry)
    for wo_id, entries in by_wo.items():
        wo = work_orders[wo_id]
        previous = wo.status
        old_finished = wo.finished_quantity
        moved = previous == states.PENDING
        if moved:
            wo.status = states.IN_PROGRESS
            wo.started_on = min(e.produced_on for e in entries)
        figures_refresh(wo, today=today)
        wo.version += 1
        wo.save()
        if moved and wo.started_on is not None:
            audit_record(
                actor=by,
                action=WorkOrderAction.STARTED,
                target=wo,
                changes={
                    "status": [previous, wo.status],
                    "on": [None, wo.started_on.isoformat()],
                    "source": [None, "production"],
                },
            )
            publish(WorkOrderMoved(work_order=wo, previous_status=previous, by=by))
        corrections = [e for e in entries if e.supersedes_id]
        days = sorted({e.produced_on for e in entries})
        changes: dict[str, Any] = {
            "finished": [quantity_text(old_finished, wo.unit), quantity_text(wo.finished_quantity, wo.unit)],
            "progress": [None, f"{wo.progress_percent} %"],
        }
        if corrected_entry is not None:
            entry = entries[0]
            changes["produced_on"] = [None, entry.produced_on.isoformat()]
            before, after = _text(corrected_entry), _text(entry)
            changes.update({f: [before[f], after[f]] for f in before if before[f] != after[f]})
            if entry.correction_reason:
                changes["reason"] = [None, entry.correction_reason]
            action = WorkOrderAction.PRODUCTION_CORRECTED
        else:
            changes["entries"] = [None, len(entries)]
            changes["days"] = [None, ", ".join(d.isoformat() for d in days)]
            if corrections:
                changes["corrected"] = [None, len(corrections)]
            action = WorkOrderAction.PRODUCTION_REPORTED
        audit_record(actor=by, action=action, target=wo, changes=changes)
        publish(ProductionReported(work_order=wo, entries=entries, by=by))
    return new


FIELDS_CORRECTED = frozenset({"knitted", "dyed", "finished", "pieces", "rejects", "note"})


@transaction.atomic
def production_entry_correct(
    *, organization: Any, by: Any, entry: ProductionEntry, data: Mapping[str, Any], reason: str
) -> ProductionEntry:
    """Correct a current entry's figures or note, with a reason: a new entry supersedes it (the same day and line;
    to move figures to another day, correct this one to zero and report that day). The new entry."""
    if entry.organization_id != organization.pk:
        raise ProductionEntry.DoesNotExist("No such production entry.")
    unknown = set(data) - FIELDS_CORRECTED
    if unknown:
        field = sorted(unknown)[0]
        raise ApplicationError(
            f"“{field}” cannot be corrected: correct the figures and the note.",
            code="field_not_editable",
            extra={"errors": {field: ["Not editable."]}},
        )
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "Say why the figures are corrected.")
    locked = ProductionEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if locked is None or not locked.is_current:
        raise ApplicationError(
            "This entry was corrected already: correct its current figures.", code="entry_superseded", status=409
        )
    row = {f: getattr(locked, f) for f in FIELDS_CORRECTED}
    row.update(data)
    row.update(work_order=locked.work_order_id, line=locked.line_id, produced_on=locked.produced_on, reason=reason)
    try:
        made = _report(organization=organization, by=by, rows=[row], require_reason=True, corrected_entry=locked)
    except ApplicationError as error:
        raise unprefixed(error) from None
    if not made:
        raise ApplicationError(
            "The corrected figures are the ones recorded: nothing changes.", code="nothing_changed", status=400
        )
    return made[0]


def unprefixed(error: ApplicationError) -> ApplicationError:
    """A one-row report's error with its fields named without ``rows.0.`` (the correction's form has no rows)."""
    errors = {k.removeprefix("rows.0."): v for k, v in (error.extra.get("errors") or {}).items()}
    return ApplicationError(
        error.message, code=error.code, status=error.status, extra={**error.extra, "errors": errors}
    )
