"""What the proformas app records and announces: its audit actions and its domain events (docs/events.md).

A draft's header and line edits are the record verb ``proforma.updated``; every other change is one of the actions
below, targeting the PI revision it concerns (a revision targets the new revision; the one it replaced reads
``proforma.superseded``).

The domain events are what later floors subscribe to: letters of credit are opened against an accepted PI, invoices
and the order's Finance tab read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, Told, sentences_register
from tradeloom.core.events import Event
from tradeloom.proformas import states
from tradeloom.proformas.models import ProformaInvoice


class ProformaAction(Action):
    CREATED = "proforma.created"
    SENT = "proforma.sent"
    ACCEPTED = "proforma.accepted"
    CANCELLED = "proforma.cancelled"
    REVISED = "proforma.revised"
    SUPERSEDED = "proforma.superseded"
    OVER_ORDER_VALUE_ALLOWED = "proforma.over_order_value_allowed"


# --- how the actions read (audit.sentences) -------------------------------------------------------------------------


def _reason(t: Told) -> str:
    return f": “{t.value('reason')}”" if t.has("reason") else ""


def _created(t: Told) -> str:
    t.value("number")
    lines = t.raw("lines")
    what = f" with {lines} line{'s' if lines != 1 else ''}" if lines is not None else ""
    total = f" ({t.value('total')})" if t.has("total") else ""
    return f"{t.actor} made {t.target}{what}{total}"


def _sent(t: Told) -> str:
    t.value("status")
    when = f" on {t.value('sent_on')}" if t.has("sent_on") else ""
    return f"{t.actor} sent {t.target} to the buyer{when}"


def _accepted(t: Told) -> str:
    t.value("status")
    when = f" on {t.value('accepted_on')}" if t.has("accepted_on") else ""
    reference = f" (buyer's reference {t.value('accepted_reference')})" if t.has("accepted_reference") else ""
    return f"{t.actor} recorded the buyer's acceptance of {t.target}{when}{reference}"


def _cancelled(t: Told) -> str:
    t.value("status")
    return f"{t.actor} cancelled {t.target}{_reason(t)}"


def _revised(t: Told) -> str:
    revision = f" as revision {t.value('revision')}" if t.has("revision") else ""
    return f"{t.actor} revised {t.target}{revision}"


def _superseded(t: Told) -> str:
    by = f" by revision {t.value('revision')}" if t.has("revision") else ""
    return f"{t.actor} superseded {t.target}{by}"


def _over_order_value(t: Told) -> str:
    limit = f" beyond the order's limit of {t.value('limit')}" if t.has("limit") else " beyond the order's value"
    accepted = f" (accepted PIs to {t.value('accepted')})" if t.has("accepted") else ""
    return f"{t.actor} accepted {t.target}{limit}{accepted}{_reason(t)}"


sentences_register(
    {
        ProformaAction.CREATED: _created,
        ProformaAction.SENT: _sent,
        ProformaAction.ACCEPTED: _accepted,
        ProformaAction.CANCELLED: _cancelled,
        ProformaAction.REVISED: _revised,
        ProformaAction.SUPERSEDED: _superseded,
        ProformaAction.OVER_ORDER_VALUE_ALLOWED: _over_order_value,
    },
    fields={
        "status": Field(values=states.LABELS),
        "reason": Field(label="Reason", plain=True),
        "sent_on": Field(label="Sent on"),
        "accepted_on": Field(label="Accepted on"),
        "accepted_reference": Field(label="Buyer's reference", plain=True),
        "revision": Field(label="Revision", number=True),
        "total": Field(label="Total", money=True),
        "limit": Field(label="Limit", money=True),
        "accepted": Field(label="Accepted", money=True),
        "lines": Field(label="Lines", number=True),
    },
)


# --- domain events ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProformaCreated(Event):
    """A PI (revision 1, a draft) was made from an order, in the creating transaction."""

    name = "proformas.proforma_created"
    proforma: ProformaInvoice
    by: Any


@dataclass(frozen=True, kw_only=True)
class ProformaMoved(Event):
    """Base of a status move: the PI (with its new status), the status it left and who moved it."""

    name = "proformas.proforma_moved"
    proforma: ProformaInvoice
    previous_status: str
    by: Any


@dataclass(frozen=True, kw_only=True)
class ProformaSent(ProformaMoved):
    """The PI went to the buyer (``proforma.sent_on``)."""

    name = "proformas.proforma_sent"


@dataclass(frozen=True, kw_only=True)
class ProformaAccepted(ProformaMoved):
    """The buyer accepted the PI (``accepted_on``, ``accepted_reference``, ``accepted_by``): an LC may be opened
    against it, an advance invoiced."""

    name = "proformas.proforma_accepted"


@dataclass(frozen=True, kw_only=True)
class ProformaCancelled(ProformaMoved):
    """The PI was cancelled (``proforma.status_reason`` says why)."""

    name = "proformas.proforma_cancelled"


@dataclass(frozen=True, kw_only=True)
class ProformaRevised(Event):
    """A sent or accepted PI was revised: ``proforma`` is the new revision (a draft), ``previous`` the one it
    superseded (``previous.status`` was sent or accepted before: ``previous_status``)."""

    name = "proformas.proforma_revised"
    proforma: ProformaInvoice
    previous: ProformaInvoice
    previous_status: str
    by: Any
