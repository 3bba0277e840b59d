"""How the order pages lay out what a merchandiser reads: the order form's line rows (a label for every input, every
line field placed in the row's grid, what an existing line keeps shown as text), the order page's tables that stack
on a phone, and its figures in the organisation's base currency said in words. The widths themselves are measured
in Chromium (tradeloom/e2e/test_layout.py)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D

import pytest
from django.test import Client

from tradeloom.catalog.tests.factories import ExchangeRateFactory
from tradeloom.partners.tests.factories import SupplierFactory
from tradeloom.sales.forms import LINE_COLUMNS, LINE_FIGURES
from tradeloom.sales.services import LINE
from tradeloom.sales.templatetags.sales_tags import rate_text
from tradeloom.sales.tests.factories import LineFactory, OrderFactory
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(member):
    client = Client()
    client.force_login(member(Role.MERCHANDISER).user)
    return client


def test_every_field_a_new_line_takes_has_a_place_in_the_line_row():
    assert set(LINE_COLUMNS) - {LINE_FIGURES} == set(LINE.create)


def test_every_input_of_a_line_row_has_its_own_label_and_the_rows_share_one_header(org, browser):
    html = browser.get(f"/o/{org.slug}/orders/new/").content.decode()
    for name in LINE.create:
        assert re.search(rf'<label class="line-label" for="id_s0-l0-{name}">', html), name
        assert f'name="s0-l0-{name}"' in html
    assert html.count('class="lines-head"') == 2  # the first style's lines and the "Add style" template's
    # the copy buttons sit in the header; the "Add line" template is a row of its own, not a table row
    assert 'data-copy-column="selling_price"' in html
    template = re.search(r'<template id="line-template">(.*?)</template>', html, re.S)
    assert template is not None
    assert template.group(1).lstrip().startswith('<div class="line-row" data-line-row>')
    assert "<tr" not in template.group(1)
    assert 'aria-label="Remove this line"' in template.group(1)


def test_the_edit_page_shows_what_a_line_keeps_as_text_and_labels_what_changes(org, browser):
    mill = SupplierFactory(organization=org, legal_name="Arvind Mills Ltd", trade_name="", code="ARVIND")
    order = OrderFactory(organization=org)
    line = LineFactory(organization=org, style__order=order, colour_code="NAVY", supplier=mill, mill_price=D("3.1"))
    html = browser.get(f"/o/{org.slug}/orders/{order.pk}/edit/").content.decode()
    prefix = f"line-{line.pk}"
    assert f'<label class="line-label" for="id_{prefix}-mill_price">Mill price</label>' in html
    assert f'<label class="line-label" for="id_{prefix}-quantity">Quantity' in html
    assert '<p class="line-text" title="Arvind Mills Ltd · ARVIND">Arvind Mills Ltd · ARVIND</p>' in html
    assert f'<p class="line-text" title="NAVY · {line.style.style_number}">' in html
    assert f'name="{prefix}-supplier"' not in html  # a mill changes by accepting an offer
    existing = html.split('id="order-lines"')[1].split('id="order-styles"')[0]
    assert "Remove this line" not in existing  # an existing line is not removed here (deletion has its own flow)
    assert f'data-currency="{order.currency}"' in html


def test_the_order_pages_tables_become_labelled_cards_on_a_phone(org, browser):
    order = OrderFactory(organization=org)
    LineFactory(organization=org, style__order=order, selling_price=D("4.25"), mill_price=D("3.10"))
    html = browser.get(f"/o/{org.slug}/orders/{order.pk}/").content.decode()
    assert '<table class="table table-stack">' in html
    assert 'data-label="Value / profit"' in html
    assert 'data-label="Delivered"' in html
    listing = browser.get(f"/o/{org.slug}/orders/").content.decode()
    assert '<table class="table table-stack">' in listing
    assert 'data-label="Value"' in listing
    assert 'data-label="Profit"' in listing


def stat(html: str, title: str) -> str:
    found = re.search(rf'<div class="stat"><dt>{re.escape(title)}</dt>(.*?)</div>', html, re.S)
    assert found is not None, title
    return re.sub(r"\s+", " ", found.group(1))


def test_an_order_in_the_base_currency_says_so_instead_of_at_1(org, browser):
    order = OrderFactory(organization=org, currency=org.base_currency)
    LineFactory(organization=org, style__order=order, quantity=D("1000"), selling_price=D("7.23"), mill_price=D("5"))
    html = browser.get(f"/o/{org.slug}/orders/{order.pk}/").content.decode()
    assert f"All figures in {org.base_currency}, the organisation's base currency." in stat(html, "Value")
    assert " at 1" not in html
    assert "=" not in stat(html, "Profit (realised)")


def test_an_order_in_another_currency_shows_its_base_figures_and_the_rate_in_words(org, browser):
    org.base_currency = "BDT"
    org.save(update_fields=["base_currency"])
    ExchangeRateFactory(organization=org, date=date(2026, 10, 1), from_currency="USD", to_currency="BDT")  # 121.5
    order = OrderFactory(organization=org, currency="USD", order_date=date(2026, 11, 1))
    LineFactory(
        organization=org,
        style__order=order,
        quantity=D("1000"),
        selling_price=D("7.23"),
        mill_price=D("5"),
        delivered_quantity=D("1000"),
    )
    html = browser.get(f"/o/{org.slug}/orders/{order.pk}/").content.decode()
    # 7,230.00 x 121.5 = 878,445.00; profit 2,230.00 x 121.5 = 270,945.00
    assert "= BDT 878,445.00 at 121.5 BDT per USD on the order date" in stat(html, "Value")
    assert "= BDT 270,945.00" in stat(html, "Profit (potential)")
    assert "= BDT 270,945.00" in stat(html, "Profit (realised)")


def test_an_order_without_a_rate_says_its_base_figures_are_unknown(org, browser):
    org.base_currency = "BDT"
    org.save(update_fields=["base_currency"])
    order = OrderFactory(organization=org, currency="EUR", order_date=date(2026, 11, 1))
    LineFactory(organization=org, style__order=order, selling_price=D("4"), mill_price=D("3"))
    html = browser.get(f"/o/{org.slug}/orders/{order.pk}/").content.decode()
    assert "No EUR→BDT rate for 1 Nov 2026" in stat(html, "Value")
    assert "=" not in stat(html, "Profit (realised)")


@pytest.mark.parametrize(
    ("rate", "text"),
    [(D("121.5"), "121.5"), (D("1"), "1"), (D("100"), "100"), (D("1") / D("121.5"), "0.00823"), (D("15300"), "15,300")],
)
def test_a_rate_is_written_as_people_write_it(rate, text):
    assert rate_text(rate) == text
