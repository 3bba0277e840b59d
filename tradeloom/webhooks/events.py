"""What the webhooks app records: its audit actions (docs/events.md). An endpoint's record verbs
(``webhook_endpoint.created`` …) come from ``records.services``."""

from __future__ import annotations

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, Told, sentences_register


class EndpointAction(Action):
    SECRET_ROTATED = "webhook_endpoint.secret_rotated"  # noqa: S105 - an action name
    DISABLED = "webhook_endpoint.disabled"
    TEST_SENT = "webhook_endpoint.test_sent"
    REPLAYED = "webhook_endpoint.replayed"


def _disabled(t: Told) -> str:
    t.value("is_active")
    reason = f": {t.raw('reason')}" if t.raw("reason") else ""
    return f"Tradeloom disabled {t.named}{reason}"


def _replayed(t: Told) -> str:
    count = t.raw("deliveries")
    what = f"{count} deliver{'y' if count == 1 else 'ies'}" if isinstance(count, int) else "deliveries"
    since = f" that failed since {t.value('since')}" if t.has("since") else ""
    return f"{t.actor} replayed {what}{since} to {t.named}"


sentences_register(
    {
        EndpointAction.SECRET_ROTATED: lambda t: f"{t.actor} rotated the signing secret of {t.named}",
        EndpointAction.DISABLED: _disabled,
        EndpointAction.TEST_SENT: lambda t: f"{t.actor} sent a test event to {t.named}",
        EndpointAction.REPLAYED: _replayed,
    },
    fields={
        "reason": Field(label="Reason", plain=True),
        "deliveries": Field(hidden=True),
        "since": Field(label="Since"),
        "delivery": Field(hidden=True),
    },
)
