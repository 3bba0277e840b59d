"""End to end: a merchandiser makes a proforma invoice from an order (a line by quantity beyond what is left is
refused next to its field; then a 30 % advance of one line and the other by quantity), sends it, records the buyer's
acceptance, revises it and sees the changes from the first revision; the list finds it by its number. Every page
fits 1440 and 390 px without sideways scrolling; screenshots in test-artifacts/screenshots."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tradeloom.e2e.conftest import ARTIFACTS

SIZES = ({"width": 1440, "height": 900}, {"width": 390, "height": 844})


def fits(me: Any, name: str) -> None:
    me.page.evaluate("window.scrollTo(0, 0)")
    for size in SIZES:
        me.page.set_viewport_size(size)
        overflow = int(me.page.evaluate("document.documentElement.scrollWidth - innerWidth"))
        assert overflow <= 0, (name, size, overflow)
        me.page.screenshot(path=str(ARTIFACTS / f"{name}-{size['width']}.png"), full_page=True, animations="disabled")
    me.page.set_viewport_size(SIZES[0])


def test_makes_sends_accepts_and_revises_a_proforma_invoice(person: Any) -> None:
    me = person()
    slug = me.sign_up_merchandiser()
    page = me.page
    page.set_viewport_size(SIZES[0])
    me.create_partner(slug, "customer", "Bayside Apparel")

    # an order with two priced lines: NAVY 1,000 m x 4.25 and WHITE 500 m x 2.00
    number, _ = me.create_two_line_order(slug, "BA-9001")

    # the list's "Make from an order" opens the order's new-PI page with every priced line ticked
    me.goto(f"/o/{slug}/proformas/")
    page.get_by_label("Order or PO number").fill(number)
    page.get_by_role("button", name="Make from an order").click()
    expect(page.get_by_role("heading", name=f"New proforma invoice for {number}")).to_be_visible()
    includes = page.locator("input[name$='-include']")
    expect(includes.first).to_be_checked()
    fits(me, "proforma-new")

    # more than the line's quantity is refused next to its field
    page.locator("input[name$='-quantity']").first.fill("1200")
    page.get_by_role("button", name="Make draft PI").click()
    expect(page.locator(".field-error").first).to_contain_text("more than what is not yet on sent or accepted")
    fits(me, "proforma-new-refused")

    # NAVY: a 30 % advance; WHITE: all 500 m
    page.locator("select[name$='-basis']").first.select_option("amount")
    page.locator("input[name$='-quantity']").first.fill("")
    page.locator("input[name$='-percent']").first.fill("30")
    page.get_by_role("button", name="Make draft PI").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("PI-")
    pi_number = heading.inner_text().split()[0]
    # 30 % of 4,250.00 = 1,275.00; 500 x 2.00 = 1,000.00; no tax
    expect(page.locator("#lines")).to_contain_text("1,275.00")
    expect(page.locator("dl.grid-cards")).to_contain_text("2,275.00")
    fits(me, "proforma-draft")

    page.locator("#actions summary", has_text="Mark sent").click()
    page.get_by_role("button", name="Mark sent").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sent")
    page.locator("#actions summary", has_text="Record acceptance").click()
    page.get_by_label("Buyer's reference").fill("BA-ACK-1")
    page.get_by_role("button", name="Record acceptance").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accepted")
    expect(page.locator("dl.grid-cards")).to_contain_text("BA-ACK-1")
    fits(me, "proforma-accepted")

    # revise: WHITE 400 m; the new revision shows what changed
    page.get_by_role("link", name="Revise").click()
    page.locator("input[name$='-quantity']").last.fill("400")
    page.get_by_role("button", name="Make revision").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("rev. 2")
    expect(page.locator("#revisions")).to_contain_text("Changes from revision 1")
    expect(page.locator("#revisions")).to_contain_text("400")
    expect(page.locator("#timeline")).to_contain_text("revised")
    fits(me, "proforma-revised")

    # the list finds it by its number (the latest revision)
    me.goto(f"/o/{slug}/proformas/?q={pi_number}")
    expect(page.locator("#proforma-list")).to_contain_text(pi_number)
    expect(page.locator("#proforma-list")).to_contain_text("rev. 2")
    fits(me, "proforma-list")
