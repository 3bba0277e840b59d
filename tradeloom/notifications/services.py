"""Every write of notifications: ``notify`` (what other apps call), reading, and a member's settings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.outbox import outbox_enqueue
from tradeloom.notifications.events import MembershipNotificationAction
from tradeloom.notifications.kinds import NOTIFICATION_KINDS, Channel
from tradeloom.notifications.models import Notification, NotificationPreference
from tradeloom.notifications.selectors import channels_for, preferences_of
from tradeloom.tenancy.models import Membership

SEND_EMAIL = "notifications.send_email"
TITLE_MAX = Notification._meta.get_field("title").max_length or 200
LINK_MAX = Notification._meta.get_field("link").max_length or 500


def _check_link(link: str) -> None:
    """A link is the relative address of a page of this site (``/o/acme/orders/…``): the inbox redirects to it, so
    anything that could leave the site is refused."""
    if not link:
        return
    if not link.startswith("/") or link.startswith("//") or "\\" in link or len(link) > LINK_MAX:
        raise ValueError(f"A notification's link is a relative URL of this site starting with '/' ({link!r}).")


@transaction.atomic
def notify(
    *,
    organization: Any,
    recipients: Iterable[Membership],
    kind: str,
    title: str,
    message: str = "",
    severity: str = "info",
    link: str = "",
    target: models.Model | None = None,
) -> list[Notification]:
    """Inside the caller's transaction: one Notification per distinct active recipient (bulk insert, constant
    number of statements whatever the number of recipients), honouring each recipient's preference for `kind`
    (off → none; in_app → in-app only; email → in-app + an e-mail through the outbox; digest → in-app, included
    in the next daily digest). Unknown kind → ValueError."""
    known = NOTIFICATION_KINDS.get(kind)
    if known is None:
        raise ValueError(f"Unknown notification kind {kind!r}: register it in NOTIFICATION_KINDS in AppConfig.ready().")
    if severity not in Notification.Severity.values:
        raise ValueError(f"Unknown severity {severity!r}: one of {Notification.Severity.values}.")
    title = (title or "").strip()
    if not title:
        raise ValueError("A notification needs a title.")
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    _check_link(link)
    organization_id = getattr(organization, "pk", organization)
    wanted = list(dict.fromkeys(member.pk for member in recipients))
    if not wanted:
        return []
    active = set(
        Membership.objects.filter(organization_id=organization_id, pk__in=wanted, is_active=True).values_list(
            "pk", flat=True
        )
    )
    ids = [pk for pk in wanted if pk in active]
    if not ids:
        return []
    channels = channels_for(organization=organization_id, membership_ids=ids, kind=known)
    target_type = target._meta.label_lower if target is not None else ""
    target_id = str(target.pk) if target is not None else ""
    rows = [
        Notification(
            organization_id=organization_id,
            recipient_id=pk,
            kind=kind,
            title=title,
            message=message or "",
            severity=severity,
            link=link,
            target_type=target_type,
            target_id=target_id,
            channel=channels[pk],
        )
        for pk in ids
        if channels[pk] != Channel.OFF
    ]
    if not rows:
        return []
    Notification.objects.bulk_create(rows)
    emailed = [str(row.pk) for row in rows if row.channel == Channel.EMAIL]
    if emailed:  # one effect for all of them: the task sends one e-mail per notification
        outbox_enqueue(SEND_EMAIL, organization_id=organization_id, notification_ids=emailed)
    return rows


def _own(notification: Notification, by: Membership) -> None:
    if notification.recipient_id != by.pk or notification.organization_id != by.organization_id:
        raise ApplicationError("No such notification.", code="not_found", status=404)


@transaction.atomic
def notification_mark_read(*, notification: Notification, by: Membership) -> Notification:
    """Mark one of ``by``'s notifications read (again: nothing changes; the first time stays)."""
    _own(notification, by)
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now, updated_at=now)
        notification.read_at = now
    return notification


@transaction.atomic
def notification_mark_unread(*, notification: Notification, by: Membership) -> Notification:
    """Put one of ``by``'s notifications back among the unread."""
    _own(notification, by)
    if notification.read_at is not None:
        Notification.objects.filter(pk=notification.pk).update(read_at=None, updated_at=timezone.now())
        notification.read_at = None
    return notification


@transaction.atomic
def notifications_mark_all_read(*, organization: Any, by: Membership, kind: str = "", severity: str = "") -> int:
    """Mark ``by``'s unread notifications read — all of them, or those of one kind and/or severity (the inbox's
    filters); how many. One statement."""
    unread = Notification.objects.filter(organization=organization, recipient=by, read_at__isnull=True)
    if kind:
        unread = unread.filter(kind=kind)
    if severity:
        unread = unread.filter(severity=severity)
    now = timezone.now()
    return unread.update(read_at=now, updated_at=now)


def _invalid(errors: dict[str, list[str]]) -> ApplicationError:
    return ApplicationError(
        "Some notification settings are not valid.", code="validation_error", extra={"errors": errors}
    )


@transaction.atomic
def preferences_set(
    *, organization: Any, membership: Membership, by: Membership, channels: Mapping[str, str]
) -> dict[str, str]:
    """Set how ``membership`` is told of the kinds ``channels`` names (kinds it leaves out keep their channel);
    a member sets only their own. Audited as one event with the changed kinds. Returns every kind's channel."""
    if by.pk != membership.pk:
        raise ApplicationError("You choose only your own notification settings.", code="permission_denied", status=403)
    errors: dict[str, list[str]] = {}
    for code, channel in channels.items():
        if code not in NOTIFICATION_KINDS:
            errors[str(code)] = ["No such kind of notification."]
        elif channel not in Channel.values:
            errors[str(code)] = [f"“{channel}” is not a channel: one of {', '.join(Channel.values)}."]
    if errors:
        raise _invalid(errors)
    # the member's row locked: two saves at once are applied one after the other, each audited with what it changed
    Membership.objects.select_for_update().filter(pk=membership.pk).values_list("pk").first()
    before = preferences_of(organization=organization, membership=membership)
    changes = {code: [before[code], channel] for code, channel in channels.items() if before.get(code) != channel}
    if changes:
        NotificationPreference.objects.bulk_create(
            [
                NotificationPreference(
                    organization_id=membership.organization_id,
                    membership=membership,
                    kind=code,
                    channel=new,
                    created_by_id=by.user_id,
                )
                for code, (_old, new) in sorted(changes.items())
            ],
            update_conflicts=True,
            unique_fields=["organization", "membership", "kind"],
            update_fields=["channel", "updated_at"],
        )
        audit_record(actor=by, action=MembershipNotificationAction.SETTINGS_CHANGED, target=membership, changes=changes)
    return {**before, **{code: new for code, (_old, new) in changes.items()}}
