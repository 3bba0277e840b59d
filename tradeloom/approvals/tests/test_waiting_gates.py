"""``approvals_waitinggates`` (``approvals.waiting``): each order's count of gates waiting for the buyer equals the
gates' own states after every kind of change — gates added waiting or not, moving in and out of waiting, removed, a
line moved to another order, the line deleted — the rebuild computes what the triggers kept, and the database runs the
functions this code installs."""

from __future__ import annotations

import pytest
from django.db import connection

from tradeloom.approvals import waiting
from tradeloom.approvals.models import LineGate, WaitingGates
from tradeloom.approvals.states import WAITING
from tradeloom.approvals.tests.factories import GateFactory, LineGateFactory
from tradeloom.core.context import tenant_context
from tradeloom.sales.models import Line
from tradeloom.sales.tests.factories import LineFactory, OrderFactory
from tradeloom.testing.summaries import assert_installed

pytestmark = pytest.mark.django_db


def counts(org) -> dict:
    return {r.order_id: r.waiting for r in WaitingGates.objects.filter(organization=org) if r.waiting}


def expected(org) -> dict:
    out: dict = {}
    for gate in LineGate.objects.filter(organization=org, state__in=WAITING).select_related("line"):
        out[gate.line.order_id] = out.get(gate.line.order_id, 0) + 1
    return out


def test_an_order_s_waiting_gates_follow_their_states(org):
    with tenant_context(org):
        line = LineFactory(organization=org)
        second = LineFactory(organization=org, style=line.style)
        lab, strike, pp = (GateFactory(organization=org) for _ in range(3))
        a = LineGateFactory(organization=org, line=line, gate=lab, state="submission")
        LineGateFactory(organization=org, line=second, gate=lab, state="resubmission")
        c = LineGateFactory(organization=org, line=line, gate=strike, state="not_started")
        assert counts(org) == expected(org) == {line.order_id: 2}
        LineGate.objects.filter(pk=a.pk).update(state="approved")
        LineGate.objects.filter(pk=c.pk).update(state="submission")
        assert counts(org) == expected(org) == {line.order_id: 2}
        LineGateFactory(organization=org, line=line, gate=pp, state="submission")
        assert counts(org) == {line.order_id: 3}
        LineGate.objects.filter(pk=c.pk).delete()
        assert counts(org) == expected(org) == {line.order_id: 2}


def test_a_line_moved_to_another_order_takes_its_waiting_gates(org):
    with tenant_context(org):
        line = LineFactory(organization=org)
        LineGateFactory(organization=org, line=line, state="submission")
        LineGateFactory(organization=org, line=line, state="approved")
        other = OrderFactory(organization=org, customer=line.order.customer)
        Line.objects.filter(pk=line.pk).update(order=other)
        assert counts(org) == expected(org) == {other.pk: 1}
        LineGate.objects.filter(line=line).delete()
        line.delete()
        assert counts(org) == {}


def test_the_rebuild_computes_what_the_triggers_kept(org):
    with tenant_context(org):
        LineGateFactory(organization=org, state="submission")
        LineGateFactory(organization=org, state="resubmission")
        kept = counts(org)
        WaitingGates.objects.update(waiting=7)
        with connection.cursor() as cursor:
            cursor.execute(waiting.REBUILD_SQL)
        assert counts(org) == kept == expected(org)


def test_the_database_runs_the_functions_and_triggers_this_code_installs():
    # a change to the SQL here needs a migration that runs ``install()`` again
    assert_installed(
        like="approvals_waiting_gates_%",
        functions=waiting.FUNCTIONS,
        install_sql=waiting.INSTALL_SQL,
        triggers=waiting.TRIGGERS,
    )
