"""End to end: a merchandiser ships two lines of an order in two shipments from the order's Shipments tab and sees
the balances; a quantity beyond the tolerance is refused next to its field; a shipment's page moves it, revises its
ETA, takes a container (a bad number refused next to its field) and a document's status; the list finds it by its
B/L. Every page fits 1440 and 390 px without sideways scrolling; screenshots in test-artifacts/screenshots."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.sync_api import expect

from tradeloom.e2e.conftest import ARTIFACTS

SIZES = ({"width": 1440, "height": 900}, {"width": 390, "height": 844})


def fits(me: Any, name: str) -> None:
    """No sideways scroll at either width; a full-page screenshot of each."""
    me.page.evaluate("window.scrollTo(0, 0)")  # a full-page shot of a scrolled page repeats the sticky top bar
    for size in SIZES:
        me.page.set_viewport_size(size)
        overflow = int(me.page.evaluate("document.documentElement.scrollWidth - innerWidth"))
        assert overflow <= 0, (name, size, overflow)
        me.page.screenshot(path=str(ARTIFACTS / f"{name}-{size['width']}.png"), full_page=True, animations="disabled")
    me.page.set_viewport_size(SIZES[0])


def open_shipments_tab(me: Any, order_url: str) -> Any:
    page = me.page
    page.goto(f"{order_url}?tab=shipments")
    panel = page.locator("#shipments-panel")
    expect(panel).to_be_visible()
    return panel


def test_ships_two_lines_of_an_order_in_two_shipments_and_sees_the_balances(person: Any) -> None:
    me = person()
    slug = me.sign_up_merchandiser()
    page = me.page
    page.set_viewport_size(SIZES[0])
    me.create_partner(slug, "customer", "Bayside Apparel")

    # an order with two lines: NAVY 1,000 m and WHITE 500 m
    me.goto(f"/o/{slug}/orders/new/")
    page.locator("[name=po_number]").fill("BA-7001")
    page.locator("[name=customer]").select_option(label="Bayside Apparel · BAYSIDEA")
    page.locator("[name=s0-l0-colour_code]").fill("NAVY")
    page.locator("[name=s0-l0-quantity]").fill("1000")
    page.locator("[name=s0-l0-unit]").select_option(label="m")
    page.get_by_role("button", name="Add line").click()
    page.locator("[name=s0-l1-colour_code]").fill("WHITE")
    page.locator("[name=s0-l1-quantity]").fill("500")
    page.get_by_role("button", name="Create order").click()
    expect(page.get_by_role("heading", name="PO BA-7001")).to_be_visible()
    order_url = page.url.split("?")[0]
    number = page.get_by_role("heading", name="PO BA-7001").inner_text().split()[0]

    # the Shipments tab: nothing shipped yet, a button to book
    panel = open_shipments_tab(me, order_url)
    expect(panel).to_contain_text("Nothing shipped yet.")
    panel.get_by_role("link", name="New shipment").click()
    expect(page.get_by_role("heading", name="New shipment")).to_be_visible()
    navy_quantity = page.get_by_label(f"Quantity for NAVY of {number}, in m")
    white_quantity = page.get_by_label(f"Quantity for WHITE of {number}, in m")
    expect(navy_quantity).to_have_value("1000")  # prefilled with the balances
    expect(white_quantity).to_have_value("500")

    # shipment 1: NAVY only, 600 m, in a container; first a quantity beyond the tolerance is refused on its field
    today = datetime.now(tz=UTC).date()
    page.get_by_label(f"Ship WHITE of {number}").uncheck()
    navy_quantity.fill("1200")
    page.get_by_label(f"Cartons for NAVY of {number}").fill("30")
    page.locator("#id_etd").fill((today + timedelta(days=7)).isoformat())
    page.locator("#id_eta").fill((today + timedelta(days=35)).isoformat())
    page.get_by_label("B/L or AWB number").fill("MAEU 240117788")
    page.get_by_label("Vessel").fill("Maersk Kowloon")
    page.locator("#id_c0-number").fill("CSQU 305438-3")
    page.locator("#id_c0-kind").select_option("40HC")
    page.get_by_role("button", name="Book shipment").click()
    error = page.locator("[id$='-quantity_error']")
    expect(error).to_contain_text("it allows 1,050")
    fits(me, "shipment-new-over-tolerance")
    page.get_by_label(f"Quantity for NAVY of {number}, in m").fill("600")
    page.get_by_role("button", name="Book shipment").click()
    expect(page.get_by_text(re.compile(r"Booked SH-\d{4}-\d{5} with 1 line\."))).to_be_visible()
    first = page.get_by_role("heading", level=1).inner_text().split()[0]
    expect(page.locator("#lines")).to_contain_text("600 m")
    expect(page.locator("#containers")).to_contain_text("CSQU3054383")
    fits(me, "shipment-detail-booked")

    # its page: a bad container number is refused next to its field; the ETA is revised; it departs
    page.get_by_text("Add a container").click()
    page.locator("#ca-number").fill("MSCU 123456-0")
    page.locator("#ca-kind").select_option("20GP")
    page.get_by_role("button", name="Add container").click()
    expect(page.locator("#ca-number_error")).to_contain_text("fails the ISO 6346 check")
    fits(me, "shipment-detail-container-refused")
    page.get_by_text("Revise ETA").click()
    page.locator("#rv-eta").fill((today + timedelta(days=40)).isoformat())
    page.locator("#rv-reason").fill("Vessel rolled over at Colombo")
    page.get_by_role("button", name="Save new dates").click()
    expect(page.locator("#dates")).to_contain_text("Vessel rolled over at Colombo")
    page.locator("#documents tbody tr", has_text="Packing list").get_by_role("link", name="Update").click()
    opened = page.locator("#documents tr[id^='document-']")  # its form opens in a row of its own
    opened.get_by_label("Status").select_option("sent")
    opened.get_by_label("Note").fill("Sent to the buyer's forwarder by e-mail")
    fits(me, "shipment-detail-document-update")
    opened.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Packing list: sent.")).to_be_visible()
    page.locator("#actions summary", has_text="Mark departed").click()
    page.get_by_role("button", name="Mark departed").last.click()
    expect(page.get_by_text(f"{first} is in transit.")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("revised")
    fits(me, "shipment-detail-in-transit")

    # shipment 2: WHITE, from the tab again; NAVY's balance is what is left (400), WHITE is prefilled with 500
    panel = open_shipments_tab(me, order_url)
    panel.get_by_role("link", name="New shipment").click()
    expect(page.get_by_label(f"Quantity for NAVY of {number}, in m")).to_have_value("400")
    page.get_by_label(f"Ship NAVY of {number}").uncheck()
    expect(page.get_by_label(f"Ship WHITE of {number}")).to_be_checked()
    page.locator("#id_mode").select_option("road")
    page.locator("#id_etd").fill((today + timedelta(days=3)).isoformat())
    page.locator("#id_eta").fill((today + timedelta(days=6)).isoformat())
    fits(me, "shipment-new")
    page.get_by_role("button", name="Book shipment").click()
    expect(page.get_by_text(re.compile(r"Booked SH-\d{4}-\d{5} with 1 line\."))).to_be_visible()
    second = page.get_by_role("heading", level=1).inner_text().split()[0]
    assert second != first

    # the order's Shipments tab: per line ordered / shipped / delivered to buyer / balance, and both shipments
    panel = open_shipments_tab(me, order_url)
    navy = panel.locator("#shipping-lines tr[data-line='NAVY']")
    white = panel.locator("#shipping-lines tr[data-line='WHITE']")
    expect(navy.locator("td[data-label='Ordered']")).to_contain_text("1,000 m")
    expect(navy.locator("td[data-label='Shipped']")).to_contain_text("600")
    expect(navy.locator("td[data-label='Delivered to buyer']")).to_have_text("0")
    expect(navy.locator("td[data-label='Balance to ship']")).to_have_text("400")
    expect(white.locator("td[data-label='Shipped']")).to_contain_text("500")
    expect(white.locator("td[data-label='Balance to ship']")).to_contain_text("0 · all shipped")
    expect(panel).to_contain_text("1,100 of 1,500")  # the order's metres
    shipments = panel.locator("#order-shipments")
    expect(shipments).to_contain_text(first)
    expect(shipments).to_contain_text(second)
    expect(shipments.locator("tr", has_text=first)).to_contain_text("In transit")
    expect(shipments.locator("tr", has_text=second)).to_contain_text("Booked")
    fits(me, "order-shipments-tab")
    # the Lines tab says what each line has shipped
    page.goto(order_url)
    expect(page.locator("#order-tab tbody tr", has_text="NAVY")).to_contain_text("shipped 600")

    # the list: both, found by the B/L, filtered by status
    me.goto(f"/o/{slug}/shipments/")
    expect(page.locator("#shipment-list")).to_contain_text(first)
    expect(page.locator("#shipment-list")).to_contain_text(second)
    fits(me, "shipments-list")
    me.goto(f"/o/{slug}/shipments/?q=MAEU240117788")
    expect(page.locator("#shipment-list tbody")).to_contain_text(first)
    expect(page.locator("#shipment-list tbody")).not_to_contain_text(second)
    me.goto(f"/o/{slug}/shipments/?status=booked")
    expect(page.locator("#shipment-list tbody")).not_to_contain_text(first)
    fits(me, "shipments-list-filtered")
    page.locator("#shipment-list").get_by_role("link", name=second).click()
    page.get_by_role("link", name="Edit details").click()
    expect(page.get_by_role("heading", name=f"Edit {second}")).to_be_visible()
    fits(me, "shipment-edit")
    page.get_by_label("Voyage").fill("TRIP-12")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Saved {second}.")).to_be_visible()

    # a cancellation without a reason is refused next to its field; a line's change form opens in its row
    second_url = page.url.split("#")[0]
    page.locator("#actions summary", has_text="Cancel shipment").click()
    page.locator("#actions").get_by_role("button", name="Cancel shipment").click()
    expect(page.locator("#mv-cancel-reason_error")).to_have_text("Say why the shipment is cancelled.")
    fits(me, "shipment-detail-cancel-refused")
    page.goto(second_url)
    page.locator("#lines tbody tr", has_text="WHITE").get_by_role("link", name="Change").click()
    expect(page.locator("#lines").get_by_role("button", name="Save line")).to_be_visible()
    fits(me, "shipment-detail-line-change")
    assert not me.console_errors, me.console_errors
