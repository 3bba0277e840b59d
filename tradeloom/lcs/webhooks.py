"""What lcs gives outbound webhooks (``core.webhook_events``): the LC actions integrators may subscribe to, and how
an LC reads in their payloads — as ``GET lcs/{id}/`` returns it. Registered from ``LcsConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tradeloom.core.webhook_events import (
    WEBHOOK_EVENT_TYPES,
    WEBHOOK_REPRESENTATIONS,
    WebhookEventType,
    WebhookRepresentation,
)
from tradeloom.lcs.events import LcAction

AREA = "Letters of credit"
EVENT_TYPES = [
    (LcAction.CREATED, "Letter of credit recorded"),
    ("letter_of_credit.updated", "Pending letter of credit changed"),
    (LcAction.ISSUED, "Letter of credit issued"),
    (LcAction.CONFIRMED, "Letter of credit confirmed"),
    (LcAction.EXPIRED, "Letter of credit expired"),
    (LcAction.CANCELLED, "Letter of credit cancelled"),
    (LcAction.UTILISED, "Letter of credit fully drawn"),
    (LcAction.AMENDMENT_PROPOSED, "LC amendment recorded"),
    (LcAction.AMENDMENT_ACCEPTED, "LC amendment accepted"),
    (LcAction.AMENDMENT_REJECTED, "LC amendment rejected"),
    (LcAction.DRAWN, "Drawing under a letter of credit"),
    (LcAction.DRAWING_RELEASED, "Drawing under a letter of credit released"),
    (LcAction.PRESENTATION_DECIDED, "Presentation under a letter of credit decided"),
]


def lcs_represent(organization: Any, ids: Iterable[str]) -> dict[str, Any]:
    """LCs as ``GET lcs/{id}/`` returns them (eight statements an LC)."""
    from tradeloom.lcs.api.serializers import detail_data
    from tradeloom.lcs.models import LetterOfCredit
    from tradeloom.lcs.selectors import lc_detail

    found: dict[str, Any] = {}
    for pk in ids:
        try:
            found[str(pk)] = detail_data(lc_detail(organization=organization, membership=None, lc_id=pk))
        except LetterOfCredit.DoesNotExist:
            continue
    return found


def register() -> None:
    for code, label in EVENT_TYPES:
        WEBHOOK_EVENT_TYPES.register(str(code), WebhookEventType(str(code), label, area=AREA))
    WEBHOOK_REPRESENTATIONS.register("lcs.letterofcredit", WebhookRepresentation(lcs_represent, "lcs/{id}/"))
