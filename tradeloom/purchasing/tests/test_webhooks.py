"""POs in webhooks: their actions are event types integrators may subscribe to, and a PO reads in a payload exactly
as ``GET purchase-orders/{id}/`` returns it, in six statements whatever the number of POs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tradeloom.core.context import tenant_context
from tradeloom.core.webhook_events import WEBHOOK_EVENT_TYPES, WEBHOOK_REPRESENTATIONS
from tradeloom.purchasing.tests.test_api import create, ctx  # noqa: F401 - the fixture
from tradeloom.purchasing.webhooks import EVENT_TYPES


def test_the_po_actions_are_webhook_event_types():
    registered = {event.code: event for event in WEBHOOK_EVENT_TYPES}
    for code, label in EVENT_TYPES:
        assert registered[str(code)].label == label
        assert registered[str(code)].area == "Purchasing"


@pytest.mark.django_db
def test_a_po_reads_as_its_api_detail_in_six_statements(ctx):  # noqa: F811
    first = create(ctx).json()
    received = ctx["client"].post(f"{ctx['url']}{first['id']}/submit/", {}, format="json").json()
    ctx["client"].post(
        f"{ctx['url']}{first['id']}/receipts/",
        {"lines": [{"po_line": received["lines"][0]["id"], "quantity": "5"}]},
        format="json",
    )
    others = [create(ctx).json()["id"] for _ in range(2)]
    represent = WEBHOOK_REPRESENTATIONS.get("purchasing.purchaseorder").represent
    with tenant_context(ctx["org"]):
        with CaptureQueriesContext(connection) as one:
            data = represent(ctx["org"], [first["id"]])
        with CaptureQueriesContext(connection) as three:
            payloads = represent(ctx["org"], [first["id"], *others])
    assert len(one) == len(three) == 6
    assert data[first["id"]] == ctx["client"].get(f"{ctx['url']}{first['id']}/").json()
    for pk in others:
        assert payloads[pk] == ctx["client"].get(f"{ctx['url']}{pk}/").json()
