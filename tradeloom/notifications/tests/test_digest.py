"""The daily digest: in each organisation's morning, once a day per member, with exactly what they have not read of
their digest kinds since their last digest, grouped by severity and kind, with links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from tradeloom.core.context import tenant_context
from tradeloom.notifications import digest, services
from tradeloom.notifications.models import DigestRecord, Notification
from tradeloom.notifications.tasks import daily_digest
from tradeloom.notifications.tests.conftest import SHIPMENT_LATE, committed
from tradeloom.notifications.tests.factories import PreferenceFactory

pytestmark = pytest.mark.django_db
KIND = "sales.task_assigned"
# 07:30 in Dhaka (UTC+6) on 2 December 2026
MORNING = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)


@pytest.fixture
def dhaka(ctx):
    org = ctx["org"]
    org.timezone = "Asia/Dhaka"
    org.save(update_fields=["timezone"])
    for membership in (ctx["ann"], ctx["bob"]):
        for kind in (KIND, SHIPMENT_LATE.code):
            PreferenceFactory(organization=org, membership=membership, kind=kind, channel="digest")
    return ctx


def tell(ctx, recipients, *, at, kind=KIND, **kwargs):
    """Notify as of ``at`` (the time the row says it was made)."""
    with tenant_context(ctx["org"]):
        made = services.notify(organization=ctx["org"], recipients=recipients, kind=kind, **kwargs)
        Notification.objects.filter(pk__in=[n.pk for n in made]).update(created_at=at)
    return made


def run(now, capture):
    with committed(capture):
        return digest.digest_run(now=now, using="default")  # the test's rows are not committed for ``owner``


def test_the_digest_says_exactly_what_is_unread_grouped_by_severity_and_kind(dhaka, django_capture_on_commit_callbacks):
    ctx = dhaka
    ann = ctx["ann"]
    # given Ann's digest notifications of yesterday and this night, one of them read, one of another kind, one e-mailed
    evening = MORNING - timedelta(hours=10)  # 21:30 in Dhaka, 1 Dec
    night = MORNING - timedelta(hours=4)  # 03:30 in Dhaka, 2 Dec
    [late] = tell(
        ctx,
        [ann],
        at=evening,
        kind=SHIPMENT_LATE.code,
        title="SH-7 is late",
        severity="critical",
        message="ETA moved to 9 Dec.",
        link="/o/acme/orders/",
    )
    [first] = tell(ctx, [ann], at=evening, title="Olga assigned you “Chase lab dips”", message="On order SO-1.")
    [second] = tell(ctx, [ann], at=night, title="Olga assigned you “Book the vessel”", severity="warning")
    [read] = tell(ctx, [ann], at=night, title="Read already")
    with tenant_context(ctx["org"]):
        services.notification_mark_read(notification=read, by=ann)
        PreferenceFactory(organization=ctx["org"], membership=ctx["owner"], kind=KIND, channel="email")
    tell(ctx, [ctx["owner"]], at=night, title="Not a digest one")
    mail.outbox.clear()
    # when the hourly run comes in Dhaka's morning
    assert run(MORNING, django_capture_on_commit_callbacks) == 1
    # then Ann gets one e-mail that says it all
    [message] = mail.outbox
    assert message.to == ["ann@example.com"]
    assert message.subject == "Acme Sourcing: your daily digest (3 unread notifications)"
    base = "http://127.0.0.1:8000/o/acme/notifications"
    assert message.body == (
        "Good morning Ann Smith,\n"
        "\n"
        "3 notifications in Acme Sourcing are waiting for you since your last digest.\n"
        "\n"
        "== Critical ==\n"
        "\n"
        "Shipment running late\n"
        f"- SH-7 is late (1 Dec, 21:30)\n"
        "  ETA moved to 9 Dec.\n"
        f"  {base}/{late.pk}/\n"
        "\n"
        "== Warning ==\n"
        "\n"
        "Task assigned to you\n"
        "- Olga assigned you “Book the vessel” (2 Dec, 03:30)\n"
        f"  {base}/{second.pk}/\n"
        "\n"
        "== Info ==\n"
        "\n"
        "Task assigned to you\n"
        "- Olga assigned you “Chase lab dips” (1 Dec, 21:30)\n"
        "  On order SO-1.\n"
        f"  {base}/{first.pk}/\n"
        "\n"
        f"All your notifications: {base}/\n"
        "\n"
        "--\n"
        "Tradeloom · Acme Sourcing · times in Asia/Dhaka\n"
        f"You get this digest because of your notification settings: {base}/settings/\n"
    )
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{base}/{late.pk}/"' in html
    assert "Book the vessel" in html
    assert "Read already" not in html
    with tenant_context(ctx["org"]):
        record = DigestRecord.objects.get(membership=ann)
    assert (record.last_sent_at, str(record.last_sent_on)) == (MORNING, "2026-12-02")


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_tells_only_what_is_new(
    dhaka, django_capture_on_commit_callbacks
):
    ctx = dhaka
    tell(ctx, [ctx["ann"]], at=MORNING - timedelta(hours=2), title="Before the first digest")
    assert run(MORNING, django_capture_on_commit_callbacks) == 1
    # something new after the digest went out, and the beat fires again in the same morning
    tell(ctx, [ctx["ann"]], at=MORNING + timedelta(minutes=10), title="After the first digest")
    assert run(MORNING + timedelta(minutes=30), django_capture_on_commit_callbacks) == 0
    assert run(MORNING + timedelta(hours=1), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1
    # the next morning: only what came after the last digest (the first one is still unread, but was told)
    assert run(MORNING + timedelta(days=1), django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 2
    assert "After the first digest" in mail.outbox[1].body
    assert "Before the first digest" not in mail.outbox[1].body
    assert "1 notification in Acme Sourcing is waiting" in mail.outbox[1].body


def test_nothing_goes_out_outside_the_morning_or_with_nothing_unread(dhaka, django_capture_on_commit_callbacks):
    ctx = dhaka
    [made] = tell(ctx, [ctx["ann"]], at=MORNING - timedelta(hours=2), title="Waiting")
    for hour in (-2, -1, 3, 12):  # 05:30, 06:30, 10:30 and 19:30 in Dhaka
        assert run(MORNING + timedelta(hours=hour), django_capture_on_commit_callbacks) == 0
    with tenant_context(ctx["org"]):
        services.notification_mark_read(notification=made, by=ctx["ann"])
    assert run(MORNING, django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_a_missed_run_is_made_up_later_in_the_morning(dhaka, django_capture_on_commit_callbacks):
    tell(dhaka, [dhaka["ann"]], at=MORNING - timedelta(hours=2), title="Waiting")
    assert run(MORNING + timedelta(hours=2), django_capture_on_commit_callbacks) == 1  # 09:30 in Dhaka


def test_each_organisation_in_its_own_morning(dhaka, django_capture_on_commit_callbacks):
    ctx = dhaka
    rival = ctx["rival"]
    PreferenceFactory(organization=ctx["other_org"], membership=rival, kind=KIND, channel="digest")
    tell(ctx, [ctx["ann"]], at=MORNING - timedelta(hours=2), title="For Ann")
    with tenant_context(ctx["other_org"]):
        made = services.notify(organization=ctx["other_org"], recipients=[rival], kind=KIND, title="For the rival")
        Notification.objects.filter(pk=made[0].pk).update(created_at=MORNING - timedelta(hours=2))
    # Rival Textiles is in UTC: 01:30 there, no digest; Acme (Dhaka) gets its own
    assert run(MORNING, django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    # 07:00 UTC: the rival's morning; Acme's is over
    assert run(datetime(2026, 12, 2, 7, 0, tzinfo=UTC), django_capture_on_commit_callbacks) == 1
    assert "For the rival" in mail.outbox[1].body
    assert "For Ann" not in mail.outbox[1].body


def test_inactive_members_get_no_digest(dhaka, django_capture_on_commit_callbacks):
    ctx = dhaka
    tell(ctx, [ctx["bob"]], at=MORNING - timedelta(hours=2), title="For Bob")
    with tenant_context(ctx["org"]):
        ctx["bob"].is_active = False
        ctx["bob"].save(update_fields=["is_active"])
    assert run(MORNING, django_capture_on_commit_callbacks) == 0


def test_a_long_digest_lists_the_most_severe_and_says_how_many_more(dhaka, django_capture_on_commit_callbacks):
    ctx = dhaka
    for n in range(digest.DIGEST_MAX_ITEMS + 5):
        tell(ctx, [ctx["ann"]], at=MORNING - timedelta(minutes=n + 1), title=f"Item {n}")
    tell(ctx, [ctx["ann"]], at=MORNING - timedelta(hours=20), title="The critical one", severity="critical")
    assert run(MORNING, django_capture_on_commit_callbacks) == 1
    body = mail.outbox[0].body
    assert "56 notifications in Acme Sourcing are waiting" in body
    assert "The critical one" in body
    assert "… and 6 more." in body


@pytest.mark.django_db(databases=["default", "owner"])
def test_the_periodic_task_is_registered_hourly_and_runs(dhaka, django_capture_on_commit_callbacks):
    from tradeloom.core.periodic import PERIODIC_TASKS

    periodic = PERIODIC_TASKS["notifications.daily_digest"]
    assert periodic.task == "notifications.daily_digest"
    assert periodic.at.minute == {0}
    assert len(periodic.at.hour) == 24
    with django_capture_on_commit_callbacks(execute=True):
        assert daily_digest() >= 0
