"""What proformas gives outbound webhooks (``core.webhook_events``): the PI actions integrators may subscribe to,
and how a PI reads in their payloads — as ``GET proformas/{id}/`` returns it. Registered from
``ProformasConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tradeloom.core.webhook_events import (
    WEBHOOK_EVENT_TYPES,
    WEBHOOK_REPRESENTATIONS,
    WebhookEventType,
    WebhookRepresentation,
)
from tradeloom.proformas.events import ProformaAction

AREA = "Proforma invoices"
EVENT_TYPES = [
    (ProformaAction.CREATED, "Proforma invoice made"),
    ("proforma.updated", "Proforma invoice draft changed"),
    (ProformaAction.SENT, "Proforma invoice sent"),
    (ProformaAction.ACCEPTED, "Proforma invoice accepted by the buyer"),
    (ProformaAction.CANCELLED, "Proforma invoice cancelled"),
    (ProformaAction.REVISED, "Proforma invoice revised"),
]


def proformas_represent(organization: Any, ids: Iterable[str]) -> dict[str, Any]:
    """PIs as ``GET proformas/{id}/`` returns them: two statements whatever the number of ids."""
    from tradeloom.proformas.api.serializers import proformas_data

    return proformas_data(organization=organization, ids=ids)


def register() -> None:
    for code, label in EVENT_TYPES:
        WEBHOOK_EVENT_TYPES.register(str(code), WebhookEventType(str(code), label, area=AREA))
    WEBHOOK_REPRESENTATIONS.register(
        "proformas.proformainvoice", WebhookRepresentation(proformas_represent, "proformas/{id}/")
    )
