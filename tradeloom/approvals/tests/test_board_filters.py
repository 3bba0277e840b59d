"""The approvals board's filter form: every control has a label saying what it filters, and the order filter (kept
across filter changes, set by a link or the API) is a hidden input with no label of its own."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client

from tradeloom.approvals.filters import BoardFilter
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def board_html(org, member):
    client = Client()
    client.force_login(member(Role.MERCHANDISER).user)

    def get(query: str = "") -> str:
        return client.get(f"/o/{org.slug}/approvals/{query}").content.decode()

    return get


def filter_form(html: str) -> str:
    return html.split('<form class="filters"')[1].split("</form>")[0]


def test_the_filters_are_named_for_what_they_filter(board_html):
    form = filter_form(board_html())
    labels = [re.sub(r"<[^>]+>|\s+", " ", label).strip() for label in re.findall(r"<label[^>]*>(.*?)</label>", form)]
    assert "Line order" not in form
    assert "Customer" in labels
    assert "Merchandiser" in labels
    assert not any(label.startswith("Line ") for label in labels), labels


def test_the_order_filter_is_a_hidden_input_without_a_label(board_html):
    order_id = uuid.uuid4()
    form = filter_form(board_html(f"?order={order_id}"))
    assert re.search(rf'<input type="hidden" name="order" value="{order_id}"[^>]*>', form)
    assert 'for="id_order"' not in form
    # every label names a visible control
    controls = re.findall(r'<(?:select|input)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', form)
    assert sorted(re.findall(r'<label for="([^"]+)"', form)) == sorted(controls)


def test_the_filter_labels_are_the_apis_too():
    filters = BoardFilter().filters
    assert (filters["customer"].label, filters["merchandiser"].label, filters["order"].label) == (
        "Customer",
        "Merchandiser",
        "Order",
    )
