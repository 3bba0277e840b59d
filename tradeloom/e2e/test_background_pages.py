"""The pages of background work in Chromium — notifications, alerts and webhooks: they render without sideways
scrolling at 1440 and 390 px and without console errors; screenshots in test-artifacts/screenshots."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tradeloom.e2e.conftest import ARTIFACTS

SIZES = ({"width": 1440, "height": 900}, {"width": 390, "height": 844})


def fits(me: Any, name: str) -> None:
    """No sideways scroll at either width; a screenshot of each."""
    for size in SIZES:
        me.page.set_viewport_size(size)
        overflow = int(me.page.evaluate("document.documentElement.scrollWidth - innerWidth"))
        assert overflow <= 0, (name, size, overflow)
        path = ARTIFACTS / f"{name}-{size['width']}.png"
        me.page.screenshot(path=str(path), full_page=True, animations="disabled")
    me.page.set_viewport_size(SIZES[0])


def test_the_bell_the_inbox_and_notification_settings(person: Any) -> None:
    me = person()
    slug = me.sign_up_merchandiser()
    bell = me.page.locator("#notification-bell")
    expect(bell).to_have_attribute("href", f"/o/{slug}/notifications/")
    bell.click()
    me.page.wait_for_url(f"**/o/{slug}/notifications/")
    fits(me, "notifications-inbox")
    me.goto(f"/o/{slug}/notifications/settings/")
    expect(me.page.get_by_text("Task assigned to you")).to_be_visible()
    fits(me, "notifications-settings")


def test_alerts_and_their_rules(person: Any) -> None:
    me = person()
    slug = me.sign_up_merchandiser()
    me.goto(f"/o/{slug}/alerts/")
    fits(me, "alerts")
    me.goto(f"/o/{slug}/alerts/rules/")
    fits(me, "alert-rules")


def test_a_webhook_endpoint_its_secret_a_test_event_and_its_delivery(person: Any) -> None:
    me = person()
    slug = me.sign_up_merchandiser()
    page = me.page
    me.goto(f"/o/{slug}/settings/webhooks/")
    fits(me, "webhooks-empty")
    page.get_by_role("link", name="Add endpoint").first.click()
    # an address that is not https is refused next to its field
    page.get_by_label("URL").fill("http://erp.example.com/hooks")
    page.get_by_role("button", name="Save").click()
    fits(me, "webhooks-form-errors")
    page.get_by_label("URL").fill("https://receiver.invalid/hooks/tradeloom/orders-and-lines-with-a-rather-long-path")
    page.get_by_label("Description").fill("ERP orders feed")
    page.get_by_label("Order created").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/secret/")
    fits(me, "webhooks-secret")
    page.get_by_role("link", name="Done").click()
    page.get_by_role("button", name="Send test event").click()
    page.wait_for_url("**/deliveries/**")
    fits(me, "webhooks-delivery")
    me.goto(f"/o/{slug}/settings/webhooks/")
    expect(page.get_by_role("link", name="ERP orders feed").first).to_be_visible()
    fits(me, "webhooks-list")
