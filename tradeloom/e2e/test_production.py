"""End to end: a merchandiser makes a work order from an order's Production tab (the two lines ticked there come
prefilled; without a due date it is refused next to the field, nothing made), releases it, and a mill's clerk
reports the day's production on a phone (390 px: one card per line, large inputs; a negative figure is refused on
its row and nothing is recorded); the work order's page shows the progress and the cumulative chart, the list shows
the progress bar, and the order's tab shows the per-line figures and its chart. Every page fits 1440 and 390 px
without sideways scrolling; screenshots in test-artifacts/screenshots."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import expect

from tradeloom.e2e.test_shipments import SIZES, fits

PHONE = SIZES[1]


def test_a_work_order_from_the_orders_tab_then_daily_production_on_a_phone(person: Any) -> None:
    me = person()
    slug = me.sign_up_merchandiser()
    page = me.page
    page.set_viewport_size(SIZES[0])
    me.create_partner(slug, "mill", "Loom Mills")
    me.create_partner(slug, "customer", "Bayside Apparel")
    number, order_url = me.create_two_line_order(slug, "BA-8101")

    # the order's Production tab: nothing made yet; tick both lines → the work-order form, prefilled
    page.goto(f"{order_url}/?tab=production")
    panel = page.locator("#production-panel")
    expect(panel).to_contain_text("No work orders for this order yet")
    panel.locator("input[name=line]").first.check()
    panel.locator("input[name=line]").last.check()
    fits(me, "production-order-tab-empty")
    panel.get_by_role("button", name="Make a work order of the ticked lines").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New work order")
    rows = page.locator("[data-wo-line]")
    expect(rows).to_have_count(2)
    expect(rows.first.locator("input[name$='-quantity']")).to_have_value("1000")
    expect(page.locator("[data-wo-sum]")).to_contain_text("1,500 in all")
    page.locator("[name=supplier]").select_option(label="Loom Mills · LOOMMILL")
    page.locator("[name=priority]").select_option("high")
    # without a due date: refused next to the field, nothing made
    page.get_by_role("button", name="Make draft work order").click()
    expect(page.locator("#wo-due_date ~ .field-error, .field-error").first).to_be_visible()
    fits(me, "production-wo-new-refused")
    due = (dt.datetime.now(tz=dt.UTC).date() + dt.timedelta(days=20)).isoformat()
    page.locator("[name=due_date]").fill(due)
    rows.last.locator("input[name$='-quantity']").fill("300")
    expect(page.locator("[data-wo-sum]")).to_contain_text("1,300 in all")
    fits(me, "production-wo-new")
    page.get_by_role("button", name="Make draft work order").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("WO-000001")
    expect(page.locator("#wo-status")).to_have_text("Draft")
    expect(page.locator("#requirements")).to_contain_text("Greige fabric")

    # release it: pending, reported on from now
    page.get_by_role("button", name="Release").click()
    expect(page.locator("#wo-status")).to_have_text("Pending")

    # the mill's clerk on a phone: one card per line
    page.set_viewport_size(PHONE)
    me.goto(f"/o/{slug}/production/daily/")
    cards = page.locator("[data-daily-row]")
    expect(cards).to_have_count(2)
    navy, white = cards.first, cards.last
    box = navy.locator("input[name$='-finished']").bounding_box()
    assert box is not None
    assert box["height"] >= 40, box  # large enough to type on
    assert box["width"] >= 120, box
    # a new row of zeros is refused on its row, and the other row is not recorded either (all or nothing)
    navy.locator("input[name$='-knitted']").fill("400")
    navy.locator("input[name$='-finished']").fill("250")
    white.locator("input[name$='-finished']").fill("0")
    page.get_by_role("button", name="Save the day's production").click()
    expect(page.locator("[data-daily-row][data-invalid] .field-error")).to_contain_text(
        "at least one figure above zero"
    )
    expect(cards.first.locator("input[name$='-knitted']")).to_have_value("400")  # what was typed is kept
    fits(me, "production-daily-refused")
    page.set_viewport_size(PHONE)
    cards.last.locator("input[name$='-finished']").fill("100")
    cards.first.locator("input[name$='-dyed']").fill("300")
    cards.first.locator("input[name$='-pieces']").fill("40")
    cards.first.locator("input[name$='-note']").fill("Machine 4 down for an hour")
    page.get_by_role("button", name="Save the day's production").click()
    expect(page.locator("#daily-day")).to_contain_text("2 already reported")
    expect(cards.first.locator("input[name$='-finished']")).to_have_value("250")
    expect(cards.first).to_contain_text("reported")
    fits(me, "production-daily")

    # the work order's page: started by the first entry, 350 of 1,300 finished, the chart drawn
    page.set_viewport_size(SIZES[0])
    me.goto(f"/o/{slug}/work-orders/")
    expect(page.locator("#wo-list")).to_contain_text("WO-000001")
    expect(page.locator("#wo-list")).to_contain_text("26.92 %")
    fits(me, "production-wo-list")
    page.get_by_role("link", name="WO-000001").click()
    expect(page.locator("#wo-status")).to_have_text("In progress")
    expect(page.locator("#wo-progress")).to_have_text("26.92 %")
    expect(page.locator("#progress canvas[data-drawn]")).to_have_count(1)
    expect(page.locator("#entries")).to_contain_text("Machine 4 down")
    fits(me, "production-wo-detail")

    # the order's tab: per line knitted / dyed / finished, its work order, the chart drawn (Chart.js loaded by the tab)
    page.goto(f"{order_url}/?tab=production")
    panel = page.locator("#production-panel")
    expect(panel.locator("#order-work-orders")).to_contain_text("WO-000001")
    expect(panel.locator("#production-lines")).to_contain_text("250")
    expect(panel.locator("canvas[data-drawn]")).to_have_count(1)
    fits(me, "production-order-tab")
    assert number
