"""Organisation settings and members: rules, errors, audit, query budgets."""

from __future__ import annotations

import pytest

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


def events(org, action):
    with tenant_context(org):
        return list(AuditEvent.objects.filter(organization=org, action=action).order_by("created_at"))


def test_members_read_the_organisation(org, member, api_as):
    body = api_as(member(Role.VIEWER)).get(f"/api/v1/o/{org.slug}/organization/").json()
    assert body["slug"] == "acme"
    assert body["base_currency"] == "USD"


def test_admin_updates_settings_and_the_change_is_audited(org, member, api_as):
    admin = member(Role.ADMIN)
    response = api_as(admin).patch(
        f"/api/v1/o/{org.slug}/organization/",
        {"name": "Acme Sourcing Ltd", "base_currency": "eur", "timezone": "Asia/Dhaka"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["base_currency"] == "EUR"
    [event] = events(org, "organization.updated")
    assert event.actor_id == admin.user_id
    assert event.changes["name"] == ["Acme Sourcing", "Acme Sourcing Ltd"]
    assert event.changes["timezone"] == ["UTC", "Asia/Dhaka"]
    assert event.request_id


@pytest.mark.parametrize(
    ("payload", "field"), [({"base_currency": "XYZ"}, "base_currency"), ({"timezone": "Mars/Base"}, "timezone")]
)
def test_bad_settings_are_refused_and_change_nothing(org, member, api_as, payload, field):
    response = api_as(member(Role.ADMIN)).patch(f"/api/v1/o/{org.slug}/organization/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    org.refresh_from_db()
    assert (org.base_currency, org.timezone) == ("USD", "UTC")
    assert events(org, "organization.updated") == []


def test_a_manager_cannot_change_settings(org, member, api_as):
    response = api_as(member(Role.MANAGER)).patch(f"/api/v1/o/{org.slug}/organization/", {"name": "x"}, format="json")
    assert response.status_code == 403


def test_member_list_costs_a_constant_number_of_queries(org, owner, member, api_as, django_assert_max_num_queries):
    for _ in range(30):
        member(Role.STAFF)
    client = api_as(owner)
    # auth (1) + set user (1) + membership (1) + set org (1) + page (1) + savepoint pair (2)
    with django_assert_max_num_queries(budget("api.members.list")):
        body = client.get(f"/api/v1/o/{org.slug}/members/?limit=50").json()
    assert len(body["results"]) == 31
    assert {"id", "email", "full_name"} <= set(body["results"][0]["user"])


def test_member_list_filters(org, owner, member, api_as):
    member(Role.VIEWER)
    member(Role.STAFF)
    body = api_as(owner).get(f"/api/v1/o/{org.slug}/members/?role=viewer").json()
    assert [m["role"] for m in body["results"]] == ["viewer"]
    bad = api_as(owner).get(f"/api/v1/o/{org.slug}/members/?role=emperor")
    assert bad.status_code == 400
    assert "role" in bad.json()["errors"]


def test_admin_changes_a_role_and_it_is_audited(org, member, api_as):
    admin, staff = member(Role.ADMIN), member(Role.STAFF)
    response = api_as(admin).patch(f"/api/v1/o/{org.slug}/members/{staff.pk}/", {"role": "manager"}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "manager"
    [event] = events(org, "membership.role_changed")
    assert event.changes == {"role": ["staff", "manager"]}
    assert event.target_id == str(staff.pk)


@pytest.mark.parametrize("target_role", [Role.OWNER])
def test_only_owners_change_owners(org, owner, member, api_as, target_role):
    admin = member(Role.ADMIN)
    other_owner = member(Role.OWNER)
    client = api_as(admin)
    # an admin can neither demote an owner, nor promote someone to owner, nor deactivate an owner
    demote = client.patch(f"/api/v1/o/{org.slug}/members/{other_owner.pk}/", {"role": "staff"}, format="json")
    promote = client.patch(f"/api/v1/o/{org.slug}/members/{admin.pk}/", {"role": "owner"}, format="json")
    deactivate = client.post(f"/api/v1/o/{org.slug}/members/{other_owner.pk}/deactivate/")
    for response in (demote, promote, deactivate):
        assert response.status_code == 403
        assert response.json()["code"] == "owner_required"
    # an owner can
    promoted = api_as(owner).patch(f"/api/v1/o/{org.slug}/members/{admin.pk}/", {"role": "owner"}, format="json")
    assert promoted.status_code == 200


def test_the_last_owner_cannot_be_demoted_or_deactivated(org, owner, api_as):
    client = api_as(owner)
    demote = client.patch(f"/api/v1/o/{org.slug}/members/{owner.pk}/", {"role": "admin"}, format="json")
    deactivate = client.post(f"/api/v1/o/{org.slug}/members/{owner.pk}/deactivate/")
    assert demote.status_code == deactivate.status_code == 409
    assert demote.json()["code"] == deactivate.json()["code"] == "last_owner"
    with tenant_context(org):
        owner.refresh_from_db()
    assert (owner.role, owner.is_active) == (Role.OWNER, True)


def test_deactivate_and_reactivate_a_member(org, owner, member, api_as):
    staff = member(Role.STAFF)
    client = api_as(owner)
    assert client.post(f"/api/v1/o/{org.slug}/members/{staff.pk}/deactivate/").json()["is_active"] is False
    # the deactivated member loses access at once
    assert api_as(staff).get(f"/api/v1/o/{org.slug}/organization/").status_code == 404
    assert client.post(f"/api/v1/o/{org.slug}/members/{staff.pk}/activate/").json()["is_active"] is True
    assert [e.action for e in events(org, "membership.deactivated")] == ["membership.deactivated"]
    assert [e.action for e in events(org, "membership.activated")] == ["membership.activated"]


def test_reactivation_respects_the_seat_limit(org, owner, member, api_as):
    staff = member(Role.STAFF)
    client = api_as(owner)
    client.post(f"/api/v1/o/{org.slug}/members/{staff.pk}/deactivate/")
    Organization.objects.filter(pk=org.pk).update(seat_limit=1)
    response = client.post(f"/api/v1/o/{org.slug}/members/{staff.pk}/activate/")
    assert response.status_code == 409
    assert response.json()["code"] == "seat_limit_reached"
    with tenant_context(org):
        assert Membership.objects.get(pk=staff.pk).is_active is False


@pytest.mark.parametrize("value", [-1, 100.01, "ten", True, 10.555, [10]])
def test_a_bad_over_delivery_tolerance_is_refused_on_its_setting(org, member, api_as, value):
    response = api_as(member(Role.ADMIN)).patch(
        f"/api/v1/o/{org.slug}/organization/",
        {"settings": {"over_delivery_tolerance_percent": value}},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["settings.over_delivery_tolerance_percent"]
    org.refresh_from_db()
    assert org.settings == {}
    assert events(org, "organization.updated") == []


def test_the_over_delivery_tolerance_is_a_setting_with_a_default_of_ten_percent(org, member, api_as):
    from decimal import Decimal

    assert org.over_delivery_tolerance_percent == Decimal(10)
    response = api_as(member(Role.ADMIN)).patch(
        f"/api/v1/o/{org.slug}/organization/", {"settings": {"over_delivery_tolerance_percent": 2.5}}, format="json"
    )
    assert response.status_code == 200, response.content
    org.refresh_from_db()
    assert org.over_delivery_tolerance_percent == Decimal("2.5")
    [event] = events(org, "organization.updated")
    assert event.changes["settings"] == [{}, {"over_delivery_tolerance_percent": 2.5}]
