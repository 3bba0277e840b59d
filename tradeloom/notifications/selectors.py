"""Every read of notifications: always the organisation *and* the recipient — a member reads only their own."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, QuerySet, Value, When
from django.http import Http404

from tradeloom.notifications.kinds import NOTIFICATION_KINDS, Channel, NotificationKind
from tradeloom.notifications.models import Notification, NotificationPreference

# What the inbox and the API list read of each notification.
LIST_FIELDS = (
    "id",
    "kind",
    "title",
    "message",
    "severity",
    "link",
    "target_type",
    "target_id",
    "channel",
    "read_at",
    "emailed_at",
    "created_at",
)


def notification_list(*, organization: Any, recipient: Any) -> QuerySet[Notification]:
    """The recipient's notifications, newest first (keyset pages on ``(-created_at, -id)``)."""
    return (
        Notification.objects.filter(organization=organization, recipient=recipient)
        .only(*LIST_FIELDS)
        .order_by("-created_at", "-id")
    )


def notification_get(*, organization: Any, recipient: Any, pk: Any) -> Notification:
    """One of the recipient's notifications; anyone else's (a colleague's, another organisation's) is a 404."""
    found = Notification.objects.filter(organization=organization, recipient=recipient, pk=pk).first()
    if found is None:
        raise Http404("No such notification.")
    return found


def unread_count(*, organization: Any, recipient: Any) -> int:
    """The bell's number: one statement, from the unread partial index."""
    return Notification.objects.filter(organization=organization, recipient=recipient, read_at__isnull=True).count()


def kinds() -> list[NotificationKind]:
    """Every registered kind, by label."""
    return sorted(NOTIFICATION_KINDS, key=lambda kind: kind.label)


def preferences_of(*, organization: Any, membership: Any) -> dict[str, str]:
    """The member's channel for every registered kind: their choice, else the kind's default."""
    chosen = dict(
        NotificationPreference.objects.filter(organization=organization, membership=membership).values_list(
            "kind", "channel"
        )
    )
    return {kind.code: chosen.get(kind.code, kind.default_channel) for kind in kinds()}


def channels_for(*, organization: Any, membership_ids: list[Any], kind: NotificationKind) -> dict[Any, str]:
    """Each member's channel for ``kind`` (one statement for any number of members)."""
    chosen = dict(
        NotificationPreference.objects.filter(
            organization=organization, membership_id__in=membership_ids, kind=kind.code
        ).values_list("membership_id", "channel")
    )
    return {pk: chosen.get(pk, kind.default_channel) for pk in membership_ids}


def digest_items(
    *, organization: Any, recipient: Any, since: Any, until: Any, limit: int
) -> tuple[list[Notification], int]:
    """What a daily digest tells: the recipient's unread digest notifications made in ``(since, until]`` (``since``
    None: from the first), the most severe then the newest ``limit`` of them, and how many there are."""
    pending = notification_list(organization=organization, recipient=recipient).filter(
        channel=Channel.DIGEST, read_at__isnull=True, created_at__lte=until
    )
    if since is not None:
        pending = pending.filter(created_at__gt=since)
    rank = Case(
        When(severity=Notification.Severity.CRITICAL, then=Value(0)),
        When(severity=Notification.Severity.WARNING, then=Value(1)),
        default=Value(2),
    )
    items = list(pending.order_by(rank, "-created_at", "-id")[:limit])
    total = len(items) if len(items) < limit else pending.count()
    return items, total
