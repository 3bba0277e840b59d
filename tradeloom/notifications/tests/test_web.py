"""The notification pages: the bell's count, the inbox (filters, pages, mark read, mark all read, opening), the
settings page; a member never reaches another member's notifications, nor another organisation's."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.notifications.models import Notification, NotificationPreference
from tradeloom.notifications.tests.conftest import SHIPMENT_LATE
from tradeloom.notifications.tests.factories import NotificationFactory
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db
KIND = "sales.task_assigned"
BASE = "/o/acme/notifications/"


def browser(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def some(ctx, recipient=None, n=1, **kwargs):
    recipient = recipient or ctx["ann"]
    return [NotificationFactory(organization=recipient.organization, recipient=recipient, **kwargs) for _ in range(n)]


def test_the_bell_links_to_the_inbox_and_loads_its_count(ctx):
    page = browser(ctx["ann"]).get("/o/acme/").content.decode()
    assert f'href="{BASE}" id="notification-bell"' in page
    assert f'id="notification-count" class="mr-1" tabindex="-1" hx-get="{BASE}bell/"' in page
    assert 'hx-trigger="load, every 30s, notifications-changed from:body"' in page
    assert f'href="{BASE}settings/"' in page  # the user menu


def test_the_bells_count_is_one_statement_and_only_ones_own(ctx, django_assert_max_num_queries):
    some(ctx, n=3)
    some(ctx, n=2, read_at="2026-12-01T00:00:00Z")
    some(ctx, recipient=ctx["bob"], n=4)
    some(ctx, recipient=ctx["rival"], n=5)
    client = browser(ctx["ann"])
    client.get(f"{BASE}bell/")
    with django_assert_max_num_queries(budget("web.notifications.bell")):
        body = client.get(f"{BASE}bell/").content.decode()
    assert ">3</span>" in body
    assert "3 unread notifications" in body
    with tenant_context(ctx["org"]):
        Notification.objects.filter(recipient=ctx["ann"]).update(read_at="2026-12-01T00:00:00Z")
    assert "unread" not in client.get(f"{BASE}bell/").content.decode()


def test_a_hundred_unread_show_as_99_plus(ctx):
    with tenant_context(ctx["org"]):
        Notification.objects.bulk_create(
            [Notification(organization=ctx["org"], recipient=ctx["ann"], kind=KIND, title=f"N{n}") for n in range(100)]
        )
    assert ">99+</span>" in browser(ctx["ann"]).get(f"{BASE}bell/").content.decode()


def test_the_inbox_lists_only_ones_own_newest_first_within_budget(ctx, django_assert_max_num_queries):
    some(ctx, recipient=ctx["bob"], title="Bob's")
    some(ctx, recipient=ctx["rival"], title="The rival's")
    for n in range(30):
        some(ctx, title=f"Mine {n:02d}", severity=["info", "warning", "critical"][n % 3])
    client = browser(ctx["ann"])
    client.get(BASE)
    with django_assert_max_num_queries(budget("web.notifications.inbox")):
        response = client.get(BASE)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bob&#x27;s" not in page
    assert "The rival" not in page
    titles = re.findall(r">(Mine \d\d)</a>", page)
    assert titles == [f"Mine {n:02d}" for n in range(29, 4, -1)]  # a page of 25, newest first
    assert 'rel="next"' in page


def test_the_inbox_filters_by_kind_severity_and_unread(ctx):
    some(ctx, title="Task info", kind=KIND, severity="info")
    some(ctx, title="Task critical", kind=KIND, severity="critical")
    some(ctx, title="Late critical", kind=SHIPMENT_LATE.code, severity="critical")
    some(ctx, title="Read one", kind=KIND, read_at="2026-12-01T00:00:00Z")
    client = browser(ctx["ann"])

    def titles(query):
        return set(re.findall(r'class="break-words [^"]*">([^<]+)</a>', client.get(f"{BASE}?{query}").content.decode()))

    assert titles(f"kind={KIND}&severity=critical") == {"Task critical"}
    assert titles("severity=critical") == {"Task critical", "Late critical"}
    assert titles("unread=true") == {"Task info", "Task critical", "Late critical"}
    assert titles("unread=false") == {"Read one"}
    # a kind or severity that does not exist: the filter says so, no rows, never a 500
    response = client.get(f"{BASE}?kind=nobody.kind&severity=urgent")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert titles("kind=nobody.kind") == set()


def test_an_empty_inbox_says_so(ctx):
    page = browser(ctx["ann"]).get(BASE).content.decode()
    assert "No notifications yet" in page


def test_opening_marks_read_and_goes_to_its_page(ctx):
    [linked] = some(ctx, link="/o/acme/orders/?tab=tasks")
    [unlinked] = some(ctx)
    client = browser(ctx["ann"])
    response = client.get(f"{BASE}{linked.pk}/")
    assert (response.status_code, response["Location"]) == (302, "/o/acme/orders/?tab=tasks")
    response = client.get(f"{BASE}{unlinked.pk}/")
    assert (response.status_code, response["Location"]) == (302, BASE)
    with tenant_context(ctx["org"]):
        assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_a_link_that_would_leave_the_site_is_never_followed(ctx):
    [bad] = some(ctx, link="//evil.example/")  # notify refuses it; a row written some other way still cannot
    response = browser(ctx["ann"]).get(f"{BASE}{bad.pk}/")
    assert response["Location"] == BASE


def test_mark_read_and_unread_answer_htmx_with_the_row_and_tell_the_bell(ctx):
    [mine] = some(ctx, title="Chase lab dips")
    client = browser(ctx["ann"])
    response = client.post(f"{BASE}{mine.pk}/read/", {"action": "read"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == '{"notifications-changed":{}}'
    assert "Mark unread" in response.content.decode()
    assert "New</span>" not in response.content.decode()
    response = client.post(f"{BASE}{mine.pk}/read/", {"action": "unread", "query": "severity=info&evil=1"})
    assert (response.status_code, response["Location"]) == (302, f"{BASE}?severity=info")
    with tenant_context(ctx["org"]):
        assert Notification.objects.get(pk=mine.pk).read_at is None


def test_mark_all_read_keeps_to_the_filters_shown(ctx):
    [task_info] = some(ctx, kind=KIND, severity="info")
    [task_critical] = some(ctx, kind=KIND, severity="critical")
    [late] = some(ctx, kind=SHIPMENT_LATE.code, severity="critical")
    [bobs] = some(ctx, recipient=ctx["bob"])
    client = browser(ctx["ann"])
    # HTMX sends the filter form's values (here: critical tasks); a plain post the ones the page was shown with
    response = client.post(
        f"{BASE}read-all/",
        {"kind": KIND, "severity": "critical", "unread": "", "current_kind": "", "current_severity": ""},
        HTTP_HX_REQUEST="true",
    )
    assert (response.status_code, response["HX-Redirect"]) == (204, f"{BASE}?kind={KIND}&severity=critical")
    response = client.post(f"{BASE}read-all/", {"current_severity": "critical"})
    assert (response.status_code, response["Location"]) == (302, f"{BASE}?severity=critical")
    with tenant_context(ctx["org"]):
        unread = set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True))
    assert unread == {task_info.pk, bobs.pk}
    assert "1 notification marked read." in client.get(BASE).content.decode()  # the last post's message
    client.post(f"{BASE}read-all/", {})
    with tenant_context(ctx["org"]):
        assert set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)) == {bobs.pk}
    with tenant_context(ctx["org"]):
        assert Notification.objects.filter(pk__in=[late.pk, task_critical.pk], read_at__isnull=False).count() == 2


def test_mark_all_read_refuses_an_unknown_kind_or_severity_and_changes_nothing(ctx):
    some(ctx)
    client = browser(ctx["ann"])
    for data in ({"kind": "nobody.kind"}, {"severity": "urgent"}):
        response = client.post(f"{BASE}read-all/", data, follow=True)
        assert response.status_code == 200
        assert "nothing was marked read" in response.content.decode()
    with tenant_context(ctx["org"]):
        assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_a_colleagues_notification_is_404_and_stays_unread(ctx):
    [bobs] = some(ctx, recipient=ctx["bob"])
    [rivals] = some(ctx, recipient=ctx["rival"])
    client = browser(ctx["ann"])
    for notification in (bobs, rivals):
        assert client.get(f"{BASE}{notification.pk}/").status_code == 404
        assert client.post(f"{BASE}{notification.pk}/read/", {"action": "read"}).status_code == 404
    with tenant_context(ctx["org"]):
        assert Notification.objects.get(pk=bobs.pk).read_at is None
    with tenant_context(ctx["other_org"]):
        assert Notification.objects.get(pk=rivals.pk).read_at is None


def test_a_viewer_reads_and_clears_their_own_inbox(ctx):
    # a viewer changes no record of the organisation, but their inbox and settings are their own
    [theirs] = some(ctx, recipient=ctx["viewer"], link="/o/acme/")
    client = browser(ctx["viewer"])
    page = client.get(BASE).content.decode()
    assert theirs.title in page
    assert "Mark all read" in page
    assert client.post(f"{BASE}{theirs.pk}/read/").status_code in (200, 302)
    with tenant_context(ctx["org"]):
        assert Notification.objects.get(pk=theirs.pk).read_at is not None
    assert client.post(f"{BASE}settings/", {KIND: "off"}).status_code in (200, 302)
    with tenant_context(ctx["org"]):
        assert NotificationPreference.objects.get(membership=ctx["viewer"], kind=KIND).channel == "off"


def test_the_settings_page_shows_every_kind_and_saves_changes(ctx):
    client = browser(ctx["ann"])
    page = client.get(f"{BASE}settings/").content.decode()
    assert "Task assigned to you" in page
    assert "Shipment running late" in page
    assert f'name="{KIND}" value="in_app" id="pref-' in page
    assert re.search(rf'name="{re.escape(SHIPMENT_LATE.code)}" value="email" id="[^"]+" checked', page)
    response = client.post(f"{BASE}settings/", {KIND: "digest", SHIPMENT_LATE.code: "off"})
    assert (response.status_code, response["Location"]) == (302, f"{BASE}settings/")
    with tenant_context(ctx["org"]):
        saved = dict(NotificationPreference.objects.filter(membership=ctx["ann"]).values_list("kind", "channel"))
        assert AuditEvent.objects.filter(action="membership.notification_settings_changed").count() == 1
    assert saved == {KIND: "digest", SHIPMENT_LATE.code: "off"}
    page = client.get(f"{BASE}settings/").content.decode()
    assert re.search(rf'name="{KIND}" value="digest" id="[^"]+" checked', page)
    assert "Notification settings saved." in page


def test_a_channel_that_does_not_exist_is_an_error_next_to_its_kind(ctx):
    response = browser(ctx["ann"]).post(f"{BASE}settings/", {KIND: "pigeon"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice. pigeon is not one of the available choices." in page
    with tenant_context(ctx["org"]):
        assert NotificationPreference.objects.count() == 0


def test_the_pages_are_404_in_another_organisation(ctx):
    client = browser(ctx["ann"])
    for path in ("", "bell/", "settings/", "read-all/"):
        assert client.get(f"/o/rival/notifications/{path}").status_code == 404
