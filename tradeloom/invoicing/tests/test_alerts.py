"""The invoice alert kinds through the real evaluation pass (``alerts.evaluation.alerts_evaluate``) on a fixed clock:
the boundary days of each, the statuses and outstanding they watch, resolving once an invoice is settled, and who is
responsible. On the owner's connection, as the alerts app's own tests."""

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
from tradeloom.invoicing import alerts, states
from tradeloom.invoicing.models import Invoice
from tradeloom.invoicing.tests.factories import InvoiceFactory
from tradeloom.notifications.kinds import NOTIFICATION_KINDS
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales.tests.factories import OrderFactory
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory, OrganizationFactory

NOW = datetime(2026, 12, 10, 4, 0, tzinfo=UTC)  # 10:00 in Dhaka: the organisation's today is the 10th
TODAY = date(2026, 12, 10)
DAY = timedelta(days=1)
NEAR, OVERDUE = "invoice_due_near", "invoice_overdue"

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
def w() -> dict[str, Any]:
    org = OrganizationFactory(slug="dhaka-co", timezone="Asia/Dhaka")
    merch = MembershipFactory(organization=org, role=Role.MERCHANDISER)
    customer = CustomerFactory(organization=org, legal_name="Bayside Apparel", trade_name="")
    order = OrderFactory(organization=org, customer=customer, merchandiser=merch)
    return {"org": org, "merch": merch, "customer": customer, "order": order}


def invoice(w: dict[str, Any], due: date | None, *, status: str = states.ISSUED, paid: str = "0", credited: str = "0"):
    return InvoiceFactory(
        organization=w["org"],
        customer=w["customer"],
        order=w["order"],
        status=status,
        due_date=due,
        subtotal=Decimal("100.00"),
        total=Decimal("100.00"),
        paid_amount=Decimal(paid),
        credited_amount=Decimal(credited),
    )


def rule(w: dict[str, Any], kind: str, days: int) -> Any:
    return AlertRuleFactory(organization=w["org"], kind=kind, days=days, enabled=True)


def run(capture: Any, now: datetime = NOW) -> Any:
    with capture(using="owner", execute=True):
        return alerts_evaluate(now=now)


def fired(w: dict[str, Any], kind: str) -> set[Any]:
    return set(
        Alert.objects.filter(organization=w["org"], kind=kind, resolved_at__isnull=True).values_list(
            "target_id", flat=True
        )
    )


def test_the_two_kinds_are_registered_once():
    alerts.register()
    assert [k.code for k in alerts.INVOICING_KINDS] == [NEAR, OVERDUE]
    for kind in alerts.INVOICING_KINDS:
        assert ALERT_KINDS[kind.code] is kind
        assert kind.target == "invoicing.invoice"


def test_due_within_n_days_fires_from_today_to_today_plus_n(w, django_capture_on_commit_callbacks):
    rule(w, NEAR, 5)
    inside = [invoice(w, TODAY + d * DAY).pk for d in (0, 4, 5)]
    outside = [invoice(w, TODAY + d * DAY).pk for d in (-1, 6)] + [invoice(w, None).pk]
    run(django_capture_on_commit_callbacks)
    assert {str(x) for x in fired(w, NEAR)} == {str(x) for x in inside}
    assert not {str(x) for x in outside} & {str(x) for x in fired(w, NEAR)}


def test_overdue_fires_more_than_n_days_after_the_due_date(w, django_capture_on_commit_callbacks):
    rule(w, OVERDUE, 3)
    late = invoice(w, TODAY - 4 * DAY)
    grace = invoice(w, TODAY - 3 * DAY)
    run(django_capture_on_commit_callbacks)
    assert {str(x) for x in fired(w, OVERDUE)} == {str(late.pk)}
    assert str(grace.pk) not in {str(x) for x in fired(w, OVERDUE)}
    alert = Alert.objects.get(organization=w["org"], kind=OVERDUE)
    assert alert.label == f"{late.number} · Bayside Apparel"
    assert alert.responsible_id == w["merch"].pk
    assert alert.detail["days_overdue"] == 4
    assert alert.detail["outstanding"] == "100.00"


def test_only_owed_invoices_count_and_an_alert_resolves_when_settled(w, django_capture_on_commit_callbacks):
    rule(w, OVERDUE, 0)
    owed = invoice(w, TODAY - DAY, status=states.PARTLY_PAID, paid="40")
    quiet = [
        invoice(w, TODAY - DAY, status=states.DRAFT),
        invoice(w, TODAY - DAY, status=states.VOID),
        invoice(w, TODAY - DAY, status=states.PAID, paid="100"),
        invoice(w, TODAY - DAY, status=states.ISSUED, credited="100"),  # credited in full, not yet marked paid
        invoice(w, TODAY),  # due today: not overdue yet
    ]
    run(django_capture_on_commit_callbacks)
    assert {str(x) for x in fired(w, OVERDUE)} == {str(owed.pk)}
    assert not {str(q.pk) for q in quiet} & {str(x) for x in fired(w, OVERDUE)}
    Invoice.objects.filter(pk=owed.pk).update(paid_amount=Decimal(100), status=states.PAID)
    result = run(django_capture_on_commit_callbacks, NOW + timedelta(minutes=45))
    assert Invoice.objects.get(pk=owed.pk).status == states.PAID
    assert result.resolved.get(OVERDUE) == 1, result
    assert fired(w, OVERDUE) == set()
