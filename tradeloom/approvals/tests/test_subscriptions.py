"""The real event subscriptions, end to end: a new organisation gets its starting data, new lines their default
gates, and a line waits for its gating rule — each through the publishing service, not the subscriber directly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tradeloom.accounts.tests.factories import UserFactory
from tradeloom.approvals import services as approvals
from tradeloom.approvals import states
from tradeloom.approvals.models import STANDARD_GATES, Gate, GateRule, LineGate
from tradeloom.approvals.subscribers import attach_default_gates, give_standard_gates, hold_to_gating_rules
from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.models import UnitOfMeasure
from tradeloom.catalog.subscribers import give_default_units
from tradeloom.core.context import tenant_context
from tradeloom.core.events import Phase, subscribers
from tradeloom.core.exceptions import ApplicationError
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales import services as sales
from tradeloom.sales.events import LinesCreated, LineStatusChanging
from tradeloom.sales.models import Line
from tradeloom.tenancy import services as tenancy
from tradeloom.tenancy.events import OrganizationCreated
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

DEFAULT_GATES = {code for code, _, default in STANDARD_GATES if default}


@pytest.fixture
def founded() -> tuple[Organization, Membership]:
    """A new organisation, made the way sign-up makes it."""
    return tenancy.organization_create(name="Loom & Co", owner=UserFactory())


def order_with_lines(organization: Organization, by: Membership, colours: list[str]) -> list[Line]:
    with tenant_context(organization, user=by.user):
        unit = UnitOfMeasure.objects.get(code="m")
        sales.order_create(
            organization=organization,
            by=by,
            data={
                "po_number": "PO-100",
                "customer": CustomerFactory(organization=organization),
                "currency": "USD",
                "order_date": date(2026, 11, 1),
            },
            styles=[
                {
                    "style_number": "TEE",
                    "lines": [{"colour_code": c, "quantity": Decimal("100"), "unit": unit} for c in colours],
                }
            ],
        )
        return list(Line.objects.filter(order__po_number="PO-100").order_by("position"))


def running(organization: Organization, by: Membership, line: Line) -> Line:
    """Walk a line to ``running`` through the service (no gating rule on the way)."""
    with tenant_context(organization, user=by.user):
        for status in (Line.Status.IN_DEVELOPMENT, Line.Status.RUNNING):
            line = sales.line_transition(line=line, status=status, by=by)
    return line


def approve(organization: Organization, by: Membership, line: Line, code: str) -> None:
    with tenant_context(organization, user=by.user):
        line_gate = LineGate.objects.get(line=line, gate__code=code)
        for state in (states.SUBMISSION, states.APPROVED):
            approvals.entry_record(line_gate=line_gate, by=by, state=state, effective_date=timezone.localdate())


def status_in_db(organization: Organization, line: Line) -> str:
    with tenant_context(organization):
        return Line.objects.get(pk=line.pk).status


# --- the wiring ---------------------------------------------------------------------------------------------------


def test_the_apps_subscribe_in_installed_apps_order():
    # given / when
    on_organization = subscribers(OrganizationCreated, Phase.IN_TRANSACTION)
    on_lines = subscribers(LinesCreated, Phase.IN_TRANSACTION)
    on_status = subscribers(LineStatusChanging, Phase.IN_TRANSACTION)

    # then: catalog (a lower floor) before approvals
    assert on_organization[:2] == [give_default_units, give_standard_gates]
    assert attach_default_gates in on_lines
    assert hold_to_gating_rules in on_status


# --- a new organisation -------------------------------------------------------------------------------------------


def test_a_new_organisation_gets_the_standard_gates(founded):
    # given
    organization, _ = founded

    # when
    with tenant_context(organization):
        gates = list(Gate.objects.filter(organization=organization).order_by("position"))

    # then
    assert [(g.code, g.name, g.applies_by_default) for g in gates] == STANDARD_GATES
    assert all(g.is_standard and g.line_id is None and g.archived_at is None for g in gates)


def test_a_new_organisation_gets_the_usual_gating_rules(founded):
    # given
    organization, _ = founded

    # when
    with tenant_context(organization):
        rules = {
            (rule.kind, rule.gate.code if rule.gate else None, rule.line_status, tuple(rule.requires))
            for rule in GateRule.objects.filter(organization=organization).select_related("gate")
        }

    # then
    assert rules == {
        (GateRule.Kind.SUBMIT, "pp_sample", "", ("lab_dip", "strike_off")),
        (GateRule.Kind.LINE_STATUS, None, Line.Status.BULK, ("pp_sample",)),
    }


def test_a_new_organisation_gets_the_default_units(founded):
    # given
    organization, owner = founded

    # when
    with tenant_context(organization):
        units = {u.code: (u.dimension, u.factor) for u in UnitOfMeasure.objects.filter(organization=organization)}
        creators = set(UnitOfMeasure.objects.values_list("created_by_id", flat=True))

    # then
    assert units == {
        "m": ("length", Decimal("1")),
        "yd": ("length", Decimal("0.9144")),
        "kg": ("mass", Decimal("1")),
        "lb": ("mass", Decimal("0.45359237")),
        "pcs": ("count", Decimal("1")),
        "dz": ("count", Decimal("12")),
    }
    assert creators == {owner.user_id}


def test_the_starting_data_belongs_to_the_new_organisation_only(founded, org):
    # given: another organisation made without the service (no event)
    organization, _ = founded

    # when
    with tenant_context(org):
        others = (Gate.objects.count(), UnitOfMeasure.objects.count(), GateRule.objects.count())
    with tenant_context(organization):
        own = (Gate.objects.count(), UnitOfMeasure.objects.count(), GateRule.objects.count())

    # then
    assert others == (0, 0, 0)
    assert own == (len(STANDARD_GATES), 6, 2)


def test_a_failed_organisation_create_leaves_no_starting_data(founded):
    # given: the address is taken
    organization, _ = founded
    gates_before = Gate.objects.count()

    # when
    with pytest.raises(ApplicationError) as refused:
        tenancy.organization_create(name="Copycat", owner=UserFactory(), slug=organization.slug)

    # then
    assert refused.value.code == "slug_taken"
    assert Organization.objects.filter(name="Copycat").count() == 0
    assert Gate.objects.count() == gates_before


# --- new lines ----------------------------------------------------------------------------------------------------


def test_lines_created_by_order_create_carry_the_default_gates(founded):
    # given
    organization, _ = founded
    merch = MembershipFactory(organization=organization, role=Role.MERCHANDISER)

    # when
    lines = order_with_lines(organization, merch, ["NAVY", "WHITE"])

    # then
    with tenant_context(organization):
        for line in lines:
            carried = set(LineGate.objects.filter(line=line).values_list("gate__code", flat=True))
            assert carried == DEFAULT_GATES
        assert LineGate.objects.count() == len(lines) * len(DEFAULT_GATES)
        assert set(LineGate.objects.values_list("state", flat=True)) == {states.NOT_STARTED}
        assert set(LineGate.objects.values_list("created_by_id", flat=True)) == {merch.user_id}


def test_a_gate_made_default_later_goes_on_the_next_new_lines_and_an_archived_one_does_not(founded):
    # given: handloom becomes a default, price is archived
    organization, owner = founded
    with tenant_context(organization, user=owner.user):
        approvals.gate_update(gate=Gate.objects.get(code="handloom"), by=owner, data={"applies_by_default": True})
        approvals.gate_update(gate=Gate.objects.get(code="price"), by=owner, data={"archived": True})

    # when
    [line] = order_with_lines(organization, owner, ["NAVY"])

    # then
    with tenant_context(organization):
        carried = set(LineGate.objects.filter(line=line).values_list("gate__code", flat=True))
    assert carried == (DEFAULT_GATES | {"handloom"}) - {"price"}


# --- the gating rule on bulk --------------------------------------------------------------------------------------


def test_moving_a_line_to_bulk_without_the_pp_sample_approved_is_refused(founded):
    # given
    organization, _ = founded
    merch = MembershipFactory(organization=organization, role=Role.MERCHANDISER)
    [line] = order_with_lines(organization, merch, ["NAVY"])
    line = running(organization, merch, line)

    # when
    with tenant_context(organization, user=merch.user), pytest.raises(ApplicationError) as refused:
        sales.line_transition(line=line, status=Line.Status.BULK, by=merch)

    # then
    assert refused.value.code == "gate_blocked"
    assert refused.value.status == 409
    assert refused.value.extra["missing"] == ["pp_sample"]
    assert refused.value.extra["lines"] == [str(line.pk)]
    assert status_in_db(organization, line) == Line.Status.RUNNING
    with tenant_context(organization):
        moves = list(
            AuditEvent.objects.filter(action="sales_line.status_changed", target_id=str(line.pk))
            .order_by("created_at", "id")  # in the order they happened, not where the heap put them
            .values_list("changes", flat=True)
        )
    assert [m["status"][1] for m in moves] == [Line.Status.IN_DEVELOPMENT, Line.Status.RUNNING]


def test_moving_many_lines_to_bulk_is_refused_for_all_if_one_lacks_the_pp_sample(founded):
    # given: two running lines, only the first has its PP sample approved
    organization, _ = founded
    merch = MembershipFactory(organization=organization, role=Role.MERCHANDISER)
    first, second = order_with_lines(organization, merch, ["NAVY", "WHITE"])
    first, second = running(organization, merch, first), running(organization, merch, second)
    approve(organization, merch, first, "lab_dip")
    approve(organization, merch, first, "pp_sample")

    # when
    with tenant_context(organization, user=merch.user), pytest.raises(ApplicationError) as refused:
        sales.lines_transition(
            lines=Line.objects.filter(pk__in=[first.pk, second.pk]), status=Line.Status.BULK, by=merch
        )

    # then
    assert refused.value.code == "gate_blocked"
    assert refused.value.extra["lines"] == [str(second.pk)]
    assert status_in_db(organization, first) == Line.Status.RUNNING
    assert status_in_db(organization, second) == Line.Status.RUNNING


def test_with_the_pp_sample_approved_the_line_moves_to_bulk(founded):
    # given
    organization, _ = founded
    merch = MembershipFactory(organization=organization, role=Role.MERCHANDISER)
    [line] = order_with_lines(organization, merch, ["NAVY"])
    line = running(organization, merch, line)
    approve(organization, merch, line, "lab_dip")
    approve(organization, merch, line, "pp_sample")

    # when
    with tenant_context(organization, user=merch.user):
        moved = sales.line_transition(line=line, status=Line.Status.BULK, by=merch)

    # then
    assert moved.status == Line.Status.BULK
    assert status_in_db(organization, line) == Line.Status.BULK


def test_an_owner_passes_the_rule_with_a_reason_and_it_is_audited(founded):
    # given
    organization, owner = founded
    [line] = order_with_lines(organization, owner, ["NAVY"])
    line = running(organization, owner, line)

    # when
    with tenant_context(organization, user=owner.user):
        sales.line_transition(line=line, status=Line.Status.BULK, by=owner, override_reason="Buyer's deadline")

    # then
    assert status_in_db(organization, line) == Line.Status.BULK
    with tenant_context(organization):
        override: Any = AuditEvent.objects.get(action="sales_line.gate_rule_overridden")
    assert override.target_id == str(line.pk)
    assert override.changes["reason"] == [None, "Buyer's deadline"]
    assert override.changes["missing"] == [None, ["pp_sample"]]
