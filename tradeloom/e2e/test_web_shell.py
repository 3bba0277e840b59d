"""End to end, in Chromium: sign up, log in, invite and accept, switch organisation, change a role, read the audit
log, and a viewer who cannot edit. Each main page is screenshotted at 1280 and 390 px."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tradeloom.e2e.conftest import unique


def test_sign_up_log_out_and_log_in(person):
    me = person()
    email = f"{unique('founder')}@example.com"
    me.goto("/login/")
    me.screenshot("login")
    me.goto("/signup/")
    me.screenshot("signup")
    me.sign_up(name="Farah Founder", email=email, organisation=unique("Dhaka Knits"))
    expect(me.page.get_by_role("heading", name="Good to see you, Farah Founder")).to_be_visible()
    expect(me.page.get_by_text("Welcome to Tradeloom.")).to_be_visible()
    me.screenshot("dashboard")
    # log out through the user menu, then back in
    me.page.get_by_label("Account menu").click()
    me.page.get_by_role("menuitem", name="Log out").click()
    me.page.wait_for_url("**/login/")
    me.log_in(email)
    expect(me.page.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")


def test_invite_a_colleague_who_accepts_and_whose_role_is_changed(person):
    owner = person()
    org_name = unique("Chittagong Trading")
    owner.sign_up(name="Olu Owner", email=f"{unique('owner')}@example.com", organisation=org_name)
    slug = owner.page.url.rstrip("/").rsplit("/", 1)[-1]

    # the owner invites a merchandiser and gets the link
    guest_email = f"{unique('guest')}@example.com"
    link = owner.invite(slug, guest_email, "merchandiser")
    assert "/invitations/accept/?token=" in link
    expect(owner.page.get_by_role("cell", name=re.compile(guest_email))).to_be_visible()
    owner.screenshot("invitations")

    # the colleague accepts in another browser, creating an account
    guest = person()
    guest.goto(link)
    expect(guest.page.get_by_role("heading", name=f"Join {org_name}")).to_be_visible()
    guest.screenshot("invitation-accept")
    guest.accept(link, "Gita Guest", slug=slug)
    expect(guest.page.get_by_text("you are merchandiser")).to_be_visible()

    # the owner makes the colleague a manager from the members list (HTMX, with a toast)
    owner.goto(f"/o/{slug}/members/")
    owner.page.get_by_label(f"Role of {guest_email}").select_option("manager")
    expect(owner.page.get_by_text("Gita Guest is now Manager.")).to_be_visible()
    owner.screenshot("members")
    owner.page.reload()
    expect(owner.page.get_by_label(f"Role of {guest_email}")).to_have_value("manager")

    # the member's page: tabs load in place
    owner.page.get_by_role("link", name="Gita Guest").click()
    owner.page.get_by_role("tab", name="Activity").click()
    expect(owner.page.get_by_role("tab", name="Activity")).to_have_attribute("aria-selected", "true")
    expect(owner.page.locator("#member-panel")).to_contain_text("Gita Guest's role from merchandiser to manager")
    owner.screenshot("member-detail")

    # and sees it in the audit log, filtered by action
    owner.goto(f"/o/{slug}/audit/")
    owner.page.get_by_label("Action").fill("membership.role_changed")
    expect(owner.page.locator("#audit-list tbody tr")).to_have_count(1)
    expect(owner.page.locator("#audit-list")).to_contain_text("Gita Guest's role from merchandiser to manager")
    owner.screenshot("audit-log")

    # the export runs as a job with a progress bar and a download
    owner.page.get_by_role("button", name="Export CSV").click()
    expect(owner.page.get_by_role("link", name="Download")).to_be_visible()


def test_switch_between_organisations(person):
    me = person()
    first = unique("First Mills")
    me.sign_up(name="Sam Switcher", email=f"{unique('switch')}@example.com", organisation=first)
    me.goto("/organizations/new/")
    second = unique("Second Sourcing")
    me.page.get_by_label("Organisation name").fill(second)
    me.page.get_by_role("button", name="Create organisation").click()
    expect(me.page.get_by_label("Switch organisation")).to_contain_text(second)
    me.page.get_by_label("Switch organisation").click()
    me.page.get_by_role("menuitem", name=re.compile(first)).click()
    expect(me.page.get_by_label("Switch organisation")).to_contain_text(first)
    me.goto(me.page.url + "settings/")
    me.screenshot("settings")
    me.goto("/account/profile/")
    me.screenshot("profile")


def test_a_viewer_sees_but_cannot_edit(person):
    owner = person()
    owner.sign_up(name="Vera Owner", email=f"{unique('vowner')}@example.com", organisation=unique("Viewers Inc"))
    slug = owner.page.url.rstrip("/").rsplit("/", 1)[-1]
    link = owner.invite(slug, f"{unique('viewer')}@example.com", "viewer")

    viewer = person()
    viewer.accept(link, "Vic Viewer", slug=slug)

    viewer.goto(f"/o/{slug}/members/")
    expect(viewer.page.locator("#member-list tbody tr")).to_have_count(2)
    expect(viewer.page.locator("#member-list select[id^=role-]")).to_have_count(0)
    expect(viewer.page.get_by_role("button", name="Deactivate")).to_have_count(0)
    expect(viewer.page.get_by_role("link", name="Invitations")).to_have_count(0)
    viewer.goto(f"/o/{slug}/settings/")
    expect(viewer.page.get_by_label("Organisation name")).to_be_disabled()
    expect(viewer.page.get_by_role("button", name="Save settings")).to_have_count(0)
    # and the server refuses the action anyway
    response = viewer.page.request.post(f"/o/{slug}/settings/", form={"name": "Hacked"})
    assert response.status == 403


def test_navigation_on_a_phone(person):
    me = person()
    me.sign_up(name="Mo Mobile", email=f"{unique('mobile')}@example.com", organisation=unique("Pocket Trade"))
    me.page.set_viewport_size({"width": 390, "height": 844})
    sidebar = me.page.locator("#sidebar")
    expect(sidebar).not_to_be_in_viewport()
    me.page.get_by_role("button", name="Open navigation").click()
    expect(sidebar).to_be_in_viewport()
    me.page.keyboard.press("Escape")
    expect(sidebar).not_to_be_in_viewport()
