"""End to end, measured in Chromium: the order form shows every line field and its error without horizontal
scrolling on a 1440 px desktop and takes lines as stacked cards on a 390 px phone; the order page, each of its
tabs and the orders list fit both widths, and every tab is on screen; the profile page keeps the sidebar; the
approvals board has no orphan label; the API docs page renders with no Content-Security-Policy violation (the
``person`` fixture fails a test on any console error)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tradeloom.e2e.conftest import ARTIFACTS
from tradeloom.sales.models import Line

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
LINE_FIELDS = Line.Shape.create  # every field a new line takes, as the form offers it
# Boxes of the line rows' inputs and error messages and of the style's card holding them, whether anything in the
# card scrolls sideways (a scrolled box hides what is past its edge), and whether the page does.
BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top,
                                                                     bottom: r.bottom, width: r.width}; };
  const style = document.querySelector('[data-style]');
  const scrolled = [style, ...style.querySelectorAll('*')].filter((e) => e.scrollWidth > e.clientWidth + 1
    && ['auto', 'scroll', 'hidden'].includes(getComputedStyle(e).overflowX) && e.tagName !== 'SELECT'
    && e.tagName !== 'INPUT' && e.clientWidth > 1);  // not a screen reader's 1 px label
  return {
    page: document.documentElement.scrollWidth - innerWidth,
    card: box(style),
    scrolled: scrolled.map((e) => `${e.tagName}.${e.className}: ${e.scrollWidth} in ${e.clientWidth}`),
    fields: [...style.querySelectorAll('[data-line-row] input, [data-line-row] select')].map(
      (e) => ({name: e.name, ...box(e)})),
    errors: [...style.querySelectorAll('[data-line-row] .field-error')].map((e) => ({text: e.textContent, ...box(e)})),
  };
}"""


def page_overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - innerWidth"))


def across_the_screen(locator: Any, width: int) -> bool:
    """Whether the element is shown whole between the screen's left and right edges (scrolling down is fine)."""
    box = locator.bounding_box()
    return box is not None and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= width


def shoot(me: Any, name: str) -> None:
    for size in (DESKTOP, PHONE):
        me.page.set_viewport_size(size)
        me.page.screenshot(path=str(ARTIFACTS / f"{name}-{size['width']}.png"), full_page=True, animations="disabled")


def start_order(me: Any, slug: str) -> Any:
    page = me.page
    me.create_partner(slug, "customer", "Nordic Home AB")
    me.create_partner(slug, "mill", "Arvind Mills Ltd")
    me.goto(f"/o/{slug}/orders/new/")
    page.locator("[name=po_number]").fill("NH-4410")
    page.locator("[name=customer]").select_option(label="Nordic Home AB · NORDICHO")
    return page


def fill_line(page: Any, prefix: str, **values: str) -> None:
    for name, value in values.items():
        field = page.locator(f"[name={prefix}-{name}]")
        if name in ("unit", "supplier", "item"):
            field.select_option(label=value)
        else:
            field.fill(value)


def test_every_line_field_and_error_is_visible_on_a_desktop_and_lines_are_cards_on_a_phone(person):
    me = person()
    slug = me.sign_up_merchandiser()
    page = start_order(me, slug)
    page.set_viewport_size(DESKTOP)
    fill_line(
        page,
        "s0-l0",
        colour_code="NAVY",
        colour_name="Navy 19-4024",
        cad_code="CAD-118",
        cad_name="Stripe",
        quantity="12000",
        unit="m",
        selling_price="4.25",
        supplier="Arvind Mills Ltd · ARVINDMI",
        mill_price="3.10",
        commission_per_unit="0.05",
        etd="2030-03-20",
        eta="2030-04-25",
    )
    # the line's value and profit follow what is typed: 12,000 x 4.25 = 51,000; - 37,200 cost - 600 commission
    row = page.locator("[data-line-row]").first
    expect(row.locator("[data-figure=value]")).to_have_text("51,000.00")
    expect(row.locator("[data-figure=profit]")).to_have_text("13,200.00 · 26 %")
    page.get_by_role("button", name="Add line").click()
    fill_line(page, "s0-l1", colour_code="WHITE", quantity="-5", selling_price="4.10")
    expect(page.locator("[name=s0-l1-unit]")).to_have_value(page.locator("[name=s0-l0-unit]").input_value())
    page.get_by_role("button", name="Add line").click()
    fill_line(page, "s0-l2", colour_code="KHAKI", quantity="3000", mill_price="99999999")
    expect(page.locator("[data-line-row]").nth(2).locator("[data-figure=value]")).to_have_text("price missing")
    page.get_by_role("button", name="Create order").click()
    expect(page.locator("[data-line-row] .field-error")).to_have_count(2)  # the quantity and the mill price

    # 1440 px: nothing scrolls sideways; every line field and every error lies inside the style's card
    measured = page.evaluate(BOXES)
    assert measured["page"] <= 0, measured["page"]
    assert not measured["scrolled"], measured["scrolled"]
    card = measured["card"]
    assert card["right"] <= DESKTOP["width"]
    names = {field["name"].rsplit("-", 1)[-1] for field in measured["fields"]}
    assert names == set(LINE_FIELDS)
    for box in [*measured["fields"], *measured["errors"]]:
        assert box["width"] > 0, box
        assert card["left"] <= box["left"], (box, card)
        assert box["right"] <= card["right"], (box, card)
    assert {e["text"] for e in measured["errors"]} >= {"Ensure this value is greater than or equal to 0."}
    shoot(me, "order-form-errors")

    # 390 px: each line a card, a label above every input, add and remove still work
    page.set_viewport_size(PHONE)
    assert page_overflow(page) <= 0
    rows = page.locator("[data-line-row]")
    for name in LINE_FIELDS:
        field = page.locator(f"[name=s0-l0-{name}]")
        label = page.locator(f"label[for='id_s0-l0-{name}']")
        expect(label).to_be_visible()
        label_box, field_box = label.bounding_box(), field.bounding_box()
        assert label_box["y"] + label_box["height"] <= field_box["y"] + 1, name  # above its input
        assert field_box["x"] >= 0, name
        assert field_box["x"] + field_box["width"] <= PHONE["width"], name
    line_card = rows.first.bounding_box()
    assert line_card["width"] <= PHONE["width"]
    assert line_card["height"] > 300  # stacked, not one 2,000 px row
    expect(page.get_by_label("Colour code").first).to_have_value("NAVY")
    page.get_by_role("button", name="Add line").click()
    expect(rows).to_have_count(4)
    expect(page.locator("[name=s0-l3-colour_code]")).to_be_focused()
    rows.nth(3).get_by_role("button", name="Remove this line").click()
    rows.nth(1).get_by_role("button", name="Remove this line").click()
    expect(rows).to_have_count(2)
    page.locator("[name=s0-l2-mill_price]").fill("2.40")
    assert page_overflow(page) <= 0
    page.get_by_role("button", name="Create order").click()
    expect(page.get_by_role("heading", name="PO NH-4410")).to_be_visible()
    expect(page.locator("#order-tab tbody tr")).to_have_count(2)  # NAVY and KHAKI; WHITE was removed


def test_the_order_page_its_tabs_and_the_orders_list_fit_a_phone_and_a_desktop(person):
    me = person()
    slug = me.sign_up_merchandiser()
    page = start_order(me, slug)
    fill_line(page, "s0-l0", colour_code="NAVY", quantity="1000", unit="m", selling_price="4.25")
    fill_line(page, "s0-l0", supplier="Arvind Mills Ltd · ARVINDMI", mill_price="3.10")
    page.get_by_role("button", name="Add line").click()
    fill_line(page, "s0-l1", colour_code="WHITE", quantity="500", selling_price="4.00")
    page.get_by_role("button", name="Create order").click()
    expect(page.get_by_role("heading", name="PO NH-4410")).to_be_visible()
    order_url = page.url.split("?")[0]
    # something on every tab: a delivery, a mill offer, a task
    page.get_by_label("Delivered quantity for NAVY").fill("400")
    page.locator("#order-tab tbody tr").first.get_by_role("button", name="Add delivery").click()
    expect(page.get_by_text("Delivery of 400 m recorded for NAVY.")).to_be_visible()
    page.get_by_role("tab", name="Mill offers").click()
    page.locator("#order-tab [name=supplier]").select_option(label="Arvind Mills Ltd · ARVINDMI")
    page.locator("#order-tab [name=price]").fill("3.05")
    page.get_by_role("button", name="Add offer").click()
    page.get_by_role("tab", name="Tasks").click()
    page.locator("#order-tab [name=title]").fill("Chase the lab dip")
    page.get_by_role("button", name="Add task").click()
    expect(page.locator("#order-tab")).to_contain_text("Chase the lab dip")

    tabs = [
        "Lines",
        "Mill offers",
        "Deliveries",
        "Tasks",
        "Notes",
        "Approvals",
        "Shipments",
        "Production",
        "T&A",
        "Files",
        "Calculator",
        "Timeline",
    ]
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.goto(order_url)
        bar = page.locator(".tabs")
        assert bar.evaluate("e => e.scrollWidth - e.clientWidth") <= 0, size  # no tab hidden in a scrolled bar
        for name in tabs:
            tab = page.get_by_role("tab", name=name)
            assert across_the_screen(tab, size["width"]), (size["width"], name)  # every tab on screen
            tab.click()
            expect(tab).to_have_attribute("aria-selected", "true")
            page.wait_for_load_state("networkidle")
            assert page_overflow(page) <= 0, (size["width"], name, page_overflow(page))
        me.goto(f"/o/{slug}/orders/")
        assert page_overflow(page) <= 0, (size["width"], "orders list")
    # on the phone an order's lines are cards: the money is on screen without scrolling
    page.set_viewport_size(PHONE)
    page.goto(order_url)
    money = page.locator("#order-tab tbody tr").first.locator("td[data-label='Value / profit']")
    assert across_the_screen(money, PHONE["width"])
    me.goto(f"/o/{slug}/orders/")
    assert across_the_screen(page.locator("#order-list tbody td[data-label='Value']").first, PHONE["width"])
    assert across_the_screen(page.locator("#order-list tbody td[data-label='Profit']").first, PHONE["width"])
    shoot(me, "orders-list")
    page.goto(order_url)
    shoot(me, "order-lines-tab")
    # the figures say which currency they are in, not "USD … at 1"
    expect(page.locator(".stat", has_text="Value")).to_contain_text("All figures in USD, the organisation's base")
    expect(page.locator(".stat", has_text="Profit (realised)")).not_to_contain_text(" at 1")


def test_profile_keeps_the_sidebar_the_board_has_no_orphan_label_and_api_docs_keep_the_csp(person):
    me = person()
    slug = me.sign_up_merchandiser()
    page = me.page
    page.get_by_label("Account menu").click()
    page.get_by_role("menuitem", name="Profile").click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    sidebar = page.locator("#sidebar")
    expect(sidebar.get_by_role("link", name="Orders", exact=True)).to_have_attribute("href", f"/o/{slug}/orders/")
    expect(page.get_by_label("Switch organisation")).not_to_contain_text("Choose an organisation")
    page.get_by_label("Full name").fill("Mira M. Merch")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Orders", exact=True)).to_be_visible()  # still framed after saving
    shoot(me, "profile-framed")

    me.goto(f"/o/{slug}/approvals/")
    filters = page.locator("#board-rows form.filters")
    expect(filters.get_by_label("Customer")).to_be_visible()
    expect(filters.get_by_label("Merchandiser")).to_be_visible()
    expect(filters).not_to_contain_text("Line order")
    expect(filters.locator("label")).to_have_count(filters.locator("select, input:not([type=hidden])").count())

    me.goto("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()  # Swagger UI rendered from the offline bundle
    # Expanding an operation rewrites the URL fragment (Swagger's deep linking); do not wait on that as a
    # navigation, and give the big schema time to render the operation on a loaded CI machine.
    page.locator(".opblock-summary").first.click(no_wait_after=True)
    expect(page.get_by_role("button", name="Try it out").first).to_be_visible(timeout=30_000)
    csp = [m for m in me.console_errors if "Content Security Policy" in m]
    assert not csp, csp
