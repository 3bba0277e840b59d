"""End to end: a merchandiser attaches files to an order from its Files tab (an executable named .pdf is refused next
to the field), uploads a new version, finds the older one under it, and attaches a file to the customer's page. The
panel fits 1280 and 390 px without sideways scrolling; no console error (htmx swaps under the site's CSP);
screenshots in test-artifacts/screenshots."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tradeloom.e2e.conftest import ARTIFACTS

SIZES = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200


def fits(me: Any, name: str) -> None:
    me.page.evaluate("window.scrollTo(0, 0)")
    for size in SIZES:
        me.page.set_viewport_size(size)
        overflow = int(me.page.evaluate("document.documentElement.scrollWidth - innerWidth"))
        assert overflow <= 0, (name, size, overflow)
        me.page.screenshot(path=str(ARTIFACTS / f"{name}-{size['width']}.png"), full_page=True, animations="disabled")
    me.page.set_viewport_size(SIZES[0])


def test_attaches_versions_and_refuses_files_on_an_order_and_a_customer(person: Any) -> None:
    me = person()
    slug = me.sign_up_merchandiser()
    page = me.page
    me.create_partner(slug, "customer", "Bayside Apparel")
    _, order_url = me.create_two_line_order(slug, "BA-7001")

    page.goto(f"{order_url}/?tab=files")
    panel = page.locator(".attachments-panel")
    expect(panel).to_contain_text("No files attached yet.")

    # an executable renamed .pdf: refused next to the field, nothing listed
    upload = panel.locator("form").last
    upload.locator("input[type=file]").set_input_files(
        {"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": EXE}
    )
    upload.get_by_role("button", name="Upload").click()
    expect(page.locator(".attachments-panel .field-error")).to_contain_text("not accepted")

    # a long-named PDF is attached and listed
    long_name = "Tech pack SS27 Bayside Apparel navy and white jersey with the buyer's comments of 3 December.pdf"
    page.locator(".attachments-panel form").last.locator("input[type=file]").set_input_files(
        {"name": long_name, "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator(".attachments-panel form").last.get_by_role("button", name="Upload").click()
    expect(page.locator(".attachments-panel li[data-attachment]")).to_have_count(1)
    expect(page.locator(".attachments-panel")).to_contain_text(long_name)

    # a new version: the older one is kept under it
    page.locator(".attachments-panel summary", has_text="Upload a new version").click()
    version_form = page.locator(".attachments-panel li[data-attachment] form").first
    version_form.locator("input[type=file]").set_input_files(
        {"name": "Tech pack rev B.pdf", "mimeType": "application/pdf", "buffer": PDF + b"% rev B\n"}
    )
    version_form.get_by_role("button", name="Upload version 2").click()
    expect(page.locator(".attachments-panel")).to_contain_text("Version 2")
    expect(page.locator(".attachments-panel")).to_contain_text("Earlier versions (1)")
    page.locator(".attachments-panel summary", has_text="Earlier versions").click()
    fits(me, "order-files")

    # the customer's page carries the same card
    page.goto(f"/o/{slug}/customers/")
    page.get_by_role("link", name="Bayside Apparel").first.click()
    card = page.locator("#attachments")
    card.locator("input[type=file]").last.set_input_files(
        {"name": "Buyer profile.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    card.get_by_role("button", name="Upload").last.click()
    expect(card).to_contain_text("Buyer profile.pdf")
    fits(me, "customer-files")
    assert me.console_errors == []
