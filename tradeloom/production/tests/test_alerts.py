"""The work-order alert kinds through the real evaluation pass (``alerts.evaluation.alerts_evaluate``) on a fixed
clock: a late work order (fires while open and flagged, resolves when it completes), no production reported for more
than N days (its boundary days, from the last production day else the start), who is responsible, and other
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
from tradeloom.production import alerts, states
from tradeloom.production.tests.factories import WorkOrderFactory
from tradeloom.sales.tests.factories import OrderFactory
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory, OrganizationFactory

NOW = datetime(2026, 12, 10, 4, 0, tzinfo=UTC)  # 10:00 in Dhaka: the organisation's today is 10 December
TODAY = date(2026, 12, 10)
DAY = timedelta(days=1)
LATE, SILENT = "work_order_late", "production_not_reported"

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
    org = OrganizationFactory(slug="dhaka-mill", timezone="Asia/Dhaka")
    merch = MembershipFactory(organization=org, role=Role.MERCHANDISER)
    maker = MembershipFactory(organization=org, role=Role.MANAGER)
    return {"org": org, "merch": merch, "maker": maker, "order": OrderFactory(organization=org, merchandiser=merch)}


def wo(w: dict[str, Any], **fields: Any) -> Any:
    values = {"status": states.IN_PROGRESS, "started_on": TODAY - 20 * DAY, "created_by": w["maker"].user, **fields}
    return WorkOrderFactory(organization=w["org"], **values)


def rule(w: dict[str, Any], kind: str, days: int) -> Any:
    return AlertRuleFactory(organization=w["org"], kind=kind, days=days, enabled=True)


def run(capture: Any) -> None:
    with capture(using="owner", execute=True):
        alerts_evaluate(now=NOW)


def fired(org: Any, kind: str) -> set[str]:
    return {str(a.target_id) for a in Alert.objects.filter(organization=org, kind=kind, resolved_at__isnull=True)}


def test_the_two_kinds_are_registered():
    assert [k.code for k in alerts.PRODUCTION_KINDS] == [LATE, SILENT]
    assert {k.code: k.default_days for k in alerts.PRODUCTION_KINDS} == {LATE: 0, SILENT: 3}
    assert all(ALERT_KINDS[k.code].target == "production.workorder" for k in alerts.PRODUCTION_KINDS)


def test_a_late_open_work_order_fires_until_it_completes(world, django_capture_on_commit_callbacks):
    rule(world, LATE, 0)
    late = wo(world, is_late=True, order=world["order"], last_reported_on=TODAY)
    pending = wo(world, is_late=True, status=states.PENDING, started_on=None)
    on_time = wo(world, is_late=False)
    done = wo(world, is_late=True, status=states.COMPLETED)  # a stale flag on a closed one never fires
    run(django_capture_on_commit_callbacks)
    assert fired(world["org"], LATE) == {str(late.pk), str(pending.pk)}
    assert not {str(on_time.pk), str(done.pk)} & fired(world["org"], LATE)
    alert = Alert.objects.get(target_id=late.pk, kind=LATE)
    assert alert.responsible_id == world["merch"].pk  # the order's merchandiser
    assert alert.link.endswith(f"/work-orders/{late.pk}/")
    assert alert.label.startswith(late.number)
    assert Alert.objects.get(target_id=pending.pk, kind=LATE).responsible_id == world["maker"].pk  # no order
    type(late).objects.filter(pk=late.pk).update(status=states.COMPLETED)
    run(django_capture_on_commit_callbacks)
    assert fired(world["org"], LATE) == {str(pending.pk)}


def test_no_production_for_more_than_n_days(world, django_capture_on_commit_callbacks):
    rule(world, SILENT, 3)
    four = wo(world, last_reported_on=TODAY - 4 * DAY)
    three = wo(world, last_reported_on=TODAY - 3 * DAY)
    never = wo(world, last_reported_on=None, started_on=TODAY - 5 * DAY)
    just_started = wo(world, last_reported_on=None, started_on=TODAY - 2 * DAY)
    pending = wo(world, status=states.PENDING, last_reported_on=TODAY - 9 * DAY)
    run(django_capture_on_commit_callbacks)
    assert fired(world["org"], SILENT) == {str(four.pk), str(never.pk)}
    assert not {str(three.pk), str(just_started.pk), str(pending.pk)} & fired(world["org"], SILENT)
    # a new entry resolves it at the next pass
    type(four).objects.filter(pk=four.pk).update(last_reported_on=TODAY)
    run(django_capture_on_commit_callbacks)
    assert fired(world["org"], SILENT) == {str(never.pk)}


def test_other_organisations_work_orders_are_theirs(world, django_capture_on_commit_callbacks):
    other = OrganizationFactory(slug="other-mill", timezone="Asia/Dhaka")
    theirs = WorkOrderFactory(organization=other, status=states.IN_PROGRESS, is_late=True)
    rule(world, LATE, 0)
    run(django_capture_on_commit_callbacks)
    assert str(theirs.pk) not in fired(world["org"], LATE)
    assert fired(other, LATE) == set()  # their rule is off
