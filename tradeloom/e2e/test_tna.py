"""End to end: a buying house plans an order's Time & Action from the standard template on the order's T&A tab, moves
a milestone's planned date (refused without a reason, next to the field), sees the slip carried down the milestones
that wait for it to an ex-factory after the ETD (late in red), records a milestone done, and reads the month's
calendar (a grid on a desktop, a list by day on a phone). Every page fits 1440 and 390 px without sideways scrolling;
screenshots in test-artifacts/screenshots."""

from __future__ import annotations

import datetime
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


def test_a_tna_plan_from_the_template_replanned_recorded_and_on_the_calendar(person: Any) -> None:
    me = person()
    slug = me.sign_up_merchandiser()
    page = me.page
    page.set_viewport_size(SIZES[0])
    me.create_partner(slug, "customer", "Bayside Apparel")
    today = datetime.datetime.now(datetime.UTC).date()  # a new organisation keeps its days in UTC
    etd = today + datetime.timedelta(days=45)

    # an order with an ETD 45 days out
    me.goto(f"/o/{slug}/orders/new/")
    page.locator("[name=po_number]").fill("BA-9001")
    page.locator("[name=customer]").select_option(label="Bayside Apparel · BAYSIDEA")
    page.locator("[name=etd]").fill(etd.isoformat())
    page.locator("[name=s0-l0-colour_code]").fill("NAVY")
    page.locator("[name=s0-l0-quantity]").fill("1000")
    page.locator("[name=s0-l0-unit]").select_option(label="m")
    page.locator("[name=s0-l0-selling_price]").fill("4.25")
    page.get_by_role("button", name="Create order").click()
    expect(page.get_by_role("heading", name="PO BA-9001")).to_be_visible()
    order_url = page.url.split("?")[0].rstrip("/")

    # the T&A tab proposes the standard template; apply it
    page.goto(f"{order_url}?tab=tna")
    expect(page.locator("#tna-apply")).to_be_visible()
    expect(page.locator("#apply-template")).to_have_value(
        page.locator("#apply-template option").first.get_attribute("value") or ""
    )
    page.get_by_role("button", name="Apply template").click()
    expect(page.locator("#tna-panel [data-tna-grid]")).to_be_visible()
    grid = page.locator("#tna-plan-order")
    expect(grid).to_contain_text("applied from")
    expect(grid.locator("tr[data-milestone=ex_factory]")).to_contain_text(f"{etd.day} {etd:%b %Y}")
    # yarn booking was planned 60 days before the ETD: already late, in red
    expect(grid.locator("tr[data-milestone=yarn_booked]")).to_have_attribute("data-state", "late")

    # the spinner is late: yarn in-house moves 15 days, refused first without a reason (next to the field)
    row = grid.locator("tr[data-milestone=yarn_in_house]")
    row.get_by_text("Replan").click()
    new_date = etd - datetime.timedelta(days=30)
    row.locator("input[name=planned_date]").fill(new_date.isoformat())
    row.get_by_role("button", name="Move planned date").click()
    refused = page.locator("tr[data-milestone=yarn_in_house] .field-error")
    expect(refused).to_contain_text("This field is required.")
    fits(me, "tna-replan-refused")
    row = page.locator("tr[data-milestone=yarn_in_house]")
    row.locator("input[name=reason]").fill("The spinner is 15 days late")
    row.get_by_role("button", name="Move planned date").click()
    expect(page.get_by_role("heading", name="PO BA-9001")).to_be_visible()
    grid = page.locator("#tna-plan-order")
    expect(grid.locator("tr[data-milestone=yarn_in_house]")).to_contain_text(f"{new_date.day} {new_date:%b %Y}")
    # the slip runs down the dependencies: knitting waits for the yarn, and ex-factory falls after the ETD
    expect(grid.locator("tr[data-milestone=knitting] .tna-slip-cell .tna-slip-late")).to_be_visible()
    expect(grid.locator("[data-tna-ex-factory=late]")).to_contain_text("after the ETD")

    # the yarn is booked today
    booked = grid.locator("tr[data-milestone=yarn_booked]")
    booked.get_by_text("Mark done").click()
    booked.get_by_role("button", name="Record done").click()
    expect(page.locator("#tna-plan-order tr[data-milestone=yarn_booked]")).to_have_attribute("data-state", "done")
    history = page.locator("#tna-plan-order tr[data-milestone=yarn_in_house]")
    history.get_by_text("History (1)").click()
    expect(history).to_contain_text("“The spinner is 15 days late”")
    fits(me, "tna-order-grid")

    # the calendar: this month, today marked, the late milestones in red; a list by day on a phone
    me.goto(f"/o/{slug}/tna/calendar/")
    expect(page.locator("#tna-month")).to_have_text(f"{today:%B %Y}")
    expect(page.locator("#tna-calendar td[aria-current=date]")).to_be_visible()
    expect(page.locator("#tna-calendar .tna-chip-late").first).to_be_visible()
    fits(me, "tna-calendar")
    page.set_viewport_size(SIZES[1])
    expect(page.locator("#tna-calendar-list")).to_be_visible()
    expect(page.locator("#tna-calendar")).to_be_hidden()
    page.set_viewport_size(SIZES[0])
    page.get_by_role("link", name="Next month").click()
    expect(page.locator("#tna-month")).not_to_have_text(f"{today:%B %Y}")
    fits(me, "tna-calendar-next")

    # the templates: the standard one, its rows editable
    me.goto(f"/o/{slug}/tna/templates/")
    page.get_by_role("link", name="Standard").click()
    expect(page.locator("[data-tna-row]").first).to_be_visible()
    page.get_by_role("button", name="Add milestone").click()
    last = page.locator("[data-tna-rows] [data-tna-row]").last
    last.locator("[name$='-code']").fill("shipping_sample")
    last.locator("[name$='-name']").fill("Shipping sample sent")
    last.locator("[name$='-offset_days']").fill("-2")
    last.locator("[name$='-depends_on']").fill("final_inspection")
    fits(me, "tna-template")
    page.get_by_role("button", name="Save template").click()
    expect(page.locator("[name$='-code'][value=shipping_sample]")).to_have_count(1)
