"""End to end: a colour goes through lab dip submission, rejection, resubmission and approval, and the order's
badge on the orders list follows."""

from __future__ import annotations

from playwright.sync_api import expect


def test_a_lab_dip_round_trip_moves_the_order_badge(person):
    me = person()
    slug = me.sign_up_merchandiser()
    page = me.page
    me.create_partner(slug, "customer", "Nordic Home AB")
    me.goto(f"/o/{slug}/orders/new/")
    page.locator("[name=po_number]").fill("NH-3001")
    page.locator("[name=customer]").select_option(label="Nordic Home AB · NORDICHO")
    page.locator("[name=s0-l0-colour_code]").fill("NAVY")
    page.locator("[name=s0-l0-quantity]").fill("1000")
    page.locator("[name=s0-l0-unit]").select_option(label="m")
    page.get_by_role("button", name="Create order").click()
    expect(page.get_by_role("heading", name="PO NH-3001")).to_be_visible()
    order_url = page.url.split("?")[0]

    badge = page.locator("[data-gate-badges] span", has_text="Lab dip")

    def badge_is(state: str) -> None:
        me.goto(f"/o/{slug}/orders/")
        expect(badge).to_have_attribute("title", f"Lab dip: {state}")

    badge_is("Not started")

    def record(state: str, message: str) -> None:
        page.goto(f"{order_url}?tab=approvals")
        step = page.locator('tr[data-gate="lab_dip"] details', has_text="Record a step for Lab dip")
        step.get_by_text("Record a step for Lab dip").click()
        step.get_by_label("State").select_option(state)
        step.get_by_label("Note").fill(f"{state} noted")
        step.get_by_role("button", name="Record").click()
        expect(page.get_by_text(message)).to_be_visible()

    record("submission", "Lab dip for NAVY: submission.")
    badge_is("Submission")
    record("rejected", "Lab dip for NAVY: rejected.")
    badge_is("Rejected")
    record("resubmission", "Lab dip for NAVY: resubmission.")
    badge_is("Resubmission")
    record("approved", "Lab dip for NAVY: approved.")
    badge_is("Approved")
    me.screenshot("orders-with-gate-badges")

    page.goto(f"{order_url}?tab=approvals")
    row = page.locator('tr[data-gate="lab_dip"]')
    expect(row).to_contain_text("round 2")
    row.get_by_text("History (4)").click()
    expect(row.locator(".timeline > li")).to_have_count(4)
    me.screenshot("order-approvals")

    me.goto(f"/o/{slug}/approvals/?gate=lab_dip")
    expect(page.locator("#board-rows tbody tr")).to_have_count(1)
    me.screenshot("approvals-board")
    assert not me.console_errors, me.console_errors
