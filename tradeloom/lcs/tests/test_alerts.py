"""The LC alert kinds through the real evaluation pass (``alerts.evaluation.alerts_evaluate``) on a fixed clock: each
kind's boundary days, the statuses it watches, an accepted amendment resolving an alert, who is responsible, and
other organisations. The pass runs as the owner role across organisations (as the logistics alerts' tests)."""

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
from tradeloom.lcs import alerts, states
from tradeloom.lcs.tests.factories import LcOrderFactory, LetterOfCreditFactory
from tradeloom.notifications.kinds import NOTIFICATION_KINDS
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales.tests.factories import OrderFactory
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory, OrganizationFactory

NOW = datetime(2026, 12, 10, 4, 0, tzinfo=UTC)  # 10:00 in Dhaka: the organisation's today is 10 December
TODAY = date(2026, 12, 10)
DAY = timedelta(days=1)
EXPIRY, SHIPMENT, HIGH = "lc_expiry_near", "lc_latest_shipment_near", "lc_utilisation_high"

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
    org = OrganizationFactory(slug="dhaka-lc", timezone="Asia/Dhaka")
    return {
        "org": org,
        "merch": MembershipFactory(organization=org, role=Role.MERCHANDISER),
        "customer": CustomerFactory(organization=org),
    }


def lc(w: dict[str, Any], **fields: Any) -> Any:
    values = {
        "expiry_date": TODAY + 60 * DAY,
        "latest_shipment_date": TODAY + 30 * DAY,
        "issue_date": TODAY - 30 * DAY,
        **fields,
    }
    credit = LetterOfCreditFactory(organization=w["org"], customer=w["customer"], **values)
    order = OrderFactory(organization=w["org"], customer=w["customer"], merchandiser=w["merch"])
    LcOrderFactory(organization=w["org"], letter_of_credit=credit, order=order)
    return credit


def rule(w: dict[str, Any], kind: str, days: int) -> Any:
    return AlertRuleFactory(organization=w["org"], kind=kind, days=days, enabled=True)


def run(capture: Any) -> None:
    with capture(using="owner", execute=True):
        alerts_evaluate(now=NOW)


def fired(org: Any, kind: str) -> set[Any]:
    return {str(a.target_id) for a in Alert.objects.filter(organization=org, kind=kind, resolved_at__isnull=True)}


def test_the_three_kinds_are_registered():
    alerts.register()
    assert [k.code for k in alerts.LCS_KINDS] == [EXPIRY, SHIPMENT, HIGH]
    assert {k.code: k.default_days for k in alerts.LCS_KINDS} == {EXPIRY: 14, SHIPMENT: 7, HIGH: 90}
    assert all(ALERT_KINDS[k.code].target == "lcs.letterofcredit" for k in alerts.LCS_KINDS)


def test_expiry_within_n_days_both_ends_included(world, django_capture_on_commit_callbacks):
    rule(world, EXPIRY, 5)
    inside = [lc(world, expiry_date=TODAY + d * DAY, latest_shipment_date=None) for d in (0, 5)]
    outside = [lc(world, expiry_date=TODAY + d * DAY, latest_shipment_date=None) for d in (-1, 6)]
    pending = lc(world, expiry_date=TODAY + 2 * DAY, latest_shipment_date=None, status=states.PENDING)
    run(django_capture_on_commit_callbacks)
    assert fired(world["org"], EXPIRY) == {str(c.pk) for c in inside}
    assert not {str(c.pk) for c in [*outside, pending]} & fired(world["org"], EXPIRY)
    alert = Alert.objects.get(target_id=inside[0].pk, kind=EXPIRY)
    assert alert.responsible_id == world["merch"].pk
    assert alert.link.endswith(f"/lcs/{inside[0].pk}/")


def test_latest_shipment_near_resolves_when_the_date_is_extended(world, django_capture_on_commit_callbacks):
    rule(world, SHIPMENT, 7)
    near = lc(world, latest_shipment_date=TODAY + 7 * DAY)
    far = lc(world, latest_shipment_date=TODAY + 8 * DAY)
    confirmed = lc(world, latest_shipment_date=TODAY + 1 * DAY, status=states.CONFIRMED)
    run(django_capture_on_commit_callbacks)
    assert fired(world["org"], SHIPMENT) == {str(near.pk), str(confirmed.pk)}
    # an accepted amendment moves the LC's own date: the alert resolves at the next pass
    type(near).objects.filter(pk=near.pk).update(latest_shipment_date=TODAY + 20 * DAY)
    run(django_capture_on_commit_callbacks)
    assert fired(world["org"], SHIPMENT) == {str(confirmed.pk)}
    assert str(far.pk) not in fired(world["org"], SHIPMENT)


def test_utilisation_above_ninety_percent_until_utilised(world, django_capture_on_commit_callbacks):
    rule(world, HIGH, 90)
    at_90 = lc(world, utilised_amount=Decimal("90000.00"))
    above = lc(world, utilised_amount=Decimal("90000.01"))
    drawn = lc(world, utilised_amount=Decimal("100000.00"), status=states.UTILISED)
    run(django_capture_on_commit_callbacks)
    assert fired(world["org"], HIGH) == {str(above.pk)}
    assert str(at_90.pk) not in fired(world["org"], HIGH)
    assert str(drawn.pk) not in fired(world["org"], HIGH)
    type(above).objects.filter(pk=above.pk).update(status=states.UTILISED, utilised_amount=Decimal("100000.00"))
    run(django_capture_on_commit_callbacks)
    assert fired(world["org"], HIGH) == set()


def test_other_organisations_lcs_are_theirs(world, django_capture_on_commit_callbacks):
    other = OrganizationFactory(slug="other-lc", timezone="Asia/Dhaka")
    rival = {
        "org": other,
        "merch": MembershipFactory(organization=other, role=Role.MERCHANDISER),
        "customer": CustomerFactory(organization=other),
    }
    rule(world, EXPIRY, 5)
    theirs = lc(rival, expiry_date=TODAY + 2 * DAY, latest_shipment_date=None)
    run(django_capture_on_commit_callbacks)
    assert fired(other, EXPIRY) == set()
    assert str(theirs.pk) not in fired(world["org"], EXPIRY)
