"""End to end: an owner records a letter of credit (an error shown next to its field first), issues it, draws under
it beyond its amount (refused next to the amount) and within it, records an amendment raising the amount and
accepts it — the terms show it as amended — and finds it in the list and the exposure page. Every page fits 1440
and 390 px without sideways scrolling; screenshots in test-artifacts/screenshots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.sync_api import expect

from tradeloom.e2e.test_shipments import SIZES, fits


def test_records_issues_draws_and_amends_an_lc(person: Any) -> None:
    me = person()
    slug = me.sign_up_merchandiser()
    page = me.page
    page.set_viewport_size(SIZES[0])
    me.create_partner(slug, "customer", "Bayside Apparel")
    today = datetime.now(UTC).date()

    me.goto(f"/o/{slug}/lcs/new/")
    page.locator("[name=number]").fill("DBH-LC-7001")
    page.locator("[name=customer]").select_option(label="Bayside Apparel · BAYSIDEA")
    page.locator("[name=issuing_bank]").fill("Deutsche Bank Hamburg")
    page.locator("[name=currency]").fill("USD")
    page.locator("[name=amount]").fill("50000.00")
    page.locator("[name=tolerance_percent]").fill("10")
    page.locator("[name=expiry_date]").fill((today + timedelta(days=60)).isoformat())
    page.locator("[name=latest_shipment_date]").fill((today + timedelta(days=90)).isoformat())
    fits(me, "lc-new")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The latest shipment date cannot be after the expiry date.")).to_be_visible()
    page.locator("[name=latest_shipment_date]").fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="DBH-LC-7001")).to_be_visible()
    lc_url = page.url.split("#")[0]

    page.locator("summary", has_text="Mark issued").click()
    page.locator("form button", has_text="Mark issued").click()
    expect(page.locator("h1 .badge-blue", has_text="Issued")).to_be_visible()

    page.get_by_role("link", name="Draw", exact=True).click()
    page.locator("[name=amount]").fill("55000.01")
    page.get_by_role("button", name="Draw").click()
    expect(page.locator(".field-error", has_text="it allows USD 55,000.00")).to_be_visible()
    fits(me, "lc-draw")
    page.locator("[name=amount]").fill("30000.00")
    page.locator("[name=invoice_reference]").fill("CI-7001")
    page.get_by_role("button", name="Draw").click()
    expect(page.locator("#utilisation")).to_contain_text("25,000.00")  # available: 55,000.00 - 30,000.00

    page.get_by_role("link", name="Record amendment").click()
    page.locator("[name=amount]").fill("60000.00")
    page.get_by_role("button", name="Record amendment").click()
    page.get_by_role("button", name="Accept all").click()
    expect(page.locator("#terms")).to_contain_text("amended (1)")
    expect(page.locator("#utilisation")).to_contain_text("36,000.00")  # 60,000.00 + 10 % - 30,000.00
    fits(me, "lc-detail")

    me.goto(f"/o/{slug}/lcs/")
    expect(page.get_by_role("link", name="DBH-LC-7001")).to_be_visible()
    fits(me, "lc-list")
    me.goto(f"/o/{slug}/lcs/exposure/")
    expect(page.get_by_text("Deutsche Bank Hamburg")).to_have_count(1)
    fits(me, "lc-exposure")
    assert lc_url.endswith("/")
