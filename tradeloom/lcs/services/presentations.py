"""Presentations of documents under an LC: the checklist of the LC's required documents, the bank's decision due 5
banking days after presentation (Monday to Friday), late when presented after the shipment date + the
presentation period or after expiry; the discrepancy log (open → waived by the applicant | corrected) and the
outcome (``states.PRESENTATION_MOVES``). A refused presentation gives its drawing back."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.lcs import states, terms
from tradeloom.lcs.events import LcAction
from tradeloom.lcs.models import Discrepancy, LetterOfCredit, Presentation, Utilisation
from tradeloom.lcs.services.common import document_label, lc_lock
from tradeloom.lcs.services.utilisations import utilisation_release

OUTCOMES = {
    states.P_COMPLIANT: "compliant",
    states.P_DISCREPANT: "discrepant",
    states.P_ACCEPTED: "accepted",
    states.P_REFUSED: "refused",
}


def checklist(lc: LetterOfCredit, presented: Any = None) -> list[dict[str, Any]]:
    """The presentation's checklist: every document the LC requires, presented or not, then any other document
    given. ``presented``: names presented, or rows ``{"document": name, "presented": bool}``."""
    given: dict[str, bool] = {}
    for item in presented or []:
        if isinstance(item, dict):
            name, done = str(item.get("document") or "").strip(), bool(item.get("presented", True))
        else:
            name, done = str(item or "").strip(), True
        if name:
            given[name[:120]] = done
    rows = [{"document": name, "presented": given.pop(name, False)} for name in lc.required_documents or []]
    rows += [{"document": name, "presented": done} for name, done in given.items()]
    return rows


def _late(lc: LetterOfCredit, presented_on: datetime.date, utilisation: Utilisation | None) -> bool:
    shipped_on = utilisation.shipped_on if utilisation is not None else None
    return presented_on > terms.presentation_deadline(lc, shipped_on)


@transaction.atomic
def presentation_add(
    *,
    lc: LetterOfCredit,
    by: Any,
    presented_on: datetime.date | None = None,
    utilisation: Utilisation | None = None,
    documents: Any = None,
    note: str = "",
) -> Presentation:
    """Record a presentation of documents (for one of the LC's drawings, usually)."""
    lc = lc_lock(lc)
    if lc.status not in states.AVAILABLE | {states.EXPIRED}:
        raise ApplicationError(
            f"{lc.number} is {lc.get_status_display().lower()}: documents are not presented under it.",
            code="lc_not_available",
            status=409,
        )
    if utilisation is not None and utilisation.letter_of_credit_id != lc.pk:
        raise field_error("utilisation", "No such drawing under this LC.")
    day = presented_on or timezone.localdate()
    if day > timezone.localdate():
        raise field_error("presented_on", "This day has not come yet: record it when it happens.")
    presentation = Presentation.objects.create(
        organization_id=lc.organization_id,
        created_by_id=by.user_id,
        letter_of_credit=lc,
        utilisation=utilisation,
        presented_on=day,
        decision_due=terms.banking_days_after(day, terms.EXAMINATION_DAYS),
        documents=checklist(lc, documents),
        late=_late(lc, day, utilisation),
        note=(note or "").strip()[:500],
    )
    audit_record(actor=by, action=LcAction.PRESENTED, target=lc, changes={"presented_on": [None, day.isoformat()]})
    return presentation


def _locked(presentation: Presentation) -> tuple[LetterOfCredit, Presentation]:
    lc = lc_lock(LetterOfCredit(pk=presentation.letter_of_credit_id, organization_id=presentation.organization_id))
    return lc, Presentation.objects.select_for_update().get(pk=presentation.pk)


@transaction.atomic
def presentation_update(*, presentation: Presentation, by: Any, data: dict[str, Any]) -> Presentation:
    """Tick the checklist (``documents``) or change the note while the presentation is open."""
    lc, row = _locked(presentation)
    unknown = set(data) - {"documents", "note"}
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” cannot be changed here.", code="field_not_editable")
    if row.status not in states.PRESENTATION_OPEN:
        raise ApplicationError(
            f"The presentation is {row.get_status_display().lower()}.", code="presentation_closed", status=409
        )
    changes: dict[str, list[Any]] = {}
    if "documents" in data:
        rows = checklist(lc, data["documents"])
        if rows != row.documents:
            ticked = [document_label(r["document"]) for r in rows if r["presented"]]
            changes["documents"] = [None, ", ".join(ticked) or "none"]
            row.documents = rows
    if "note" in data and (data["note"] or "").strip() != row.note:
        changes["note"] = [row.note, (data["note"] or "").strip()[:500]]
        row.note = changes["note"][1]
    if changes:
        row.save()
        audit_record(
            actor=by,
            action=LcAction.PRESENTATION_CHANGED,
            target=lc,
            changes={"presented_on": [None, row.presented_on.isoformat()], **changes},
        )
    return row


def _open_discrepancies(row: Presentation) -> int:
    return Discrepancy.objects.filter(presentation=row, status=Discrepancy.Status.OPEN).count()


@transaction.atomic
def presentation_decide(
    *, presentation: Presentation, by: Any, outcome: str, on: datetime.date | None = None, reason: str = ""
) -> Presentation:
    """Record the bank's (or the applicant's) decision: compliant, discrepant, accepted or refused."""
    lc, row = _locked(presentation)
    sources = states.PRESENTATION_MOVES.get(outcome)
    if sources is None or row.status not in sources:
        raise ApplicationError(
            f"The presentation is {row.get_status_display().lower()}: it cannot become {outcome}.",
            code="invalid_transition",
            status=409,
            extra={"presentation_status": row.status},
        )
    if outcome in (states.P_COMPLIANT, states.P_ACCEPTED) and _open_discrepancies(row):
        raise ApplicationError(
            "Open discrepancies remain: have them waived by the applicant or corrected first.",
            code="discrepancies_open",
            status=409,
        )
    row.status = outcome
    row.decided_on = on or timezone.localdate()
    row.save(update_fields=["status", "decided_on", "updated_at"])
    changes: dict[str, list[Any]] = {
        "presented_on": [None, row.presented_on.isoformat()],
        "outcome": [None, OUTCOMES[outcome]],
    }
    if reason.strip():
        changes["reason"] = [None, reason.strip()[:500]]
    audit_record(actor=by, action=LcAction.PRESENTATION_DECIDED, target=lc, changes=changes)
    if outcome == states.P_REFUSED and row.utilisation_id:
        drawing = Utilisation.objects.get(pk=row.utilisation_id)
        if drawing.released_at is None:
            utilisation_release(
                organization=lc.organization,
                by=by,
                utilisation=drawing,
                reason=reason.strip() or "The documents were refused.",
            )
    return row


@transaction.atomic
def discrepancy_raise(
    *, presentation: Presentation, by: Any, text: str, raised_on: datetime.date | None = None
) -> Discrepancy:
    """Log a discrepancy the bank found: the presentation becomes discrepant."""
    lc, row = _locked(presentation)
    if row.status not in states.PRESENTATION_OPEN:
        raise ApplicationError(
            f"The presentation is {row.get_status_display().lower()}.", code="presentation_closed", status=409
        )
    text = (text or "").strip()
    if not text:
        raise field_error("text", "Say what the discrepancy is.")
    discrepancy = Discrepancy.objects.create(
        organization_id=lc.organization_id,
        created_by_id=by.user_id,
        presentation=row,
        text=text[:500],
        raised_on=raised_on or timezone.localdate(),
    )
    if row.status != states.P_DISCREPANT:
        row.status = states.P_DISCREPANT
        row.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action=LcAction.DISCREPANCY_RAISED, target=lc, changes={"text": [None, discrepancy.text]})
    return discrepancy


@transaction.atomic
def discrepancy_resolve(
    *, discrepancy: Discrepancy, by: Any, outcome: str, on: datetime.date | None = None
) -> Discrepancy:
    """An open discrepancy waived by the applicant (``waived``) or corrected by new documents (``corrected``)."""
    if outcome not in (Discrepancy.Status.WAIVED, Discrepancy.Status.CORRECTED):
        raise field_error("outcome", "Choose waived or corrected.")
    lc, _presentation = _locked(discrepancy.presentation)
    row = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    if row.status != Discrepancy.Status.OPEN:
        raise ApplicationError(
            f"This discrepancy is already {row.get_status_display().lower()}.", code="discrepancy_closed", status=409
        )
    row.status = outcome
    row.resolved_on = on or timezone.localdate()
    row.save(update_fields=["status", "resolved_on", "updated_at"])
    audit_record(
        actor=by,
        action=LcAction.DISCREPANCY_RESOLVED,
        target=lc,
        changes={"text": [None, row.text], "outcome": [None, row.get_status_display().lower()]},
    )
    return row
