"""End to end: an owner drafts an invoice from an order's lines (a quantity beyond what is left is refused next to its
field), issues it, raises a credit note (one beyond what is owed refused), and finds it in the list by its number with
its outstanding. Every page fits 1440 and 390 px without sideways scrolling; screenshots in
test-artifacts/screenshots."""

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


def test_drafts_issues_and_credits_an_invoice_of_an_order(person: Any) -> None:
    me = person()
    slug = me.sign_up_merchandiser()
    page = me.page
    page.set_viewport_size(SIZES[0])
    me.create_partner(slug, "customer", "Bayside Apparel")

    # an order with two priced lines: NAVY 1,000 m x 4.25 and WHITE 500 m x 2.00
    _, order_url = me.create_two_line_order(slug, "BA-9101")

    # the order's invoice page: every line prefilled with what is left of it
    page.goto(f"{order_url}/invoice/")
    quantities = page.locator("input[name$='-quantity']")
    expect(quantities.first).to_have_value("1000")
    fits(me, "invoice-new-order")
    quantities.first.fill("1200")
    page.get_by_role("button", name="Draft invoice").click()
    expect(page.locator(".field-error").first).to_contain_text("more than is left to invoice")
    quantities.first.fill("1000")
    page.get_by_role("button", name="Draft invoice").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("INV-")
    number = heading.inner_text().split()[0]
    # 1,000 x 4.25 = 4,250.00; 500 x 2.00 = 1,000.00; no tax
    expect(page.locator("dl.grid-cards")).to_contain_text("5,250.00")
    fits(me, "invoice-draft")

    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Issued")

    # a credit note beyond what is owed is refused next to its field; 250.00 is taken off
    page.locator("#credit-notes summary").click()
    page.locator("#cn-amount").fill("6000")
    page.locator("#cn-reason").fill("Shade variation")
    page.get_by_role("button", name="Raise credit note").click()
    expect(page.locator(".field-error").first).to_contain_text("owes USD 5,250.00")
    page.locator("#cn-amount").fill("250")
    page.get_by_role("button", name="Raise credit note").click()
    expect(page.locator("#credit-notes")).to_contain_text("CN-")
    expect(page.locator("#outstanding")).to_contain_text("5,000.00")
    fits(me, "invoice-issued")

    # the list finds it by its number, with its outstanding
    me.goto(f"/o/{slug}/invoices/?q={number}")
    expect(page.locator("#invoice-list")).to_contain_text(number)
    expect(page.locator("#invoice-list")).to_contain_text("5,000.00")
    fits(me, "invoice-list")
