"""Amending an approved (or partly received) purchase order: its header (not its supplier or currency — that is
another PO) and its lines, with a reason. Each amendment is revision 1, 2 … of the PO and keeps what changed
(``changes``: ``header`` field → [old, new]; ``added``, ``removed`` and ``changed`` lines), the totals before and
after and whether it needed approval again.

Re-approval: when the new total is above the one approved and, converted to the base currency at the PO date, above
the organisation's limit, the PO goes back to submitted and waits for a manager's approval (the amendment's author
cannot give it). Otherwise it stays approved (or partly received / received, by its lines' received quantities). A
line with goods received is never removed, nor its quantity put below what was received.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from tradeloom.audit.services import audit_record
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.purchasing import states
from tradeloom.purchasing.events import PurchaseOrderAction, PurchaseOrderAmended
from tradeloom.purchasing.models import Amendment, PurchaseOrder, PurchaseOrderLine
from tradeloom.purchasing.services.orders import (
    HEADER_FIELDS,
    base_total_of,
    header_apply,
    header_changes,
    lines_replace,
    money_text,
    needs_approval,
    po_lock,
    status_from_receipts,
    totals_set,
    values_of,
)

AMENDABLE_FIELDS = tuple(f for f in HEADER_FIELDS if f not in ("supplier", "currency"))


@transaction.atomic
def purchase_order_amend(
    *,
    purchase_order: PurchaseOrder,
    by: Any,
    reason: str,
    data: Mapping[str, Any] | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
    expected_version: int | None = None,
) -> Amendment:
    """Amend the PO: ``data`` (header fields) and ``lines`` (all of them when given; rows with an ``id`` keep that
    line) applied, with ``reason``. Refused unless approved or partly received (``po_not_amendable``) and when
    nothing would change."""
    data = dict(data or {})
    for field in data:
        if field not in AMENDABLE_FIELDS:
            message = (
                "The supplier and the currency do not change by amendment: cancel the PO and raise another."
                if field in HEADER_FIELDS
                else f"“{field}” cannot be set."
            )
            raise ApplicationError(message, code="field_not_editable", extra={"errors": {field: [message]}})
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "Say why the purchase order is amended.")
    if len(reason) > 500:
        raise field_error("reason", "Keep the reason to 500 characters.")
    po = po_lock(purchase_order, expected_version)
    if not po.is_amendable:
        hint = " Edit the draft instead." if po.is_editable else ""
        raise ApplicationError(
            f"{po.number} is {po.get_status_display().lower()}: only an approved or partly received purchase order is "
            f"amended.{hint}",
            code="po_not_amendable",
            status=409,
            extra={"po_status": po.status},
        )
    before = _readable(po)
    total_before = po.total
    header_apply(po, data)
    header = header_changes(before, _readable(po))
    if lines is not None:
        _rows, diff = lines_replace(po, by=by, payloads=[dict(x) for x in lines])
    else:
        rows = list(PurchaseOrderLine.objects.filter(purchase_order=po))
        totals_set(po, rows)
        for row in rows:
            row.save(update_fields=["amount", "tax", "updated_at"])
        diff = {"added": [], "removed": [], "changed": []}
    if not header and not any(diff.values()):
        raise field_error("lines", "Nothing would change: amend a field or a line.", code="amendment_empty")
    revision = (Amendment.objects.filter(purchase_order=po).aggregate(m=Max("revision"))["m"] or 0) + 1
    previous_status = po.status
    rate, base_total = base_total_of(po)
    reapproval = po.total > total_before and needs_approval(po, base_total)
    po.exchange_rate, po.base_total = rate, base_total
    if reapproval:
        po.status = states.SUBMITTED
        po.submitted_by_id = by.user_id
        po.approved_at, po.approved_by_id = None, None
    else:
        po.status = status_from_receipts(po)
    po.revision = revision
    po.version += 1
    po.save()
    amendment = Amendment.objects.create(
        organization_id=po.organization_id,
        created_by_id=by.user_id,
        purchase_order=po,
        revision=revision,
        reason=reason,
        changes={"header": header, **diff},
        total_before=total_before,
        total_after=po.total,
        reapproval=reapproval,
    )
    changes: dict[str, Any] = {
        "revision": [revision - 1, revision],
        "reason": [None, reason],
        **header,
    }
    if po.total != total_before:
        changes["total"] = [money_text(po.currency, total_before), money_text(po.currency, po.total)]
    if po.status != previous_status:
        changes["status"] = [previous_status, po.status]
    if any(diff.values()):
        changes["line_changes"] = [
            None,
            f"{len(diff['added'])} added, {len(diff['removed'])} removed, {len(diff['changed'])} changed",
        ]
    audit_record(actor=by, action=PurchaseOrderAction.AMENDED, target=po, changes=changes)
    publish(PurchaseOrderAmended(purchase_order=po, amendment=amendment, previous_status=previous_status, by=by))
    return amendment


def _readable(po: PurchaseOrder) -> dict[str, Any]:
    """The amendable fields as people read them: references by their names, not ids."""
    values = values_of(po, AMENDABLE_FIELDS)
    for name in AMENDABLE_FIELDS:
        field = po._meta.get_field(name)
        if field.is_relation:
            related = getattr(po, name)
            values[name] = str(related) if related is not None else None
    return values


def amendment_total_rise(amendment: Amendment) -> Decimal:
    return Decimal(amendment.total_after) - Decimal(amendment.total_before)
