"""PIs in webhooks: their actions are event types integrators may subscribe to, and a PI reads in a payload exactly
as ``GET proformas/{id}/`` returns it (a revision with its diff too), in three statements whatever the number."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tradeloom.core.context import tenant_context
from tradeloom.core.webhook_events import WEBHOOK_EVENT_TYPES, WEBHOOK_REPRESENTATIONS
from tradeloom.proformas.tests.test_api import create, ctx, post  # noqa: F401 - the fixture
from tradeloom.proformas.webhooks import EVENT_TYPES

pytestmark = pytest.mark.django_db


def test_the_pi_actions_are_webhook_event_types():
    registered = {event.code: event for event in WEBHOOK_EVENT_TYPES}
    for code, label in EVENT_TYPES:
        assert registered[str(code)].label == label
        assert registered[str(code)].area == "Proforma invoices"


def test_a_pi_reads_as_its_api_detail_in_three_statements(ctx):  # noqa: F811
    first = create(ctx).json()
    post(ctx, first, "send")
    revised = post(ctx, first, "revise", {"lines": [{"line": str(ctx["navy"].pk), "quantity": "5"}]}).json()
    others = [create(ctx, {"lines": [{"line": str(ctx["white"].pk), "quantity": "1"}]}).json()["id"] for _ in range(2)]
    represent = WEBHOOK_REPRESENTATIONS.get("proformas.proformainvoice").represent
    with tenant_context(ctx["org"]):
        with CaptureQueriesContext(connection) as one:
            data = represent(ctx["org"], [revised["id"]])
        with CaptureQueriesContext(connection) as three:
            payloads = represent(ctx["org"], [revised["id"], *others])
    assert len(one) == len(three) == 3
    assert set(payloads) == {revised["id"], *others}
    assert data[revised["id"]] == ctx["merch"].get(f"{ctx['base']}proformas/{revised['id']}/").json()
    for pk in others:
        assert payloads[pk] == ctx["merch"].get(f"{ctx['base']}proformas/{pk}/").json()
