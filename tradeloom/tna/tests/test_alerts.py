"""The T&A alert kinds through the real evaluation pass (``alerts.evaluation.alerts_evaluate``) on a fixed clock: each
kind's boundary days, done milestones and closed orders left out, who is responsible, the label and link, and other
organisations. The pass runs as the owner role across organisations (as the LC alerts' tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import connections

from tradeloom.alerts.evaluation import alerts_evaluate
from tradeloom.alerts.models import Alert
from tradeloom.alerts.tests.factories import AlertRuleFactory
from tradeloom.core.alert_kinds import ALERT_KINDS
from tradeloom.notifications.kinds import NOTIFICATION_KINDS
from tradeloom.sales.tests.factories import LineFactory, OrderFactory
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory, OrganizationFactory
from tradeloom.tna import alerts
from tradeloom.tna.tests.factories import MilestoneFactory, PlanFactory

NOW = datetime(2026, 12, 10, 4, 0, tzinfo=UTC)  # 10:00 in Dhaka: the organisation's today is 10 December
TODAY = date(2026, 12, 10)
DAY = timedelta(days=1)
DUE, LATE, EX = "milestone_due", "milestone_late", "ex_factory_after_etd"

pytestmark = pytest.mark.django_db(databases=["default", "owner"])


@pytest.fixture
def as_owner(request: pytest.FixtureRequest) -> None:
    default = connections["default"]

    def restore() -> None:
        connections["default"] = default

    request.node.addfinalizer(restore)
    connections["default"] = connections["owner"]
    request.getfixturevalue("db")


@pytest.fixture(autouse=True)
def _kinds(as_owner: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ALERT_KINDS, "_items", dict(ALERT_KINDS._items))
    monkeypatch.setattr(NOTIFICATION_KINDS, "_items", dict(NOTIFICATION_KINDS._items))
    alerts.register()


@pytest.fixture
def world() -> dict[str, Any]:
    org = OrganizationFactory(slug="dhaka-tna", timezone="Asia/Dhaka")
    merch = MembershipFactory(organization=org, role=Role.MERCHANDISER)
    order = OrderFactory(organization=org, merchandiser=merch, etd=TODAY + 20 * DAY, number="SO-000777")
    return {"org": org, "merch": merch, "order": order, "plan": PlanFactory(organization=org, order=order)}


def milestone(w: dict[str, Any], planned: date, forecast: date | None = None, **fields: Any) -> Any:
    plan = fields.pop("plan", w["plan"])
    values = {"planned_date": planned, "original_date": planned, "forecast_date": forecast or planned, **fields}
    return MilestoneFactory(organization=w["org"], plan=plan, **values)


def rule(w: dict[str, Any], kind: str, days: int) -> Any:
    return AlertRuleFactory(organization=w["org"], kind=kind, days=days, enabled=True)


def run(capture: Any) -> None:
    with capture(using="owner", execute=True):
        alerts_evaluate(now=NOW)


def fired(org: Any, kind: str) -> set[str]:
    return {str(a.target_id) for a in Alert.objects.filter(organization=org, kind=kind, resolved_at__isnull=True)}


def test_the_three_kinds_are_registered() -> None:
    assert [k.code for k in alerts.TNA_KINDS] == [DUE, LATE, EX]
    assert {k.code: k.default_days for k in alerts.TNA_KINDS} == {DUE: 3, LATE: 0, EX: 0}
    assert all(ALERT_KINDS[k.code].target == "tna.milestone" for k in alerts.TNA_KINDS)


def test_due_within_n_days_both_ends_included(world: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    rule(world, DUE, 3)
    inside = [milestone(world, TODAY + d * DAY) for d in (0, 3)]
    outside = [milestone(world, TODAY + d * DAY) for d in (-1, 4)]
    done = milestone(world, TODAY + DAY, status="done", actual_date=TODAY)
    slipped = milestone(world, TODAY - 10 * DAY, forecast=TODAY + 2 * DAY)  # by its forecast
    run(django_capture_on_commit_callbacks)
    assert fired(world["org"], DUE) == {str(m.pk) for m in [*inside, slipped]}
    assert not {str(m.pk) for m in [*outside, done]} & fired(world["org"], DUE)
    alert = Alert.objects.get(target_id=inside[0].pk, kind=DUE)
    assert alert.responsible_id == world["merch"].pk
    assert alert.label == f"SO-000777 · {inside[0].name}"
    assert alert.link.endswith(f"/orders/{world['order'].pk}/?tab=tna")


def test_late_is_pending_past_its_planned_date_and_resolves_when_done(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    rule(world, LATE, 0)
    late = milestone(world, TODAY - DAY)
    today = milestone(world, TODAY)
    someone = MembershipFactory(organization=world["org"], role=Role.MANAGER)
    theirs = milestone(world, TODAY - 5 * DAY, responsible=someone)
    run(django_capture_on_commit_callbacks)
    assert fired(world["org"], LATE) == {str(late.pk), str(theirs.pk)}
    assert str(today.pk) not in fired(world["org"], LATE)
    assert Alert.objects.get(target_id=theirs.pk, kind=LATE).responsible_id == someone.pk
    type(late).objects.filter(pk=late.pk).update(status="done", actual_date=TODAY)
    run(django_capture_on_commit_callbacks)
    assert fired(world["org"], LATE) == {str(theirs.pk)}


def test_ex_factory_after_the_lines_or_orders_etd(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    rule(world, EX, 0)
    etd = world["order"].etd
    on_time = milestone(world, etd, code="ex_factory")
    line = LineFactory(organization=world["org"], style__order=world["order"], etd=etd + 10 * DAY)
    line_plan = PlanFactory(organization=world["org"], order=world["order"], line=line)
    after_order_etd = milestone(world, etd, forecast=etd + 5 * DAY, code="ex_factory", plan=line_plan)
    run(django_capture_on_commit_callbacks)
    assert fired(world["org"], EX) == set()  # the line's own ETD is later
    type(on_time).objects.filter(pk=on_time.pk).update(forecast_date=etd + DAY)
    type(after_order_etd).objects.filter(pk=after_order_etd.pk).update(forecast_date=etd + 11 * DAY)
    run(django_capture_on_commit_callbacks)
    assert fired(world["org"], EX) == {str(on_time.pk), str(after_order_etd.pk)}
    alert = Alert.objects.get(target_id=after_order_etd.pk, kind=EX)
    assert alert.label.startswith(f"SO-000777 · {line.colour_code} · ")
    assert alert.detail["days_after"] == 1


def test_closed_orders_and_other_organisations_are_left_out(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    rule(world, LATE, 0)
    mine = milestone(world, TODAY - DAY)
    closed = OrderFactory(organization=world["org"], status="closed")
    gone = milestone(world, TODAY - DAY, plan=PlanFactory(organization=world["org"], order=closed))
    other = OrganizationFactory(slug="other-tna", timezone="Asia/Dhaka")
    theirs = MilestoneFactory(organization=other, planned_date=TODAY - DAY, forecast_date=TODAY)
    run(django_capture_on_commit_callbacks)
    assert fired(world["org"], LATE) == {str(mine.pk)}
    assert str(gone.pk) not in fired(world["org"], LATE)
    assert fired(other, LATE) == set()  # no rule of theirs on
    assert str(theirs.pk) not in fired(world["org"], LATE)
