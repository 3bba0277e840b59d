"""What lcs gives webhooks and the order's Timeline: its event types, an LC represented as its API detail, and the
LC's events on the Timeline of the orders linked to it."""

from __future__ import annotations

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.core.webhook_events import WEBHOOK_EVENT_TYPES, WEBHOOK_REPRESENTATIONS
from tradeloom.lcs.tests.conftest import lc_make
from tradeloom.sales.extensions import ORDER_TIMELINE

pytestmark = pytest.mark.django_db


def test_event_types_and_representation(ctx):
    assert "letter_of_credit.drawn" in WEBHOOK_EVENT_TYPES
    assert "letter_of_credit.amendment_accepted" in WEBHOOK_EVENT_TYPES
    with tenant_context(ctx["org"]):
        lc = lc_make(ctx)
        represented = WEBHOOK_REPRESENTATIONS["lcs.letterofcredit"].represent(ctx["org"], [str(lc.pk)])
    assert represented[str(lc.pk)]["number"] == lc.number
    assert represented[str(lc.pk)]["figures"]["cap"] == "100000.00"


def test_the_order_timeline_shows_its_lcs(ctx):
    with tenant_context(ctx["org"]):
        lc = lc_make(ctx)
        source = ORDER_TIMELINE["lcs.letterofcredit"]
        assert list(source.records(ctx["order"]).values_list("pk", flat=True)) == [lc.pk]
