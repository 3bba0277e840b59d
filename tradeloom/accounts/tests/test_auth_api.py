"""Sign-up, tokens, rotation, revocation, throttling and session login: every flow and its failures."""

from __future__ import annotations

import base64
from datetime import timedelta

import orjson
import pytest
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from tradeloom.accounts.models import TokenFamily, User
from tradeloom.accounts.tests.factories import PASSWORD, UserFactory
from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"


def account_events(action: str, user: User | None = None) -> list[AuditEvent]:
    """Account events have no organisation; row-level security shows a user only their own."""
    from django.db import transaction

    from tradeloom.core import context

    users = [user] if user else list(User.objects.all())
    found: list[AuditEvent] = []
    for each in users:
        with transaction.atomic():
            context.set_user(each.pk)
            found += AuditEvent.objects.filter(action=action, organization__isnull=True, actor=each)
    return sorted(found, key=lambda e: e.created_at)


def login(email: str, password: str = PASSWORD, ip: str = "10.0.0.1") -> object:
    return APIClient(REMOTE_ADDR=ip).post(TOKEN, {"email": email, "password": password}, format="json")


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


# --- sign-up -----------------------------------------------------------------------------------------------------


def test_register_creates_user_organisation_and_owner_membership():
    response = APIClient().post(
        REGISTER,
        {
            "email": "Founder@Example.com",
            "password": "a-long-unusual-password",
            "full_name": "Farah Founder",
            "organization_name": "Dhaka Knits",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"]["email"] == "founder@example.com"
    assert body["membership"]["role"] == "owner"
    assert body["membership"]["organization"]["slug"] == "dhaka-knits"
    me = bearer(body["tokens"]["access"]).get("/api/v1/me/").json()
    assert [m["organization"]["slug"] for m in me["memberships"]] == ["dhaka-knits"]
    org = Organization.objects.get(slug="dhaka-knits")
    with tenant_context(org):
        actions = set(AuditEvent.objects.filter(organization=org).values_list("action", flat=True))
    assert {"organization.created", "membership.created"} <= actions


def test_register_gives_a_unique_slug_when_the_name_is_taken():
    for i in range(2):
        APIClient().post(
            REGISTER,
            {
                "email": f"f{i}@example.com",
                "password": "a-long-unusual-password",
                "full_name": "F",
                "organization_name": "Same Name",
            },
            format="json",
        )
    assert set(Organization.objects.values_list("slug", flat=True)) == {"same-name", "same-name-2"}


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"password": "short"}, 400, "validation_error"),
        ({"password": "password123"}, 400, "validation_error"),
        ({"email": "not-an-email"}, 400, "validation_error"),
        ({"organization_name": ""}, 400, "validation_error"),
        ({"organization_slug": "taken"}, 409, "slug_taken"),
        ({"email": "existing@example.com"}, 409, "email_taken"),
    ],
)
def test_register_refusals_change_nothing(payload, status, code):
    UserFactory(email="existing@example.com")
    Organization.objects.create(name="Taken", slug="taken")
    before = (User.objects.count(), Organization.objects.count())
    body = {
        "email": "new@example.com",
        "password": "a-long-unusual-password",
        "full_name": "N",
        "organization_name": "New Org",
        **payload,
    }
    response = APIClient().post(REGISTER, body, format="json")
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert (User.objects.count(), Organization.objects.count()) == before


def test_nobody_picks_a_role_in_an_existing_organisation_by_registering(org, owner):
    response = APIClient().post(
        REGISTER,
        {
            "email": "sneaky@example.com",
            "password": "a-long-unusual-password",
            "full_name": "S",
            "organization_name": "Acme",
            "organization_slug": "acme",
            "role": "owner",
        },
        format="json",
    )
    assert response.status_code == 409
    with tenant_context(org):
        assert not Membership.objects.filter(user__email="sneaky@example.com").exists()


# --- token login -------------------------------------------------------------------------------------------------


def test_login_returns_tokens_and_records_success():
    user = UserFactory()
    response = login(user.email.upper())
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    assert bearer(response.json()["access"]).get("/api/v1/me/").json()["email"] == user.email
    [event] = account_events("user.logged_in")
    assert event.actor_id == user.pk
    assert event.ip == "10.0.0.1"


def test_wrong_password_is_401_and_the_failure_is_recorded_without_the_password():
    user = UserFactory()
    response = login(user.email, "wrong-password")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    [event] = account_events("user.login_failed")
    assert event.actor_id == user.pk
    assert "wrong-password" not in orjson.dumps(event.changes).decode()


def test_unknown_email_and_inactive_user_look_like_a_wrong_password():
    inactive = UserFactory(is_active=False)
    assert login("nobody@example.com").json()["code"] == "authentication_failed"
    assert login(inactive.email).json()["code"] == "authentication_failed"


def test_five_failures_per_account_and_ip_lock_login_for_the_window(settings):
    user = UserFactory()
    for _ in range(5):
        assert login(user.email, "wrong").status_code == 401
    # the sixth attempt is refused even with the right password
    blocked = login(user.email)
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "rate_limited"
    assert 0 < int(blocked["Retry-After"]) <= settings.LOGIN_FAILURE_WINDOW
    # another address is not locked out by this one
    assert login(user.email, ip="10.0.0.2").status_code == 200


def test_a_success_clears_the_failure_count():
    user = UserFactory()
    for _ in range(4):
        login(user.email, "wrong")
    assert login(user.email).status_code == 200
    for _ in range(4):
        login(user.email, "wrong")
    assert login(user.email).status_code == 200


# --- refresh, rotation, revocation ---------------------------------------------------------------------------------


def test_refresh_rotates_and_the_used_refresh_token_is_refused():
    user = UserFactory()
    first = login(user.email).json()
    rotated = APIClient().post(REFRESH, {"refresh": first["refresh"]}, format="json")
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != first["refresh"]
    again = APIClient().post(REFRESH, {"refresh": first["refresh"]}, format="json")
    assert again.status_code == 401
    assert again.json()["code"] == "token_reused"


def test_reusing_a_rotated_refresh_token_revokes_every_token_of_that_login():
    user = UserFactory()
    first = login(user.email).json()
    second = APIClient().post(REFRESH, {"refresh": first["refresh"]}, format="json").json()
    other_login = login(user.email).json()
    # when the stolen first refresh token is replayed
    APIClient().post(REFRESH, {"refresh": first["refresh"]}, format="json")
    # then the legitimate successor is dead too, refresh and access alike
    assert APIClient().post(REFRESH, {"refresh": second["refresh"]}, format="json").json()["code"] == "token_revoked"
    assert bearer(second["access"]).get("/api/v1/me/").json()["code"] == "token_revoked"
    # but another login of the same user is untouched
    assert bearer(other_login["access"]).get("/api/v1/me/").status_code == 200
    [event] = account_events("user.refresh_token_reused")
    assert event.actor_id == user.pk


def test_logout_revokes_the_refresh_and_access_tokens_of_that_login():
    user = UserFactory()
    pair = login(user.email).json()
    assert APIClient().post("/api/v1/auth/logout/", {"refresh": pair["refresh"]}, format="json").status_code == 204
    assert APIClient().post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 401
    assert bearer(pair["access"]).get("/api/v1/me/").status_code == 401
    assert len(account_events("user.logged_out")) == 1


def test_logout_all_revokes_every_login():
    user = UserFactory()
    pairs = [login(user.email).json() for _ in range(3)]
    assert bearer(pairs[0]["access"]).post("/api/v1/auth/logout-all/").status_code == 204
    for pair in pairs:
        assert bearer(pair["access"]).get("/api/v1/me/").status_code == 401
        assert APIClient().post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 401
    assert TokenFamily.objects.filter(user=user, revoked_at__isnull=True).count() == 0
    # logging in again works
    assert login(user.email).status_code == 200


def test_tokens_of_a_deactivated_user_stop_working():
    user = UserFactory()
    pair = login(user.email).json()
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert bearer(pair["access"]).get("/api/v1/me/").status_code == 401
    assert APIClient().post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 401


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(data)).decode().rstrip("=")


def test_tampered_expired_and_alg_none_tokens_are_rejected():
    user = UserFactory()
    access = login(user.email).json()["access"]
    header, payload, signature = access.split(".")
    claims = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    # tampered: another user id with the old signature
    forged_payload = _b64({**claims, "user_id": str(UserFactory().pk)})
    tampered = f"{header}.{forged_payload}.{signature}"
    # alg none: unsigned
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    # expired: correctly signed, but past its lifetime
    expired = AccessToken(access)
    expired.set_exp(lifetime=-timedelta(minutes=1))
    for token in (tampered, unsigned, str(expired), "garbage"):
        response = bearer(token).get("/api/v1/me/")
        assert response.status_code == 401, token
        assert response.json()["code"] in {"authentication_failed", "token_not_valid"}


def test_a_signed_token_naming_another_users_login_or_no_login_is_revoked():
    # correctly signed tokens (as a leaked signing key would make): the family must be the user's own and live
    user, other = UserFactory(), UserFactory()
    other_family = AccessToken(login(other.email).json()["access"])["fam"]
    for family in (other_family, None, "not-a-uuid"):
        token = AccessToken.for_user(user)
        if family is not None:
            token["fam"] = family
        response = bearer(str(token)).get("/api/v1/me/")
        assert response.status_code == 401, family
        assert response.json()["code"] == "token_revoked"


def test_refresh_token_cannot_be_used_as_an_access_token_and_vice_versa():
    user = UserFactory()
    pair = login(user.email).json()
    assert bearer(pair["refresh"]).get("/api/v1/me/").status_code == 401
    assert APIClient().post(REFRESH, {"refresh": pair["access"]}, format="json").status_code == 401


def test_access_token_lifetime_is_30_minutes_and_refresh_7_days():
    from rest_framework_simplejwt.tokens import RefreshToken

    user = UserFactory()
    pair = login(user.email).json()
    access, refresh = AccessToken(pair["access"]), RefreshToken(pair["refresh"])
    assert access["exp"] - access["iat"] == 30 * 60
    assert refresh["exp"] - refresh["iat"] == 7 * 24 * 3600


# --- browser session -----------------------------------------------------------------------------------------------


def test_session_login_with_csrf_sets_a_safe_cookie_and_is_audited():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/")
    token = page.cookies["csrftoken"].value
    response = client.post("/login/", {"username": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert client.get("/api/v1/me/").json()["email"] == user.email
    assert len(account_events("user.logged_in")) == 1


def test_session_login_without_csrf_token_is_refused():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert account_events("user.logged_in") == []


def test_session_login_failures_show_a_form_error_and_count_towards_the_limit():
    user = UserFactory()
    client = Client()
    for _ in range(5):
        response = client.post("/login/", {"username": user.email, "password": "wrong"})
        assert b"E-mail or password is incorrect." in response.content
    response = client.post("/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert b"Too many failed attempts" in response.content
    assert len(account_events("user.login_failed")) == 5


def test_session_logout_is_audited():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    client.post("/logout/")
    assert len(account_events("user.logged_out")) == 1


def test_logout_all_from_a_browser_session_also_ends_the_session():
    user = UserFactory()
    client = APIClient()
    client.force_login(user)
    assert client.post("/api/v1/auth/logout-all/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


# --- roles of sign-up -----------------------------------------------------------------------------------------------


def test_me_lists_only_active_memberships(org, other_org, member, api_as):
    membership = member(Role.STAFF)
    inactive = member(Role.STAFF, organization=other_org, user=membership.user)
    with tenant_context(other_org):
        Membership.objects.filter(pk=inactive.pk).update(is_active=False)
    body = api_as(membership).get("/api/v1/me/").json()
    assert [m["organization"]["slug"] for m in body["memberships"]] == ["acme"]


def test_an_invalid_token_is_a_readable_problem():
    response = bearer("not.a.token").get("/api/v1/me/")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "authentication_failed"
    assert body["detail"] == "Given token not valid for any token type"
