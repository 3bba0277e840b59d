"""The ``proforma_not_accepted`` alert kind through the real evaluation pass (``alerts.evaluation.alerts_evaluate``)
on a fixed clock: the boundary days, the statuses it watches (only sent PIs), firing once and resolving when the PI
is accepted, cancelled or revised, who is responsible, what it says, and other organisations.

The pass runs as the owner role across organisations; these tests run on the owner's connection (as the alerts
app's and logistics' alert tests do). PIs are made and moved through ``proformas.services``; the day a PI was sent
is then set on the row (the services take today's date, the pass a fixed clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections

from tradeloom.alerts.evaluation import alerts_evaluate
from tradeloom.alerts.models import Alert
from tradeloom.alerts.tests.factories import AlertRuleFactory
from tradeloom.core.alert_kinds import ALERT_KINDS
from tradeloom.core.context import tenant_context
from tradeloom.notifications.kinds import NOTIFICATION_KINDS
from tradeloom.proformas import alerts, services
from tradeloom.proformas.models import ProformaInvoice
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory, OrganizationFactory

# 10:00 in Dhaka (UTC+6) on 10 December: the organisation's today is the 10th
NOW = datetime(2026, 12, 10, 4, 0, tzinfo=UTC)
TODAY = date(2026, 12, 10)
DAY = timedelta(days=1)
N = 7
KIND = "proforma_not_accepted"

pytestmark = pytest.mark.django_db(databases=["default", "owner"])


@pytest.fixture
def as_owner(request: pytest.FixtureRequest) -> None:
    default = connections["default"]

    def restore() -> None:
        connections["default"] = default

    request.node.addfinalizer(restore)
    connections["default"] = connections["owner"]
    request.node.add_marker(pytest.mark.django_db(databases=["default", "owner"]))
    request.getfixturevalue("db")


@pytest.fixture(autouse=True)
def _kinds(as_owner: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ALERT_KINDS, "_items", dict(ALERT_KINDS._items))
    monkeypatch.setattr(NOTIFICATION_KINDS, "_items", dict(NOTIFICATION_KINDS._items))
    alerts.register()


def _world(slug: str) -> dict[str, Any]:
    org = OrganizationFactory(slug=slug, timezone="Asia/Dhaka")
    return {
        "org": org,
        "owner": MembershipFactory(organization=org, role=Role.OWNER),
        "merch": MembershipFactory(organization=org, role=Role.MERCHANDISER),
    }


@pytest.fixture
def world() -> dict[str, Any]:
    return _world("dhaka-co")


def sent_pi(w: dict[str, Any], days_ago: int) -> ProformaInvoice:
    """A PI of a new order (the world's merchandiser's) sent ``days_ago`` days before the pass's today."""
    with tenant_context(w["org"]):
        order = OrderFactory(organization=w["org"], merchandiser=w["merch"])
        LineFactory(organization=w["org"], style=StyleFactory(organization=w["org"], order=order), quantity=Decimal(10))
        pi = services.proforma_create(
            organization=w["org"], by=w["owner"], order=order, data={"pi_date": TODAY - 30 * DAY}
        )
        pi = services.proforma_move(proforma=pi, action="send", by=w["owner"])
        ProformaInvoice.objects.filter(pk=pi.pk).update(sent_on=TODAY - days_ago * DAY)
        pi.refresh_from_db()
    return pi


def run() -> None:
    alerts_evaluate(now=NOW)


def fired(org: Any) -> set[Any]:
    return {a.target_id for a in Alert.objects.filter(organization=org, kind=KIND, resolved_at__isnull=True)}


def test_the_kind_is_registered_once_with_its_default():
    alerts.register()
    kind = ALERT_KINDS[KIND]
    assert (kind.target, kind.default_days) == ("proformas.proformainvoice", 7)
    assert kind.min_days <= kind.default_days <= kind.max_days


def test_fires_from_n_days_after_sending_and_not_before(world):
    AlertRuleFactory(organization=world["org"], kind=KIND, days=N, enabled=True)
    before, on, after = sent_pi(world, N - 1), sent_pi(world, N), sent_pi(world, N + 1)
    run()
    assert fired(world["org"]) == {str(on.pk), str(after.pk)} or fired(world["org"]) == {on.pk, after.pk}
    alert = Alert.objects.get(organization=world["org"], kind=KIND, target_id=on.pk)
    assert alert.responsible_id == world["merch"].pk
    assert alert.label.startswith(on.number)
    assert alert.detail["days_waiting"] == N
    assert before.pk not in {a.target_id for a in Alert.objects.filter(kind=KIND)}


def test_resolves_when_accepted_cancelled_or_revised_and_fires_once(world):
    AlertRuleFactory(organization=world["org"], kind=KIND, days=N, enabled=True)
    accepted, cancelled, revised, waiting = (sent_pi(world, N + 3) for _ in range(4))
    run()
    run()  # once: the second pass does not fire again
    assert Alert.objects.filter(organization=world["org"], kind=KIND).count() == 4
    with tenant_context(world["org"]):
        services.proforma_move(proforma=accepted, action="accept", by=world["owner"])
        services.proforma_move(proforma=cancelled, action="cancel", by=world["owner"], reason="Order dropped")
        services.proforma_revise(proforma=revised, by=world["owner"])
    run()
    assert {str(x) for x in fired(world["org"])} == {str(waiting.pk)}


def test_drafts_and_other_organisations_and_disabled_rules(world):
    AlertRuleFactory(organization=world["org"], kind=KIND, days=N, enabled=True)
    other = _world("other-co")
    AlertRuleFactory(organization=other["org"], kind=KIND, days=N, enabled=False)
    theirs = sent_pi(other, N + 5)
    with tenant_context(world["org"]):
        order = OrderFactory(organization=world["org"])
        LineFactory(organization=world["org"], style=StyleFactory(organization=world["org"], order=order))
        services.proforma_create(organization=world["org"], by=world["owner"], order=order)  # a draft
    run()
    assert fired(world["org"]) == set()
    assert fired(other["org"]) == set()
    assert theirs.status == "sent"
