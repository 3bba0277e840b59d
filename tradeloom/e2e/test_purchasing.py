"""End to end: a buying house makes a purchase order with two line rows (a row without a quantity is refused next to
its field; the amounts and totals follow as they are typed), submits it (approved at once within the limit),
receives part of it (beyond the tolerance is refused next to the line), amends it and sees what changed; then raises
POs back to back from an order's lines on the order's Purchasing tab (preview by mill, then create). Every page fits
1440 and 390 px without sideways scrolling; screenshots in test-artifacts/screenshots."""

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


def test_a_purchase_order_from_rows_to_receipt_and_amendment_and_back_to_back(person: Any) -> None:
    me = person()
    slug = me.sign_up_merchandiser()
    page = me.page
    page.set_viewport_size(SIZES[0])
    me.create_partner(slug, "mill", "Loom Mills")
    me.create_partner(slug, "customer", "Bayside Apparel")

    # a new PO: two rows, the second added with "Add line"; its figures follow as they are typed
    me.goto(f"/o/{slug}/purchase-orders/")
    page.get_by_role("link", name="New purchase order").click()
    page.locator("[name=supplier]").select_option(index=1)
    page.locator("[name=tax_rate]").fill("5")
    page.locator("[name=l-0-material_name]").fill("Cotton yarn 30/1")
    page.locator("[name=l-0-unit]").select_option(label="m")
    page.locator("[name=l-0-unit_price]").fill("2.4575")
    # a row without its quantity is refused next to the field, and nothing is made
    page.get_by_role("button", name="Make draft PO").click()
    expect(page.locator("#po-lines .field-error").first).to_contain_text("Quantity must be above zero.")
    fits(me, "purchasing-po-new-refused")
    page.locator("[name=l-0-quantity]").fill("1200")
    page.get_by_role("button", name="Add line").click()
    rows = page.locator("[data-po-line]")
    last = rows.last
    last.locator("[name$='-material_name']").fill("Elastane 40D")
    last.locator("[name$='-quantity']").fill("10")
    last.locator("[name$='-unit']").select_option(label="m")
    last.locator("[name$='-unit_price']").fill("0.125")
    last.locator("[name$='-tax_rate']").fill("0")
    # 1200 x 2.4575 = 2,949.00 + 5 % = 147.45; 10 x 0.125 = 1.25 at 0 %: 3,097.70
    expect(page.locator("#po-form-total")).to_contain_text("3,097.70")
    fits(me, "purchasing-po-new")
    page.get_by_role("button", name="Make draft PO").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("PO-000001")
    expect(page.locator("#po-total")).to_contain_text("3,097.70")

    # submit: within the approval limit it is approved at once
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#po-status")).to_have_text("Approved")
    expect(page.locator("#approvals")).to_contain_text("Approved at submission")
    fits(me, "purchasing-po-approved")

    # receive 600 m of the yarn; 2,000 m of the elastane is beyond 10 + 5 %
    page.get_by_role("link", name="Receive goods").click()
    quantities = page.locator("input[name$='-quantity']")
    quantities.first.fill("600")
    quantities.last.fill("2000")
    page.get_by_role("button", name="Record receipt").click()
    expect(page.locator("#receipt-lines .field-error")).to_contain_text("it allows 10.5")
    fits(me, "purchasing-receipt-refused")
    page.locator("input[name$='-quantity']").last.fill("")
    page.get_by_role("button", name="Record receipt").click()
    expect(page.locator("#po-status")).to_have_text("Partly received")
    expect(page.locator("#receipts")).to_contain_text("PO-000001-R1")

    # amend: 1,300 m of yarn, with a reason; the page shows revision 1 and what changed
    page.get_by_role("link", name="Amend").click()
    page.get_by_label("Reason").fill("The buyer added 100 m")
    page.locator("[name=l-0-quantity]").fill("1300")
    page.get_by_role("button", name="Amend PO").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("rev. 1")
    expect(page.locator("#amendments")).to_contain_text("Revision 1")
    expect(page.locator("#amendments")).to_contain_text("1300.000")
    expect(page.locator("#timeline")).to_contain_text("amended")
    fits(me, "purchasing-po-amended")

    me.goto(f"/o/{slug}/purchase-orders/")
    expect(page.locator("#po-list")).to_contain_text("PO-000001")
    expect(page.locator("#po-totals")).to_contain_text("USD")
    fits(me, "purchasing-po-list")
    me.goto(f"/o/{slug}/purchase-orders/approvals/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("to approve")
    fits(me, "purchasing-approvals")

    # back to back: an order whose two lines are bought at Loom Mills at their mill prices
    me.goto(f"/o/{slug}/orders/new/")
    page.locator("[name=po_number]").fill("BA-7001")
    page.locator("[name=customer]").select_option(label="Bayside Apparel · BAYSIDEA")
    page.locator("[name=s0-l0-colour_code]").fill("NAVY")
    page.locator("[name=s0-l0-quantity]").fill("1000")
    page.locator("[name=s0-l0-unit]").select_option(label="m")
    page.locator("[name=s0-l0-selling_price]").fill("4.25")
    page.locator("[name=s0-l0-supplier]").select_option(index=1)
    page.locator("[name=s0-l0-mill_price]").fill("3.10")
    page.get_by_role("button", name="Add line").click()
    page.locator("[name=s0-l1-colour_code]").fill("WHITE")
    page.locator("[name=s0-l1-quantity]").fill("500")
    page.locator("[name=s0-l1-selling_price]").fill("2")
    page.locator("[name=s0-l1-mill_price]").fill("1.40")
    page.get_by_role("button", name="Create order").click()
    expect(page.get_by_role("heading", name="PO BA-7001")).to_be_visible()
    page.goto(page.url.split("?")[0] + "?tab=purchasing")
    page.get_by_role("link", name="Raise POs back to back").click()
    page.get_by_role("button", name="Preview by mill").click()
    expect(page.locator("#b2b-preview")).to_contain_text("Loom Mills")
    # 1000 x 3.10 + 500 x 1.40 = 3,800.00
    expect(page.locator("#b2b-preview")).to_contain_text("3,800.00")
    fits(me, "purchasing-back-to-back")
    page.get_by_role("button", name="Make 1 draft PO").click()
    expect(page.locator("#purchasing-lines")).to_contain_text("1,000")
    expect(page.locator("#order-purchase-orders")).to_contain_text("PO-000002")
    fits(me, "purchasing-order-tab")
