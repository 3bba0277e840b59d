"""The audit log: append-only in the database, secrets never recorded, readable by admins with filters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from tradeloom.audit.actions import JobAction
from tradeloom.audit.models import AuditEvent
from tradeloom.audit.services import audit_record
from tradeloom.core.context import tenant_context
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(org, owner):
    with tenant_context(org):
        return audit_record(actor=owner, action="membership.role_changed", target=owner, changes={"role": ["a", "b"]})


@pytest.mark.parametrize("sql", ["UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"])
def test_the_database_refuses_to_change_or_delete_audit_rows(org, event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        tenant_context(org),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    with tenant_context(org):
        assert AuditEvent.objects.get(pk=event.pk).action == "membership.role_changed"


@pytest.mark.django_db(databases=["default", "owner"])
def test_not_even_the_owner_role_can_truncate_the_log():
    owner_db = connections["owner"]
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(using="owner"),
        owner_db.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent")


def test_secrets_are_never_recorded(org, owner):
    with tenant_context(org):
        recorded = audit_record(
            actor=owner,
            action=JobAction.STARTED,
            organization=org,
            changes={"password": ["old", "new"], "api_token": [None, "abc"], "name": ["a", "b"]},
        )
    assert recorded.changes["password"] == ["[redacted]", "[redacted]"]
    assert recorded.changes["api_token"] == ["[redacted]", "[redacted]"]
    assert recorded.changes["name"] == ["a", "b"]


def test_request_id_ip_and_user_agent_are_recorded(org, member, api_as):
    admin, staff = member(Role.ADMIN), member(Role.STAFF)
    api_as(admin).patch(
        f"/api/v1/o/{org.slug}/members/{staff.pk}/",
        {"role": "viewer"},
        format="json",
        HTTP_X_REQUEST_ID="req-42",
        HTTP_USER_AGENT="pytest-agent",
        REMOTE_ADDR="192.0.2.7",
    )
    with tenant_context(org):
        event = AuditEvent.objects.get(action="membership.role_changed")
    assert (event.request_id, event.user_agent, event.ip) == ("req-42", "pytest-agent", "192.0.2.7")


def test_a_failed_request_leaves_no_audit_row(org, owner, api_as):
    api_as(owner).patch(f"/api/v1/o/{org.slug}/members/{owner.pk}/", {"role": "viewer"}, format="json")
    with tenant_context(org):
        assert not AuditEvent.objects.filter(action="membership.role_changed").exists()


def test_admins_read_the_log_with_filters(org, member, api_as):
    admin, staff = member(Role.ADMIN), member(Role.STAFF)
    client = api_as(admin)
    client.patch(f"/api/v1/o/{org.slug}/members/{staff.pk}/", {"role": "viewer"}, format="json")
    client.patch(f"/api/v1/o/{org.slug}/organization/", {"name": "Renamed"}, format="json")
    base = f"/api/v1/o/{org.slug}/audit-events/"

    def actions(query: str) -> list[str]:
        response = client.get(base + query)
        assert response.status_code == 200, response.content
        return [e["action"] for e in response.json()["results"]]

    assert actions("?action=organization.updated") == ["organization.updated"]
    assert actions("?action=membership.*")[0] == "membership.role_changed"
    assert actions(f"?target_type=tenancy.membership&target_id={staff.pk}") == ["membership.role_changed"]
    assert "organization.updated" in actions(f"?actor={admin.user_id}")
    soon = (timezone.now() + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert actions(f"?since={soon}") == []
    event = client.get(base + "?action=organization.updated").json()["results"][0]
    assert event["actor"]["email"] == admin.user.email
    assert event["changes"] == {"name": ["Acme Sourcing", "Renamed"]}


def test_bad_filters_are_a_validation_error(org, owner, api_as):
    response = api_as(owner).get(f"/api/v1/o/{org.slug}/audit-events/?since=yesterday&actor=bob")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"since", "actor"}


@pytest.mark.parametrize("role", [Role.MANAGER, Role.MERCHANDISER, Role.ACCOUNTS, Role.STAFF, Role.VIEWER])
def test_only_admins_and_owners_read_the_log(org, member, api_as, role):
    assert api_as(member(role)).get(f"/api/v1/o/{org.slug}/audit-events/").status_code == 403


def test_the_log_shows_only_this_organisations_events(org, other_org, owner, member, api_as):
    other_owner = member(Role.OWNER, organization=other_org)
    api_as(other_owner).patch(f"/api/v1/o/{other_org.slug}/organization/", {"name": "Theirs"}, format="json")
    results = api_as(owner).get(f"/api/v1/o/{org.slug}/audit-events/").json()["results"]
    assert all(e["action"] != "organization.updated" for e in results)


def test_audit_list_costs_a_constant_number_of_queries(org, owner, api_as, django_assert_max_num_queries):
    with tenant_context(org):
        for i in range(40):
            audit_record(actor=owner, action=JobAction.STARTED, organization=org, changes={"n": [None, i]})
    client = api_as(owner)
    with django_assert_max_num_queries(budget("api.audit-events.list")):
        body = client.get(f"/api/v1/o/{org.slug}/audit-events/?limit=40").json()
    assert len(body["results"]) == 40
