"""``notify`` and the services around it: channels from each member's settings, who is told, what is refused,
reading, settings (audited), and the e-mail through the outbox."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tradeloom.audit.models import AuditEvent
from tradeloom.audit.sentences import describe
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.models import OutboxEntry
from tradeloom.notifications import services
from tradeloom.notifications.models import Notification, NotificationPreference
from tradeloom.notifications.tests.conftest import SHIPMENT_LATE
from tradeloom.notifications.tests.factories import NotificationFactory, PreferenceFactory
from tradeloom.sales.tests.factories import TaskFactory
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db
KIND = "sales.task_assigned"


def tell(ctx, recipients, kind=KIND, **kwargs):
    kwargs.setdefault("title", "Chase the lab dips")
    return services.notify(organization=ctx["org"], recipients=recipients, kind=kind, **kwargs)


def test_each_channel_as_each_member_chose(ctx, in_org, django_capture_on_commit_callbacks):
    # given four members who chose differently for the kind (Owner keeps the default, in the app)
    PreferenceFactory(organization=ctx["org"], membership=ctx["ann"], kind=KIND, channel="email")
    PreferenceFactory(organization=ctx["org"], membership=ctx["bob"], kind=KIND, channel="digest")
    PreferenceFactory(organization=ctx["org"], membership=ctx["viewer"], kind=KIND, channel="off")
    # when all four are told
    with django_capture_on_commit_callbacks(execute=True):
        made = tell(ctx, [ctx["ann"], ctx["bob"], ctx["viewer"], ctx["owner"]], message="On SO-1.", link="/o/acme/x/")
    # then the one who turned it off has nothing, the others a notification by their channel
    assert {n.recipient_id: n.channel for n in made} == {
        ctx["ann"].pk: "email",
        ctx["bob"].pk: "digest",
        ctx["owner"].pk: "in_app",
    }
    assert Notification.objects.filter(recipient=ctx["viewer"]).count() == 0
    # and only the e-mail one was e-mailed, once, to Ann
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    emailed = Notification.objects.get(recipient=ctx["ann"])
    assert emailed.emailed_at is not None
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 1


def test_a_kinds_default_channel_applies_until_a_member_chooses(ctx, in_org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = tell(ctx, [ctx["ann"]], kind=SHIPMENT_LATE.code, title="SH-1 is late")
    assert [n.channel for n in made] == ["email"]
    assert mail.outbox[0].subject == "SH-1 is late · Acme Sourcing"


def test_each_recipient_once_only_active_members_of_the_organisation(ctx, in_org):
    ctx["bob"].is_active = False
    ctx["bob"].save(update_fields=["is_active"])
    made = tell(ctx, [ctx["ann"], ctx["ann"], ctx["bob"], ctx["rival"]])
    assert [n.recipient_id for n in made] == [ctx["ann"].pk]
    assert tell(ctx, []) == []


def test_the_target_record_and_link_are_kept(ctx, in_org):
    task = TaskFactory(organization=ctx["org"])
    [made] = tell(ctx, [ctx["ann"]], target=task, link="/o/acme/orders/1/?tab=tasks", severity="critical")
    fresh = Notification.objects.get(pk=made.pk)
    assert (fresh.target_type, fresh.target_id) == ("sales.task", str(task.pk))
    assert (fresh.link, fresh.severity, fresh.read_at) == ("/o/acme/orders/1/?tab=tasks", "critical", None)


def test_a_long_title_is_shortened(ctx, in_org):
    [made] = tell(ctx, [ctx["ann"]], title="x" * 300)
    assert len(made.title) == 200
    assert made.title.endswith("…")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"kind": "nobody.registered_this"}, "Unknown notification kind"),
        ({"severity": "urgent"}, "Unknown severity"),
        ({"title": "  "}, "needs a title"),
        ({"link": "https://evil.example/"}, "relative URL"),
        ({"link": "//evil.example/"}, "relative URL"),
        ({"link": "orders/1/"}, "relative URL"),
        ({"link": "/" + "x" * 600}, "relative URL"),
    ],
)
def test_what_notify_refuses(ctx, in_org, kwargs, error):
    with pytest.raises(ValueError, match=error):
        tell(ctx, [ctx["ann"]], **kwargs)
    assert Notification.objects.count() == 0


def test_notify_costs_the_same_for_one_recipient_or_thirty(ctx, in_org, member, django_capture_on_commit_callbacks):
    many = [member(Role.STAFF) for _ in range(30)]
    for membership in many[::2]:
        PreferenceFactory(organization=ctx["org"], membership=membership, kind=KIND, channel="email")
    PreferenceFactory(organization=ctx["org"], membership=ctx["ann"], kind=KIND, channel="email")
    counts = []
    for recipients in ([ctx["ann"]], many):
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks():
            tell(ctx, recipients)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 7  # savepoint pair, members, preferences, insert, outbox entry
    assert OutboxEntry.objects.filter(task="notifications.send_email").count() == 2


def test_marking_read_and_unread_and_only_ones_own(ctx, in_org):
    mine = NotificationFactory(organization=ctx["org"], recipient=ctx["ann"])
    services.notification_mark_read(notification=mine, by=ctx["ann"])
    first = Notification.objects.get(pk=mine.pk).read_at
    services.notification_mark_read(notification=mine, by=ctx["ann"])  # again: the first time stays
    assert first is not None
    assert Notification.objects.get(pk=mine.pk).read_at == first
    services.notification_mark_unread(notification=mine, by=ctx["ann"])
    assert Notification.objects.get(pk=mine.pk).read_at is None
    with pytest.raises(ApplicationError) as refused:
        services.notification_mark_read(notification=mine, by=ctx["bob"])
    assert (refused.value.code, refused.value.status) == ("not_found", 404)
    assert Notification.objects.get(pk=mine.pk).read_at is None


def test_mark_all_read_respects_kind_and_severity_and_the_recipient(ctx, in_org):
    org, ann = ctx["org"], ctx["ann"]
    NotificationFactory(organization=org, recipient=ann, kind=KIND, severity="info")
    NotificationFactory(organization=org, recipient=ann, kind=KIND, severity="critical")
    NotificationFactory(organization=org, recipient=ann, kind=SHIPMENT_LATE.code, severity="critical")
    bobs = NotificationFactory(organization=org, recipient=ctx["bob"], kind=KIND)
    assert services.notifications_mark_all_read(organization=org, by=ann, kind=KIND, severity="critical") == 1
    assert services.notifications_mark_all_read(organization=org, by=ann, severity="critical") == 1
    assert services.notifications_mark_all_read(organization=org, by=ann) == 1
    assert services.notifications_mark_all_read(organization=org, by=ann) == 0
    assert Notification.objects.get(pk=bobs.pk).read_at is None


def test_settings_are_saved_audited_and_read_as_a_sentence(ctx, in_org):
    org, ann = ctx["org"], ctx["ann"]
    channels = services.preferences_set(
        organization=org, membership=ann, by=ann, channels={KIND: "digest", SHIPMENT_LATE.code: "off"}
    )
    assert (channels[KIND], channels[SHIPMENT_LATE.code]) == ("digest", "off")  # and every other kind's default
    # saving the same again changes nothing and records nothing
    services.preferences_set(organization=org, membership=ann, by=ann, channels={KIND: "digest"})
    services.preferences_set(organization=org, membership=ann, by=ann, channels={KIND: "email"})
    assert dict(NotificationPreference.objects.filter(membership=ann).values_list("kind", "channel")) == {
        KIND: "email",
        SHIPMENT_LATE.code: "off",
    }
    events = list(
        AuditEvent.objects.filter(action="membership.notification_settings_changed")
        .select_related("actor")
        .order_by("created_at", "id")
    )
    assert [e.changes for e in events] == [
        {KIND: ["in_app", "digest"], SHIPMENT_LATE.code: ["email", "off"]},
        {KIND: ["digest", "email"]},
    ]
    assert [d.text for d in describe(events)] == [
        "Ann Smith changed their notification settings: Shipment running late from by e-mail to off; "
        "Task assigned to you from in the app to in the daily digest",
        "Ann Smith changed their notification settings: Task assigned to you from in the daily digest to by e-mail",
    ]


@pytest.mark.parametrize(("channels", "field"), [({"nobody.kind": "email"}, "nobody.kind"), ({KIND: "pigeon"}, KIND)])
def test_settings_refuse_unknown_kinds_and_channels(ctx, in_org, channels, field):
    with pytest.raises(ApplicationError) as refused:
        services.preferences_set(organization=ctx["org"], membership=ctx["ann"], by=ctx["ann"], channels=channels)
    assert refused.value.code == "validation_error"
    assert list(refused.value.extra["errors"]) == [field]
    assert NotificationPreference.objects.count() == 0


def test_a_member_sets_only_their_own_settings(ctx, in_org):
    with pytest.raises(ApplicationError) as refused:
        services.preferences_set(
            organization=ctx["org"], membership=ctx["ann"], by=ctx["owner"], channels={KIND: "off"}
        )
    assert refused.value.code == "permission_denied"


def test_the_email_is_sent_once_even_when_the_effect_runs_again(ctx, in_org, django_capture_on_commit_callbacks):
    from tradeloom.notifications.tasks import send_email

    PreferenceFactory(organization=ctx["org"], membership=ctx["ann"], kind=KIND, channel="email")
    with django_capture_on_commit_callbacks(execute=True):
        [made] = tell(ctx, [ctx["ann"]], message="On order SO-1.", link="/o/acme/orders/")
    entry = OutboxEntry.objects.get(task="notifications.send_email")
    assert entry.done_at is not None
    # a redelivery finds the entry done; the body itself skips what was e-mailed already
    send_email(outbox_id=str(entry.pk), organization_id=str(ctx["org"].pk), notification_ids=[str(made.pk)])
    with tenant_context(ctx["org"]):
        OutboxEntry.objects.filter(pk=entry.pk).update(done_at=None)
    send_email(outbox_id=str(entry.pk), organization_id=str(ctx["org"].pk), notification_ids=[str(made.pk)])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Chase the lab dips · Acme Sourcing"
    assert f"http://127.0.0.1:8000/o/acme/notifications/{made.pk}/" in message.body
    assert "On order SO-1." in message.body
    assert "http://127.0.0.1:8000/o/acme/notifications/settings/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Chase the lab dips" in html
