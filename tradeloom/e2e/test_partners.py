"""End to end: a merchandiser creates a supplier with a plant, then finds it with a misspelt search."""

from __future__ import annotations

from playwright.sync_api import expect

from tradeloom.e2e.conftest import unique


def test_create_a_supplier_with_a_plant_and_find_it_by_a_misspelt_search(person):
    me = person()
    me.sign_up(name="Mira Merch", email=f"{unique('merch')}@example.com", organisation=unique("Sourcing House"))
    slug = me.page.url.rstrip("/").rsplit("/", 1)[-1]

    me.page.get_by_role("link", name="Suppliers").click()
    expect(me.page.get_by_role("heading", name="Suppliers")).to_be_visible()
    me.page.get_by_role("link", name="New supplier").click()
    me.page.get_by_label("Kind").select_option("mill")
    me.page.get_by_label("Legal name").fill("Arvind Mills Ltd")
    me.page.get_by_label("Country").fill("IN")
    me.page.get_by_label("Default currency").fill("INR")
    me.page.get_by_role("button", name="Save").click()
    expect(me.page.get_by_role("heading", name="Arvind Mills Ltd")).to_be_visible()
    expect(me.page.get_by_text("ARVINDMI").first).to_be_visible()

    # add a plant from the supplier's page: the form comes with the supplier chosen
    me.page.locator("section", has_text="Plants").get_by_role("link", name="Add").click()
    expect(me.page.get_by_label("Supplier")).to_have_value(me.page.get_by_label("Supplier").input_value())
    me.page.get_by_label("Code").fill("ARV-DH1")
    me.page.get_by_label("Name").fill("Naroda dyeing house")
    me.page.get_by_label("City").fill("Ahmedabad")
    me.page.get_by_role("button", name="Save").click()
    expect(me.page.get_by_role("heading", name="Naroda dyeing house (ARV-DH1)")).to_be_visible()
    me.page.get_by_role("link", name="Arvind Mills Ltd").first.click()
    expect(me.page.locator("section", has_text="Plants")).to_contain_text("Naroda dyeing house")
    me.screenshot("supplier-detail")

    # another supplier, so the search has something to leave out
    me.goto(f"/o/{slug}/suppliers/new/")
    me.page.get_by_label("Legal name").fill("Square Textiles")
    me.page.get_by_role("button", name="Save").click()

    # find Arvind by typing it wrong
    me.goto(f"/o/{slug}/suppliers/")
    me.page.get_by_label("Search").fill("Arvnd")
    rows = me.page.locator("#record-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Arvind Mills Ltd")
    me.screenshot("suppliers-search")
