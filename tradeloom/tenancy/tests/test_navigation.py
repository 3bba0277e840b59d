"""The sidebar (``tenancy.navigation``): the links each app registers, shown to the roles that may follow them, with
the current page marked and the counters computed in one query."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tradeloom.accounts.tests.factories import InvitationFactory
from tradeloom.core.context import tenant_context
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.navigation import NAV_COUNTERS, NAVIGATION, SECTIONS, NavEntry, NavLink, navigation_for
from tradeloom.tenancy.roles import Role, role_has
from tradeloom.tenancy.selectors import organization_counters
from tradeloom.tenancy.tests.factories import MembershipFactory

ACME = SimpleNamespace(slug="acme")
NAV_LINK = re.compile(r'<a class="nav-link" href="([^"]+)"\s*(aria-current="page")?\s*>')


def sidebar(role: str, nav: str = "dashboard", counters: dict[str, int] | None = None) -> dict[str, NavEntry]:
    sections = navigation_for(organization=ACME, role=role, nav=nav, counters=counters or {})
    return {entry.label: entry for section in sections for entry in section.links}


def browser(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


# --- what each role sees ------------------------------------------------------------------------------------------


def test_a_viewers_sidebar_has_no_link_needing_a_capability_it_lacks():
    # given / when
    links = sidebar(Role.VIEWER)

    # then
    assert "Audit log" not in links
    assert "Invitations" not in links
    assert "Reports" not in links  # reports.view: managers and accounts staff
    assert {"Dashboard", "Orders", "Approvals", "Members", "Settings", "Customers", "Items"} <= set(links)


def test_an_owners_sidebar_has_every_link():
    # given / when
    links = sidebar(Role.OWNER)

    # then
    assert "Audit log" in links
    assert "Invitations" in links
    assert len(links) == len(NAVIGATION)
    assert {link.label for link in NAVIGATION} == set(links)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_exactly_the_links_its_capabilities_allow(role):
    # given
    allowed = {link.label for link in NAVIGATION if link.capability is None or role_has(role, link.capability)}

    # when
    links = sidebar(role)

    # then
    assert set(links) == allowed


def test_a_manager_sees_invitations_but_not_the_audit_log():
    # given / when
    links = sidebar(Role.MANAGER)

    # then
    assert "Invitations" in links
    assert "Reports" in links
    assert "Audit log" not in links


def test_sections_come_in_their_order_and_an_empty_section_is_left_out():
    # given: a role that holds nothing, and one that holds every capability
    # when
    nobody = navigation_for(organization=ACME, role="", nav="", counters={})
    owner = navigation_for(organization=ACME, role=Role.OWNER, nav="", counters={})

    # then: every link needs a capability, so a role without any sees no section at all
    assert [section.title for section in owner] == list(SECTIONS)
    assert nobody == []


def test_links_within_a_section_follow_their_order():
    # given / when
    sections = {
        s.title: [e.label for e in s.links]
        for s in navigation_for(organization=ACME, role=Role.OWNER, nav="", counters={})
    }

    # then
    assert sections["Workspace"] == ["Dashboard", "Orders", "Approvals", "Shipments", "Alerts", "Reports"]
    assert sections["Organisation"] == [
        "Members",
        "Invitations",
        "Audit log",
        "Alert rules",
        "Webhooks",
        "Print profile",
        "Imports",
        "Settings",
    ]


def test_each_link_points_at_its_page_in_the_organisation():
    # given / when
    links = sidebar(Role.OWNER)

    # then
    assert links["Dashboard"].url == "/o/acme/"
    assert links["Orders"].url == "/o/acme/orders/"
    assert links["Approvals"].url == "/o/acme/approvals/"
    assert links["Audit log"].url == "/o/acme/audit/"
    assert links["Invitations"].url == "/o/acme/invitations/"
    for key, link in NAVIGATION.items():
        assert links[link.label].url == reverse(link.url_name, kwargs={"org_slug": "acme"}), key
        assert links[link.label].icon == link.icon


def test_a_link_names_a_known_section():
    # given / when / then
    with pytest.raises(ValueError, match="not a navigation section"):
        NavLink("Reports", "Reports", "tenancy:dashboard", "icons/home.svg")


# --- the current page ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nav", "current"),
    [
        ("dashboard", "Dashboard"),
        ("orders", "Orders"),
        ("approvals", "Approvals"),
        ("approval-settings", "Approvals"),  # a page listed in the link's ``active``
        ("supplier-plant-mappings", "Plants"),
        ("addresses", "Contacts"),
        ("audit", "Audit log"),
    ],
)
def test_the_current_pages_link_and_only_it_is_marked(nav, current):
    # given / when
    links = sidebar(Role.OWNER, nav=nav)

    # then
    assert [label for label, entry in links.items() if entry.current] == [current]


def test_a_page_without_a_link_marks_none():
    # given / when
    links = sidebar(Role.OWNER, nav="profile")

    # then
    assert not any(entry.current for entry in links.values())


# --- counters -----------------------------------------------------------------------------------------------------


def test_counters_are_shown_next_to_their_links():
    # given / when
    links = sidebar(Role.OWNER, counters={"members": 4, "invitations": 2})

    # then
    assert (links["Members"].count, links["Members"].count_title) == (4, "Active members")
    assert (links["Invitations"].count, links["Invitations"].count_title) == (2, "Pending invitations")
    assert links["Orders"].count is None


def test_a_zero_counter_is_hidden_unless_the_link_always_shows_it():
    # given / when
    links = sidebar(Role.OWNER, counters={"members": 0, "invitations": 0})

    # then
    assert links["Members"].count == 0  # counter_always
    assert links["Invitations"].count is None


def test_the_registered_counters():
    # given / when / then
    assert NAV_COUNTERS.keys()[:2] == ["members", "invitations"]  # the tenancy floor's; the apps add theirs after


@pytest.mark.django_db
def test_the_counters_are_computed_in_one_query(org, other_org, owner, django_assert_num_queries):
    # given: three active members (one more inactive), two pending invitations (and a revoked, an expired and an
    # accepted one); another organisation's rows are not counted
    MembershipFactory(organization=org, role=Role.STAFF)
    MembershipFactory(organization=org, role=Role.VIEWER)
    MembershipFactory(organization=org, role=Role.STAFF, is_active=False)
    InvitationFactory(organization=org, invited_by=owner)
    InvitationFactory(organization=org, invited_by=owner)
    InvitationFactory(organization=org, invited_by=owner, revoked_at=timezone.now())
    InvitationFactory(organization=org, invited_by=owner, expires_at=timezone.now() - timedelta(minutes=1))
    InvitationFactory(organization=org, invited_by=owner, accepted_at=timezone.now())
    rival = MembershipFactory(organization=other_org, role=Role.OWNER)
    InvitationFactory(organization=other_org, invited_by=rival)

    # when
    with tenant_context(org), django_assert_num_queries(1):
        counters = organization_counters(organization=org)

    # then: the tenancy floor's counters (the apps above add theirs to the same statement)
    assert {key: counters[key] for key in ("members", "invitations")} == {"members": 3, "invitations": 2}
    assert set(counters) == set(NAV_COUNTERS.keys())


@pytest.mark.django_db
def test_an_organisation_with_nothing_to_count_counts_zero(org, django_assert_num_queries):
    # given: no members, no invitations

    # when
    with tenant_context(org), django_assert_num_queries(1):
        counters = organization_counters(organization=org)

    # then
    assert counters == dict.fromkeys(NAV_COUNTERS.keys(), 0)


# --- the rendered page --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tenant_page_shows_the_owners_sidebar_with_its_links_and_counters(org, owner):
    # given
    MembershipFactory(organization=org, role=Role.STAFF)
    InvitationFactory(organization=org, invited_by=owner)
    expected = [entry.url for entry in sidebar(Role.OWNER).values()]

    # when
    response = browser(owner).get(f"/o/{org.slug}/")

    # then
    assert response.status_code == 200
    html = response.content.decode()
    rendered = NAV_LINK.findall(html)
    assert [href for href, _ in rendered] == expected
    assert [href for href, current in rendered if current] == ["/o/acme/"]
    assert '<span class="count" title="Active members">2</span>' in html
    assert '<span class="count" title="Pending invitations">1</span>' in html


@pytest.mark.django_db
def test_a_tenant_page_shows_a_viewer_no_link_it_may_not_follow(org, member):
    # given
    viewer = member(Role.VIEWER)

    # when
    response = browser(viewer).get(f"/o/{org.slug}/orders/")

    # then
    assert response.status_code == 200
    rendered = NAV_LINK.findall(response.content.decode())
    hrefs = [href for href, _ in rendered]
    assert hrefs == [entry.url for entry in sidebar(Role.VIEWER).values()]
    assert "/o/acme/audit/" not in hrefs
    assert "/o/acme/invitations/" not in hrefs
    assert "/o/acme/orders/" in hrefs
    assert [href for href, current in rendered if current] == ["/o/acme/orders/"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["tenancy:dashboard", "tenancy:members"])
def test_a_page_counts_once_for_its_sidebar_and_its_content(page, org, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given a logged-in owner
    client = Client()
    client.force_login(owner.user)
    # when the page renders (the dashboard shows the counters in its content too)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(page, kwargs={"org_slug": org.slug}))
    # then the counters' one query ran once
    assert response.status_code == 200
    counting = [q["sql"] for q in queries.captured_queries if '"accounts_invitation"' in q["sql"]]
    assert len(counting) == 1
