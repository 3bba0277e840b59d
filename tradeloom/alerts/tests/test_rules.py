"""Alert rules: a new organisation's defaults, an admin's changes (audited), every refusal on its field — through
the service, the API (400 naming the field, 404, 412) and the page (the error next to the field) —, the alerts
list and its filters, and what each costs."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tradeloom.accounts.tests.factories import UserFactory
from tradeloom.alerts import services
from tradeloom.alerts.models import Alert, AlertRule, AlertRuleMember
from tradeloom.alerts.tests.factories import AlertFactory, AlertRuleFactory
from tradeloom.audit.models import AuditEvent
from tradeloom.audit.sentences import describe
from tradeloom.core.alert_kinds import ALERT_KINDS
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.tenancy import services as tenancy_services
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


def browser(membership: Any) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


# --- defaults -------------------------------------------------------------------------------------------------------
def test_a_new_organisation_gets_a_rule_per_kind_on_and_telling_the_merchandiser():
    user = UserFactory()
    organization, _owner = tenancy_services.organization_create(name="Fresh Co", owner=user)
    with tenant_context(organization):
        rules = {r.kind: r for r in AlertRule.objects.filter(organization=organization)}
    assert set(rules) == {kind.code for kind in ALERT_KINDS}
    assert all(r.enabled and r.notify_merchandiser and r.roles == [] for r in rules.values())
    assert {code: r.days for code, r in rules.items()} == {kind.code: kind.default_days for kind in ALERT_KINDS}


def test_an_organisation_without_rules_sees_every_kind_off_with_its_defaults(org, owner, api_as):
    response = api_as(owner).get("/api/v1/o/acme/alerts/rules/")
    assert response.status_code == 200
    body = {r["kind"]: r for r in response.json()}
    assert set(body) == {kind.code for kind in ALERT_KINDS}
    assert body["gate_stuck"] | {"members": []} == body["gate_stuck"]
    assert (body["gate_stuck"]["enabled"], body["gate_stuck"]["days"], body["gate_stuck"]["version"]) == (False, 14, 0)


# --- the service ----------------------------------------------------------------------------------------------------
def update(org: Any, by: Any, kind: str = "etd_passed", **data: Any) -> AlertRule:
    with tenant_context(org):
        return services.rule_update(organization=org, kind=kind, by=by, data=data)


def test_changing_a_rule_saves_it_and_audits_what_changed(org, owner, member):
    manager = member(Role.MANAGER)
    rule = update(org, owner, enabled=True, days=3, roles=["manager"], members=[str(manager.pk)])
    assert (rule.enabled, rule.days, rule.roles, rule.version) == (True, 3, ["manager"], 1)
    with tenant_context(org):
        assert list(AlertRuleMember.objects.filter(rule=rule).values_list("membership_id", flat=True)) == [manager.pk]
        event = AuditEvent.objects.get(action="alert_rule.changed")
        (told,) = describe([event])
    assert event.changes["days"] == [0, 3]
    assert told.text == f"{owner.user.full_name} turned on the alert “ETD passed without full delivery”"
    assert {c.label for c in told.changes} >= {"Days", "Roles", "Members"}
    again = update(org, owner, days=3)  # nothing changes: no new version, no event
    assert again.version == 1
    with tenant_context(org):
        assert AuditEvent.objects.filter(action="alert_rule.changed").count() == 1


def test_turning_a_rule_off_resolves_its_open_alerts_at_once(org, owner):
    rule = AlertRuleFactory(organization=org, kind="etd_passed", enabled=True)
    alert = AlertFactory(organization=org, rule=rule)
    update(org, owner, enabled=False)
    with tenant_context(org):
        alert.refresh_from_db()
    assert alert.resolved_at is not None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"days": -1}, "days", "from 0 to 365"),
        ({"days": 366}, "days", "from 0 to 365"),
        ({"days": "7"}, "days", "whole number"),
        ({"days": True}, "days", "whole number"),
        ({"roles": ["boss"]}, "roles", "No such role: boss"),
        ({"members": [str(uuid.uuid4())]}, "members", "No such member"),
        ({"enabled": "yes"}, "enabled", "true or false"),
        ({"colour": "red"}, "colour", "cannot be changed"),
    ],
)
def test_every_bad_value_is_refused_on_its_field(data, field, message, org, owner):
    with pytest.raises(ApplicationError) as refused:
        update(org, owner, **data)
    assert message in refused.value.extra["errors"][field][0]
    with tenant_context(org):
        assert not AlertRule.objects.filter(organization=org).exists()  # nothing was saved


def test_a_member_of_another_organisation_is_no_such_member(org, other_org, owner):
    theirs = MembershipFactory(organization=other_org)
    with pytest.raises(ApplicationError, match="No such member"):
        update(org, owner, members=[str(theirs.pk)])


def test_an_inactive_member_cannot_be_named(org, owner, member):
    gone = member(Role.STAFF, is_active=False)
    with pytest.raises(ApplicationError, match="Not an active member"):
        update(org, owner, members=[str(gone.pk)])


def test_an_unknown_kind_is_not_found(org, owner):
    with pytest.raises(ApplicationError) as refused:
        update(org, owner, kind="moon_phase", enabled=True)
    assert refused.value.status == 404


# --- the API --------------------------------------------------------------------------------------------------------
RULE = "/api/v1/o/acme/alerts/rules/etd_passed/"


def test_the_api_changes_a_rule_with_if_match_and_refuses_a_stale_tag(org, owner, api_as):
    client = api_as(owner)
    read = client.get(RULE)
    assert read.status_code == 200
    tag = read["ETag"]
    assert tag.startswith('"etd_passed-0-')
    assert client.get(RULE, HTTP_IF_NONE_MATCH=tag).status_code == 304
    changed = client.patch(RULE, {"enabled": True, "days": 2}, format="json", HTTP_IF_MATCH=tag)
    assert changed.status_code == 200, changed.content
    assert (changed.json()["enabled"], changed.json()["days"], changed.json()["version"]) == (True, 2, 1)
    stale = client.patch(RULE, {"days": 4}, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert client.patch(RULE, {"days": 4}, format="json", HTTP_IF_MATCH=changed["ETag"]).status_code == 200
    other_kind = client.patch(RULE, {"days": 4}, format="json", HTTP_IF_MATCH='"task_due-2"')
    assert other_kind.status_code == 412


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"days": 400}, "days"),
        ({"days": -1}, "days"),
        ({"days": "soon"}, "days"),
        ({"roles": ["boss"]}, "roles"),
        ({"members": ["not-an-id"]}, "members"),
        ({"members": [str(uuid.UUID(int=7))]}, "members"),
    ],
)
def test_the_api_answers_400_naming_the_field(body, field, org, owner, api_as):
    response = api_as(owner).patch(RULE, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "validation_error"
    assert any(name.split(".")[0] == field for name in response.json()["errors"])


def test_the_api_refuses_another_organisations_member_and_an_unknown_kind(org, other_org, owner, api_as):
    theirs = MembershipFactory(organization=other_org)
    response = api_as(owner).patch(RULE, {"members": [str(theirs.pk)]}, format="json")
    assert response.status_code == 400
    assert "members" in response.json()["errors"]
    assert api_as(owner).get("/api/v1/o/acme/alerts/rules/moon_phase/").status_code == 404
    assert api_as(owner).patch("/api/v1/o/acme/alerts/rules/moon_phase/", {}, format="json").status_code == 404


def test_only_owners_and_admins_change_rules_and_everyone_reads_them(org, member, api_as):
    for role in (Role.MANAGER, Role.MERCHANDISER, Role.VIEWER):
        client = api_as(member(role))
        assert client.get(RULE).status_code == 200
        assert client.patch(RULE, {"enabled": True}, format="json").status_code == 403
    assert api_as(member(Role.ADMIN)).patch(RULE, {"enabled": True}, format="json").status_code == 200


def test_the_alerts_list_is_open_ones_by_default_with_filters(org, owner, api_as, django_assert_max_num_queries):
    rule = AlertRuleFactory(organization=org, kind="etd_passed")
    task_rule = AlertRuleFactory(organization=org, kind="task_overdue")
    for _ in range(3):
        AlertFactory(organization=org, rule=rule)
    AlertFactory(organization=org, rule=task_rule)
    AlertFactory(organization=org, rule=rule, resolved_at=timezone.now())
    client = api_as(owner)
    with django_assert_max_num_queries(budget("api.alerts.list")):
        response = client.get("/api/v1/o/acme/alerts/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 4
    assert len(client.get("/api/v1/o/acme/alerts/?kind=task_overdue").json()["results"]) == 1
    assert len(client.get("/api/v1/o/acme/alerts/?status=resolved").json()["results"]) == 1
    assert len(client.get("/api/v1/o/acme/alerts/?status=all").json()["results"]) == 5
    assert client.get("/api/v1/o/acme/alerts/?status=maybe").status_code == 400
    assert client.get("/api/v1/o/acme/alerts/?kind=moon_phase").status_code == 400


def test_the_rules_list_costs_the_same_whatever_the_members(org, owner, member, api_as, django_assert_max_num_queries):
    rule = AlertRuleFactory(organization=org, kind="etd_passed")
    for _ in range(4):
        with tenant_context(org):
            AlertRuleMember.objects.create(organization=org, rule=rule, membership=member(Role.STAFF))
    client = api_as(owner)
    with django_assert_max_num_queries(budget("api.alert-rules.list")):
        response = client.get("/api/v1/o/acme/alerts/rules/")
    assert len(next(r for r in response.json() if r["kind"] == "etd_passed")["members"]) == 4


def test_a_restricted_merchandiser_sees_only_the_alerts_of_their_records(org, owner, member, api_as):
    with tenant_context(org):
        org.settings = {"merchandisers_see_all_orders": False}
        org.save(update_fields=["settings"])
    merch = member(Role.MERCHANDISER)
    rule = AlertRuleFactory(organization=org, kind="etd_passed")
    mine = AlertFactory(organization=org, rule=rule, responsible_id=merch.pk)
    AlertFactory(organization=org, rule=rule, responsible_id=owner.pk)
    ids = [a["id"] for a in api_as(merch).get("/api/v1/o/acme/alerts/").json()["results"]]
    assert ids == [str(mine.pk)]
    assert len(api_as(owner).get("/api/v1/o/acme/alerts/").json()["results"]) == 2


def test_another_organisations_alerts_are_not_listed(org, other_org, owner, api_as):
    AlertFactory(organization=other_org)
    assert api_as(owner).get("/api/v1/o/acme/alerts/?status=all").json()["results"] == []


# --- the pages ------------------------------------------------------------------------------------------------------
def test_the_rules_page_saves_a_rule_and_shows_refusals_next_to_their_fields(
    org, owner, member, django_assert_max_num_queries
):
    manager = member(Role.MANAGER)
    client = browser(owner)
    with django_assert_max_num_queries(budget("web.alerts.rules")):
        page = client.get("/o/acme/alerts/rules/")
    assert page.status_code == 200
    html = page.content.decode()
    assert all(kind.label in html for kind in ALERT_KINDS)
    posted = {
        "kind": "task_due",
        "task_due-enabled": "on",
        "task_due-days": "3",
        "task_due-notify_merchandiser": "on",
        "task_due-roles": ["manager"],
        "task_due-members": [str(manager.pk)],
    }
    saved = client.post("/o/acme/alerts/rules/", posted)
    assert saved.status_code == 302
    with tenant_context(org):
        rule = AlertRule.objects.get(organization=org, kind="task_due")
    assert (rule.enabled, rule.days, rule.roles) == (True, 3, ["manager"])
    refused = client.post("/o/acme/alerts/rules/", {**posted, "task_due-days": "400"})
    assert refused.status_code == 200  # the page again, with the error under its field
    body = refused.content.decode()
    assert 'id="id_task_due-days_error"' in body
    assert "Enter a number of days from 0 to 365." in body
    stranger = MembershipFactory()
    wrong_member = client.post("/o/acme/alerts/rules/", {**posted, "task_due-members": [str(stranger.pk)]})
    assert wrong_member.status_code == 200
    assert 'id="id_task_due-members_error"' in wrong_member.content.decode()
    with tenant_context(org):
        assert AlertRule.objects.get(organization=org, kind="task_due").days == 3  # the refused posts changed nothing


def test_the_rules_page_is_read_only_for_other_roles(org, member):
    client = browser(member(Role.MANAGER))
    page = client.get("/o/acme/alerts/rules/")
    assert page.status_code == 200
    assert "Only owners and admins change alert rules." in page.content.decode()
    assert client.post("/o/acme/alerts/rules/", {"kind": "task_due", "task_due-days": "3"}).status_code == 403


def test_the_alerts_page_lists_open_alerts_with_links_and_filters(org, owner, django_assert_max_num_queries):
    rule = AlertRuleFactory(organization=org, kind="etd_passed")
    for n in range(5):
        AlertFactory(
            organization=org,
            rule=rule,
            label=f"SO-00000{n} · Bayside",
            link=f"/o/acme/orders/{uuid.uuid4()}/",
            detail={"date": "2026-12-01", "lines": 2},
        )
    AlertFactory(organization=org, rule=rule, label="SO-999 · Old", resolved_at=timezone.now() - timedelta(days=1))
    client = browser(owner)
    with django_assert_max_num_queries(budget("web.alerts.list")):
        page = client.get("/o/acme/alerts/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "SO-000003 · Bayside" in html
    assert "SO-999 · Old" not in html
    assert 'href="/o/acme/orders/' in html
    assert "2 lines · 1 Dec 2026" in html
    resolved = client.get("/o/acme/alerts/?status=resolved").content.decode()
    assert "SO-999 · Old" in resolved
    assert "SO-000003" not in resolved
    assert "SO-000003" not in client.get("/o/acme/alerts/?kind=task_overdue").content.decode()


def test_the_navigation_links_alerts_for_members_and_rules_for_admins(org, owner, member):
    html = browser(owner).get("/o/acme/").content.decode()
    assert 'href="/o/acme/alerts/"' in html
    assert 'href="/o/acme/alerts/rules/"' in html
    viewer_html = browser(member(Role.VIEWER)).get("/o/acme/").content.decode()
    assert 'href="/o/acme/alerts/"' in viewer_html
    assert 'href="/o/acme/alerts/rules/"' not in viewer_html


def test_alerts_are_kept_apart_by_the_database_too(org, other_org):
    theirs = AlertFactory(organization=other_org)
    with tenant_context(org):
        assert not Alert.objects.filter(pk=theirs.pk).exists()
