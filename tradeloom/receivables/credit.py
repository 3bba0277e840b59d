"""The credit-limit check, run when an order is confirmed (``sales.events.OrderConfirming``, in its transaction).

The customer's **exposure**, in the organisation's base currency, is (docs/receivables.md):

    outstanding invoices   Σ over its issued and partly paid invoices of (total - paid - credited) x the invoice's rate
  + open orders            Σ over its other confirmed (open), not deleted orders of
                           max(0, order total incl. tax - what its issued invoices bill of it) x the order date's rate
  + this order             the order's total incl. tax x the order date's rate
  - unallocated credit     Σ over its payments of (amount - allocated) x the payment's rate

each term rounded to cents per document. ``partners.Customer.credit_limit`` has no currency of its own: it is read
in the organisation's base currency. Exposure above the limit (strictly: at the limit passes) is, by the
organisation's ``credit_limit_check`` setting: ``off`` nothing; ``warn`` (the default) a warning appended to the
event's ``warnings``; ``block`` a 409 ``credit_limit_exceeded`` — unless an owner or admin gives an
``override_reason``, which is audited on the order (``sales_order.credit_limit_overridden``). A customer without a
limit is not checked. A rate that is missing leaves its document out and says so in a warning (never a silent 0);
an order whose total is unknown (a line without a selling price) counts its priced lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

from tradeloom.audit.services import audit_record
from tradeloom.catalog.services import exchange_rate_on
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.money import ZERO, cents
from tradeloom.receivables.events import OrderCreditAction
from tradeloom.tenancy.roles import Role

MODES = ("off", "warn", "block")
DEFAULT_MODE = "warn"

EXPOSURE_SQL = """
WITH inv AS (
    SELECT COALESCE(SUM(ROUND((i.total - i.paid_amount - i.credited_amount) * i.exchange_rate, 2)), 0) AS owed,
           COUNT(*) FILTER (WHERE i.exchange_rate IS NULL) AS unrated
      FROM invoicing_invoice i
     WHERE i.organization_id = %(org)s AND i.customer_id = %(customer)s
       AND i.status IN ('issued', 'partly_paid')
),
ord AS (
    SELECT tradeloom_rate_on(o.organization_id, o.currency, %(base)s, o.order_date) AS rate,
           (SELECT COALESCE(SUM(ROUND(l.quantity * l.selling_price, 2)
                       + ROUND(ROUND(l.quantity * l.selling_price, 2) * COALESCE(l.tax_rate, o.tax_rate) / 100, 2)), 0)
              FROM sales_line l WHERE l.order_id = o.id) AS total,
           (SELECT COALESCE(SUM(il.amount + il.tax), 0)
              FROM invoicing_invoiceline il JOIN invoicing_invoice b ON b.id = il.invoice_id
             WHERE il.order_id = o.id AND b.status IN ('issued', 'partly_paid', 'paid')) AS invoiced
      FROM sales_order o
     WHERE o.organization_id = %(org)s AND o.customer_id = %(customer)s AND o.status = 'open'
       AND o.archived_at IS NULL AND o.id <> %(order)s
),
pay AS (
    SELECT COALESCE(SUM(ROUND((p.amount - p.allocated_amount) * p.exchange_rate, 2)), 0) AS credit
      FROM receivables_payment p
     WHERE p.organization_id = %(org)s AND p.customer_id = %(customer)s AND p.status = 'received'
       AND p.allocated_amount < p.amount
)
SELECT inv.owed, inv.unrated,
       (SELECT COALESCE(SUM(ROUND(GREATEST(ord.total - ord.invoiced, 0) * ord.rate, 2)), 0)
          FROM ord WHERE ord.rate IS NOT NULL),
       (SELECT COUNT(*) FROM ord WHERE ord.rate IS NULL),
       pay.credit
  FROM inv, pay
"""


@dataclass(frozen=True)
class Exposure:
    currency: str  # the organisation's base currency
    invoices: Decimal  # outstanding invoices
    orders: Decimal  # other open orders, not yet invoiced
    this_order: Decimal | None  # None: no rate for the order's currency on its date
    credit: Decimal  # unallocated payments
    unrated_documents: int  # invoices and orders left out for want of a rate

    @property
    def total(self) -> Decimal:
        return self.invoices + self.orders + (self.this_order or ZERO) - self.credit


def credit_mode(organization: Any) -> str:
    mode = (organization.settings or {}).get("credit_limit_check", DEFAULT_MODE)
    return mode if mode in MODES else DEFAULT_MODE


def exposure_of(*, organization: Any, customer_id: Any, order: Any, amount: Decimal | None) -> Exposure:
    """The customer's exposure with ``order`` (of ``amount`` incl. tax in the order's currency) confirmed: two
    statements (the order's rate and the exposure's one statement)."""
    base = organization.base_currency
    with connection.cursor() as cursor:
        cursor.execute(
            EXPOSURE_SQL,
            {"org": organization.pk, "customer": customer_id, "base": base, "order": order.pk},
        )
        owed, unrated_invoices, orders, unrated_orders, credit = cursor.fetchone()
    this_order: Decimal | None = ZERO
    if amount:
        rate = exchange_rate_on(
            organization=organization, day=order.order_date, from_currency=order.currency, to_currency=base
        )
        this_order = None if rate is None else cents(Decimal(amount) * rate)
    return Exposure(
        currency=base,
        invoices=Decimal(owed),
        orders=Decimal(orders),
        this_order=this_order,
        credit=Decimal(credit),
        unrated_documents=int(unrated_invoices) + int(unrated_orders),
    )


def _money(currency: str, value: Decimal) -> str:
    return f"{currency} {value:,.2f}"


def credit_limit_check(event: Any) -> None:
    """The ``OrderConfirming`` subscriber (in the confirming transaction): warn, refuse or let an owner's override
    through, by the organisation's setting."""
    order = event.order
    organization = order.organization
    mode = credit_mode(organization)
    if mode == "off":
        return
    customer = order.customer
    limit = customer.credit_limit
    if limit is None:
        return
    exposure = exposure_of(organization=organization, customer_id=customer.pk, order=order, amount=event.amount)
    notes = []
    if exposure.this_order is None:
        notes.append(
            f"No {order.currency} → {exposure.currency} rate is known on {order.order_date:%d %b %Y}: this order "
            "is left out of the credit-limit check."
        )
    if exposure.unrated_documents:
        notes.append(
            f"{exposure.unrated_documents} of {customer}'s invoices or orders have no rate to {exposure.currency} "
            "and are left out of the credit-limit check."
        )
    if event.amount is None:
        notes.append("This order has lines without a selling price: the credit-limit check counts none of it.")
    total = exposure.total
    if total <= limit:
        event.warnings.extend(notes)
        return
    c = exposure.currency
    message = (
        f"{customer} would owe {_money(c, total)} with this order, above its credit limit of {_money(c, limit)} "
        f"(outstanding invoices {_money(c, exposure.invoices)}, other open orders not yet invoiced "
        f"{_money(c, exposure.orders)}, this order {_money(c, exposure.this_order or ZERO)}, less unallocated "
        f"payments {_money(c, exposure.credit)})."
    )
    extra = {"exposure": str(total), "credit_limit": str(limit), "currency": c}
    if mode == "warn":
        event.warnings.extend([message, *notes])
        return
    reason = (getattr(event, "override_reason", "") or "").strip()
    if not reason:
        raise ApplicationError(
            f"{message} An owner or admin may confirm it with a reason.",
            code="credit_limit_exceeded",
            status=409,
            extra=extra,
        )
    if getattr(event.by, "role", None) not in (Role.OWNER, Role.ADMIN):
        raise ApplicationError(
            "Only an owner or admin may confirm an order beyond the customer's credit limit.",
            code="permission_denied",
            status=403,
        )
    audit_record(
        actor=event.by,
        action=OrderCreditAction.CREDIT_LIMIT_OVERRIDDEN,
        target=order,
        changes={
            "exposure": [None, str(total)],
            "limit": [None, str(limit)],
            "currency": [None, c],
            "reason": [None, reason],
        },
    )
    event.warnings.extend([f"{message} Confirmed beyond the limit: “{reason}”.", *notes])
