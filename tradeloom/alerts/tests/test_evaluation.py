"""The evaluation pass on fixed clocks: each kind's boundary days in the organisation's time zone, firing once and
resolving, recipients, organisations kept apart, the lock, and its statements.

The pass runs as the owner role across organisations; these tests run on the owner's connection (``as_owner``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from django.db import connections

from tradeloom.alerts import evaluation
from tradeloom.alerts.evaluation import alerts_evaluate
from tradeloom.alerts.models import Alert
from tradeloom.alerts.notifying import DIGEST_AFTER
from tradeloom.alerts.tests.factories import AlertRuleFactory, AlertRuleMemberFactory
from tradeloom.approvals.tests.factories import GateFactory, LineGateFactory, SampleFactory
from tradeloom.core.context import tenant_context
from tradeloom.core.models import OutboxEntry
from tradeloom.notifications.models import Notification
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory, TaskFactory
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory, OrganizationFactory
from tradeloom.testing.budgets import budget

# 10:00 in Dhaka (UTC+6) on 10 December: "today" is the 10th there and in UTC
NOW = datetime(2026, 12, 10, 4, 0, tzinfo=UTC)
TODAY = date(2026, 12, 10)
# 20:00 UTC on the 10th is 02:00 on the 11th in Dhaka: its today is the 11th, UTC's still the 10th
LATE = datetime(2026, 12, 10, 20, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _owner_connection(as_owner: None) -> None:
    """Every test here runs as the owner, like the pass."""


@pytest.fixture
def world() -> dict[str, Any]:
    org = OrganizationFactory(slug="dhaka-co", timezone="Asia/Dhaka")
    merch = MembershipFactory(organization=org, role=Role.MERCHANDISER)
    manager = MembershipFactory(organization=org, role=Role.MANAGER)
    accounts = MembershipFactory(organization=org, role=Role.ACCOUNTS)
    gone = MembershipFactory(organization=org, role=Role.MANAGER, is_active=False)
    return {"org": org, "merch": merch, "manager": manager, "accounts": accounts, "gone": gone}


def run(capture: Any, now: datetime = NOW) -> evaluation.PassResult:
    """One pass; its notifications run after its commit (the outbox relay, Celery eager in tests)."""
    with capture(using="owner", execute=True):
        return alerts_evaluate(now=now)


def order_with_line(w: dict[str, Any], *, order: dict[str, Any] | None = None, **line: Any) -> Any:
    o = OrderFactory(organization=w["org"], merchandiser=w["merch"], **(order or {}))
    style = StyleFactory(organization=w["org"], order=o)
    return LineFactory(organization=w["org"], style=style, order=o, **line)


def rule(w: dict[str, Any], kind: str, days: int, **extra: Any) -> Any:
    return AlertRuleFactory(organization=w["org"], kind=kind, days=days, enabled=True, **extra)


def open_alerts(org: Any, kind: str | None = None) -> list[Alert]:
    qs = Alert.objects.filter(organization=org, resolved_at__isnull=True)
    return list(qs.filter(kind=kind) if kind else qs)


# --- each kind's boundaries: N - 1, N and N + 1 days ------------------------------------------------------------
N = 5


def _eta(w: dict[str, Any], offset: int) -> Any:
    return order_with_line(w, eta=TODAY + timedelta(days=offset)).order_id


def _etd(w: dict[str, Any], offset: int) -> Any:
    return order_with_line(w, etd=TODAY - timedelta(days=offset)).order_id


def _gate(w: dict[str, Any], offset: int) -> Any:
    line = order_with_line(w)
    gate = GateFactory(organization=w["org"])
    return LineGateFactory(
        organization=w["org"], line=line, gate=gate, state="submission", state_since=TODAY - timedelta(days=offset)
    ).pk


def _sample(w: dict[str, Any], offset: int) -> Any:
    line = order_with_line(w)
    gate = GateFactory(organization=w["org"])
    return SampleFactory(
        organization=w["org"], line=line, gate=gate, status="submitted", submitted_on=TODAY - timedelta(days=offset)
    ).pk


def _task_due(w: dict[str, Any], offset: int) -> Any:
    order = OrderFactory(organization=w["org"], merchandiser=w["merch"])
    return TaskFactory(organization=w["org"], order=order, due_date=TODAY + timedelta(days=offset)).pk


def _task_overdue(w: dict[str, Any], offset: int) -> Any:
    order = OrderFactory(organization=w["org"], merchandiser=w["merch"])
    return TaskFactory(organization=w["org"], order=order, due_date=TODAY - timedelta(days=offset)).pk


# kind → how a record N + k days away is made, and which of N - 1, N, N + 1 are in the condition
BOUNDARIES = {
    # ETA today to today + N, both included
    "eta_near": (_eta, {N - 1: True, N: True, N + 1: False}),
    # ETD more than N days ago
    "etd_passed": (_etd, {N - 1: False, N: False, N + 1: True}),
    # waiting more than N days
    "gate_stuck": (_gate, {N - 1: False, N: False, N + 1: True}),
    "sample_awaiting": (_sample, {N - 1: False, N: False, N + 1: True}),
    # due today to today + N, both included
    "task_due": (_task_due, {N - 1: True, N: True, N + 1: False}),
    # due more than N days ago
    "task_overdue": (_task_overdue, {N - 1: False, N: False, N + 1: True}),
}


@pytest.mark.parametrize("kind", sorted(BOUNDARIES))
def test_each_kind_fires_exactly_from_its_boundary_day(kind, world, django_capture_on_commit_callbacks):
    make, expected = BOUNDARIES[kind]
    targets = {days: make(world, days) for days in expected}
    rule(world, kind, N)
    result = run(django_capture_on_commit_callbacks)
    fired = {a.target_id for a in open_alerts(world["org"], kind)}
    assert {days for days, target in targets.items() if target in fired} == {
        days for days, hit in expected.items() if hit
    }
    assert result.fired[kind] == sum(expected.values())


def test_days_zero_is_today_for_near_kinds_and_yesterday_for_passed_ones(world, django_capture_on_commit_callbacks):
    eta_today, eta_tomorrow = _eta(world, 0), _eta(world, 1)
    etd_today, etd_yesterday = _etd(world, 0), _etd(world, 1)
    rule(world, "eta_near", 0)
    rule(world, "etd_passed", 0)
    run(django_capture_on_commit_callbacks)
    assert {a.target_id for a in open_alerts(world["org"], "eta_near")} == {eta_today}
    assert eta_tomorrow not in {a.target_id for a in open_alerts(world["org"])}
    assert {a.target_id for a in open_alerts(world["org"], "etd_passed")} == {etd_yesterday}
    assert etd_today not in {a.target_id for a in open_alerts(world["org"])}


def test_the_organisations_time_zone_decides_today(world, django_capture_on_commit_callbacks):
    # a task due on the 10th: at 20:00 UTC it is already the 11th in Dhaka, so the task is overdue there
    utc_org = OrganizationFactory(slug="utc-co", timezone="UTC")
    dhaka_task = _task_overdue(world, 0)
    utc_order = OrderFactory(organization=utc_org)
    utc_task = TaskFactory(organization=utc_org, order=utc_order, due_date=TODAY).pk
    rule(world, "task_overdue", 0)
    AlertRuleFactory(organization=utc_org, kind="task_overdue", days=0, enabled=True)
    run(django_capture_on_commit_callbacks, now=NOW)
    assert Alert.objects.count() == 0  # 10:00 in Dhaka, 04:00 in UTC: due today, not overdue
    run(django_capture_on_commit_callbacks, now=LATE)
    assert {a.target_id for a in Alert.objects.all()} == {dhaka_task}
    assert utc_task not in {a.target_id for a in Alert.objects.all()}


# --- what is in the condition ------------------------------------------------------------------------------------
def test_a_line_without_its_own_eta_or_etd_has_its_orders(world, django_capture_on_commit_callbacks):
    inherits = order_with_line(world, order={"etd": TODAY - timedelta(days=3), "eta": TODAY + timedelta(days=2)})
    own = order_with_line(
        world,
        order={"etd": TODAY - timedelta(days=3), "eta": TODAY + timedelta(days=2)},
        etd=TODAY + timedelta(days=30),
        eta=TODAY + timedelta(days=60),
    )
    rule(world, "eta_near", 7)
    rule(world, "etd_passed", 0)
    run(django_capture_on_commit_callbacks)
    assert {a.target_id for a in open_alerts(world["org"], "eta_near")} == {inherits.order_id}
    assert {a.target_id for a in open_alerts(world["org"], "etd_passed")} == {inherits.order_id}
    assert own.order_id not in {a.target_id for a in open_alerts(world["org"])}


def test_an_order_alert_counts_its_lines_and_names_the_soonest_day(world, django_capture_on_commit_callbacks):
    line = order_with_line(world, etd=TODAY - timedelta(days=9))
    style = line.style
    LineFactory(organization=world["org"], style=style, order=line.order, etd=TODAY - timedelta(days=2))
    rule(world, "etd_passed", 0)
    run(django_capture_on_commit_callbacks)
    (alert,) = open_alerts(world["org"])
    assert alert.detail == {"date": str(TODAY - timedelta(days=9)), "lines": 2}
    assert alert.label == f"{line.order.number} · {line.order.customer.legal_name}"
    assert alert.link == f"/o/dhaka-co/orders/{line.order_id}/"
    assert alert.target_type == "sales.order"
    assert alert.responsible_id == world["merch"].pk


@pytest.mark.parametrize(
    "change",
    [
        {"status": "completed"},
        {"status": "archived"},
        {"delivered_quantity": Decimal("1000")},
    ],
    ids=["completed", "archived", "fully delivered"],
)
def test_lines_done_or_delivered_are_not_late(change, world, django_capture_on_commit_callbacks):
    order_with_line(world, etd=TODAY - timedelta(days=3), **change)
    rule(world, "etd_passed", 0)
    run(django_capture_on_commit_callbacks)
    assert open_alerts(world["org"]) == []


@pytest.mark.parametrize("order", [{"status": "closed"}, {"status": "cancelled"}, {"archived_at": NOW}])
def test_closed_cancelled_and_deleted_orders_raise_no_line_alerts(order, world, django_capture_on_commit_callbacks):
    order_with_line(world, order=order, etd=TODAY - timedelta(days=3), eta=TODAY + timedelta(days=1))
    rule(world, "etd_passed", 0)
    rule(world, "eta_near", 7)
    run(django_capture_on_commit_callbacks)
    assert open_alerts(world["org"]) == []


@pytest.mark.parametrize("status", ["done", "cancelled"])
def test_tasks_done_or_cancelled_are_not_overdue(status, world, django_capture_on_commit_callbacks):
    order = OrderFactory(organization=world["org"])
    TaskFactory(organization=world["org"], order=order, due_date=TODAY - timedelta(days=9), status=status)
    rule(world, "task_overdue", 0)
    run(django_capture_on_commit_callbacks)
    assert open_alerts(world["org"]) == []


def test_approved_or_archived_gates_are_not_stuck(world, django_capture_on_commit_callbacks):
    line = order_with_line(world)
    since = TODAY - timedelta(days=30)
    LineGateFactory(organization=world["org"], line=line, state="approved", state_since=since)
    archived = GateFactory(organization=world["org"], archived_at=NOW)
    LineGateFactory(organization=world["org"], line=line, gate=archived, state="submission", state_since=since)
    SampleFactory(organization=world["org"], line=line, status="approved", submitted_on=since)
    rule(world, "gate_stuck", 14)
    rule(world, "sample_awaiting", 10)
    run(django_capture_on_commit_callbacks)
    assert open_alerts(world["org"]) == []


# --- once per condition; resolved when it clears; again when it comes back ----------------------------------------
def test_an_alert_fires_once_resolves_when_the_condition_clears_and_fires_again_when_it_returns(
    world, django_capture_on_commit_callbacks
):
    line = order_with_line(world, etd=TODAY - timedelta(days=2))
    rule(world, "etd_passed", 0)
    first = run(django_capture_on_commit_callbacks)
    second = run(django_capture_on_commit_callbacks, now=NOW + timedelta(minutes=15))
    assert (first.fired["etd_passed"], second.fired.get("etd_passed", 0)) == (1, 0)
    assert Alert.objects.count() == 1
    assert Notification.objects.filter(kind="alerts.etd_passed").count() == 1  # told once, not every pass
    # the line is delivered: the next pass resolves the alert
    with tenant_context(world["org"]):
        line.delivered_quantity = line.quantity
        line.save(update_fields=["delivered_quantity"])
    cleared = run(django_capture_on_commit_callbacks, now=NOW + timedelta(minutes=30))
    assert cleared.resolved["etd_passed"] == 1
    (alert,) = Alert.objects.all()
    assert alert.resolved_at == NOW + timedelta(minutes=30)
    # the delivery is reversed: the condition is back, and so is an alert — a new one, told again
    with tenant_context(world["org"]):
        line.delivered_quantity = Decimal(0)
        line.save(update_fields=["delivered_quantity"])
    back = run(django_capture_on_commit_callbacks, now=NOW + timedelta(minutes=45))
    assert back.fired["etd_passed"] == 1
    assert Alert.objects.count() == 2
    assert len(open_alerts(world["org"])) == 1
    assert Notification.objects.filter(kind="alerts.etd_passed").count() == 2


def test_a_rule_turned_off_resolves_its_alerts_at_the_next_pass(world, django_capture_on_commit_callbacks):
    _task_overdue(world, 3)
    task_rule = rule(world, "task_overdue", 0)
    run(django_capture_on_commit_callbacks)
    assert len(open_alerts(world["org"])) == 1
    type(task_rule).objects.filter(pk=task_rule.pk).update(enabled=False)
    result = run(django_capture_on_commit_callbacks, now=NOW + timedelta(minutes=15))
    assert result.resolved["task_overdue"] == 1
    assert open_alerts(world["org"]) == []


def test_more_days_resolve_what_no_longer_qualifies(world, django_capture_on_commit_callbacks):
    _task_overdue(world, 2)
    task_rule = rule(world, "task_overdue", 0)
    run(django_capture_on_commit_callbacks)
    type(task_rule).objects.filter(pk=task_rule.pk).update(days=5)
    run(django_capture_on_commit_callbacks, now=NOW + timedelta(minutes=15))
    assert open_alerts(world["org"]) == []


# --- recipients ------------------------------------------------------------------------------------------------------
def recipients(org: Any, kind: str) -> set[Any]:
    return set(Notification.objects.filter(organization=org, kind=kind).values_list("recipient_id", flat=True))


def test_recipients_are_the_merchandiser_the_roles_and_the_named_members(world, django_capture_on_commit_callbacks):
    named = MembershipFactory(organization=world["org"], role=Role.STAFF)
    _etd(world, 3)
    late = rule(world, "etd_passed", 0, roles=[Role.MANAGER])
    AlertRuleMemberFactory(organization=world["org"], rule=late, membership=named)
    run(django_capture_on_commit_callbacks)
    # the order's merchandiser, the active manager (not the inactive one), the named member; not accounts
    assert recipients(world["org"], "alerts.etd_passed") == {world["merch"].pk, world["manager"].pk, named.pk}
    notification = Notification.objects.filter(recipient=world["merch"]).get()
    assert notification.title.startswith("ETD passed without full delivery: SO-")
    assert notification.severity == "critical"
    assert notification.link.startswith("/o/dhaka-co/orders/")
    assert notification.target_type == "sales.order"


def test_inactive_members_are_never_told(world, django_capture_on_commit_callbacks):
    world["merch"].is_active = False
    world["merch"].save(update_fields=["is_active"])
    _etd(world, 3)
    late = rule(world, "etd_passed", 0)
    AlertRuleMemberFactory(organization=world["org"], rule=late, membership=world["gone"])
    run(django_capture_on_commit_callbacks)
    assert recipients(world["org"], "alerts.etd_passed") == set()
    assert Alert.objects.get().notified_at is not None  # told (no one), not told again


def test_without_the_merchandiser_only_roles_and_members_are_told(world, django_capture_on_commit_callbacks):
    _etd(world, 3)
    rule(world, "etd_passed", 0, notify_merchandiser=False, roles=[Role.ACCOUNTS])
    run(django_capture_on_commit_callbacks)
    assert recipients(world["org"], "alerts.etd_passed") == {world["accounts"].pk}


def test_a_tasks_assignee_is_its_responsible_member(world, django_capture_on_commit_callbacks):
    order = OrderFactory(organization=world["org"], merchandiser=world["merch"])
    TaskFactory(organization=world["org"], order=order, assignee=world["accounts"], due_date=TODAY)
    rule(world, "task_due", 1)
    run(django_capture_on_commit_callbacks)
    assert recipients(world["org"], "alerts.task_due") == {world["accounts"].pk}


def test_many_alerts_of_one_kind_reach_a_recipient_as_one_notification(world, django_capture_on_commit_callbacks):
    for _ in range(DIGEST_AFTER + 2):
        _etd(world, 3)
    _eta(world, 1)
    rule(world, "etd_passed", 0)
    rule(world, "eta_near", 7)
    run(django_capture_on_commit_callbacks)
    told = Notification.objects.filter(recipient=world["merch"])
    late = told.get(kind="alerts.etd_passed")
    assert late.title == f"{DIGEST_AFTER + 2} new alerts: ETD passed without full delivery"
    assert late.link == "/o/dhaka-co/alerts/?kind=etd_passed&status=open"
    assert told.filter(kind="alerts.eta_near").count() == 1  # one alert of another kind: told as itself


# --- organisations apart -----------------------------------------------------------------------------------------
def test_a_rule_fires_only_for_its_own_organisations_records(world, django_capture_on_commit_callbacks):
    other = OrganizationFactory(slug="other-co", timezone="Asia/Dhaka")
    theirs_merch = MembershipFactory(organization=other, role=Role.MANAGER)
    other_order = OrderFactory(organization=other, merchandiser=theirs_merch)
    other_style = StyleFactory(organization=other, order=other_order)
    LineFactory(organization=other, style=other_style, order=other_order, etd=TODAY - timedelta(days=3))
    mine = _etd(world, 3)
    rule(world, "etd_passed", 0, roles=[Role.MANAGER])  # only the first organisation turned it on
    run(django_capture_on_commit_callbacks)
    assert [(a.organization_id, a.target_id) for a in Alert.objects.all()] == [(world["org"].pk, mine)]
    assert theirs_merch.pk not in recipients(world["org"], "alerts.etd_passed")
    assert not Notification.objects.filter(organization=other).exists()
    # both on: each organisation's alert under its own rule, told to its own members
    AlertRuleFactory(organization=other, kind="etd_passed", days=0, enabled=True, roles=[Role.MANAGER])
    run(django_capture_on_commit_callbacks, now=NOW + timedelta(minutes=15))
    by_org = {a.organization_id: a for a in Alert.objects.all()}
    assert by_org[other.pk].target_id == other_order.pk
    assert by_org[other.pk].rule.organization_id == other.pk
    assert set(Notification.objects.filter(organization=other).values_list("recipient_id", flat=True)) == {
        theirs_merch.pk
    }
    assert by_org[world["org"].pk].link.startswith("/o/dhaka-co/")
    assert by_org[other.pk].link.startswith("/o/other-co/")


def test_an_inactive_organisations_rules_do_not_fire(world, django_capture_on_commit_callbacks):
    _etd(world, 3)
    rule(world, "etd_passed", 0)
    world["org"].is_active = False
    world["org"].save(update_fields=["is_active"])
    run(django_capture_on_commit_callbacks)
    assert Alert.objects.count() == 0


# --- safe to run twice at once; a constant number of statements ----------------------------------------------------
def test_a_pass_that_finds_another_running_does_nothing(world, django_capture_on_commit_callbacks):
    _etd(world, 3)
    rule(world, "etd_passed", 0)
    params = connections["owner"].get_connection_params()
    holder = psycopg.connect(**{k: v for k, v in params.items() if k in ("host", "port", "user", "dbname")})
    try:
        holder.execute("SELECT pg_advisory_lock(%s)", [evaluation.LOCK_KEY])
        result = run(django_capture_on_commit_callbacks)
    finally:
        holder.close()
    assert result.ran is False
    assert Alert.objects.count() == 0
    assert run(django_capture_on_commit_callbacks).fired["etd_passed"] == 1


def test_the_pass_costs_the_same_statements_whatever_the_numbers(
    world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    for days in range(1, 8):
        _etd(world, days)
        _gate(world, 20 + days)
        _task_overdue(world, days)
        _eta(world, days % 3)
    for kind in BOUNDARIES:
        rule(world, kind, 0 if kind in ("etd_passed", "task_overdue") else 3)
    with django_assert_max_num_queries(budget("service.alerts_evaluate")):
        result = alerts_evaluate(now=NOW)
    assert result.fired_total > 20
    assert OutboxEntry.objects.filter(task="alerts.notify").count() == 1  # one per organisation with new alerts


def test_telling_costs_the_same_statements_whatever_the_number_of_alerts(
    world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from tradeloom.alerts.notifying import alerts_notify

    for days in range(1, 30):
        _etd(world, days)
    rule(world, "etd_passed", 0, roles=[Role.MANAGER, Role.ACCOUNTS])
    alerts_evaluate(now=NOW)
    with django_assert_max_num_queries(budget("task.alerts_notify")), tenant_context(world["org"]):
        made = alerts_notify(organization=world["org"])
    assert made == 3  # merchandiser, manager, accounts: one digest each


def test_the_beat_task_is_registered_and_runs_a_pass(world, django_capture_on_commit_callbacks, monkeypatch):
    from tradeloom.alerts import tasks
    from tradeloom.core.periodic import PERIODIC_TASKS, beat_schedule

    assert PERIODIC_TASKS["alerts.evaluate"].every == timedelta(minutes=15)
    assert beat_schedule()["alerts.evaluate"]["task"] == "alerts.evaluate"
    calls: list[Any] = []
    monkeypatch.setattr(tasks, "alerts_evaluate", lambda: calls.append(1) or evaluation.PassResult())
    tasks.evaluate.apply()
    assert calls == [1]
