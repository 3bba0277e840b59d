"""End to end: a refused delivery says why on its field, a correction keeps the earlier version, a reversal keeps the
row; a line without a mill price shows "cost missing" and its profit is left out; a similar supplier is flagged."""

from __future__ import annotations

from playwright.sync_api import expect

from tradeloom.e2e.conftest import ARTIFACTS


def wide_and_narrow(me, name: str) -> None:
    """Screenshots at a desktop's 1440 px and a phone's 390 px."""
    for width, height in ((1440, 900), (390, 844)):
        me.page.set_viewport_size({"width": width, "height": height})
        me.page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True, animations="disabled")
    me.page.set_viewport_size({"width": 1280, "height": 900})


def test_deliveries_are_checked_corrected_and_reversed_and_a_missing_cost_shows(person):
    me = person()
    slug = me.sign_up_merchandiser()
    page = me.page
    me.create_partner(slug, "customer", "Bayside Apparel")
    me.create_partner(slug, "mill", "Arvind Mills Ltd")

    # a supplier named like the first one is flagged, with the similar one listed, until confirmed
    me.goto(f"/o/{slug}/suppliers/new/")
    page.get_by_label("Legal name").fill("Arvind Mills")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("A supplier with a very similar name exists: Arvind Mills Ltd (ARVINDMI).")).to_be_visible()
    wide_and_narrow(me, "supplier-similar-warning")
    page.get_by_label("It is another supplier: save it anyway").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Arvind Mills", exact=True)).to_be_visible()

    # an order with one priced line and one without a mill price
    me.goto(f"/o/{slug}/orders/new/")
    page.locator("[name=po_number]").fill("BA-100")
    page.locator("[name=customer]").select_option(label="Bayside Apparel · BAYSIDEA")
    page.locator("[name=s0-l0-colour_code]").fill("NAVY")
    page.locator("[name=s0-l0-quantity]").fill("1000")
    page.locator("[name=s0-l0-unit]").select_option(label="m")
    page.locator("[name=s0-l0-selling_price]").fill("4.25")
    # the two similar mills are told apart by their codes
    expect(page.locator("[name=s0-l0-supplier] option")).to_have_text(
        ["—", "Arvind Mills · ARVINDMI-2", "Arvind Mills Ltd · ARVINDMI"]
    )
    page.locator("[name=s0-l0-supplier]").select_option(label="Arvind Mills Ltd · ARVINDMI")
    page.locator("[name=s0-l0-mill_price]").fill("3.10")
    page.get_by_role("button", name="Add line").click()
    page.locator("[name=s0-l1-colour_code]").fill("WHITE")
    page.locator("[name=s0-l1-quantity]").fill("500")
    page.locator("[name=s0-l1-selling_price]").fill("4.00")
    page.get_by_role("button", name="Create order").click()
    expect(page.get_by_role("heading", name="PO BA-100")).to_be_visible()
    expect(page.locator(".stat", has_text="Profit (potential)")).to_contain_text("1,150.00")
    expect(page.locator(".stat", has_text="Cost + commission")).to_contain_text("1 line without a mill price")
    expect(page.locator("#order-tab tbody tr").nth(1)).to_contain_text("cost missing")

    # a delivery of zero is refused on its field, the page keeps the row
    navy = page.locator("#order-tab tbody tr").nth(0)
    page.get_by_label("Delivered quantity for NAVY").fill("0")
    navy.get_by_role("button", name="Add delivery").click()
    expect(page.get_by_role("alert").filter(has_text="Quantity must be above zero.")).to_be_visible()
    # one far beyond the tolerance is refused too (the owner could give a reason)
    page.get_by_label("Delivered quantity for NAVY").fill("5000")
    page.locator("#order-tab tbody tr").nth(0).get_by_role("button", name="Add delivery").click()
    expect(page.get_by_role("alert").filter(has_text="it allows 1,100")).to_be_visible()
    wide_and_narrow(me, "order-delivery-refused")
    page.get_by_label("Delivered quantity for NAVY").fill("400")
    page.locator("#order-tab tbody tr").nth(0).get_by_role("button", name="Add delivery").click()
    expect(page.get_by_text("Delivery of 400 m recorded for NAVY.")).to_be_visible()

    # corrected on the Deliveries tab: the earlier version stays visible
    page.get_by_role("tab", name="Deliveries").click()
    row = page.locator("#order-tab tbody tr").first
    row.get_by_text("Correct", exact=True).click()
    row.get_by_label("Quantity").fill("450")
    row.get_by_role("button", name="Save correction").click()
    expect(page.get_by_text("Delivery corrected for NAVY")).to_be_visible()  # back on the Deliveries tab
    history = page.locator("#order-tab details", has_text="Corrected · earlier versions (1)")
    history.locator("summary").click()
    expect(history).to_contain_text("400 m")
    page.locator("#order-tab tbody tr").first.get_by_text("Correct", exact=True).click()
    wide_and_narrow(me, "order-deliveries-corrected")
    row = page.locator("#order-tab tbody tr").first
    row.get_by_text("Reverse", exact=True).click()
    row.get_by_label("Why is it reversed?").fill("Counted twice")
    row.get_by_role("button", name="Reverse delivery").click()
    expect(page.get_by_text("Delivery of NAVY reversed")).to_be_visible()
    expect(page.locator("#order-tab")).to_contain_text("Counted twice")
    wide_and_narrow(me, "order-delivery-reversed")

    me.goto(f"/o/{slug}/orders/")
    expect(page.locator("#order-list")).to_contain_text("cost missing · 1 line")
    wide_and_narrow(me, "orders-cost-missing")

    # an ETD before the order date is an error on the ETD; an expired offer on its valid-until
    page.locator("#order-list").get_by_role("link", name="SO-000001").click()
    page.get_by_role("link", name="Edit order").click()
    page.locator("[name=etd]").fill("2020-01-01")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#id_etd_error")).to_have_text("The ETD cannot be before the order date.")
    wide_and_narrow(me, "order-form-etd-error")
    page.get_by_role("link", name="SO-000001").first.click()
    page.get_by_role("tab", name="Mill offers").click()
    page.locator("#id_supplier").select_option(label="Arvind Mills Ltd · ARVINDMI")
    page.get_by_label("Price").fill("3.05")
    page.get_by_label("Valid until").fill("2020-01-01")
    page.get_by_role("button", name="Add offer").click()
    expect(page.locator("#id_valid_until_error")).to_have_text("This date has passed: the offer has already expired.")
    wide_and_narrow(me, "order-offer-expired")

    # the organisation's tolerance is on the settings page
    me.goto(f"/o/{slug}/settings/")
    expect(page.get_by_label("Over-delivery tolerance (%)")).to_be_visible()
    wide_and_narrow(me, "settings-tolerance")
    assert not me.console_errors, me.console_errors
