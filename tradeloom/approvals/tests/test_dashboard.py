"""The dashboard's approvals waiting too long (``approvals.dashboard``): the board's "stuck" gates — waiting for the
buyer more than the organisation's stuck setting — longest first, counted up to a cap, of the orders the member
may see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tradeloom.approvals import dashboard as approvals_dashboard
from tradeloom.approvals.dashboard import stuck_approvals
from tradeloom.approvals.models import LineGate
from tradeloom.approvals.tests.factories import GateFactory, LineGateFactory
from tradeloom.core.context import tenant_context
from tradeloom.sales.models import Order
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory
from tradeloom.tenancy.dashboard import Dashboard
from tradeloom.tenancy.models import Organization
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def waiting(org, *, days, state="submission", gate=None, order=None, colour="NAVY"):
    """A line gate in ``state`` since ``days`` days before the organisation's today."""
    style = StyleFactory(organization=org, order=order) if order else StyleFactory(organization=org)
    line = LineFactory(organization=org, style=style, order=style.order, colour_code=colour)
    return LineGateFactory(
        organization=org,
        line=line,
        gate=gate or GateFactory(organization=org, name="Lab dip"),
        state=state,
        round=1,
        state_since=timezone.localdate() - timedelta(days=days),
    )


def stuck_of(org, membership):
    org.refresh_from_db()
    with tenant_context(org):
        return stuck_approvals(Dashboard(organization=org, membership=membership, today=timezone.localdate()))


def test_gates_waiting_more_than_the_stuck_setting_are_listed_longest_first(org, owner):
    # given (the default setting: 14 days)
    with tenant_context(org):
        twenty = waiting(org, days=20, colour="RED")
        fifteen = waiting(org, days=15, state="resubmission", colour="SKY")
        waiting(org, days=14)  # exactly the setting: not more
        waiting(org, days=40, state="approved")  # approved: waits for nobody
        waiting(org, days=40, state="rejected")
    # when
    stuck = stuck_of(org, owner)
    # then
    assert (stuck.days, stuck.count, stuck.more) == (14, 2, False)
    assert [(g.line, g.state, g.days) for g in stuck.gates] == [("RED", "submission", 20), ("SKY", "resubmission", 15)]
    first = stuck.gates[0]
    assert (first.order_id, first.order_number, first.gate, first.since) == (
        twenty.line.order_id,
        twenty.line.order.number,
        "Lab dip",
        twenty.state_since,
    )
    assert first.customer == twenty.line.order.customer.legal_name
    assert stuck.gates[1].state_label == "Resubmission"
    assert fifteen.pk


def test_the_organisations_stuck_setting_decides(org, owner):
    with tenant_context(org):
        waiting(org, days=11)
        waiting(org, days=9)
    Organization.objects.filter(pk=org.pk).update(settings={"approval_stuck_days": 10})
    stuck = stuck_of(org, owner)
    assert (stuck.days, stuck.count) == (10, 1)


def test_the_count_is_the_boards_stuck_filter(org, owner, client):
    # given gates of deleted orders and archived gates, which the board leaves out too
    with tenant_context(org):
        waiting(org, days=30)
        deleted = waiting(org, days=30).line.order
        Order.objects.filter(pk=deleted.pk).update(archived_at=timezone.now())
        archived_gate = GateFactory(organization=org, archived_at=timezone.now())
        waiting(org, days=30, gate=archived_gate)
    # when
    stuck = stuck_of(org, owner)
    client.force_login(owner.user)
    board = client.get(f"/api/v1/o/{org.slug}/approvals/board/?stuck=true").json()
    # then
    assert stuck.count == 1
    assert len(board["results"]) == 1


def test_the_count_stops_at_the_cap(org, owner, monkeypatch):
    monkeypatch.setattr(approvals_dashboard, "CAP", 2)
    with tenant_context(org):
        for days in (20, 21, 22):
            waiting(org, days=days)
    stuck = stuck_of(org, owner)
    assert (stuck.count, stuck.more) == (2, True)
    assert [g.days for g in stuck.gates] == [22, 21, 20]


def test_a_restricted_merchandiser_sees_the_gates_of_their_own_orders(org, member):
    mine, theirs = member(Role.MERCHANDISER), member(Role.MERCHANDISER)
    with tenant_context(org):
        waiting(org, days=20, order=OrderFactory(organization=org, merchandiser=mine), colour="MINE")
        waiting(org, days=25, order=OrderFactory(organization=org, merchandiser=theirs), colour="THEIRS")
    Organization.objects.filter(pk=org.pk).update(settings={"merchandisers_see_all_orders": False})
    assert [g.line for g in stuck_of(org, mine).gates] == ["MINE"]
    assert stuck_of(org, mine).count == 1
    # by default every merchandiser sees every order
    Organization.objects.filter(pk=org.pk).update(settings={})
    assert stuck_of(org, mine).count == 2


def test_nothing_stuck(org, owner):
    assert LineGate.objects.count() == 0
    stuck = stuck_of(org, owner)
    assert (stuck.count, stuck.more, stuck.gates) == (0, False, [])
