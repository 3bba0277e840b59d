"""The profile page lies outside any organisation but keeps the sidebar: the navigation of the organisation it was
opened from (the user menu passes it), else of the user's first one (``tenancy.web.frame_resolve``)."""

from __future__ import annotations

import pytest
from django.test import Client

from tradeloom.accounts.tests.factories import UserFactory
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_orgs():
    user = UserFactory()
    first = OrganizationFactory(name="Alpha Knits", slug="alpha")
    second = OrganizationFactory(name="Beta Sourcing", slug="beta")
    MembershipFactory(organization=first, user=user, role=Role.MERCHANDISER)
    MembershipFactory(organization=second, user=user, role=Role.OWNER)
    client = Client()
    client.force_login(user)
    return client


def nav_links(html: str) -> str:
    return html.split('aria-label="Main navigation"')[1].split("</aside>")[0]


def test_the_profile_shows_the_sidebar_of_the_users_first_organisation(two_orgs):
    response = two_orgs.get("/account/profile/")
    nav = nav_links(response.content.decode())
    assert response.status_code == 200
    assert 'href="/o/alpha/orders/"' in nav
    assert 'href="/o/alpha/"' in nav  # the dashboard
    assert "/o/beta/orders/" not in nav
    assert "Choose an organisation" not in nav
    assert "Alpha Knits" in nav


def test_the_profile_opened_from_an_organisation_keeps_its_navigation(two_orgs):
    page = two_orgs.get("/o/beta/members/").content.decode()
    assert 'href="/account/profile/?org=beta"' in page  # the user menu's link
    html = two_orgs.get("/account/profile/?org=beta").content.decode()
    nav = nav_links(html)
    assert 'href="/o/beta/orders/"' in nav
    assert 'href="/o/beta/settings/"' in nav  # an owner there
    # its forms keep the frame after saving or changing the password
    assert 'action="/account/profile/?org=beta"' in html
    assert 'action="/account/password/?org=beta"' in html


def test_saving_the_profile_comes_back_to_the_same_frame(two_orgs):
    response = two_orgs.post("/account/profile/?org=beta", {"full_name": "Mira Merch", "phone": "", "department": ""})
    assert response.status_code == 302
    assert response["Location"] == "/account/profile/?org=beta"


def test_a_wrong_password_is_refused_on_a_framed_page(two_orgs):
    response = two_orgs.post(
        "/account/password/?org=beta", {"current_password": "not-it", "new_password": "a-long-new-password-1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="current_password"' in html
    assert 'aria-invalid="true"' in html
    assert 'href="/o/beta/orders/"' in nav_links(html)


def test_an_organisation_the_user_does_not_belong_to_is_not_shown(two_orgs):
    OrganizationFactory(name="Gamma Mills", slug="gamma")
    response = two_orgs.get("/account/profile/?org=gamma")
    nav = nav_links(response.content.decode())
    assert response.status_code == 200
    assert "gamma" not in nav.lower()
    assert 'href="/o/alpha/orders/"' in nav


def test_a_user_without_an_organisation_gets_the_page_without_navigation():
    client = Client()
    client.force_login(UserFactory())
    response = client.get("/account/profile/")
    assert response.status_code == 200
    assert "/o/" not in nav_links(response.content.decode())


def test_the_new_organisation_page_keeps_the_sidebar_of_the_users_organisation(two_orgs):
    response = two_orgs.get("/organizations/new/")
    nav = nav_links(response.content.decode())
    assert response.status_code == 200
    assert 'href="/o/alpha/orders/"' in nav


def test_a_refused_new_organisation_keeps_the_sidebar_and_creates_nothing(two_orgs):
    from tradeloom.tenancy.models import Organization

    before = Organization.objects.count()
    response = two_orgs.post("/organizations/new/", {"name": "", "slug": "alpha"})
    assert response.status_code == 200
    assert 'href="/o/alpha/orders/"' in nav_links(response.content.decode())
    assert Organization.objects.count() == before
