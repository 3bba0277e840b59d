"""Shipments in webhooks: their actions are event types integrators may subscribe to, and a shipment reads in a
payload exactly as ``GET shipments/{id}/`` returns it, in a fixed number of statements whatever the number of ids."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tradeloom.core.context import tenant_context
from tradeloom.core.webhook_events import WEBHOOK_EVENT_TYPES, WEBHOOK_REPRESENTATIONS
from tradeloom.logistics.tests.test_api import book, ctx  # noqa: F401 - the fixture
from tradeloom.logistics.webhooks import EVENT_TYPES

pytestmark = pytest.mark.django_db


def test_the_shipments_actions_are_webhook_event_types():
    registered = {event.code: event for event in WEBHOOK_EVENT_TYPES}
    for code, label in EVENT_TYPES:
        assert registered[str(code)].label == label
        assert registered[str(code)].area == "Shipments"


def test_a_shipment_reads_as_its_api_detail_in_five_statements_whatever_the_number(ctx):  # noqa: F811
    first = book(ctx, [(ctx.lines[0], 10)], containers=[{"number": "CSQU3054383", "kind": "40HC"}]).json()
    others = [book(ctx, [(ctx.lines[1], 1), (ctx.second_lines[0], 1)]).json()["id"] for _ in range(3)]
    represent = WEBHOOK_REPRESENTATIONS.get("logistics.shipment").represent
    with tenant_context(ctx.org):
        with CaptureQueriesContext(connection) as one:
            data = represent(ctx.org, [first["id"]])
        with CaptureQueriesContext(connection) as four:
            payloads = represent(ctx.org, [first["id"], *others])
    # counted before the GETs below: a request clears the connection's query log the captures read
    assert len(one) == len(four) == 5  # the shipments, lines, containers, revisions, documents with their files
    assert set(payloads) == {first["id"], *others}
    assert data[first["id"]] == ctx.client.get(f"{ctx.url}{first['id']}/").json()
    for shipment_id in others:
        assert payloads[shipment_id] == ctx.client.get(f"{ctx.url}{shipment_id}/").json()
