"""The shipment alert kinds through the real evaluation pass (``alerts.evaluation.alerts_evaluate``) on a fixed
clock: each kind's boundary days, the statuses it watches, firing once and resolving when a shipment moves or its
ETA is revised, who is responsible, what an alert says, cancelled and deleted orders, other organisations, and the
pass's statements.

The pass runs as the owner role across organisations; these tests run on the owner's connection (as the alerts
app's own tests do), with the shipments booked and moved through ``logistics.services``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections
from django.urls import reverse
from django.utils.html import escape

from tradeloom.alerts.evaluation import PassResult, alerts_evaluate
from tradeloom.alerts.models import Alert
from tradeloom.alerts.tests.factories import AlertRuleFactory
from tradeloom.core.alert_kinds import ALERT_KINDS
from tradeloom.core.context import tenant_context
from tradeloom.logistics import alerts, services, states
from tradeloom.logistics.models import Shipment
from tradeloom.notifications.kinds import NOTIFICATION_KINDS
from tradeloom.notifications.models import Notification
from tradeloom.partners.models import Carrier
from tradeloom.partners.tests.factories import CarrierFactory, CustomerFactory
from tradeloom.sales.models import Line, Order
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory, OrganizationFactory
from tradeloom.testing.budgets import budget

# 10:00 in Dhaka (UTC+6) on 10 December: the organisation's today is the 10th
NOW = datetime(2026, 12, 10, 4, 0, tzinfo=UTC)
TODAY = date(2026, 12, 10)
DAY = timedelta(days=1)
N = 5
NEAR, BEYOND, NOT_DEPARTED = "shipment_eta_near", "shipment_eta_beyond_order", "shipment_not_departed"
KINDS = (NEAR, BEYOND, NOT_DEPARTED)


# on the owner's connection (``as_owner``): declared here too, so that pytest-django runs these with the other
# database tests, before the browser tests' session
pytestmark = pytest.mark.django_db(databases=["default", "owner"])


@pytest.fixture
def as_owner(request: pytest.FixtureRequest) -> None:
    """The test on one connection, the owner's, under both aliases (``alerts/tests/conftest.py``)."""
    default = connections["default"]

    def restore() -> None:
        connections["default"] = default

    request.node.addfinalizer(restore)
    connections["default"] = connections["owner"]
    request.node.add_marker(pytest.mark.django_db(databases=["default", "owner"]))
    request.getfixturevalue("db")


@pytest.fixture(autouse=True)
def _kinds(as_owner: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kinds registered as ``LogisticsConfig.ready()`` registers them, for this test only (the registries are
    given back as they were)."""
    monkeypatch.setattr(ALERT_KINDS, "_items", dict(ALERT_KINDS._items))
    monkeypatch.setattr(NOTIFICATION_KINDS, "_items", dict(NOTIFICATION_KINDS._items))
    alerts.register()


@pytest.fixture
def world() -> dict[str, Any]:
    org = OrganizationFactory(slug="dhaka-co", timezone="Asia/Dhaka")
    return _world(org)


def _world(org: Any) -> dict[str, Any]:
    return {
        "org": org,
        "owner": MembershipFactory(organization=org, role=Role.OWNER),
        "merch": MembershipFactory(organization=org, role=Role.MERCHANDISER),
        "other_merch": MembershipFactory(organization=org, role=Role.MERCHANDISER),
        "customer": CustomerFactory(organization=org),
        "carrier": CarrierFactory(organization=org, mode=Carrier.Mode.SEA),
    }


def order_line(w: dict[str, Any], *, etd: date | None = None, eta: date | None = None, merch: Any = None) -> Line:
    """A line of a new order of the world's customer with the order's ETD and ETA (an ETA alone gets an ETD 20 days
    before it)."""
    if eta is not None and etd is None:
        etd = eta - 20 * DAY
    order = OrderFactory(
        organization=w["org"], customer=w["customer"], merchandiser=merch or w["merch"], etd=etd, eta=eta
    )
    style = StyleFactory(organization=w["org"], order=order)
    return LineFactory(organization=w["org"], style=style, order=order, quantity=Decimal(1000))


# the actions that bring a booked shipment to each status
PATHS = {
    states.BOOKED: [],
    states.IN_TRANSIT: [states.DEPART],
    states.ARRIVED: [states.DEPART, states.ARRIVE],
    states.DELIVERED: [states.DEPART, states.ARRIVE, states.DELIVER],
    states.RETURNED: [states.DEPART, states.RETURN],
    states.CANCELLED: [states.CANCEL],
}


def ship(
    w: dict[str, Any], lines: list[Line], *, eta: date, etd: date | None = None, status: str = states.BOOKED
) -> Shipment:
    """Book a shipment of 100 of each line (by the owner), then move it to ``status``."""
    with tenant_context(w["org"]):
        shipment = services.shipment_create(
            organization=w["org"],
            by=w["owner"],
            data={
                "customer": w["customer"],
                "mode": "sea",
                "carrier": w["carrier"],
                "etd": etd or min(eta, TODAY) - 10 * DAY,
                "eta": eta,
            },
            lines=[{"line": line.pk, "quantity": Decimal(100)} for line in lines],
        ).shipment
        for action in PATHS[status]:
            reason = "Buyer refused the goods" if action in (states.RETURN, states.CANCEL) else ""
            shipment = services.shipment_move(shipment=shipment, action=action, by=w["owner"], reason=reason)
    return shipment


def move(w: dict[str, Any], shipment: Shipment, action: str, **kwargs: Any) -> Shipment:
    with tenant_context(w["org"]):
        return services.shipment_move(shipment=shipment, action=action, by=w["owner"], **kwargs)


def revise(w: dict[str, Any], shipment: Shipment, **dates: date) -> Shipment:
    with tenant_context(w["org"]):
        services.shipment_eta_revise(shipment=shipment, by=w["owner"], reason="Vessel rolled over", **dates)
        return Shipment.objects.get(pk=shipment.pk)


def rule(w: dict[str, Any], kind: str, days: int, **extra: Any) -> Any:
    return AlertRuleFactory(organization=w["org"], kind=kind, days=days, enabled=True, **extra)


def run(capture: Any, now: datetime = NOW) -> PassResult:
    """One pass; its notifications run after its commit (the outbox relay, Celery eager in tests)."""
    with capture(using="owner", execute=True):
        return alerts_evaluate(now=now)


def open_alerts(org: Any, kind: str | None = None) -> list[Alert]:
    qs = Alert.objects.filter(organization=org, resolved_at__isnull=True)
    return list(qs.filter(kind=kind) if kind else qs)


def fired_on(org: Any, kind: str) -> set[Any]:
    return {a.target_id for a in open_alerts(org, kind)}


# --- the kinds as registered ---------------------------------------------------------------------------------------
def test_register_puts_the_three_kinds_in_the_registry_once():
    alerts.register()  # again: a no-op (``ready()`` may run twice)
    for code in KINDS:
        kind = ALERT_KINDS[code]
        assert kind in alerts.LOGISTICS_KINDS
        assert kind.target == "logistics.shipment"
        assert kind.responsible == "The merchandiser of the first order the shipment carries"
        assert kind.min_days <= kind.default_days <= kind.max_days
    assert [k.code for k in alerts.LOGISTICS_KINDS] == list(KINDS)
    assert {k.code: k.default_days for k in alerts.LOGISTICS_KINDS} == {NEAR: 3, BEYOND: 0, NOT_DEPARTED: 0}
    # the rules page shows each label as it is (an apostrophe would be escaped in its HTML)
    assert all(escape(k.label) == k.label for k in alerts.LOGISTICS_KINDS)


# --- each kind's boundaries: N - 1, N and N + 1 days -----------------------------------------------------------------
def _near(w: dict[str, Any], offset: int) -> Any:
    """A booked shipment whose ETA is ``offset`` days from today."""
    return ship(w, [order_line(w, eta=TODAY + 60 * DAY)], eta=TODAY + offset * DAY).pk


def _beyond(w: dict[str, Any], offset: int) -> Any:
    """A booked shipment whose ETA is ``offset`` days after its order's ETA."""
    order_eta = TODAY + 30 * DAY
    return ship(w, [order_line(w, eta=order_eta)], eta=order_eta + offset * DAY).pk


def _not_departed(w: dict[str, Any], offset: int) -> Any:
    """A booked shipment of an order whose ETD was ``offset`` days ago."""
    line = order_line(w, etd=TODAY - offset * DAY, eta=TODAY + 30 * DAY)
    return ship(w, [line], etd=TODAY + 2 * DAY, eta=TODAY + 25 * DAY).pk


BOUNDARIES = {
    # ETA today to today + N, both included
    NEAR: (_near, {N - 1: True, N: True, N + 1: False}),
    # ETA more than N days after the order's
    BEYOND: (_beyond, {N - 1: False, N: False, N + 1: True}),
    # the order's ETD more than N days ago
    NOT_DEPARTED: (_not_departed, {N - 1: False, N: False, N + 1: True}),
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_fires_exactly_from_its_boundary_day(kind, world, django_capture_on_commit_callbacks):
    make, expected = BOUNDARIES[kind]
    targets = {days: make(world, days) for days in expected}
    rule(world, kind, N)
    result = run(django_capture_on_commit_callbacks)
    fired = fired_on(world["org"], kind)
    assert {days for days, target in targets.items() if target in fired} == {
        days for days, hit in expected.items() if hit
    }
    assert result.fired[kind] == sum(expected.values())


def test_days_zero_is_today_for_the_eta_and_one_day_for_the_orders_dates(world, django_capture_on_commit_callbacks):
    yesterday, today, tomorrow = _near(world, -1), _near(world, 0), _near(world, 1)
    on_time, one_day_late = _beyond(world, 0), _beyond(world, 1)
    etd_today, etd_yesterday = _not_departed(world, 0), _not_departed(world, 1)
    for kind in KINDS:
        rule(world, kind, 0)
    run(django_capture_on_commit_callbacks)
    assert fired_on(world["org"], NEAR) == {today}
    assert not {yesterday, tomorrow} & fired_on(world["org"], NEAR)
    assert one_day_late in fired_on(world["org"], BEYOND)
    assert on_time not in fired_on(world["org"], BEYOND)
    assert fired_on(world["org"], NOT_DEPARTED) == {etd_yesterday}
    assert etd_today not in fired_on(world["org"], NOT_DEPARTED)


# --- the statuses each kind watches ----------------------------------------------------------------------------------
WATCHED = {
    NEAR: {states.BOOKED, states.IN_TRANSIT},
    BEYOND: {states.BOOKED, states.IN_TRANSIT, states.ARRIVED},
    NOT_DEPARTED: {states.BOOKED},
}


@pytest.mark.parametrize("status", [s for s, _ in states.STATUSES])
def test_only_shipments_under_way_raise_alerts_and_each_kind_watches_its_statuses(
    status, world, django_capture_on_commit_callbacks
):
    # in every kind's condition while booked: ETA in 2 days, 6 days after the order's, whose ETD was 10 days ago
    line = order_line(world, etd=TODAY - 10 * DAY, eta=TODAY - 4 * DAY)
    shipment = ship(world, [line], etd=TODAY - 8 * DAY, eta=TODAY + 2 * DAY, status=status)
    for kind in KINDS:
        rule(world, kind, 0 if kind != NEAR else 3)
    run(django_capture_on_commit_callbacks)
    fired = {a.kind for a in open_alerts(world["org"]) if a.target_id == shipment.pk}
    assert fired == {kind for kind in KINDS if status in WATCHED[kind]}
    if status in states.FINAL:
        assert fired == set()


# --- firing once, resolving as the shipment moves or its ETA is revised -------------------------------------------
def test_an_eta_revised_beyond_the_orders_fires_once_and_resolves_when_revised_back_or_delivered(
    world, django_capture_on_commit_callbacks
):
    order_eta = TODAY + 30 * DAY
    shipment = ship(world, [order_line(world, eta=order_eta)], eta=order_eta)
    rule(world, BEYOND, 2)
    assert run(django_capture_on_commit_callbacks).fired.get(BEYOND, 0) == 0  # on the order's ETA: fine
    # the carrier's notice: three days later than the order's ETA
    shipment = revise(world, shipment, eta=order_eta + 3 * DAY)
    first = run(django_capture_on_commit_callbacks, now=NOW + timedelta(minutes=15))
    again = run(django_capture_on_commit_callbacks, now=NOW + timedelta(minutes=30))
    assert (first.fired[BEYOND], again.fired.get(BEYOND, 0)) == (1, 0)
    (alert,) = open_alerts(world["org"], BEYOND)
    assert alert.detail["days_late"] == 3
    # revised back within the grace: resolved; beyond it again: a new alert
    shipment = revise(world, shipment, eta=order_eta + 2 * DAY)
    assert run(django_capture_on_commit_callbacks, now=NOW + timedelta(minutes=45)).resolved[BEYOND] == 1
    shipment = revise(world, shipment, eta=order_eta + 10 * DAY)
    assert run(django_capture_on_commit_callbacks, now=NOW + timedelta(hours=1)).fired[BEYOND] == 1
    assert Alert.objects.filter(kind=BEYOND).count() == 2
    # still late once it has arrived; delivered: over
    shipment = move(world, move(world, shipment, states.DEPART), states.ARRIVE)
    assert run(django_capture_on_commit_callbacks, now=NOW + timedelta(hours=2)).resolved.get(BEYOND, 0) == 0
    move(world, shipment, states.DELIVER)
    assert run(django_capture_on_commit_callbacks, now=NOW + timedelta(hours=3)).resolved[BEYOND] == 1
    assert open_alerts(world["org"]) == []


def test_an_eta_near_resolves_when_the_shipment_arrives_or_its_eta_moves_out(world, django_capture_on_commit_callbacks):
    arriving, delayed = _near(world, 2), _near(world, 3)
    rule(world, NEAR, 3)
    assert run(django_capture_on_commit_callbacks).fired[NEAR] == 2
    move(world, move(world, Shipment.objects.get(pk=arriving), states.DEPART), states.ARRIVE)
    revise(world, Shipment.objects.get(pk=delayed), eta=TODAY + 4 * DAY)
    result = run(django_capture_on_commit_callbacks, now=NOW + timedelta(minutes=15))
    assert result.resolved[NEAR] == 2
    assert open_alerts(world["org"]) == []


def test_a_shipment_not_departed_resolves_when_it_departs_or_is_cancelled(world, django_capture_on_commit_callbacks):
    leaving, dropped = _not_departed(world, 4), _not_departed(world, 9)
    rule(world, NOT_DEPARTED, 0)
    assert run(django_capture_on_commit_callbacks).fired[NOT_DEPARTED] == 2
    move(world, Shipment.objects.get(pk=leaving), states.DEPART)
    move(world, Shipment.objects.get(pk=dropped), states.CANCEL, reason="Buyer cancelled")
    assert run(django_capture_on_commit_callbacks, now=NOW + timedelta(minutes=15)).resolved[NOT_DEPARTED] == 2


def test_the_shipments_own_etd_passing_is_not_this_alert(world, django_capture_on_commit_callbacks):
    # booked to leave 5 days ago and still booked, but its order's ETD is next week: the list's "late", not this
    line = order_line(world, etd=TODAY + 7 * DAY, eta=TODAY + 40 * DAY)
    ship(world, [line], etd=TODAY - 5 * DAY, eta=TODAY + 20 * DAY)
    rule(world, NOT_DEPARTED, 0)
    run(django_capture_on_commit_callbacks)
    assert open_alerts(world["org"]) == []


# --- what an alert says, and whose it is ---------------------------------------------------------------------------
def test_an_alert_names_the_shipment_and_its_customer_links_to_its_page_and_belongs_to_its_first_orders_merchandiser(
    world, django_capture_on_commit_callbacks
):
    # a shipment of two orders: the first line's (on time) is the first merchandiser's, the second's (late and not
    # shipped by its ETD) the other merchandiser's
    on_time = order_line(world, etd=TODAY + 5 * DAY, eta=TODAY + 30 * DAY)
    late = order_line(world, etd=TODAY - 4 * DAY, eta=TODAY - 2 * DAY, merch=world["other_merch"])
    shipment = ship(world, [on_time, late], etd=TODAY - 6 * DAY, eta=TODAY + DAY)
    for kind in KINDS:
        rule(world, kind, 0 if kind != NEAR else 3)
    run(django_capture_on_commit_callbacks)
    by_kind = {a.kind: a for a in open_alerts(world["org"])}
    assert set(by_kind) == set(KINDS)
    for alert in by_kind.values():
        assert alert.target_type == "logistics.shipment"
        assert alert.target_id == shipment.pk
        assert alert.label == f"{shipment.number} · {world['customer'].legal_name}"
        assert alert.link == f"/o/dhaka-co/shipments/{shipment.pk}/"
        assert alert.link == reverse("logistics:shipment", kwargs={"org_slug": "dhaka-co", "shipment_id": shipment.pk})
    # the ETA: the first order's merchandiser; the order kinds: the merchandiser of the order in the condition
    assert by_kind[NEAR].responsible_id == world["merch"].pk
    assert by_kind[BEYOND].responsible_id == world["other_merch"].pk
    assert by_kind[NOT_DEPARTED].responsible_id == world["other_merch"].pk
    late_number = late.order.number
    assert by_kind[NEAR].detail == {
        "date": str(TODAY + DAY),
        "etd": str(TODAY - 6 * DAY),
        "status": states.BOOKED,
    }
    assert by_kind[BEYOND].detail == {
        "date": str(TODAY + DAY),
        "order_eta": str(TODAY - 2 * DAY),
        "days_late": 3,
        "orders": [late_number],
    }
    assert by_kind[NOT_DEPARTED].detail == {
        "date": str(TODAY - 4 * DAY),
        "etd": str(TODAY - 6 * DAY),
        "orders": [late_number],
    }


def test_the_order_kinds_name_the_earliest_date_and_every_order_in_the_condition(
    world, django_capture_on_commit_callbacks
):
    first = order_line(world, etd=TODAY - 9 * DAY, eta=TODAY - 5 * DAY)
    second = order_line(world, etd=TODAY - 3 * DAY, eta=TODAY - 1 * DAY)
    # two lines of the second order: it is named once
    again = LineFactory(organization=world["org"], style=second.style, order=second.order, quantity=Decimal(500))
    ship(world, [second, again, first], etd=TODAY - 12 * DAY, eta=TODAY + 2 * DAY)
    rule(world, BEYOND, 0)
    rule(world, NOT_DEPARTED, 0)
    run(django_capture_on_commit_callbacks)
    (beyond,) = open_alerts(world["org"], BEYOND)
    (not_departed,) = open_alerts(world["org"], NOT_DEPARTED)
    numbers = sorted([first.order.number, second.order.number])
    assert beyond.detail == {
        "date": str(TODAY + 2 * DAY),
        "order_eta": str(TODAY - 5 * DAY),
        "days_late": 7,
        "orders": numbers,
    }
    assert not_departed.detail["date"] == str(TODAY - 9 * DAY)
    assert not_departed.detail["orders"] == numbers


def test_the_merchandiser_is_told(world, django_capture_on_commit_callbacks):
    _not_departed(world, 3)
    rule(world, NOT_DEPARTED, 0)
    run(django_capture_on_commit_callbacks)
    notification = Notification.objects.get(kind=f"alerts.{NOT_DEPARTED}")
    assert notification.recipient_id == world["merch"].pk
    assert notification.title.startswith("Shipment not departed by the order ETD: SH-")
    assert notification.severity == "critical"
    assert notification.link.startswith("/o/dhaka-co/shipments/")
    assert notification.target_type == "logistics.shipment"


# --- which orders count ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "change", [{"status": Order.Status.CANCELLED}, {"archived_at": NOW}], ids=["cancelled", "deleted"]
)
def test_cancelled_and_deleted_orders_dates_do_not_count(change, world, django_capture_on_commit_callbacks):
    line = order_line(world, etd=TODAY - 3 * DAY, eta=TODAY - 1 * DAY)
    ship(world, [line], eta=TODAY + 2 * DAY)
    with tenant_context(world["org"]):
        Order.objects.filter(pk=line.order_id).update(**change)  # after booking: the shipment still carries it
    rule(world, BEYOND, 0)
    rule(world, NOT_DEPARTED, 0)
    run(django_capture_on_commit_callbacks)
    assert open_alerts(world["org"]) == []


def test_orders_without_an_eta_or_etd_raise_no_order_alerts(world, django_capture_on_commit_callbacks):
    ship(world, [order_line(world)], eta=TODAY + 2 * DAY)
    rule(world, BEYOND, 0)
    rule(world, NOT_DEPARTED, 0)
    run(django_capture_on_commit_callbacks)
    assert open_alerts(world["org"]) == []


# --- organisations apart -----------------------------------------------------------------------------------------
def test_a_rule_fires_only_for_its_own_organisations_shipments(world, django_capture_on_commit_callbacks):
    theirs = _world(OrganizationFactory(slug="other-co", timezone="Asia/Dhaka"))
    their_shipments = {kind: make(theirs, N + 1 if kind != NEAR else 1) for kind, (make, _) in BOUNDARIES.items()}
    mine = {kind: make(world, N + 1 if kind != NEAR else 1) for kind, (make, _) in BOUNDARIES.items()}
    for kind in KINDS:
        rule(world, kind, N)  # only the first organisation turned them on
    run(django_capture_on_commit_callbacks)
    assert {(a.organization_id, a.kind, a.target_id) for a in Alert.objects.all()} == {
        (world["org"].pk, kind, mine[kind]) for kind in KINDS
    }
    assert not Notification.objects.filter(organization=theirs["org"]).exists()
    # both on: each organisation's alerts under its own rules, linked under its own slug
    for kind in KINDS:
        rule(theirs, kind, N)
    run(django_capture_on_commit_callbacks, now=NOW + timedelta(minutes=15))
    other = {a.kind: a for a in open_alerts(theirs["org"])}
    assert {kind: a.target_id for kind, a in other.items()} == their_shipments
    assert all(a.rule.organization_id == theirs["org"].pk for a in other.values())
    assert all(a.link.startswith("/o/other-co/shipments/") for a in other.values())
    assert all(a.link.startswith("/o/dhaka-co/shipments/") for a in open_alerts(world["org"]))
    assert set(Notification.objects.filter(organization=theirs["org"]).values_list("recipient_id", flat=True)) == {
        theirs["merch"].pk
    }


# --- the pass's statements -----------------------------------------------------------------------------------------
def test_the_pass_costs_the_same_statements_whatever_the_number_of_shipments(
    world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    for kind in KINDS:
        rule(world, kind, N)
    _near(world, 1)
    _beyond(world, N + 1)
    _not_departed(world, N + 1)
    statements = []
    with connections["owner"].execute_wrapper(
        lambda execute, sql, *rest: statements.append(sql) or execute(sql, *rest)
    ):
        alerts_evaluate(now=NOW)
    for days in range(10):
        _near(world, days % 3)
        _beyond(world, N + 1 + days)
        _not_departed(world, N + 1 + days)
    with django_assert_max_num_queries(len(statements), connection=connections["owner"]):
        result = alerts_evaluate(now=NOW + timedelta(minutes=15))
    assert result.fired_total == 30
    assert len(statements) <= budget("service.alerts_evaluate")
