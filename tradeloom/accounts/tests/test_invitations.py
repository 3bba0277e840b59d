"""Joining an organisation: by invitation only, with the invited role, within the seat limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from tradeloom.accounts.models import Invitation, User
from tradeloom.accounts.tests.factories import PASSWORD, UserFactory
from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db
ACCEPT = "/api/v1/invitations/accept/"


def invite(client, org, email="guest@example.com", role="merchandiser"):
    return client.post(f"/api/v1/o/{org.slug}/invitations/", {"email": email, "role": role}, format="json")


def test_admin_invites_and_the_token_is_mailed_once_and_stored_only_as_a_hash(
    org, member, api_as, django_capture_on_commit_callbacks
):
    admin = member(Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(api_as(admin), org)
    assert response.status_code == 201, response.content
    body = response.json()
    token = body["token"]
    assert body["state"] == "pending"
    assert len(mail.outbox) == 1
    assert token in mail.outbox[0].body
    with tenant_context(org):
        stored = Invitation.objects.get(pk=body["id"])
        event = AuditEvent.objects.get(action="invitation.created")
    assert stored.token_hash != token
    assert token not in str(event.changes)
    listed = api_as(admin).get(f"/api/v1/o/{org.slug}/invitations/").json()["results"]
    assert [i["email"] for i in listed] == ["guest@example.com"]
    assert "token" not in listed[0]


@pytest.mark.parametrize(
    ("setup", "payload", "status", "code"),
    [
        ("none", {"role": "owner"}, 403, "owner_required"),
        ("none", {"role": "emperor"}, 400, "validation_error"),
        ("none", {"email": "nope"}, 400, "validation_error"),
        ("member", {"email": "member@example.com"}, 409, "already_member"),
        ("pending", {}, 409, "invitation_exists"),
        ("full", {}, 409, "seat_limit_reached"),
    ],
)
def test_invitation_refusals(org, member, api_as, setup, payload, status, code):
    admin = member(Role.ADMIN)
    client = api_as(admin)
    if setup == "member":
        member(Role.STAFF, user=UserFactory(email="member@example.com"))
    if setup == "pending":
        invite(client, org)
    if setup == "full":
        Organization.objects.filter(pk=org.pk).update(seat_limit=1)
    with tenant_context(org):
        before = Invitation.objects.count()
    response = invite(client, org, **payload)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    with tenant_context(org):
        assert Invitation.objects.count() == before


def test_owner_may_invite_an_owner(org, owner, api_as):
    assert invite(api_as(owner), org, role="owner").status_code == 201


def test_accept_creating_an_account_joins_with_the_invited_role(org, owner, api_as):
    token = invite(api_as(owner), org, role="accounts").json()["token"]
    response = APIClient().post(
        ACCEPT, {"token": token, "full_name": "Gita Guest", "password": "another-long-password"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["account_created"] is True
    assert body["membership"]["role"] == "accounts"
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {body['tokens']['access']}")
    assert me.get(f"/api/v1/o/{org.slug}/organization/").status_code == 200
    # the token is spent
    again = APIClient().post(ACCEPT, {"token": token, "full_name": "X", "password": "another-long-password"})
    assert again.status_code == 410
    assert again.json()["code"] == "invitation_accepted"


def test_accept_while_logged_in_with_the_invited_address(org, other_org, owner, api_as, member):
    existing = member(Role.STAFF, organization=other_org, user=UserFactory(email="guest@example.com"))
    token = invite(api_as(owner), org).json()["token"]
    response = api_as(existing).post(ACCEPT, {"token": token}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["account_created"] is False
    with tenant_context(org):
        assert Membership.objects.get(organization=org, user=existing.user).role == "merchandiser"
        actions = list(AuditEvent.objects.filter(organization=org).values_list("action", flat=True))
    assert "invitation.accepted" in actions


def test_accept_refusals(org, owner, api_as, member):
    client = api_as(owner)
    token = invite(client, org).json()["token"]
    stranger = member(Role.STAFF, organization=org, user=UserFactory(email="someone-else@example.com"))
    # logged in as someone the invitation was not sent to
    mismatch = api_as(stranger).post(ACCEPT, {"token": token}, format="json")
    assert (mismatch.status_code, mismatch.json()["code"]) == (403, "invitation_email_mismatch")
    # unknown token
    unknown = APIClient().post(ACCEPT, {"token": "x" * 43, "full_name": "G", "password": "a-long-password"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "invitation_invalid")
    # weak password: nothing is created
    weak = APIClient().post(ACCEPT, {"token": token, "full_name": "G", "password": "123"}, format="json")
    assert (weak.status_code, weak.json()["code"]) == (400, "validation_error")
    assert "password" in weak.json()["errors"]
    assert not User.objects.filter(email="guest@example.com").exists()


def test_an_existing_account_must_log_in_to_accept(org, owner, api_as):
    UserFactory(email="guest@example.com")
    token = invite(api_as(owner), org).json()["token"]
    response = APIClient().post(ACCEPT, {"token": token, "full_name": "G", "password": "a-long-password"})
    assert (response.status_code, response.json()["code"]) == (409, "login_required")


def test_expired_and_revoked_invitations_cannot_be_accepted(org, owner, api_as):
    client = api_as(owner)
    expired = invite(client, org, email="late@example.com").json()
    revoked = invite(client, org, email="gone@example.com").json()
    with tenant_context(org):
        Invitation.objects.filter(pk=expired["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.post(f"/api/v1/o/{org.slug}/invitations/{revoked['id']}/revoke/").status_code == 200
    late = APIClient().post(ACCEPT, {"token": expired["token"], "full_name": "L", "password": "a-long-password"})
    gone = APIClient().post(ACCEPT, {"token": revoked["token"], "full_name": "G", "password": "a-long-password"})
    assert (late.status_code, late.json()["code"]) == (410, "invitation_expired")
    assert (gone.status_code, gone.json()["code"]) == (410, "invitation_revoked")
    # revoking twice is refused
    assert client.post(f"/api/v1/o/{org.slug}/invitations/{revoked['id']}/revoke/").status_code == 409


def test_seat_limit_is_enforced_when_accepting(org, owner, api_as):
    token = invite(api_as(owner), org).json()["token"]
    Organization.objects.filter(pk=org.pk).update(seat_limit=1)
    response = APIClient().post(ACCEPT, {"token": token, "full_name": "G", "password": "a-long-password"})
    assert (response.status_code, response.json()["code"]) == (409, "seat_limit_reached")
    assert not User.objects.filter(email="guest@example.com").exists()


def test_an_invitation_token_reveals_only_its_own_invitation(org, other_org, owner, member, api_as):
    other_owner = member(Role.OWNER, organization=other_org)
    token = invite(api_as(owner), org).json()["token"]
    invite(api_as(other_owner), other_org, email="theirs@example.com")
    from django.db import transaction

    from tradeloom.accounts.services import INVITATION_SETTING, _hash_token
    from tradeloom.core import context

    with transaction.atomic():
        context.set_organization(None)
        context.set_local(INVITATION_SETTING, _hash_token(token))
        assert list(Invitation.objects.values_list("email", flat=True)) == ["guest@example.com"]


def test_a_logged_in_user_password_still_works_after_joining(org, owner, api_as):
    user = UserFactory(email="guest@example.com")
    token = invite(api_as(owner), org).json()["token"]
    client = APIClient()
    client.force_login(user)
    assert client.post(ACCEPT, {"token": token}, format="json").status_code == 200
    login = APIClient().post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
    assert login.status_code == 200


def test_invitations_api_filters_by_state_like_the_web_list(org, owner, api_as):
    client = api_as(owner)
    invite(client, org, email="a@example.com")
    b = invite(client, org, email="b@example.com").json()
    client.post(f"/api/v1/o/{org.slug}/invitations/{b['id']}/revoke/")
    pending = client.get(f"/api/v1/o/{org.slug}/invitations/?state=pending").json()["results"]
    assert [i["email"] for i in pending] == ["a@example.com"]
    revoked = client.get(f"/api/v1/o/{org.slug}/invitations/?state=revoked").json()["results"]
    assert [i["email"] for i in revoked] == ["b@example.com"]
    assert client.get(f"/api/v1/o/{org.slug}/invitations/?state=bogus").status_code == 400
