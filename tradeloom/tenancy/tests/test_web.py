"""The web app: capability-aware pages, forms, HTMX partials, CSP (the walls over every /o/ route: testing/tests)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from tradeloom.accounts.models import Invitation, User
from tradeloom.accounts.tests.factories import PASSWORD, UserFactory
from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.core.models import Job
from tradeloom.tenancy.events import OrganizationAction
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db

MEMBER_ROW = re.compile(r'id="member-[0-9a-f]{8}-')


def browser(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def test_a_viewer_sees_no_edit_controls(org, member):
    member(Role.STAFF)
    client = browser(member(Role.VIEWER))
    members = client.get(f"/o/{org.slug}/members/").content.decode()
    assert 'id="role-' not in members
    assert "/deactivate/" not in members
    settings_page = client.get(f"/o/{org.slug}/settings/").content.decode()
    assert "<fieldset disabled" in settings_page
    assert "Save settings" not in settings_page
    assert client.get(f"/o/{org.slug}/invitations/").status_code == 403
    assert "Invitations" not in client.get(f"/o/{org.slug}/").content.decode().split('id="main"')[0]


def test_an_admin_sees_edit_controls(org, member):
    member(Role.STAFF)
    page = browser(member(Role.ADMIN)).get(f"/o/{org.slug}/members/").content.decode()
    assert 'id="role-' in page
    assert "/deactivate/" in page


def test_member_list_costs_a_constant_number_of_queries(org, owner, member, django_assert_max_num_queries):
    for _ in range(30):
        member(Role.STAFF)
    client = browser(owner)
    client.get(f"/o/{org.slug}/members/")  # warm the session
    with django_assert_max_num_queries(budget("web.members.list")):
        response = client.get(f"/o/{org.slug}/members/")
    assert len(MEMBER_ROW.findall(response.content.decode())) == 25


def test_audit_page_costs_a_constant_number_of_queries(org, owner, django_assert_max_num_queries):
    from tradeloom.audit.services import audit_record

    with tenant_context(org):
        for i in range(40):
            audit_record(actor=owner, action=OrganizationAction.UPDATED, organization=org, changes={"n": [i, i + 1]})
    client = browser(owner)
    with django_assert_max_num_queries(budget("web.audit.list")):
        response = client.get(f"/o/{org.slug}/audit/?with_count=1")
    assert "40 rows" in response.content.decode()


def test_list_filters_come_from_the_shared_filterset_and_bad_values_show_errors(org, owner, member):
    member(Role.VIEWER)
    client = browser(owner)
    page = client.get(f"/o/{org.slug}/members/?role=viewer").content.decode()
    assert len(MEMBER_ROW.findall(page)) == 1
    bad = client.get(f"/o/{org.slug}/members/?role=emperor").content.decode()
    assert "Select a valid choice" in bad
    assert MEMBER_ROW.findall(bad) == []


def test_htmx_requests_get_only_the_list_partial(org, owner):
    response = browser(owner).get(f"/o/{org.slug}/members/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="member-list")
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="card" id="member-list">')
    assert "<html" not in html


def test_role_change_through_htmx_returns_the_row_and_a_toast(org, member):
    admin, staff = member(Role.ADMIN), member(Role.STAFF)
    response = browser(admin).post(
        f"/o/{org.slug}/members/{staff.pk}/role/", {"role": "manager"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'id="member-{staff.pk}"' in response.content.decode()
    assert "is now Manager" in response["HX-Trigger"]
    with tenant_context(org):
        assert Membership.objects.get(pk=staff.pk).role == Role.MANAGER


def test_refused_role_change_shows_an_error_toast_and_changes_nothing(org, owner, member):
    admin = member(Role.ADMIN)
    response = browser(admin).post(f"/o/{org.slug}/members/{owner.pk}/role/", {"role": "viewer"})
    assert '"level":"error"' in response["HX-Trigger"]
    with tenant_context(org):
        assert Membership.objects.get(pk=owner.pk).role == Role.OWNER


def test_settings_form_saves_and_audits(org, member):
    admin = member(Role.ADMIN)
    response = browser(admin).post(
        f"/o/{org.slug}/settings/", {"name": "Acme Global", "base_currency": "EUR", "timezone": "Europe/Berlin"}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.base_currency, org.timezone) == ("Acme Global", "EUR", "Europe/Berlin")
    with tenant_context(org):
        assert AuditEvent.objects.filter(action="organization.updated").count() == 1


def test_settings_form_shows_and_saves_the_over_delivery_tolerance(org, member):
    org.settings = {"merchandisers_see_all_orders": False, "over_delivery_tolerance_percent": 10}
    org.save()
    client = browser(member(Role.ADMIN))
    page = client.get(f"/o/{org.slug}/settings/").content.decode()
    assert 'name="over_delivery_tolerance_percent"' in page
    assert "Over-delivery tolerance (%)" in page
    fields = {"name": org.name, "base_currency": "USD", "timezone": "UTC", "weekly_off_days": ["6"]}
    assert (
        client.post(f"/o/{org.slug}/settings/", {**fields, "over_delivery_tolerance_percent": "7.5"}).status_code == 302
    )
    org.refresh_from_db()
    assert org.settings == {"merchandisers_see_all_orders": False, "over_delivery_tolerance_percent": 7.5}
    # out of range: an error on the field; blank: back to the default (the other settings stay)
    refused = client.post(f"/o/{org.slug}/settings/", {**fields, "over_delivery_tolerance_percent": "150"})
    assert 'id="id_over_delivery_tolerance_percent_error"' in refused.content.decode()
    client.post(f"/o/{org.slug}/settings/", {**fields, "over_delivery_tolerance_percent": ""})
    org.refresh_from_db()
    assert org.settings == {"merchandisers_see_all_orders": False}


def test_settings_form_shows_inline_errors(org, member):
    response = browser(member(Role.ADMIN)).post(
        f"/o/{org.slug}/settings/", {"name": "", "base_currency": "XXX!", "timezone": "Nowhere"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="field-error"') == 3
    assert 'aria-invalid="true"' in html


def test_inviting_shows_the_link_once_and_duplicate_invitations_are_form_errors(org, owner):
    client = browser(owner)
    first = client.post(f"/o/{org.slug}/invitations/", {"email": "new@example.com", "role": "staff"})
    assert "/invitations/accept/?token=" in first.content.decode()
    second = client.post(f"/o/{org.slug}/invitations/", {"email": "new@example.com", "role": "staff"})
    assert "An open invitation for this e-mail address exists" in second.content.decode()
    assert "/invitations/accept/?token=" not in second.content.decode()


def test_signup_creates_the_organisation_and_logs_in():
    client = Client()
    response = client.post(
        "/signup/",
        {
            "full_name": "Sara",
            "email": "sara@example.com",
            "password": "a-long-unusual-password",
            "organization_name": "Sara Sourcing",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/o/sara-sourcing/"
    assert client.get("/o/sara-sourcing/").status_code == 200


def test_signup_errors_are_inline(org):
    UserFactory(email="taken@example.com")
    response = Client().post(
        "/signup/", {"full_name": "T", "email": "taken@example.com", "password": "x", "organization_name": "T"}
    )
    assert "An account with this e-mail address exists" in response.content.decode()
    assert not Organization.objects.filter(name="T").exists()


def test_accepting_an_invitation_in_the_browser(org, owner):
    from tradeloom.accounts.services import invitation_create

    with tenant_context(org):
        _, token = invitation_create(organization=org, by=owner, email="joiner@example.com", role=Role.ACCOUNTS)
    client = Client()
    page = client.get(f"/invitations/accept/?token={token}").content.decode()
    assert "Join Acme Sourcing" in page
    response = client.post("/invitations/accept/", {"token": token, "full_name": "Jo", "password": "another-long-pw-1"})
    assert response["Location"] == f"/o/{org.slug}/"
    with tenant_context(org):
        assert Membership.objects.get(user__email="joiner@example.com").role == Role.ACCOUNTS
    gone = Client().get(f"/invitations/accept/?token={token}")
    assert gone.status_code == 410


def test_password_reset_by_email():
    user = UserFactory()
    Client().post("/password-reset/", {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    client = Client()
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-password-9", "new_password2": "brand-new-password-9"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-password-9")


def test_profile_and_password_pages(org, owner):
    client = browser(owner)
    assert (
        client.post("/account/profile/", {"full_name": "Olu Owner", "phone": "1", "department": "D"}).status_code == 302
    )
    owner.user.refresh_from_db()
    assert owner.user.full_name == "Olu Owner"
    wrong = client.post("/account/password/", {"current_password": "nope", "new_password": "x-very-new-password"})
    assert "The current password is not correct." in wrong.content.decode()
    ok = client.post("/account/password/", {"current_password": PASSWORD, "new_password": "x-very-new-password"})
    assert ok.status_code == 302
    assert client.get(f"/o/{org.slug}/").status_code == 200  # still logged in


def test_org_switcher_lists_every_organisation_of_the_user(org, other_org, owner):
    MembershipFactory(organization=other_org, user=owner.user, role=Role.VIEWER)
    page = browser(owner).get(f"/o/{org.slug}/").content.decode()
    assert "/o/rival/" in page
    assert "/o/acme/" in page


def test_home_sends_a_user_without_organisation_to_create_one():
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/")["Location"] == "/organizations/new/"
    response = client.post("/organizations/new/", {"name": "Solo Trading", "base_currency": "GBP", "timezone": "UTC"})
    assert response["Location"] == "/o/solo-trading/"


def test_audit_export_runs_as_a_job_with_progress_and_a_download(org, owner, django_capture_on_commit_callbacks):
    client = browser(owner)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/o/{org.slug}/audit/exports/", {"action": "organization.*"}, HTTP_HX_REQUEST="true")
    assert "<progress" in started.content.decode()
    with tenant_context(org):
        job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED
    progress = client.get(f"/o/{org.slug}/audit/exports/{job.pk}/").content.decode()
    assert "Done" in progress
    assert "hx-trigger" not in progress  # finished jobs stop polling
    download = client.get(f"/o/{org.slug}/audit/exports/{job.pk}/download/")
    csv_text = b"".join(download.streaming_content).decode()
    assert csv_text.splitlines()[0].startswith("time,action,actor")
    assert "organization.created" in csv_text or len(csv_text.splitlines()) >= 1


def test_pages_carry_a_content_security_policy_and_no_inline_scripts_or_styles(org, owner):
    client = browser(owner)
    for path in (f"/o/{org.slug}/", f"/o/{org.slug}/members/", f"/o/{org.slug}/audit/", "/account/profile/"):
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "'unsafe-inline'" not in policy
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\sstyle=\"", html), path
        assert not re.search(r"\son[a-z]+=\"", html), path
    login = Client().get("/login/")
    assert "script-src 'self'" in login["Content-Security-Policy"]


def test_every_control_on_the_main_pages_has_a_label(org, owner):
    client = browser(owner)
    for path in (
        f"/o/{org.slug}/members/",
        f"/o/{org.slug}/settings/",
        f"/o/{org.slug}/invitations/",
        "/account/profile/",
    ):
        html = client.get(path).content.decode()
        ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"', html)
        for control_id in ids:
            assert f'for="{control_id}"' in html, (path, control_id)


def test_users_cannot_log_in_to_a_deactivated_organisation_page(org, member):
    staff = member(Role.STAFF)
    client = browser(staff)
    with tenant_context(org):
        Membership.objects.filter(pk=staff.pk).update(is_active=False)
    assert client.get(f"/o/{org.slug}/").status_code == 404


def test_invitation_model_is_untouched_by_viewers(org, member):
    viewer = member(Role.VIEWER)
    browser(viewer).post(f"/o/{org.slug}/invitations/", {"email": "x@example.com", "role": "staff"})
    with tenant_context(org):
        assert not Invitation.objects.exists()
    assert User.objects.filter(email="x@example.com").count() == 0


def test_member_detail_has_tabs_loaded_as_partials(org, owner, member):
    staff = member(Role.STAFF)
    client = browser(owner)
    client.post(f"/o/{org.slug}/members/{staff.pk}/role/", {"role": "manager"})
    page = client.get(f"/o/{org.slug}/members/{staff.pk}/").content.decode()
    assert 'role="tablist"' in page
    assert 'aria-selected="true"' in page
    panel = client.get(
        f"/o/{org.slug}/members/{staff.pk}/?tab=activity", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="member-panel"
    ).content.decode()
    assert panel.lstrip().startswith('<section class="card" id="member-panel">')
    assert "role from staff to manager" in panel  # a sentence, not the action's code
    permissions = client.get(f"/o/{org.slug}/members/{staff.pk}/?tab=permissions").content.decode()
    assert "members.manage" in permissions


def test_member_activity_tab_is_hidden_from_roles_without_audit_access(org, member):
    staff = member(Role.STAFF)
    page = browser(member(Role.VIEWER)).get(f"/o/{org.slug}/members/{staff.pk}/?tab=activity").content.decode()
    assert "Only owners and admins see the activity log." in page


def test_dashboard_chart_counts_changes_per_day(org, owner):
    from tradeloom.audit.selectors import audit_activity_by_day
    from tradeloom.audit.services import audit_record

    with tenant_context(org):
        for _ in range(3):
            audit_record(actor=owner, action=OrganizationAction.UPDATED, organization=org)
        per_day = audit_activity_by_day(organization=org)
    assert len(per_day) == 14
    assert per_day[-1][1] == 3
    assert sum(n for _, n in per_day[:-1]) == 0
    page = browser(owner).get(f"/o/{org.slug}/").content.decode()
    assert "data-chart=" in page
    assert "chart.umd.min.js" in page


@pytest.mark.parametrize(
    "path",
    [
        "/o/{org}/members/",
        "/o/{org}/members/{member}/?tab=activity",
        "/o/{org}/invitations/",
        "/o/{org}/audit/",
        "/o/{org}/settings/",
        "/account/profile/",
    ],
)
def test_every_main_page_costs_a_bounded_number_of_queries(path, org, owner, member, django_assert_max_num_queries):
    from tradeloom.accounts.services import invitation_create

    staff = member(Role.STAFF)
    for i in range(10):
        member(Role.VIEWER)
        with tenant_context(org):
            invitation_create(organization=org, by=owner, email=f"guest{i}@example.com", role=Role.STAFF)
    client = browser(owner)
    url = path.format(org=org.slug, member=staff.pk)
    client.get(url)
    # session + user + tenant context (3) + frame (memberships, counters) + the page's own reads
    with django_assert_max_num_queries(budget("web.main_page")):
        assert client.get(url).status_code == 200
