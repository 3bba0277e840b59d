"""What receivables gives outbound webhooks (``core.webhook_events``): the payment actions integrators may subscribe
to, and how a payment reads in their payloads — as ``GET payments/{id}/`` returns it. Registered from
``ReceivablesConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tradeloom.core.webhook_events import (
    WEBHOOK_EVENT_TYPES,
    WEBHOOK_REPRESENTATIONS,
    WebhookEventType,
    WebhookRepresentation,
)
from tradeloom.receivables.events import PaymentAction

AREA = "Payments"
EVENT_TYPES = [
    (PaymentAction.CREATED, "Payment recorded"),
    ("payment.updated", "Payment changed (date, amount, rate, method, reference, charges, notes)"),
    (PaymentAction.ALLOCATED, "Payment allocated to an invoice"),
    (PaymentAction.UNALLOCATED, "Payment's allocation taken back"),
    (PaymentAction.VOIDED, "Payment voided"),
]


def payments_represent(organization: Any, ids: Iterable[str]) -> dict[str, Any]:
    """Payments as ``GET payments/{id}/`` returns them: two statements whatever the number of ids."""
    from tradeloom.receivables.api.serializers import PaymentDetailOutput
    from tradeloom.receivables.models import Allocation, Payment

    payments = list(Payment.objects.filter(organization=organization, pk__in=list(ids)).select_related("customer"))
    allocations: dict[Any, list[Any]] = {}
    rows = Allocation.objects.filter(payment__in=payments).select_related("invoice").order_by("invoice__number", "id")
    for row in rows:
        allocations.setdefault(row.payment_id, []).append(row)
    return {
        str(p.pk): dict(
            PaymentDetailOutput(
                p, context={"allocations": allocations.get(p.pk, []), "base_currency": organization.base_currency}
            ).data
        )
        for p in payments
    }


def register() -> None:
    for code, label in EVENT_TYPES:
        WEBHOOK_EVENT_TYPES.register(str(code), WebhookEventType(str(code), label, area=AREA))
    WEBHOOK_REPRESENTATIONS.register("receivables.payment", WebhookRepresentation(payments_represent, "payments/{id}/"))
