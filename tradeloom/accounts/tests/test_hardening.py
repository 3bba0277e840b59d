"""Edge cases found in review: limits that must hold under pressure, and bad input that must not crash."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tradeloom.accounts.login_guard import LoginGuard
from tradeloom.accounts.models import Invitation
from tradeloom.accounts.tests.factories import PASSWORD, UserFactory
from tradeloom.core.context import tenant_context
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_attempts_in_flight_are_counted_before_the_password_is_checked():
    guard = LoginGuard(email="someone@example.com", ip="192.0.2.1")
    # five attempts reserve their slots (as parallel requests would, before any of them failed)
    assert [guard.reserve() for _ in range(5)] == [None] * 5
    # the sixth is refused at once
    wait = guard.reserve()
    assert wait is not None
    assert wait > 0


def test_ipv6_clients_are_counted_per_64_network():
    for i in range(5):
        LoginGuard(email="v6@example.com", ip=f"2001:db8:1:2::{i + 1}").reserve()
    assert LoginGuard(email="v6@example.com", ip="2001:db8:1:2::ffff").reserve() is not None
    assert LoginGuard(email="v6@example.com", ip="2001:db8:1:3::1").reserve() is None


def test_the_admin_login_uses_the_same_limit_and_audit_and_admits_only_superusers():
    operator = UserFactory(is_superuser=True, is_staff=True)
    staff = UserFactory(is_staff=True)
    client = Client()
    refused = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert b"Only operators" in refused.content
    for _ in range(5):
        client.post("/admin/login/", {"username": operator.email, "password": "wrong"})
    locked = client.post("/admin/login/", {"username": operator.email, "password": PASSWORD})
    assert locked.status_code == 200
    assert b"Too many failed attempts" in locked.content


def test_rate_limits_ignore_a_client_supplied_forwarded_for_header():
    statuses = []
    for i in range(21):
        response = APIClient(HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").post(
            "/api/v1/auth/register/",
            {
                "email": f"r{i}@example.com",
                "password": "a-long-unusual-password",
                "full_name": "R",
                "organization_name": f"Org {i}",
            },
            format="json",
        )
        statuses.append(response.status_code)
    assert statuses[-1] == 429
    assert statuses[:20] == [201] * 20


@pytest.mark.parametrize(
    ("content_type", "body", "status", "code"),
    [
        ("application/json; charset=rot13", b'{"email": "a@b.c", "password": "x"}', 400, "parse_error"),
        ("application/json", b"{" + b'"a": "' + b"x" * 2_700_000 + b'"}', 413, "payload_too_large"),
        ("application/x-www-form-urlencoded", "&".join(f"f{i}=1" for i in range(1200)).encode(), 400, "bad_request"),
    ],
)
def test_hostile_bodies_are_4xx_problems_not_500(content_type, body, status, code):
    response = APIClient().generic("POST", "/api/v1/auth/token/", body, content_type=content_type)
    assert response.status_code == status, response.content[:300]
    assert response.json()["code"] == code


def test_a_nul_character_in_settings_is_refused(org, member, api_as):
    response = api_as(member(Role.ADMIN)).patch(
        f"/api/v1/o/{org.slug}/organization/", {"settings": {"a": "x\u0000y"}}, format="json"
    )
    assert response.status_code == 400
    assert "settings" in response.json()["errors"]


def test_an_expired_invitation_does_not_block_a_new_one(org, owner, api_as):
    client = api_as(owner)
    first = client.post(f"/api/v1/o/{org.slug}/invitations/", {"email": "late@example.com", "role": "staff"}).json()
    with tenant_context(org):
        Invitation.objects.filter(pk=first["id"]).update(expires_at=timezone.now() - timedelta(minutes=1))
    again = client.post(f"/api/v1/o/{org.slug}/invitations/", {"email": "late@example.com", "role": "staff"})
    assert again.status_code == 201, again.content
    states = {i["id"]: i["state"] for i in client.get(f"/api/v1/o/{org.slug}/invitations/").json()["results"]}
    assert states[first["id"]] == "revoked"


def test_logout_all_ends_every_browser_session_too():
    user = UserFactory()
    browser_a, browser_b = Client(), Client()
    browser_a.force_login(user)
    browser_b.force_login(user)
    assert browser_b.get("/api/v1/me/").status_code == 200
    assert browser_a.post("/api/v1/auth/logout-all/").status_code == 204
    assert browser_b.get("/api/v1/me/").status_code in (401, 403)


def test_secrets_nested_in_settings_are_redacted_in_the_audit_log(org, member, api_as):
    from tradeloom.audit.models import AuditEvent

    api_as(member(Role.ADMIN)).patch(
        f"/api/v1/o/{org.slug}/organization/",
        {"settings": {"mail": {"smtp_password": "hunter2", "host": "mail.local"}}},
        format="json",
    )
    with tenant_context(org):
        event = AuditEvent.objects.get(action="organization.updated")
    assert "hunter2" not in str(event.changes)
    assert event.changes["settings"][1]["mail"] == {"smtp_password": "[redacted]", "host": "mail.local"}


def test_password_change_guesses_are_limited():
    user = UserFactory()
    client = APIClient()
    client.force_login(user)
    for _ in range(5):
        client.post("/api/v1/me/password/", {"current_password": "guess", "new_password": "x-very-new-password"})
    response = client.post("/api/v1/me/password/", {"current_password": PASSWORD, "new_password": "x-new-password-2"})
    assert response.status_code == 429
