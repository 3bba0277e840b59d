"""A PI's status moves (``states.ACTIONS``): send, accept, cancel. Each locks the order and the PI, checks the move
against the table and its rules, records it, audits and publishes its event — in one transaction.

Sending checks the quantity rule again (drafts hold no quantity). Accepting records the day, the buyer's reference
and who recorded it, and holds the order-value rule: the accepted PIs of an order (latest revisions) may total at
most the order's value incl. tax + its tolerance (the order's ``shipment_tolerance_percent``, else the
organisation's); beyond it only an owner or admin, with a reason (``proforma.over_order_value_allowed``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from tradeloom.audit.services import audit_record
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.money import ZERO, percent_of
from tradeloom.proformas import states
from tradeloom.proformas.events import (
    ProformaAccepted,
    ProformaAction,
    ProformaCancelled,
    ProformaMoved,
    ProformaSent,
)
from tradeloom.proformas.models import ProformaInvoice, ProformaLine
from tradeloom.proformas.services.proformas import (
    _exceeded_message,
    committed_quantities,
    local_today,
    order_value,
    proforma_lock,
)
from tradeloom.sales.models import Line, Order
from tradeloom.tenancy.roles import Role

EVENTS: dict[str, tuple[type[ProformaMoved], str]] = {
    states.SEND: (ProformaSent, ProformaAction.SENT),
    states.ACCEPT: (ProformaAccepted, ProformaAction.ACCEPTED),
    states.CANCEL: (ProformaCancelled, ProformaAction.CANCELLED),
}
REFERENCE_MAX = 100


def _refuse(proforma: ProformaInvoice, action: str) -> ApplicationError:
    offered = [t.action for t in states.actions_from(proforma.status)]
    can = f"it can {', '.join(offered)}" if offered else "it is final"
    what = action if action in states.ACTIONS else f"take “{action}”"
    latest = " (a later revision replaces it)" if proforma.status == states.SUPERSEDED else ""
    return ApplicationError(
        f"{proforma} is {proforma.get_status_display().lower()}{latest}: it cannot {what} ({can}).",
        code="invalid_transition",
        status=409,
        extra={"proforma_status": proforma.status, "allowed": offered},
    )


def tolerance_percent(order: Order, organization: Any = None) -> Decimal:
    """The order's tolerance, else its organisation's (as logistics reads it for shipments)."""
    if order.shipment_tolerance_percent is not None:
        return Decimal(order.shipment_tolerance_percent)
    return Decimal((organization or order.organization).shipment_tolerance_percent)


@dataclass(frozen=True)
class OrderLimit:
    order_total: Decimal  # incl. tax
    tolerance_percent: Decimal
    limit: Decimal  # order_total + tolerance, to cents
    accepted: Decimal  # the accepted PIs' totals (latest revisions), without the one being accepted


def order_limit(*, order: Order, organization: Any = None, exclude_number: str = "") -> OrderLimit:
    """How much the accepted PIs of ``order`` may total, and what they total now."""
    value = order_value(order)
    percent = tolerance_percent(order, organization)
    accepted = (
        ProformaInvoice.objects.filter(order=order, status=states.ACCEPTED)
        .exclude(number=exclude_number)
        .aggregate(total=Sum("total"))["total"]
        or ZERO
    )
    return OrderLimit(
        order_total=value.total,
        tolerance_percent=percent,
        limit=value.total + percent_of(value.total, percent),
        accepted=Decimal(accepted),
    )


def _quantities_check(proforma: ProformaInvoice) -> None:
    rows = list(ProformaLine.objects.filter(proforma=proforma, basis=ProformaLine.Basis.QUANTITY))
    if not rows:
        return
    committed = committed_quantities(order=proforma.order_id, exclude_number=proforma.number)
    lines = {line.pk: line for line in Line.objects.filter(pk__in=[r.line_id for r in rows]).select_related("unit")}
    exceeded: dict[str, list[str]] = {}
    for i, row in enumerate(rows):
        line = lines[row.line_id]
        remaining = Decimal(line.quantity) - committed.get(line.pk, ZERO)
        if Decimal(row.quantity or 0) > remaining:
            exceeded[f"lines.{i}.quantity"] = [_exceeded_message(line, Decimal(row.quantity or 0), remaining)]
    if exceeded:
        raise ApplicationError(
            next(iter(exceeded.values()))[0],
            code="proforma_quantity_exceeded",
            status=409,
            extra={"errors": exceeded},
        )


def _order_value_check(proforma: ProformaInvoice, by: Any, override_reason: str) -> str:
    """Refuse an acceptance beyond the order's limit (409 ``proforma_over_order_value``) unless an owner or admin
    gives a reason: then it is allowed, audited, and the reason returned (kept on the PI)."""
    order = Order.objects.select_related("organization").get(pk=proforma.order_id)
    figures = order_limit(order=order, organization=proforma.organization, exclude_number=proforma.number)
    after = figures.accepted + Decimal(proforma.total)
    if after <= figures.limit:
        return ""
    reason = (override_reason or "").strip()
    currency = proforma.currency
    if not reason:
        message = (
            f"Accepting {proforma} ({currency} {proforma.total:,.2f}) takes the accepted proforma invoices of "
            f"{order.number} to {currency} {after:,.2f}; the order allows {currency} {figures.limit:,.2f} "
            f"({currency} {figures.order_total:,.2f} incl. tax + {figures.tolerance_percent.normalize():f} %). "
            "An owner or admin may accept it with a reason."
        )
        raise ApplicationError(
            message,
            code="proforma_over_order_value",
            status=409,
            extra={
                "errors": {"override_reason": [message]},
                "limit": str(figures.limit),
                "order_total": str(figures.order_total),
                "tolerance_percent": str(figures.tolerance_percent),
                "accepted": str(figures.accepted),
                "proforma_total": str(proforma.total),
                "accepted_after": str(after),
                "currency": currency,
            },
        )
    if by.role not in (Role.OWNER, Role.ADMIN):
        raise ApplicationError(
            "Only an owner or admin may accept proforma invoices beyond the order's value.",
            code="permission_denied",
            status=403,
        )
    audit_record(
        actor=by,
        action=ProformaAction.OVER_ORDER_VALUE_ALLOWED,
        target=proforma,
        changes={
            "accepted": [f"{currency} {figures.accepted:,.2f}", f"{currency} {after:,.2f}"],
            "limit": [None, f"{currency} {figures.limit:,.2f}"],
            "reason": [None, reason],
        },
    )
    return reason[:500]


def _day(on: datetime.date | None, proforma: ProformaInvoice, field: str, after: datetime.date | None, what: str):
    today = local_today(proforma.organization)
    day = on or today
    if day > today:
        raise field_error("on", "This day has not come yet: record it when it happens.")
    if after and day < after:
        raise field_error("on", f"It cannot be before {what} ({after:%d %b %Y}).")
    return day


@transaction.atomic
def proforma_move(
    *,
    proforma: ProformaInvoice,
    action: str,
    by: Any,
    on: datetime.date | None = None,
    reason: str = "",
    reference: str = "",
    override_reason: str = "",
    expected_version: int | None = None,
) -> ProformaInvoice:
    """Move ``proforma`` by ``action``. Sending records its day (default today; not in the future, not before the
    PI date); accepting the buyer's acceptance day (not before it was sent), reference and who recorded it;
    cancelling needs a reason."""
    proforma = proforma_lock(proforma, expected_version)
    transition = states.ACTIONS.get(action)
    if transition is None or not proforma.can(action):
        raise _refuse(proforma, action)
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise field_error("reason", "Say why the proforma invoice is cancelled.")
    if len(reason) > 500:
        raise field_error("reason", "Keep the reason to 500 characters.")
    changes: dict[str, list[Any]] = {"status": [proforma.status, transition.target]}
    if action == states.SEND:
        _quantities_check(proforma)
        proforma.sent_on = _day(on, proforma, "sent_on", proforma.pi_date, "the PI date")
        changes["sent_on"] = [None, proforma.sent_on.isoformat()]
    elif action == states.ACCEPT:
        reference = (reference or "").strip()
        if len(reference) > REFERENCE_MAX:
            raise field_error("reference", f"Keep the buyer's reference to {REFERENCE_MAX} characters.")
        proforma.accepted_on = _day(on, proforma, "accepted_on", proforma.sent_on, "the day it was sent")
        proforma.override_reason = _order_value_check(proforma, by, override_reason)
        proforma.accepted_reference = reference
        proforma.accepted_by_id = by.user_id
        changes["accepted_on"] = [None, proforma.accepted_on.isoformat()]
        if reference:
            changes["accepted_reference"] = [None, reference]
    if reason:
        proforma.status_reason = reason
        changes["reason"] = [None, reason]
    previous = proforma.status
    proforma.status = transition.target
    proforma.version += 1
    proforma.save()
    event, audit_action = EVENTS[action]
    audit_record(actor=by, action=audit_action, target=proforma, changes=changes)
    publish(event(proforma=proforma, previous_status=previous, by=by))
    return proforma
