"""The kinds of notification, registered by the apps that send them, and the channels a member chooses from.

An app registers its kinds in its ``AppConfig.ready()``::

    ETA_NEAR = NotificationKind("alerts.eta_near", "ETA coming up", default_channel="email")
    NOTIFICATION_KINDS.register(ETA_NEAR.code, ETA_NEAR)

and then calls ``notifications.services.notify(kind="alerts.eta_near", …)``. Each member chooses, per kind, how
they are told (``Channel``): in the app only, in the app and by e-mail, in the app and in the next daily digest, or
not at all; until they choose, the kind's ``default_channel`` applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from tradeloom.core.registry import Registry


class Channel(models.TextChoices):
    IN_APP = "in_app", "In the app"
    EMAIL = "email", "In the app and by e-mail"
    DIGEST = "digest", "In the app and in the daily digest"
    OFF = "off", "Off"


# What a notification was delivered by (a preference of "off" creates none).
DELIVERY_CHANNELS = (Channel.IN_APP, Channel.EMAIL, Channel.DIGEST)


@dataclass(frozen=True)
class NotificationKind:
    code: str  # e.g. "sales.task_assigned", "alerts.eta_near", "webhooks.endpoint_disabled"
    label: str  # "Task assigned to you"
    description: str = ""
    default_channel: str = "in_app"  # one of Channel: "in_app", "email", "digest" ("off" allowed as a preference)

    def __post_init__(self) -> None:
        if "." not in self.code:
            raise ValueError(f"A notification kind is <app>.<what> ({self.code!r}).")
        if self.default_channel not in Channel.values:
            raise ValueError(f"{self.code}: default_channel must be one of {Channel.values}.")


NOTIFICATION_KINDS: Registry[NotificationKind] = Registry("notification kinds")

TASK_ASSIGNED = NotificationKind(
    "sales.task_assigned",
    "Task assigned to you",
    "Someone assigned you a task on an order (assigning yourself does not notify).",
)


def kind_label(code: str) -> str:
    """The kind's label; its code humanized when no app registers it any more."""
    kind = NOTIFICATION_KINDS.get(code)
    return kind.label if kind is not None else code.replace("_", " ").replace(".", ": ").capitalize()


def kind_choices() -> list[tuple[str, str]]:
    return sorted(((kind.code, kind.label) for kind in NOTIFICATION_KINDS), key=lambda choice: choice[1])
