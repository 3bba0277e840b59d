"""Amendments of an LC's terms (UCP 600 art. 10): proposed by the issuing bank, binding only once the beneficiary
accepts them — all of an amendment or nothing (accepting part of one is rejecting it). Numbered 1, 2 … per LC; one
proposed at a time. The LC's row holds its terms as of the latest accepted amendment (``revision``), each
amendment keeps its changes old → new (the original terms are revision 0: the LC's terms with the accepted
amendments taken back in reverse, ``selectors.lc_terms``)."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.lcs import states, terms
from tradeloom.lcs.events import AmendmentAccepted, LcAction
from tradeloom.lcs.models import AMENDABLE_TERMS, Amendment, LetterOfCredit
from tradeloom.lcs.services.common import (
    back_to_back_check,
    documents_clean,
    lc_lock,
    term_value,
    terms_check,
)
from tradeloom.lcs.terms import term_text


def _amended(lc: LetterOfCredit, changes: dict[str, Any]) -> LetterOfCredit:
    """A copy of the LC with ``changes`` (term → JSON value) applied, checked as a whole."""
    future = copy.copy(lc)
    for name, value in changes.items():
        setattr(future, name, term_value(name, value))
    terms_check(future)
    if Decimal(future.utilised_amount or 0) > terms.amount_cap(future):
        raise ApplicationError(
            f"{lc.number} has been drawn {lc.currency} {future.utilised_amount:,.2f}; the amended amount with its "
            f"tolerance ({lc.currency} {terms.amount_cap(future):,.2f}) would be below it.",
            code="lc_amount_exceeded",
            status=409,
            extra={"errors": {"amount": ["Below what has been drawn."]}},
        )
    for child in LetterOfCredit.objects.filter(master=lc).exclude(status__in=states.FINAL):
        back_to_back_check(child, future)
    return future


def _changes_clean(lc: LetterOfCredit, proposed: dict[str, Any]) -> dict[str, list[Any]]:
    """The amendment's changes as term → [old, new] (JSON values), only the terms that change."""
    if not proposed:
        raise field_error("changes", "An amendment changes at least one term.")
    unknown = sorted(set(proposed) - set(AMENDABLE_TERMS))
    if unknown:
        raise field_error("changes", f"An amendment cannot change {', '.join(unknown)}.", code="field_not_editable")
    changes: dict[str, list[Any]] = {}
    for name in AMENDABLE_TERMS:
        if name not in proposed:
            continue
        try:
            new = term_value(name, proposed[name]) if name != "required_documents" else proposed[name]
        except Exception as exc:
            raise field_error(f"changes.{name}", "Not a valid value.") from exc
        old = term_text(getattr(lc, name))
        if name == "required_documents":
            new = documents_clean(new)
        if term_text(new) != old:
            changes[name] = [old, term_text(new)]
    if not changes:
        raise field_error("changes", "These are the LC's terms already: nothing would change.")
    return changes


@transaction.atomic
def amendment_propose(
    *,
    lc: LetterOfCredit,
    by: Any,
    changes: dict[str, Any],
    issue_date: datetime.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Amendment:
    """Record an amendment the bank issued (``changes``: term → new value). Refused while another is proposed, on a
    pending LC (change it directly) or a final one, and when the amended terms would break a rule."""
    lc = lc_lock(lc, expected_version)
    if lc.status not in states.AMENDABLE:
        what = "change it directly" if lc.status == states.PENDING else "it is final"
        raise ApplicationError(
            f"{lc.number} is {lc.get_status_display().lower()}: it takes no amendment ({what}).",
            code="lc_not_amendable",
            status=409,
        )
    if Amendment.objects.filter(letter_of_credit=lc, status=Amendment.Status.PROPOSED).exists():
        raise ApplicationError(
            f"{lc.number} has an amendment waiting for a decision: accept or reject it first.",
            code="amendment_pending",
            status=409,
        )
    diff = _changes_clean(lc, changes)
    _amended(lc, {k: v[1] for k, v in diff.items()})
    revision = (Amendment.objects.filter(letter_of_credit=lc).aggregate(m=Max("revision"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            amendment = Amendment.objects.create(
                organization_id=lc.organization_id,
                created_by_id=by.user_id,
                letter_of_credit=lc,
                revision=revision,
                changes=diff,
                issue_date=issue_date or timezone.localdate(),
                note=(note or "").strip()[:500],
            )
    except IntegrityError as exc:
        raise ApplicationError(
            f"{lc.number} has an amendment waiting for a decision.", code="amendment_pending", status=409
        ) from exc
    lc.version += 1
    lc.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=by,
        action=LcAction.AMENDMENT_PROPOSED,
        target=lc,
        changes={"revision": [None, revision], **{k: list(v) for k, v in diff.items()}},
    )
    return amendment


def _proposed(amendment: Amendment, lc: LetterOfCredit) -> Amendment:
    row = Amendment.objects.select_for_update().get(pk=amendment.pk, letter_of_credit=lc)
    if row.status != Amendment.Status.PROPOSED:
        raise ApplicationError(
            f"Amendment {row.revision} was already {row.get_status_display().lower()}.",
            code="amendment_decided",
            status=409,
        )
    return row


@transaction.atomic
def amendment_accept(
    *, amendment: Amendment, by: Any, on: datetime.date | None = None, expected_version: int | None = None
) -> Amendment:
    """Accept the whole amendment: the LC's terms become the amended ones (old values refreshed), its revision the
    amendment's; the utilised status follows the new amount."""
    lc = lc_lock(
        LetterOfCredit(pk=amendment.letter_of_credit_id, organization_id=amendment.organization_id), expected_version
    )
    row = _proposed(amendment, lc)
    if lc.status not in states.AMENDABLE:
        raise ApplicationError(
            f"{lc.number} is {lc.get_status_display().lower()}: reject the amendment instead.",
            code="lc_not_amendable",
            status=409,
        )
    day = on or timezone.localdate()
    if day < row.issue_date:
        raise field_error("on", "An amendment cannot be accepted before the bank issued it.")
    new = {k: v[1] for k, v in row.changes.items()}
    _amended(lc, new)
    row.changes = {k: [term_text(getattr(lc, k)), v] for k, v in new.items()}
    for name, value in new.items():
        setattr(lc, name, term_value(name, value))
    lc.required_documents = list(lc.required_documents or [])
    status_before = lc.status
    if lc.status in states.OPEN and lc.utilised_amount >= terms.amount_floor(lc) and lc.utilised_amount > 0:
        lc.status = states.UTILISED
    elif lc.status == states.UTILISED and lc.utilised_amount < terms.amount_floor(lc):
        lc.status = states.CONFIRMED if lc.confirmed_on else states.ISSUED
    lc.revision = row.revision
    lc.version += 1
    lc.save()
    row.status = Amendment.Status.ACCEPTED
    row.decided_on = day
    row.decided_by_id = by.user_id
    row.save(update_fields=["changes", "status", "decided_on", "decided_by", "updated_at"])
    audit_record(
        actor=by,
        action=LcAction.AMENDMENT_ACCEPTED,
        target=lc,
        changes={"revision": [None, row.revision], **{k: list(v) for k, v in row.changes.items()}},
    )
    if lc.status != status_before:
        action = LcAction.UTILISED if lc.status == states.UTILISED else LcAction.REOPENED
        audit_record(actor=by, action=action, target=lc, changes={"status": [status_before, lc.status]})
    publish(AmendmentAccepted(letter_of_credit=lc, amendment=row, by=by))
    return row


@transaction.atomic
def amendment_reject(
    *,
    amendment: Amendment,
    by: Any,
    reason: str,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Amendment:
    """Reject the amendment (also the way to refuse part of it: UCP 600 art. 10 e): the LC's terms stay."""
    lc = lc_lock(
        LetterOfCredit(pk=amendment.letter_of_credit_id, organization_id=amendment.organization_id), expected_version
    )
    row = _proposed(amendment, lc)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "Say why the amendment is rejected (accepting only part of it is a rejection).")
    row.status = Amendment.Status.REJECTED
    row.decided_on = on or timezone.localdate()
    row.decided_by_id = by.user_id
    row.reason = reason[:500]
    row.save(update_fields=["status", "decided_on", "decided_by", "reason", "updated_at"])
    lc.version += 1
    lc.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=by,
        action=LcAction.AMENDMENT_REJECTED,
        target=lc,
        changes={"revision": [None, row.revision], "reason": [None, reason]},
    )
    return row
