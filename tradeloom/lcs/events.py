"""What the lcs app records and announces: its audit actions and its domain events (docs/events.md).

Every action targets the letter of credit (its amendments, drawings, presentations and discrepancies are parts of
it): its Timeline is one list. A pending LC's header edits are the record verb ``letter_of_credit.updated``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, Told, sentences_register
from tradeloom.core.events import Event
from tradeloom.lcs import states
from tradeloom.lcs.models import Amendment, LetterOfCredit, Utilisation


class LcAction(Action):
    CREATED = "letter_of_credit.created"
    ISSUED = "letter_of_credit.issued"
    CONFIRMED = "letter_of_credit.confirmed"
    EXPIRED = "letter_of_credit.expired"
    CANCELLED = "letter_of_credit.cancelled"
    UTILISED = "letter_of_credit.utilised"
    REOPENED = "letter_of_credit.reopened"
    AMENDMENT_PROPOSED = "letter_of_credit.amendment_proposed"
    AMENDMENT_ACCEPTED = "letter_of_credit.amendment_accepted"
    AMENDMENT_REJECTED = "letter_of_credit.amendment_rejected"
    DRAWN = "letter_of_credit.drawn"
    DRAWING_RELEASED = "letter_of_credit.drawing_released"
    PRESENTED = "letter_of_credit.presented"
    PRESENTATION_CHANGED = "letter_of_credit.presentation_changed"
    PRESENTATION_DECIDED = "letter_of_credit.presentation_decided"
    DISCREPANCY_RAISED = "letter_of_credit.discrepancy_raised"
    DISCREPANCY_RESOLVED = "letter_of_credit.discrepancy_resolved"
    ORDER_LINKED = "letter_of_credit.order_linked"
    ORDER_UNLINKED = "letter_of_credit.order_unlinked"
    PROFORMA_LINKED = "letter_of_credit.proforma_linked"
    PROFORMA_UNLINKED = "letter_of_credit.proforma_unlinked"


# --- how the actions read (audit.sentences) -------------------------------------------------------------------------


def _reason(t: Told) -> str:
    return f": “{t.value('reason')}”" if t.has("reason") else ""


def _created(t: Told) -> str:
    t.value("number")
    amount = f" for {t.value('currency')} {t.value('amount')}" if t.has("amount") and t.has("currency") else ""
    return f"{t.actor} recorded {t.target}{amount}"


def _moved(verb: str, *, reason: bool = False) -> Any:
    def sentence(t: Told) -> str:
        t.value("status")
        return f"{t.actor} {verb.format(target=t.target)}{_reason(t) if reason else ''}"

    return sentence


def _amendment(verb: str) -> Any:
    def sentence(t: Told) -> str:
        revision = f" {t.value('revision')}" if t.has("revision") else ""
        return f"{t.actor} {verb} amendment{revision} of {t.target}{_reason(t)}"

    return sentence


def _drawn(t: Told) -> str:
    amount = f" {t.value('currency')} {t.value('amount')}" if t.has("amount") and t.has("currency") else ""
    source = f" for {t.value('source')}" if t.has("source") else ""
    return f"{t.actor} drew{amount} under {t.target}{source}"


def _released(t: Told) -> str:
    amount = f" of {t.value('amount')}" if t.has("amount") else ""
    return f"{t.actor} released a drawing{amount} under {t.target}{_reason(t)}"


def _presentation(verb: str) -> Any:
    def sentence(t: Told) -> str:
        on = f" of {t.value('presented_on')}" if t.has("presented_on") else ""
        outcome = f" as {t.value('outcome')}" if t.has("outcome") else ""
        return f"{t.actor} {verb} a presentation{on} under {t.target}{outcome}"

    return sentence


def _discrepancy(verb: str) -> Any:
    def sentence(t: Told) -> str:
        text = f" “{t.value('text')}”" if t.has("text") else ""
        outcome = f" ({t.value('outcome')})" if t.has("outcome") else ""
        return f"{t.actor} {verb} discrepancy{text} on {t.target}{outcome}"

    return sentence


def _link(verb: str, what: str) -> Any:
    def sentence(t: Told) -> str:
        name = t.value(what) if t.has(what) else f"a{'n' if what == 'order' else ''} {what}"
        preposition = "to" if verb == "linked" else "from"
        return f"{t.actor} {verb} {name} {preposition} {t.target}"

    return sentence


sentences_register(
    {
        LcAction.CREATED: _created,
        LcAction.ISSUED: _moved("marked {target} as issued"),
        LcAction.CONFIRMED: _moved("marked {target} as confirmed"),
        LcAction.EXPIRED: _moved("marked {target} as expired"),
        LcAction.CANCELLED: _moved("cancelled {target}", reason=True),
        LcAction.UTILISED: _moved("drew {target} in full"),
        LcAction.REOPENED: _moved("reopened {target} (a drawing was released)"),
        LcAction.AMENDMENT_PROPOSED: _amendment("recorded"),
        LcAction.AMENDMENT_ACCEPTED: _amendment("accepted"),
        LcAction.AMENDMENT_REJECTED: _amendment("rejected"),
        LcAction.DRAWN: _drawn,
        LcAction.DRAWING_RELEASED: _released,
        LcAction.PRESENTED: _presentation("recorded"),
        LcAction.PRESENTATION_CHANGED: _presentation("updated"),
        LcAction.PRESENTATION_DECIDED: _presentation("decided"),
        LcAction.DISCREPANCY_RAISED: _discrepancy("raised"),
        LcAction.DISCREPANCY_RESOLVED: _discrepancy("resolved"),
        LcAction.ORDER_LINKED: _link("linked", "order"),
        LcAction.ORDER_UNLINKED: _link("unlinked", "order"),
        LcAction.PROFORMA_LINKED: _link("linked", "proforma"),
        LcAction.PROFORMA_UNLINKED: _link("unlinked", "proforma"),
    },
    fields={
        "status": Field(values=states.LABELS),
        "reason": Field(label="Reason", plain=True),
        "revision": Field(label="Revision", number=True),
        "amount": Field(label="Amount", money=True),
        "currency": Field(label="Currency", plain=True),
        "source": Field(label="Drawn for", plain=True),
        "presented_on": Field(label="Presented on"),
        "outcome": Field(label="Outcome", plain=True),
        "text": Field(label="Discrepancy", plain=True),
        "order": Field(label="Order", plain=True),
        "proforma": Field(label="Proforma invoice", plain=True),
        "terms": Field(label="Terms", plain=True),
        "utilised": Field(label="Utilised", money=True),
        "override_reason": Field(label="Override reason", plain=True),
    },
)


# --- domain events ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class UtilisationDrawn(Event):
    """A drawing was made under an LC, in the drawing's transaction (the LC is locked, its utilised sum updated)."""

    name = "lcs.utilisation_drawn"
    letter_of_credit: LetterOfCredit
    utilisation: Utilisation
    by: Any


@dataclass(frozen=True, kw_only=True)
class UtilisationReleased(Event):
    """A drawing was given back (a void invoice, refused documents): the LC's available amount grows again."""

    name = "lcs.utilisation_released"
    letter_of_credit: LetterOfCredit
    utilisation: Utilisation
    by: Any


@dataclass(frozen=True, kw_only=True)
class AmendmentAccepted(Event):
    """An amendment was accepted: the LC's terms (as of now) are the amendment's."""

    name = "lcs.amendment_accepted"
    letter_of_credit: LetterOfCredit
    amendment: Amendment
    by: Any
