"""Drawings under a letter of credit (contract interface 3: invoicing draws an LC-backed invoice and gives the
drawing back when the invoice is void).

``utilisation_draw`` locks the LC row (concurrent drawings queue: two together cannot pass the amount), reads the LC
as of its latest accepted amendment (its row holds those terms) and refuses, in this order:

* ``lc_not_available`` (409): the LC is pending, expired or cancelled;
* ``lc_currency_mismatch`` (409): the drawing is not in the LC's currency;
* ``lc_expired`` (409): the drawing day is after the expiry date moved to the next banking day;
* ``lc_shipment_date_passed`` (409): the goods left (the shipment's departure, its B/L date) after the latest
  shipment date, which never moves;
* ``lc_amount_exceeded`` (409): the live drawings would pass amount + tolerance;
* ``lc_partial_not_allowed`` (409): partial drawings are prohibited and this is a second shipment, or a single
  drawing short of the amount by more than 5 % (or than the minus tolerance the LC states: UCP 600 art. 30 c).

A late shipment and a partial drawing are discrepancies the applicant may waive: an owner or admin may draw anyway
with an ``override_reason`` (audited). Nothing overrides the amount, the currency, the status or the expiry.

The LC becomes ``utilised`` once its live drawings reach the amount less its minus tolerance (``terms.amount_floor``)
and goes back to issued or confirmed when a release takes them below it; a utilised LC still takes drawings up to
its cap.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.money import ZERO, cents
from tradeloom.lcs import states, terms
from tradeloom.lcs.events import LcAction, UtilisationDrawn, UtilisationReleased
from tradeloom.lcs.models import LetterOfCredit, Utilisation
from tradeloom.lcs.services.common import lc_lock
from tradeloom.logistics import states as shipment_states
from tradeloom.logistics.models import Shipment, ShipmentLine
from tradeloom.tenancy.roles import Role


def shipment_value(shipment: Shipment) -> tuple[Decimal, str] | None:
    """What a shipment's goods are worth at the orders' selling prices: each line's quantity x price rounded to
    cents (half up), summed; with the orders' currency. ``None`` when a price is missing or the orders' currencies
    differ (the drawing then needs its amount). One statement."""
    rows = list(
        ShipmentLine.objects.filter(shipment=shipment).values_list("quantity", "line__selling_price", "order__currency")
    )
    if not rows or len({c for _, _, c in rows}) != 1:
        return None
    total = ZERO
    for quantity, price, _ in rows:
        if price is None:
            return None
        total += cents(Decimal(quantity) * Decimal(price))
    return total, rows[0][2]


def _refusal(code: str, message: str, lc: LetterOfCredit, **extra: Any) -> ApplicationError:
    return ApplicationError(
        message,
        code=code,
        status=409,
        extra={
            "cap": str(terms.amount_cap(lc)),
            "utilised": str(lc.utilised_amount),
            "available": str(terms.available(lc)),
            **extra,
        },
    )


def _live(lc: LetterOfCredit) -> list[tuple[Any, Decimal]]:
    return list(
        Utilisation.objects.filter(letter_of_credit=lc, released_at__isnull=True).values_list("shipment_id", "amount")
    )


def _may_override(by: Any, reason: str, problem: ApplicationError) -> str:
    """The override reason when this member may waive ``problem`` (an owner or admin, with a reason); else raise."""
    if not reason:
        raise problem
    if getattr(by, "role", None) not in (Role.OWNER, Role.ADMIN):
        raise ApplicationError(
            "Only an owner or admin may draw despite a discrepancy.", code="permission_denied", status=403
        )
    return problem.message


@transaction.atomic
def utilisation_draw(
    *,
    organization: Any,
    by: Any,
    lc: LetterOfCredit,
    amount: Decimal | None,
    currency: str,
    shipped_on: datetime.date | None,
    shipment: Shipment | None = None,
    invoice_reference: str = "",
    override_reason: str = "",
    drawn_on: datetime.date | None = None,
) -> Utilisation:
    """Draw ``amount`` under ``lc`` for ``shipment`` (its goods; the amount defaults to their value, the shipment
    date to its departure) or an invoice (``invoice_reference``). See the module's rules."""
    if lc.organization_id != organization.pk:
        raise ApplicationError("No such letter of credit.", code="not_found", status=404)
    lc = lc_lock(lc)
    reason = (override_reason or "").strip()
    if lc.status not in states.AVAILABLE:
        raise _refusal(
            "lc_not_available",
            f"{lc.number} is {lc.get_status_display().lower()}: it cannot be drawn.",
            lc,
            lc_status=lc.status,
        )
    if shipment is not None:
        if shipment.organization_id != organization.pk:
            raise field_error("shipment", "No such shipment.")
        if shipment.customer_id != lc.customer_id:
            raise field_error("shipment", f"{shipment.number} goes to another customer than this LC's applicant.")
        if shipment.status not in shipment_states.COUNTS_AS_SHIPPED:
            raise field_error("shipment", f"{shipment.number} is {shipment.get_status_display().lower()}.")
        shipped_on = shipped_on or shipment.departed_on
        if amount is None:
            value = shipment_value(shipment)
            if value is None:
                raise field_error("amount", f"Give the amount: {shipment.number}'s value is not known.")
            amount, currency = value[0], currency or value[1]
    if amount is None:
        raise field_error("amount", "Give the amount drawn.")
    amount = Decimal(amount)
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise field_error("amount", "The amount must be above zero, in cents.")
    currency = (currency or "").strip().upper()
    if currency != lc.currency:
        raise _refusal(
            "lc_currency_mismatch",
            f"{lc.number} is in {lc.currency}; this drawing is in {currency or 'no currency'}.",
            lc,
        )
    today = timezone.localdate()
    drawn_on = drawn_on or today
    expiry = terms.effective_expiry(lc)
    if drawn_on > expiry:
        raise _refusal("lc_expired", f"{lc.number} expired on {expiry:%d %b %Y}.", lc, expiry_date=expiry.isoformat())
    waived: list[str] = []
    if shipped_on and lc.latest_shipment_date and shipped_on > lc.latest_shipment_date:
        waived.append(
            _may_override(
                by,
                reason,
                _refusal(
                    "lc_shipment_date_passed",
                    f"The goods left on {shipped_on:%d %b %Y}; {lc.number} needs shipment by "
                    f"{lc.latest_shipment_date:%d %b %Y}.",
                    lc,
                    latest_shipment_date=lc.latest_shipment_date.isoformat(),
                ),
            )
        )
    live = _live(lc)
    utilised = sum((a for _, a in live), ZERO)
    cap = terms.amount_cap(lc)
    if utilised + amount > cap:
        raise _refusal(
            "lc_amount_exceeded",
            f"This drawing of {lc.currency} {amount:,.2f} takes {lc.number} to {lc.currency} "
            f"{utilised + amount:,.2f}; it allows {lc.currency} {cap:,.2f} (amount + tolerance) and "
            f"{lc.currency} {max(cap - utilised, ZERO):,.2f} is left.",
            lc,
        )
    if not lc.partial_shipments_allowed:
        problem = None
        others = {s for s, _ in live}
        if live and (shipment is None or others != {shipment.pk}):
            problem = f"{lc.number} prohibits partial shipments and has been drawn for another shipment."
        elif not live and amount < terms.single_drawing_floor(lc):
            problem = (
                f"{lc.number} prohibits partial shipments: one drawing of at least {lc.currency} "
                f"{terms.single_drawing_floor(lc):,.2f}."
            )
        if problem:
            waived.append(_may_override(by, reason, _refusal("lc_partial_not_allowed", problem, lc)))
    utilisation = Utilisation.objects.create(
        organization_id=organization.pk,
        created_by_id=by.user_id,
        letter_of_credit=lc,
        shipment=shipment,
        invoice_reference=(invoice_reference or "").strip()[:60],
        amount=amount,
        currency=currency,
        shipped_on=shipped_on,
        drawn_on=drawn_on,
        override_reason=reason if waived else "",
    )
    previous = lc.utilised_amount
    lc.utilised_amount = utilised + amount
    source = shipment.number if shipment is not None else utilisation.invoice_reference
    changes: dict[str, list[Any]] = {
        "amount": [None, str(amount)],
        "currency": [None, currency],
        "utilised": [str(previous), str(lc.utilised_amount)],
    }
    if source:
        changes["source"] = [None, source]
    if waived:
        changes["override_reason"] = [None, reason]
        changes["reason"] = [None, " ".join(waived)]
    status_before = lc.status
    if lc.status in states.OPEN and lc.utilised_amount >= terms.amount_floor(lc):
        lc.status = states.UTILISED
    lc.version += 1
    lc.save(update_fields=["utilised_amount", "status", "version", "updated_at"])
    audit_record(actor=by, action=LcAction.DRAWN, target=lc, changes=changes)
    if lc.status != status_before:
        audit_record(actor=by, action=LcAction.UTILISED, target=lc, changes={"status": [status_before, lc.status]})
    publish(UtilisationDrawn(letter_of_credit=lc, utilisation=utilisation, by=by))
    return utilisation


@transaction.atomic
def utilisation_release(*, organization: Any, by: Any, utilisation: Utilisation, reason: str) -> None:
    """Give a drawing back (a void invoice, refused documents): it no longer counts; the LC goes back to issued or
    confirmed when its live drawings fall below the amount less its minus tolerance."""
    if utilisation.organization_id != organization.pk:
        raise ApplicationError("No such drawing.", code="not_found", status=404)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "Say why the drawing is released.")
    lc = lc_lock(LetterOfCredit(pk=utilisation.letter_of_credit_id, organization_id=organization.pk))
    row = Utilisation.objects.select_for_update().get(pk=utilisation.pk)
    if row.released_at is not None:
        raise ApplicationError("This drawing was already released.", code="already_released", status=409)
    row.released_at = timezone.now()
    row.released_by_id = by.user_id
    row.release_reason = reason[:500]
    row.save(update_fields=["released_at", "released_by", "release_reason", "updated_at"])
    utilisation.released_at, utilisation.release_reason = row.released_at, row.release_reason
    previous = lc.utilised_amount
    live = Utilisation.objects.filter(letter_of_credit=lc, released_at__isnull=True).aggregate(s=Sum("amount"))["s"]
    lc.utilised_amount = live or ZERO
    status_before = lc.status
    if lc.status == states.UTILISED and lc.utilised_amount < terms.amount_floor(lc):
        lc.status = states.CONFIRMED if lc.confirmed_on else states.ISSUED
    lc.version += 1
    lc.save(update_fields=["utilised_amount", "status", "version", "updated_at"])
    audit_record(
        actor=by,
        action=LcAction.DRAWING_RELEASED,
        target=lc,
        changes={
            "amount": [str(row.amount), None],
            "utilised": [str(previous), str(lc.utilised_amount)],
            "reason": [None, reason],
        },
    )
    if lc.status != status_before:
        audit_record(actor=by, action=LcAction.REOPENED, target=lc, changes={"status": [status_before, lc.status]})
    publish(UtilisationReleased(letter_of_credit=lc, utilisation=row, by=by))


def lc_utilised(lc: LetterOfCredit) -> Decimal:
    """The live drawings' sum, counted (the LC row keeps it as ``utilised_amount``)."""
    total = Utilisation.objects.filter(letter_of_credit=lc, released_at__isnull=True).aggregate(s=Sum("amount"))["s"]
    return total or ZERO


__all__ = ["lc_utilised", "shipment_value", "utilisation_draw", "utilisation_release"]
