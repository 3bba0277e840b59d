"""Recording a letter of credit, changing it while it is pending, moving it through its statuses, and linking it to
the orders and proforma invoices it pays for."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.numbering import number_allocate
from tradeloom.core.shapes import shape_of
from tradeloom.lcs import states, terms
from tradeloom.lcs.events import LcAction
from tradeloom.lcs.models import LcOrder, LcProforma, LetterOfCredit
from tradeloom.lcs.services.common import lc_lock, terms_check
from tradeloom.lcs.terms import term_text
from tradeloom.proformas.models import ProformaInvoice
from tradeloom.sales.models import Order

LC = shape_of(LetterOfCredit)
NUMBER_TAKEN = "This issuing bank already has an LC with this number."


def _number_unique(lc: LetterOfCredit) -> None:
    taken = (
        LetterOfCredit.objects.filter(
            organization_id=lc.organization_id, issuing_bank=lc.issuing_bank, number=lc.number
        )
        .exclude(pk=lc.pk)
        .exists()
    )
    if taken:
        raise field_error("number", NUMBER_TAKEN, code="duplicate_lc_number")


def _save(lc: LetterOfCredit) -> None:
    try:
        with transaction.atomic():
            lc.save()
    except IntegrityError as exc:  # a concurrent create took the number
        if "lcs_lc_number_per_bank" in str(exc):
            raise field_error("number", NUMBER_TAKEN, code="duplicate_lc_number") from exc
        raise


def _orders_of(organization: Any, ids: Iterable[Any]) -> list[Order]:
    ids = [getattr(i, "pk", i) for i in ids]
    orders = {str(o.pk): o for o in Order.objects.filter(organization=organization, pk__in=ids)}
    missing = [i for i in ids if str(i) not in orders]
    if missing:
        raise field_error("orders", "No such order.")
    return list(orders.values())


def _proformas_of(organization: Any, ids: Iterable[Any]) -> list[ProformaInvoice]:
    ids = [getattr(i, "pk", i) for i in ids]
    found = {str(p.pk): p for p in ProformaInvoice.objects.filter(organization=organization, pk__in=ids)}
    if any(str(i) not in found for i in ids):
        raise field_error("proformas", "No such proforma invoice.")
    return list(found.values())


def _order_check(lc: LetterOfCredit, order: Order) -> None:
    if order.customer_id != lc.customer_id:
        raise field_error("order", f"{order.number} is another customer's order.")


@transaction.atomic
def lc_create(
    *,
    organization: Any,
    by: Any,
    data: dict[str, Any],
    orders: Iterable[Any] = (),
    proformas: Iterable[Any] = (),
) -> LetterOfCredit:
    """Record an LC (pending, or with its issue date already given still pending until marked issued), linked to
    its orders and PIs. A blank number is numbered here (``LC-2026-0001``) until the bank's is known."""
    for name in data:
        if name not in LC.create:
            raise ApplicationError(f"“{name}” cannot be set.", code="field_not_editable")
    lc = LetterOfCredit(organization=organization, created_by_id=by.user_id, **data)
    lc.number = (lc.number or "").strip()
    lc.issuing_bank = (lc.issuing_bank or "").strip()
    master = lc.master if lc.master_id else None
    if master is not None and master.organization_id != organization.pk:
        raise field_error("master", "Choose one of your master LCs.")
    if lc.role == LetterOfCredit.Role.BACK_TO_BACK and master is not None and not data.get("customer"):
        lc.customer_id = master.customer_id  # the buyer the master LC is for
    terms_check(lc)
    if not lc.number:
        lc.number = number_allocate(organization=organization, kind="letter_of_credit", on=lc.issue_date)
    _number_unique(lc)
    order_rows = _orders_of(organization, orders)
    for order in order_rows:
        _order_check(lc, order)
    pi_rows = _proformas_of(organization, proformas)
    for pi in pi_rows:
        if pi.customer_id != lc.customer_id:
            raise field_error("proformas", f"{pi.number} is another customer's proforma invoice.")
    _save(lc)
    LcOrder.objects.bulk_create(
        [LcOrder(organization=organization, created_by_id=by.user_id, letter_of_credit=lc, order=o) for o in order_rows]
    )
    LcProforma.objects.bulk_create(
        [
            LcProforma(organization=organization, created_by_id=by.user_id, letter_of_credit=lc, proforma=p)
            for p in pi_rows
        ]
    )
    audit_record(
        actor=by,
        action=LcAction.CREATED,
        target=lc,
        changes={
            "number": [None, lc.number],
            "currency": [None, lc.currency],
            "amount": [None, str(lc.amount)],
            "status": [None, lc.status],
        },
    )
    return lc


@transaction.atomic
def lc_update(
    *, lc: LetterOfCredit, by: Any, data: dict[str, Any], expected_version: int | None = None
) -> LetterOfCredit:
    """Change a pending LC's fields. Once issued its terms change only by an accepted amendment; its notes (and the
    bank's number) may still change."""
    lc = lc_lock(lc, expected_version)
    for name in data:
        if name not in LC.update:
            raise ApplicationError(f"“{name}” cannot be changed here.", code="field_not_editable")
    if lc.status not in states.EDITABLE:
        fixed = set(data) - {"notes", "number"}
        if fixed:
            raise ApplicationError(
                f"{lc.number} is {lc.get_status_display().lower()}: its terms change only by an amendment.",
                code="lc_not_editable",
                status=409,
                extra={"fields": sorted(fixed)},
            )
    before = {f: term_text(getattr(lc, LC.field(f).attname)) for f in LC.update}
    for name, value in data.items():
        setattr(lc, name, value)
    lc.number = (lc.number or "").strip()
    if not lc.number:
        raise field_error("number", "The LC needs a number.")
    terms_check(lc)
    _number_unique(lc)
    after = {f: term_text(getattr(lc, LC.field(f).attname)) for f in LC.update}
    changes = {k: [before[k], after[k]] for k in LC.update if before[k] != after[k]}
    if not changes:
        return lc
    if "customer" in changes and lc.order_links.exists():
        raise field_error("customer", "Unlink the orders before changing the applicant.")
    lc.version += 1
    _save(lc)
    audit_record(actor=by, action="letter_of_credit.updated", target=lc, changes=changes)
    return lc


MOVES = {
    states.ISSUE: LcAction.ISSUED,
    states.CONFIRM: LcAction.CONFIRMED,
    states.EXPIRE: LcAction.EXPIRED,
    states.CANCEL: LcAction.CANCELLED,
}


def _refuse(lc: LetterOfCredit, action: str) -> ApplicationError:
    offered = [t.action for t in states.actions_from(lc.status)]
    can = f"it can {', '.join(offered)}" if offered else "it is final"
    what = action if action in states.ACTIONS else f"take “{action}”"
    return ApplicationError(
        f"{lc.number} is {lc.get_status_display().lower()}: it cannot {what} ({can}).",
        code="invalid_transition",
        status=409,
        extra={"lc_status": lc.status, "allowed": offered},
    )


@transaction.atomic
def lc_move(
    *,
    lc: LetterOfCredit,
    action: str,
    by: Any,
    on: datetime.date | None = None,
    reason: str = "",
    confirming_bank: str = "",
    expected_version: int | None = None,
) -> LetterOfCredit:
    """Move the LC by ``action`` (``states.ACTIONS``). Issue records the issue date (``on``, default the one given or
    today); confirm the confirming bank; expire only once the expiry date (moved to a banking day) has passed;
    cancel needs a reason and no live drawings."""
    lc = lc_lock(lc, expected_version)
    transition = states.ACTIONS.get(action)
    if transition is None or not lc.can(action):
        raise _refuse(lc, action)
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise field_error("reason", "Say why the LC is cancelled.")
    today = timezone.localdate()
    changes: dict[str, list[Any]] = {"status": [lc.status, transition.target]}
    if action == states.ISSUE:
        day = on or lc.issue_date or today
        if day > today:
            raise field_error("on", "This day has not come yet: record it when it happens.")
        if day > lc.expiry_date:
            raise field_error("on", "An LC cannot be issued after its expiry date.")
        changes["issue_date"] = [term_text(lc.issue_date), day.isoformat()]
        lc.issue_date = day
        if lc.role == LetterOfCredit.Role.BACK_TO_BACK:
            master = lc.master
            if master is None:  # held by lcs_lc_master_of_back_to_back; refused as terms_check refuses it
                raise field_error("master", "A back-to-back LC is opened on the strength of a master LC: choose it.")
            if master.status not in states.AVAILABLE:
                raise ApplicationError(
                    f"The master LC {master.number} is {master.get_status_display().lower()}: issue it first.",
                    code="lc_master_not_issued",
                    status=409,
                )
    elif action == states.CONFIRM:
        bank = (confirming_bank or lc.confirming_bank or "").strip()
        if not bank:
            raise field_error("confirming_bank", "Name the bank that confirmed the LC.")
        if bank != lc.confirming_bank:
            changes["confirming_bank"] = [lc.confirming_bank, bank]
        lc.confirming_bank = bank
        lc.confirmed_on = on or today
    elif action == states.EXPIRE:
        if today <= terms.effective_expiry(lc):
            raise ApplicationError(
                f"{lc.number} is available until {terms.effective_expiry(lc):%d %b %Y}; it expires after that day.",
                code="lc_not_expired",
                status=409,
            )
    elif action == states.CANCEL and lc.utilised_amount > 0:
        raise ApplicationError(
            f"{lc.number} has live drawings ({lc.currency} {lc.utilised_amount:,.2f}); release them first.",
            code="lc_has_drawings",
            status=409,
        )
    if reason:
        lc.status_reason = reason
        changes["reason"] = [None, reason]
    lc.status = transition.target
    lc.version += 1
    lc.save()
    audit_record(actor=by, action=MOVES[action], target=lc, changes=changes)
    return lc


@transaction.atomic
def lc_order_link(*, lc: LetterOfCredit, by: Any, order: Order) -> LcOrder:
    """Link an order of the LC's applicant (once)."""
    lc = lc_lock(lc)
    if order.organization_id != lc.organization_id:
        raise field_error("order", "No such order.")
    _order_check(lc, order)
    if LcOrder.objects.filter(letter_of_credit=lc, order=order).exists():
        raise field_error("order", f"{order.number} is already linked to {lc.number}.", code="already_linked")
    link = LcOrder.objects.create(
        organization_id=lc.organization_id, created_by_id=by.user_id, letter_of_credit=lc, order=order
    )
    audit_record(actor=by, action=LcAction.ORDER_LINKED, target=lc, changes={"order": [None, order.number]})
    return link


@transaction.atomic
def lc_order_unlink(*, lc: LetterOfCredit, by: Any, order: Order) -> None:
    lc = lc_lock(lc)
    deleted, _ = LcOrder.objects.filter(letter_of_credit=lc, order=order).delete()
    if not deleted:
        raise ApplicationError("The order is not linked to this LC.", code="not_found", status=404)
    audit_record(actor=by, action=LcAction.ORDER_UNLINKED, target=lc, changes={"order": [order.number, None]})


@transaction.atomic
def lc_proforma_link(*, lc: LetterOfCredit, by: Any, proforma: ProformaInvoice) -> LcProforma:
    """Link a proforma invoice of the LC's applicant (once)."""
    lc = lc_lock(lc)
    if proforma.organization_id != lc.organization_id:
        raise field_error("proforma", "No such proforma invoice.")
    if proforma.customer_id != lc.customer_id:
        raise field_error("proforma", f"{proforma.number} is another customer's proforma invoice.")
    if LcProforma.objects.filter(letter_of_credit=lc, proforma=proforma).exists():
        raise field_error("proforma", f"{proforma.number} is already linked to {lc.number}.", code="already_linked")
    link = LcProforma.objects.create(
        organization_id=lc.organization_id, created_by_id=by.user_id, letter_of_credit=lc, proforma=proforma
    )
    audit_record(actor=by, action=LcAction.PROFORMA_LINKED, target=lc, changes={"proforma": [None, proforma.number]})
    return link


@transaction.atomic
def lc_proforma_unlink(*, lc: LetterOfCredit, by: Any, proforma: ProformaInvoice) -> None:
    lc = lc_lock(lc)
    deleted, _ = LcProforma.objects.filter(letter_of_credit=lc, proforma=proforma).delete()
    if not deleted:
        raise ApplicationError("The proforma invoice is not linked to this LC.", code="not_found", status=404)
    audit_record(actor=by, action=LcAction.PROFORMA_UNLINKED, target=lc, changes={"proforma": [proforma.number, None]})
