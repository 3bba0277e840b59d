"""Milestones completing themselves through the event seam, each through the publishing service: a gate approved
(``approvals.services.entry_record`` → ``GateStateChanged``), production reported (``production.services.
production_report`` → ``ProductionReported``), a shipment departing (``ShipmentDeparted``) — and a new organisation
getting the standard template (``tenancy.services.organization_create`` → ``OrganizationCreated``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tradeloom.accounts.tests.factories import UserFactory
from tradeloom.approvals import services as approvals
from tradeloom.approvals import states as gate_states
from tradeloom.approvals.events import GateStateChanged
from tradeloom.approvals.models import GateEntry
from tradeloom.core.context import tenant_context
from tradeloom.core.events import Phase, publish, subscribers
from tradeloom.logistics.events import ShipmentDeparted
from tradeloom.production import services as production
from tradeloom.production.events import ProductionReported
from tradeloom.tenancy import services as tenancy
from tradeloom.tenancy.events import OrganizationCreated
from tradeloom.tenancy.roles import Role
from tradeloom.tna import services
from tradeloom.tna import subscribers as tna_subscribers
from tradeloom.tna.models import Milestone, Plan, Template
from tradeloom.tna.tests.helpers import DAY, TODAY, World, approve, fix_today, lines_of, make_order, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(org: Any, member: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    fix_today(monkeypatch, TODAY)
    with tenant_context(org):
        yield world(org, member(Role.MANAGER), member(Role.MERCHANDISER))


def m(plan: Plan, code: str) -> Milestone:
    return Milestone.objects.get(plan=plan, code=code)


def test_tna_subscribes_in_the_transaction() -> None:
    assert tna_subscribers.give_standard_template in subscribers(OrganizationCreated, Phase.IN_TRANSACTION)
    assert tna_subscribers.milestones_on_gate in subscribers(GateStateChanged, Phase.IN_TRANSACTION)
    assert tna_subscribers.milestones_on_production in subscribers(ProductionReported, Phase.IN_TRANSACTION)
    assert tna_subscribers.ex_factory_on_departure in subscribers(ShipmentDeparted, Phase.IN_TRANSACTION)


def test_a_new_organisation_gets_the_standard_template() -> None:
    organization, _ = tenancy.organization_create(name="Loom & Co", owner=UserFactory())
    with tenant_context(organization):
        template = Template.objects.get(organization=organization)
        rows = {r.code: r for r in template.milestones.all()}
    assert template.name == "Standard"
    assert template.is_default
    assert len(rows) == 14
    assert rows["lab_dip_approval"].gate_code == "lab_dip"  # the standard gates came first (a lower floor)
    assert rows["knitting"].production_process == "knitted"


# --- gates ------------------------------------------------------------------------------------------------------------


def test_an_approved_gate_completes_the_line_plan_and_the_order_plan_when_every_line_is(w: World) -> None:
    order = make_order(w)
    navy, red = lines_of(order)
    order_plan = services.plan_apply(organization=w.org, by=w.by, order=order, template=w.standard)
    navy_plan = services.plan_apply(organization=w.org, by=w.by, order=order, line=navy, template=w.standard)

    approve(w, navy, "lab_dip", TODAY - 2 * DAY)

    done = m(navy_plan, "lab_dip_approval")
    assert (done.status, done.actual_date, done.completed_by) == ("done", TODAY - 2 * DAY, "gate")
    assert m(order_plan, "lab_dip_approval").status == "pending"  # RED is not approved yet

    approve(w, red, "lab_dip", TODAY - DAY)

    done = m(order_plan, "lab_dip_approval")
    assert (done.status, done.actual_date, done.completed_by) == ("done", TODAY - DAY, "gate")  # the latest date
    # the dependants' forecasts moved with it (pp sample sent: planned 2 Jan, 25 days after lab dip's 8 Dec)
    assert m(order_plan, "pp_sample_sent").forecast_date == dt.date(2027, 1, 2)
    assert m(order_plan, "lab_dip_approval").slippage_days == (TODAY - DAY - dt.date(2026, 12, 8)).days


def test_a_correction_away_from_approved_reopens_what_the_gate_completed(w: World) -> None:
    order = make_order(w, ("NAVY",))
    (navy,) = lines_of(order)
    plan = services.plan_apply(organization=w.org, by=w.by, order=order, line=navy, template=w.standard)
    approve(w, navy, "lab_dip", TODAY - DAY)
    assert m(plan, "lab_dip_approval").status == "done"

    approved = GateEntry.objects.get(line_gate__line=navy, state=gate_states.APPROVED)
    approvals.entry_correct(entry=approved, by=w.by, state=gate_states.REJECTED, effective_date=TODAY - DAY)

    reopened = m(plan, "lab_dip_approval")
    assert (reopened.status, reopened.actual_date, reopened.completed_by) == ("pending", None, "")
    history = [(c.field, c.source, c.new_date) for c in reopened.date_changes.order_by("created_at", "id")]
    assert history == [("actual", "gate", TODAY - DAY), ("actual", "gate", None)]


def test_a_milestone_recorded_by_hand_stays_as_recorded(w: World) -> None:
    order = make_order(w, ("NAVY",))
    (navy,) = lines_of(order)
    plan = services.plan_apply(organization=w.org, by=w.by, order=order, line=navy, template=w.standard)
    services.milestone_record(
        organization=w.org, by=w.by, milestone=m(plan, "lab_dip_approval"), actual_date=TODAY - 5 * DAY
    )
    approve(w, navy, "lab_dip", TODAY - DAY)
    kept = m(plan, "lab_dip_approval")
    assert (kept.actual_date, kept.completed_by) == (TODAY - 5 * DAY, "hand")


def test_a_plan_made_after_the_approval_starts_with_it_done(w: World) -> None:
    order = make_order(w, ("NAVY",))
    (navy,) = lines_of(order)
    approve(w, navy, "lab_dip", TODAY - 3 * DAY)
    plan = services.plan_apply(organization=w.org, by=w.by, order=order, line=navy, template=w.standard)
    done = m(plan, "lab_dip_approval")
    assert (done.status, done.actual_date, done.completed_by) == ("done", TODAY - 3 * DAY, "gate")


def test_another_gate_or_no_plan_changes_nothing(w: World) -> None:
    order = make_order(w, ("NAVY",))
    (navy,) = lines_of(order)
    approve(w, navy, "price", TODAY - DAY)  # no plan yet: nothing happens
    plan = services.plan_apply(organization=w.org, by=w.by, order=order, line=navy, template=w.standard)
    approve(w, navy, "quality", TODAY - DAY)
    assert not Milestone.objects.filter(plan=plan, status="done").exists()


# --- production -------------------------------------------------------------------------------------------------------


def work_order(w: World, order: Any, lines: list[Any], quantity: str = "100") -> Any:
    wo = production.work_order_create(
        organization=w.org,
        by=w.by,
        data={"quantity": Decimal(quantity), "unit": w.unit, "due_date": TODAY + 30 * DAY, "product_name": "Jersey"},
        lines=[{"line": line, "quantity": Decimal(quantity) / len(lines)} for line in lines],
    )
    return production.work_order_move(organization=w.org, by=w.by, work_order=wo, action="release")


def report(w: World, wo: Any, day: dt.date, **figures: str) -> None:
    production.production_report(
        organization=w.org,
        by=w.by,
        rows=[{"work_order": wo, "produced_on": day, **{k: Decimal(v) for k, v in figures.items()}}],
    )


def test_production_completes_the_process_milestones_when_the_quantity_is_reached(w: World) -> None:
    order = make_order(w, ("NAVY",))
    (navy,) = lines_of(order)
    order_plan = services.plan_apply(organization=w.org, by=w.by, order=order, template=w.standard)
    navy_plan = services.plan_apply(organization=w.org, by=w.by, order=order, line=navy, template=w.standard)
    wo = work_order(w, order, [navy])

    report(w, wo, TODAY - 3 * DAY, knitted="60")
    assert m(navy_plan, "knitting").status == "pending"

    report(w, wo, TODAY - 2 * DAY, knitted="45", dyed="30")

    for plan in (navy_plan, order_plan):
        knitting = m(plan, "knitting")
        assert (knitting.status, knitting.actual_date, knitting.completed_by) == (
            "done",
            TODAY - 2 * DAY,
            "production",
        )
        assert m(plan, "dyeing").status == "pending"


def test_a_production_correction_below_the_quantity_reopens_the_milestone(w: World) -> None:
    order = make_order(w, ("NAVY",))
    (navy,) = lines_of(order)
    plan = services.plan_apply(organization=w.org, by=w.by, order=order, line=navy, template=w.standard)
    wo = work_order(w, order, [navy])
    report(w, wo, TODAY - DAY, knitted="100")
    assert m(plan, "knitting").status == "done"
    production.production_report(
        organization=w.org,
        by=w.by,
        rows=[{"work_order": wo, "produced_on": TODAY - DAY, "knitted": Decimal("80"), "reason": "Miscounted"}],
    )
    assert m(plan, "knitting").status == "pending"


# --- shipments --------------------------------------------------------------------------------------------------------


def test_a_departure_completes_ex_factory(w: World) -> None:
    from tradeloom.logistics.tests.factories import ShipmentFactory, ShipmentLineFactory

    order = make_order(w, ("NAVY",))
    (navy,) = lines_of(order)
    order_plan = services.plan_apply(organization=w.org, by=w.by, order=order, template=w.standard)
    navy_plan = services.plan_apply(organization=w.org, by=w.by, order=order, line=navy, template=w.standard)
    shipment = ShipmentFactory(organization=w.org, customer=w.customer, departed_on=TODAY - DAY)
    line: Any = ShipmentLineFactory(
        organization=w.org, shipment=shipment, order=order, line=navy, quantity=Decimal("50")
    )
    publish(ShipmentDeparted(shipment=shipment, previous_status="booked", lines=[line], by=w.by))
    for plan in (order_plan, navy_plan):
        ex = m(plan, "ex_factory")
        assert (ex.status, ex.actual_date, ex.completed_by) == ("done", TODAY - DAY, "shipment")
