"""The notifications API: your notifications (list with filters and pages, detail, read, unread, read all, unread
count) and your settings; problem documents for bad input; nobody else's notifications, ever."""

from __future__ import annotations

import pytest

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.notifications.models import Notification, NotificationPreference
from tradeloom.notifications.tests.conftest import SHIPMENT_LATE
from tradeloom.notifications.tests.factories import NotificationFactory
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db
KIND = "sales.task_assigned"
BASE = "/api/v1/o/acme/notifications/"


@pytest.fixture
def api(ctx, api_as):
    return api_as(ctx["ann"])


def some(recipient, n=1, **kwargs):
    return [NotificationFactory(organization=recipient.organization, recipient=recipient, **kwargs) for _ in range(n)]


def test_the_list_is_yours_newest_first_in_keyset_pages_within_budget(ctx, api, django_assert_max_num_queries):
    some(ctx["bob"], title="Bob's")
    some(ctx["rival"], title="The rival's")
    for n in range(30):
        some(ctx["ann"], title=f"Mine {n:02d}")
    api.get(BASE)
    with django_assert_max_num_queries(budget("api.notifications.list")):
        body = api.get(f"{BASE}?limit=20").json()
    assert [row["title"] for row in body["results"]] == [f"Mine {n:02d}" for n in range(29, 9, -1)]
    rest = api.get(body["next"]).json()
    assert [row["title"] for row in rest["results"]] == [f"Mine {n:02d}" for n in range(9, -1, -1)]
    assert rest["next"] is None
    row = body["results"][0]
    assert set(row) == {
        "id", "kind", "kind_label", "title", "message", "severity", "link", "target_type", "target_id", "channel",
        "read", "read_at", "emailed_at", "created_at",
    }  # fmt: skip
    assert (row["kind_label"], row["read"], row["channel"]) == ("Task assigned to you", False, "in_app")


def test_the_list_filters_by_kind_severity_and_unread(ctx, api):
    ann = ctx["ann"]
    some(ann, title="a", kind=KIND, severity="info")
    some(ann, title="b", kind=KIND, severity="critical")
    some(ann, title="c", kind=SHIPMENT_LATE.code, severity="critical", read_at="2026-12-01T00:00:00Z")

    def titles(query):
        return {row["title"] for row in api.get(f"{BASE}?{query}").json()["results"]}

    assert titles(f"kind={KIND}") == {"a", "b"}
    assert titles("severity=critical") == {"b", "c"}
    assert titles("unread=true") == {"a", "b"}
    assert titles("unread=false") == {"c"}
    assert titles(f"kind={SHIPMENT_LATE.code}&severity=critical&unread=false") == {"c"}


@pytest.mark.parametrize(
    ("query", "field"), [("kind=nobody.kind", "kind"), ("severity=urgent", "severity"), ("limit=0", "limit")]
)
def test_bad_filters_are_problems_naming_the_field(ctx, api, query, field):
    response = api.get(f"{BASE}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "validation_error"
    assert field in response.json()["errors"]


def test_a_bad_cursor_is_a_problem(api):
    response = api.get(f"{BASE}?cursor=not-a-cursor")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_cursor")


def test_detail_read_and_unread(ctx, api):
    [mine] = some(ctx["ann"], title="Chase lab dips", link="/o/acme/orders/")
    assert api.get(f"{BASE}{mine.pk}/").json()["title"] == "Chase lab dips"
    read = api.post(f"{BASE}{mine.pk}/read/").json()
    assert read["read"] is True
    assert read["read_at"]
    assert api.post(f"{BASE}{mine.pk}/read/").json()["read_at"] == read["read_at"]  # again: the first time stays
    assert api.post(f"{BASE}{mine.pk}/unread/").json()["read"] is False


def test_unread_count_within_budget(ctx, api, django_assert_max_num_queries):
    some(ctx["ann"], n=3)
    some(ctx["ann"], n=2, read_at="2026-12-01T00:00:00Z")
    some(ctx["bob"], n=4)
    api.get(f"{BASE}unread-count/")
    with django_assert_max_num_queries(budget("api.notifications.unread-count")):
        assert api.get(f"{BASE}unread-count/").json() == {"unread": 3}


def test_read_all_everything_or_by_kind_and_severity(ctx, api):
    ann = ctx["ann"]
    some(ann, kind=KIND, severity="info")
    some(ann, kind=KIND, severity="critical")
    some(ann, kind=SHIPMENT_LATE.code, severity="critical")
    [bobs] = some(ctx["bob"])
    assert api.post(f"{BASE}read-all/", {"kind": KIND, "severity": "critical"}).json() == {"marked": 1}
    assert api.post(f"{BASE}read-all/", {"severity": "critical"}).json() == {"marked": 1}
    assert api.post(f"{BASE}read-all/", {}).json() == {"marked": 1}
    assert api.post(f"{BASE}read-all/", {"kind": "", "severity": ""}).json() == {"marked": 0}
    with tenant_context(ctx["org"]):
        assert Notification.objects.get(pk=bobs.pk).read_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [({"kind": "nobody.kind"}, "kind"), ({"severity": "urgent"}, "severity"), ({"kind": ["x"]}, "kind")],
)
def test_read_all_refuses_bad_input_and_marks_nothing(ctx, api, body, field):
    some(ctx["ann"])
    response = api.post(f"{BASE}read-all/", body)
    assert (response.status_code, response.json()["code"]) == (400, "validation_error")
    assert field in response.json()["errors"]
    assert api.get(f"{BASE}unread-count/").json() == {"unread": 1}


def test_another_members_or_organisations_notification_is_404(ctx, api):
    [bobs] = some(ctx["bob"])
    [rivals] = some(ctx["rival"])
    for notification in (bobs, rivals):
        for method, path in (("get", ""), ("post", "read/"), ("post", "unread/")):
            response = getattr(api, method)(f"{BASE}{notification.pk}/{path}")
            assert (response.status_code, response.json()["code"]) == (404, "not_found")
    with tenant_context(ctx["org"]):
        assert Notification.objects.get(pk=bobs.pk).read_at is None


def test_the_rival_organisation_is_404(ctx, api):
    for path in ("", "unread-count/", "preferences/"):
        assert api.get(f"/api/v1/o/rival/notifications/{path}").status_code == 404


def test_preferences_get_and_put(ctx, api):
    body = api.get(f"{BASE}preferences/").json()
    rows = {row["kind"]: row for row in body["preferences"]}
    assert rows[KIND] == {
        "kind": KIND,
        "kind_label": "Task assigned to you",
        "description": "Someone assigned you a task on an order (assigning yourself does not notify).",
        "default_channel": "in_app",
        "channel": "in_app",
    }
    assert rows[SHIPMENT_LATE.code]["channel"] == "email"
    response = api.put(
        f"{BASE}preferences/",
        {"preferences": [{"kind": KIND, "channel": "digest"}, {"kind": SHIPMENT_LATE.code, "channel": "off"}]},
    )
    assert response.status_code == 200
    rows = {row["kind"]: row["channel"] for row in response.json()["preferences"]}
    assert (rows[KIND], rows[SHIPMENT_LATE.code]) == ("digest", "off")
    # the kinds a PUT leaves out keep their channel
    api.put(f"{BASE}preferences/", {"preferences": [{"kind": KIND, "channel": "email"}]})
    with tenant_context(ctx["org"]):
        saved = dict(NotificationPreference.objects.filter(membership=ctx["ann"]).values_list("kind", "channel"))
        assert AuditEvent.objects.filter(action="membership.notification_settings_changed").count() == 2
    assert saved == {KIND: "email", SHIPMENT_LATE.code: "off"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "preferences"),
        ({"preferences": "all"}, "preferences"),
        ({"preferences": [{"kind": "nobody.kind", "channel": "email"}]}, "preferences"),
        ({"preferences": [{"kind": KIND, "channel": "pigeon"}]}, "preferences"),
        ({"preferences": [{"kind": KIND}]}, "preferences"),
        ({"preferences": [{"kind": KIND, "channel": "off"}, {"kind": KIND, "channel": "email"}]}, "preferences"),
    ],
)
def test_preferences_refuse_bad_input_and_change_nothing(ctx, api, body, field):
    response = api.put(f"{BASE}preferences/", body)
    assert (response.status_code, response.json()["code"]) == (400, "validation_error")
    assert any(key.startswith(field) for key in response.json()["errors"])
    with tenant_context(ctx["org"]):
        assert NotificationPreference.objects.count() == 0


def test_a_viewer_reads_and_clears_their_own_inbox(ctx, api_as):
    # a viewer changes no record of the organisation, but their inbox and settings are their own
    [theirs] = some(ctx["viewer"])
    viewer = api_as(ctx["viewer"])
    assert viewer.get(BASE).json()["results"][0]["id"] == str(theirs.pk)
    assert viewer.get(f"{BASE}unread-count/").json() == {"unread": 1}
    assert viewer.post(f"{BASE}{theirs.pk}/read/").status_code == 200
    assert viewer.get(f"{BASE}unread-count/").json() == {"unread": 0}
    assert viewer.post(f"{BASE}read-all/", {}, format="json").status_code == 200
    assert viewer.put(f"{BASE}preferences/", {"preferences": []}, format="json").status_code == 200


def test_anonymous_is_401(ctx):
    from rest_framework.test import APIClient

    assert APIClient().get(f"{BASE}unread-count/").status_code == 401
