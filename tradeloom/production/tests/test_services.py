"""Work-order rules through the services: making one from order lines (defaults, requirements from the calculator,
refusals), edits with versions, the moves, daily production (many rows, all or nothing, errors naming rows,
corrections with history, the first entry starting a pending work order, totals and figures), the materials
issued and the finished goods received through the stock ledger, the morning refresh, and the audit sentences."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tradeloom.audit.models import AuditEvent
from tradeloom.audit.sentences import describe
from tradeloom.core import events as core_events
from tradeloom.core.context import tenant_context
from tradeloom.core.events import Phase, subscribe
from tradeloom.core.exceptions import ApplicationError
from tradeloom.inventory.models import StockBalance, StockMove
from tradeloom.production import services, states
from tradeloom.production.events import ProductionReported, WorkOrderAction, WorkOrderMoved
from tradeloom.production.models import ProductionEntry, WorkOrder, WorkOrderLine, WorkOrderRequirement
from tradeloom.production.tests.helpers import DAY, World, make_wo, row, running_wo, world
from tradeloom.sales.models import Line
from tradeloom.sales.tests.factories import LineFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget


@pytest.fixture
def w(org, member):
    with tenant_context(org):
        yield world(org, member(Role.MERCHANDISER))


class refused:
    def __init__(self, code: str, status: int | None = None) -> None:
        self.code, self.status = code, status
        self.error: ApplicationError = ApplicationError("not raised", code="")

    def __enter__(self) -> refused:
        return self

    def __exit__(self, kind, value, tb) -> bool:
        assert isinstance(value, ApplicationError), f"expected {self.code}, got {value!r}"
        assert value.code == self.code, (value.code, value.message, value.extra)
        if self.status is not None:
            assert value.status == self.status
        self.error = value
        return True


def unsubscribe(event_type, handler) -> None:
    handlers = core_events._subscribers.get((event_type, Phase.IN_TRANSACTION), [])
    while handler in handlers:
        handlers.remove(handler)


def report(w: World, *rows, by=None):
    return services.production_report(organization=w.org, by=by or w.by, rows=list(rows))


# --- making ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_work_order_from_order_lines_takes_their_order_sum_unit_and_product(w):
    navy, black = w.lines
    wo = make_wo(w, lines=[{"line": navy, "quantity": Decimal("600")}, {"line": black}])
    assert wo.number == "WO-000001"
    assert wo.status == states.DRAFT
    assert wo.order_id == w.order.pk
    assert wo.quantity == Decimal("1000")  # 600 + the black line's 400
    assert wo.unit_id == w.kg.pk
    assert wo.product_name == "ST-100 NAVY (Navy blue)"
    assert list(WorkOrderLine.objects.filter(work_order=wo).values_list("line_id", "quantity")) == [
        (navy.pk, Decimal("600")),
        (black.pk, Decimal("400")),
    ]
    second = make_wo(w, lines=[{"line": navy, "quantity": Decimal("10")}])
    assert second.number == "WO-000002"


@pytest.mark.django_db
def test_requirements_come_from_the_calculator_with_the_orders_percentages(w):
    # the order: 10 % loss, 5 % mixed → greige = 1000 x 1.10 = 1100, yarn = 1100 x 0.95 = 1045
    wo = make_wo(w, lines=[{"line": w.lines[0], "quantity": Decimal("1000")}])
    rows = list(WorkOrderRequirement.objects.filter(work_order=wo).values_list("kind", "quantity", "unit_id"))
    assert rows == [("greige", Decimal("1100.000"), w.kg.pk), ("yarn", Decimal("1045.000"), w.kg.pk)]


@pytest.mark.django_db
def test_the_work_orders_own_percentages_win_and_the_lines_before_the_orders(w):
    navy = w.lines[0]
    navy.process_loss_percent = Decimal("8")
    navy.save()
    wo = make_wo(w, lines=[{"line": navy, "quantity": Decimal("500")}], mixed_percent=Decimal("20"))
    got = dict(WorkOrderRequirement.objects.filter(work_order=wo).values_list("kind", "quantity"))
    # greige 500 x 1.08 = 540 (the line's 8 %); yarn 540 x 0.80 = 432 (the WO's 20 %)
    assert got == {"greige": Decimal("540.000"), "yarn": Decimal("432.000")}


@pytest.mark.django_db
def test_no_lines_and_no_percentages_give_plain_requirements(w):
    wo = make_wo(w, quantity=Decimal("250.5"), unit=w.kg, item=w.fabric)
    assert wo.item_id == w.fabric.pk
    assert wo.order_id is None
    got = dict(WorkOrderRequirement.objects.filter(work_order=wo).values_list("kind", "quantity"))
    assert got == {"greige": Decimal("250.500"), "yarn": Decimal("250.500")}


@pytest.mark.django_db
def test_a_lines_item_becomes_the_work_orders(w):
    navy = w.lines[0]
    navy.item = w.fabric
    navy.save()
    wo = make_wo(w, lines=[{"line": navy}])
    assert wo.item_id == w.fabric.pk
    assert wo.product_name == ""
    assert wo.quantity == Decimal("600")


@pytest.mark.django_db
def test_lines_of_two_orders_are_refused(w):
    other = LineFactory(organization=w.org, unit=w.kg)
    with refused("order_mixed") as r:
        make_wo(w, lines=[{"line": w.lines[0]}, {"line": other}])
    assert "lines.1.line" in r.error.extra["errors"]
    assert not WorkOrder.objects.exists()


@pytest.mark.django_db
def test_completed_or_archived_lines_are_refused(w):
    navy = w.lines[0]
    Line.objects.filter(pk=navy.pk).update(status=Line.Status.COMPLETED)
    with refused("line_closed") as r:
        make_wo(w, lines=[{"line": navy}])
    assert list(r.error.extra["errors"]) == ["lines.0.line"]


@pytest.mark.django_db
def test_another_organisations_line_or_mill_is_a_field_error(w, other_org):
    with tenant_context(other_org):
        foreign = LineFactory(organization=other_org)
    with refused("validation_error") as r:
        make_wo(w, lines=[{"line": foreign.pk}])
    assert "lines.0.line" in r.error.extra["errors"]
    with refused("validation_error") as r:
        make_wo(w, supplier=foreign.unit_id)
    assert "supplier" in r.error.extra["errors"]


@pytest.mark.django_db
def test_header_errors_come_all_at_once(w):
    with refused("validation_error") as r:
        services.work_order_create(
            organization=w.org,
            by=w.by,
            data={"quantity": Decimal("-1"), "priority": "asap", "loss_percent": Decimal("120")},
        )
    errors = r.error.extra["errors"]
    assert {"quantity", "priority", "loss_percent", "due_date", "unit", "product_name"} <= set(errors)


@pytest.mark.django_db
def test_a_field_that_is_not_editable_is_refused(w):
    with refused("field_not_editable"):
        make_wo(w, status="completed")


# --- editing ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_edit_needs_the_current_version_and_remakes_the_requirements(w):
    wo = make_wo(w, lines=[{"line": w.lines[0], "quantity": Decimal("1000")}])
    req = WorkOrderRequirement.objects.get(work_order=wo, kind="yarn")
    services.requirement_update(organization=w.org, by=w.by, requirement=req, item=w.yarn)
    wo.refresh_from_db()
    with refused("precondition_failed", 412):
        services.work_order_update(
            organization=w.org, by=w.by, work_order=wo, data={"quantity": Decimal("2000")}, version=wo.version - 1
        )
    wo = services.work_order_update(
        organization=w.org, by=w.by, work_order=wo, data={"quantity": Decimal("2000")}, version=wo.version
    )
    got = {r.kind: (r.quantity, r.item_id) for r in WorkOrderRequirement.objects.filter(work_order=wo)}
    assert got == {"greige": (Decimal("2200.000"), None), "yarn": (Decimal("2090.000"), w.yarn.pk)}  # the item stays


@pytest.mark.django_db
def test_lines_are_replaced_by_an_edit(w):
    navy, black = w.lines
    wo = make_wo(w, lines=[{"line": navy}])
    wo = services.work_order_update(
        organization=w.org, by=w.by, work_order=wo, data={}, lines=[{"line": black, "quantity": Decimal("50")}]
    )
    assert list(WorkOrderLine.objects.filter(work_order=wo).values_list("line_id", flat=True)) == [black.pk]


@pytest.mark.django_db
def test_only_drafts_and_pending_work_orders_are_edited(w):
    wo = running_wo(w)
    with refused("not_editable", 409):
        services.work_order_update(organization=w.org, by=w.by, work_order=wo, data={"notes": "x"})


@pytest.mark.django_db
def test_an_edit_without_changes_writes_nothing(w):
    wo = make_wo(w)
    before = AuditEvent.objects.count()
    again = services.work_order_update(organization=w.org, by=w.by, work_order=wo, data={"notes": ""})
    assert again.version == wo.version
    assert AuditEvent.objects.count() == before


# --- moves -----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_moves_follow_the_table_and_publish(w):
    moved = []
    subscribe(WorkOrderMoved, moved.append, phase=Phase.IN_TRANSACTION)
    try:
        wo = make_wo(w)
        for action in ("release", "start", "complete", "reopen", "cancel"):
            wo = services.work_order_move(
                organization=w.org, by=w.by, work_order=wo, action=action, reason="a recount" if action else ""
            )
    finally:
        unsubscribe(WorkOrderMoved, moved.append)
    assert [(e.previous_status, e.work_order.status) for e in moved] == [
        ("draft", "pending"),
        ("pending", "in_progress"),
        ("in_progress", "completed"),
        ("completed", "in_progress"),
        ("in_progress", "cancelled"),
    ]
    assert wo.started_on == w.today
    assert wo.completed_on is None
    assert wo.status_reason == "a recount"


@pytest.mark.django_db
def test_a_move_from_the_wrong_status_or_without_a_reason_is_refused(w):
    wo = make_wo(w)
    with refused("invalid_transition", 409) as r:
        services.work_order_move(organization=w.org, by=w.by, work_order=wo, action="complete")
    assert r.error.extra["allowed"] == ["release", "cancel"]
    with refused("validation_error") as r:
        services.work_order_move(organization=w.org, by=w.by, work_order=wo, action="cancel")
    assert "reason" in r.error.extra["errors"]
    with refused("invalid_transition"):
        services.work_order_move(organization=w.org, by=w.by, work_order=wo, action="explode")


@pytest.mark.django_db
def test_start_on_a_day_in_the_future_is_refused(w):
    wo = services.work_order_move(organization=w.org, by=w.by, work_order=make_wo(w), action="release")
    with refused("validation_error"):
        services.work_order_move(organization=w.org, by=w.by, work_order=wo, action="start", on=w.today + DAY)
    wo = services.work_order_move(organization=w.org, by=w.by, work_order=wo, action="start", on=w.today - 3 * DAY)
    assert wo.started_on == w.today - 3 * DAY


# --- daily production ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_first_entry_starts_a_pending_work_order_and_sets_its_figures(w):
    wo = services.work_order_move(organization=w.org, by=w.by, work_order=make_wo(w), action="release")
    seen = []
    subscribe(ProductionReported, seen.append, phase=Phase.IN_TRANSACTION)
    try:
        entries = report(
            w,
            row(wo, w.today - DAY, "100", knitted=Decimal("150"), dyed=Decimal("120"), pieces=12),
            row(wo, w.today, "50.5", rejects=Decimal("2")),
        )
    finally:
        unsubscribe(ProductionReported, seen.append)
    wo.refresh_from_db()
    assert len(entries) == 2
    assert all(e.reported_by_id == w.by.user_id for e in entries)
    assert wo.status == states.IN_PROGRESS
    assert wo.started_on == w.today - DAY
    assert (wo.knitted_quantity, wo.dyed_quantity, wo.finished_quantity) == (
        Decimal("150"),
        Decimal("120"),
        Decimal("150.5"),
    )
    assert (wo.pieces, wo.rejects, wo.last_reported_on) == (12, Decimal("2"), w.today)
    assert wo.progress_percent == Decimal("15.05")
    assert wo.estimated_completion is not None
    assert len(seen) == 1
    assert seen[0].work_order.pk == wo.pk
    assert len(seen[0].entries) == 2
    actions = list(AuditEvent.objects.filter(target_id=str(wo.pk)).values_list("action", flat=True).order_by("id"))
    assert actions[-2:] == [WorkOrderAction.STARTED, WorkOrderAction.PRODUCTION_REPORTED]


@pytest.mark.django_db
def test_many_rows_are_all_or_nothing_and_errors_name_their_rows(w):
    a, b = running_wo(w), running_wo(w)
    with refused("validation_error") as r:
        report(
            w,
            row(a, w.today, "10"),
            row(b, w.today, "-1"),
            row(b, w.today - DAY, "5", pieces="1.5"),
            row(a, w.today + DAY, "1"),
        )
    assert set(r.error.extra["errors"]) == {"rows.1.finished", "rows.2.pieces", "rows.3.produced_on"}
    assert not ProductionEntry.objects.exists()


@pytest.mark.django_db
def test_a_row_with_nothing_reported_is_refused(w):
    wo = running_wo(w)
    with refused("nothing_reported") as r:
        report(w, row(wo, w.today, "0"))
    assert list(r.error.extra["errors"]) == ["rows.0.finished"]


@pytest.mark.django_db
def test_drafts_completed_and_cancelled_work_orders_take_no_production(w):
    draft = make_wo(w)
    with refused("not_reportable", 409) as r:
        report(w, row(running_wo(w), w.today, "1"), row(draft, w.today, "1"))
    assert list(r.error.extra["errors"]) == ["rows.1.work_order"]


@pytest.mark.django_db
def test_a_line_not_on_the_work_order_is_refused(w):
    navy, black = w.lines
    wo = running_wo(w, lines=[{"line": navy}])
    with refused("line_not_on_work_order") as r:
        report(w, row(wo, w.today, "1", line=black))
    assert list(r.error.extra["errors"]) == ["rows.0.line"]


@pytest.mark.django_db
def test_a_day_too_long_before_the_work_order_is_refused(w):
    wo = running_wo(w)
    with refused("validation_error") as r:
        report(w, row(wo, w.today - 61 * DAY, "1"))
    assert list(r.error.extra["errors"]) == ["rows.0.produced_on"]
    report(w, row(wo, w.today - 60 * DAY, "1"))


@pytest.mark.django_db
def test_another_organisations_work_order_is_not_there(w, other_org, member):
    with tenant_context(other_org):
        theirs = running_wo(world(other_org, member(Role.MERCHANDISER, organization=other_org)))
    with refused("validation_error") as r:
        report(w, row(theirs, w.today, "1"))
    assert list(r.error.extra["errors"]) == ["rows.0.work_order"]


@pytest.mark.django_db
def test_a_second_row_for_the_same_day_corrects_the_first_and_keeps_it(w):
    wo = running_wo(w)
    first = report(w, row(wo, w.today, "100"))[0]
    again = report(w, row(wo, w.today, "80", reason="miscounted"))[0]
    first.refresh_from_db()
    assert not first.is_current
    assert again.is_current
    assert again.supersedes_id == first.pk
    assert again.correction_reason == "miscounted"
    wo.refresh_from_db()
    assert wo.finished_quantity == Decimal("80")
    assert ProductionEntry.objects.filter(work_order=wo).count() == 2


@pytest.mark.django_db
def test_the_same_figures_again_change_nothing(w):
    wo = running_wo(w)
    report(w, row(wo, w.today, "100", note="shift A"))
    assert report(w, row(wo, w.today, "100", note="shift A")) == []
    assert ProductionEntry.objects.filter(work_order=wo).count() == 1


@pytest.mark.django_db
def test_a_row_twice_in_one_report_is_refused(w):
    wo = running_wo(w)
    with refused("validation_error") as r:
        report(w, row(wo, w.today, "1"), row(wo, w.today, "2"))
    assert list(r.error.extra["errors"]) == ["rows.1.produced_on"]


@pytest.mark.django_db
def test_lines_of_a_work_order_of_several_are_reported_apart(w):
    navy, black = w.lines
    wo = running_wo(w, lines=[{"line": navy}, {"line": black}])
    report(w, row(wo, w.today, "60", line=navy), row(wo, w.today, "40", line=black))
    wo.refresh_from_db()
    assert wo.finished_quantity == Decimal("100")
    assert ProductionEntry.objects.filter(work_order=wo, line=navy).count() == 1


@pytest.mark.django_db
def test_a_work_order_of_one_line_keeps_its_entries_without_the_line(w):
    navy = w.lines[0]
    wo = running_wo(w, lines=[{"line": navy}])
    report(w, row(wo, w.today, "60", line=navy))
    report(w, row(wo, w.today, "70"))  # the same key: a correction
    assert ProductionEntry.objects.filter(work_order=wo, is_current=True).count() == 1
    assert ProductionEntry.objects.get(work_order=wo, is_current=True).line_id is None


@pytest.mark.django_db
def test_correcting_an_entry_needs_a_reason_and_keeps_history(w):
    wo = running_wo(w)
    entry = report(w, row(wo, w.today, "100", knitted=Decimal("120")))[0]
    with refused("validation_error") as r:
        services.production_entry_correct(organization=w.org, by=w.by, entry=entry, data={"finished": 90}, reason="")
    assert "reason" in r.error.extra["errors"]
    new = services.production_entry_correct(
        organization=w.org, by=w.by, entry=entry, data={"finished": Decimal("90")}, reason="the mill's recount"
    )
    assert (new.finished, new.knitted, new.supersedes_id) == (Decimal("90"), Decimal("120"), entry.pk)
    with refused("entry_superseded", 409):
        services.production_entry_correct(organization=w.org, by=w.by, entry=entry, data={"finished": 1}, reason="x")
    with refused("validation_error") as r:
        services.production_entry_correct(organization=w.org, by=w.by, entry=new, data={"finished": -1}, reason="x")
    assert list(r.error.extra["errors"]) == ["finished"]
    with refused("field_not_editable"):
        services.production_entry_correct(
            organization=w.org, by=w.by, entry=new, data={"produced_on": w.today}, reason="x"
        )
    event = AuditEvent.objects.filter(action=WorkOrderAction.PRODUCTION_CORRECTED).get()
    assert "the mill's recount" in describe([event])[0].text


@pytest.mark.django_db
def test_a_correction_to_zero_is_allowed(w):
    wo = running_wo(w)
    entry = report(w, row(wo, w.today, "100"))[0]
    services.production_entry_correct(
        organization=w.org, by=w.by, entry=entry, data={"finished": 0}, reason="reported on the wrong day"
    )
    wo.refresh_from_db()
    assert wo.finished_quantity == 0
    assert wo.progress_percent == 0


@pytest.mark.django_db
def test_progress_may_pass_one_hundred_and_a_finished_order_is_not_late(w):
    wo = running_wo(w, quantity=Decimal("100"), unit=w.kg, product_name="x", due_date=w.today)
    report(w, row(wo, w.today, "125"))
    wo.refresh_from_db()
    assert wo.progress_percent == Decimal("125.00")
    assert wo.estimated_completion == w.today
    assert not wo.is_late


@pytest.mark.django_db
def test_a_work_order_past_its_due_date_is_late(w):
    wo = running_wo(w, due_date=w.today - DAY)
    report(w, row(wo, w.today, "10"))
    wo.refresh_from_db()
    assert wo.is_late


# --- materials -------------------------------------------------------------------------------------------------------


def _stock_yarn(w: World, quantity: str = "500") -> None:
    from tradeloom.inventory.services import stock_receive

    stock_receive(
        organization=w.org,
        by=w.by,
        warehouse=w.warehouse,
        item=w.yarn,
        quantity=Decimal(quantity),
        unit=w.kg,
        unit_cost=Decimal("3.50"),
        source_type="",
        source_id=None,
        reference="opening",
    )


@pytest.mark.django_db
def test_issuing_yarn_writes_a_production_out_move_and_counts_it(w):
    _stock_yarn(w)
    wo = running_wo(w, warehouse=w.warehouse)
    req = WorkOrderRequirement.objects.get(work_order=wo, kind="yarn")
    with refused("requirement_has_no_item", 409):
        services.material_issue(organization=w.org, by=w.by, work_order=wo, requirement=req, quantity=Decimal("10"))
    req = services.requirement_update(organization=w.org, by=w.by, requirement=req, item=w.yarn)
    move = services.material_issue(
        organization=w.org, by=w.by, work_order=wo, requirement=req, quantity=Decimal("120.5")
    )
    assert move.kind == StockMove.Kind.PRODUCTION_OUT
    assert move.quantity == Decimal("-120.5")
    assert (move.source_type, move.source_id, move.reference) == ("production.workorder", wo.pk, wo.number)
    req.refresh_from_db()
    assert req.issued_quantity == Decimal("120.5")
    assert StockBalance.objects.get(item=w.yarn).quantity == Decimal("379.5")
    with refused("requirement_issued", 409):
        services.requirement_update(organization=w.org, by=w.by, requirement=req, item=None)


@pytest.mark.django_db
def test_issuing_more_than_in_stock_is_refused_by_the_ledger(w):
    _stock_yarn(w, "5")
    wo = running_wo(w, warehouse=w.warehouse)
    req = WorkOrderRequirement.objects.get(work_order=wo, kind="yarn")
    req = services.requirement_update(organization=w.org, by=w.by, requirement=req, item=w.yarn)
    with refused("insufficient_stock"):
        services.material_issue(organization=w.org, by=w.by, work_order=wo, requirement=req, quantity=Decimal("6"))
    req.refresh_from_db()
    assert req.issued_quantity == 0


@pytest.mark.django_db
def test_issues_need_a_warehouse_and_an_open_work_order(w):
    wo = make_wo(w)
    req = WorkOrderRequirement.objects.get(work_order=wo, kind="yarn")
    req = services.requirement_update(organization=w.org, by=w.by, requirement=req, item=w.yarn)
    with refused("not_issuable", 409):
        services.material_issue(organization=w.org, by=w.by, work_order=wo, requirement=req, quantity=1)
    wo = services.work_order_move(organization=w.org, by=w.by, work_order=wo, action="release")
    with refused("warehouse_required"):
        services.material_issue(organization=w.org, by=w.by, work_order=wo, requirement=req, quantity=1)


@pytest.mark.django_db
def test_receiving_finished_goods_writes_a_production_in_move(w):
    named = running_wo(w)
    with refused("work_order_has_no_item", 409):
        services.finished_receive(
            organization=w.org, by=w.by, work_order=named, warehouse=w.warehouse, quantity=1, unit_cost=1
        )
    wo = running_wo(w, item=w.fabric, product_name="")
    move = services.finished_receive(
        organization=w.org,
        by=w.by,
        work_order=wo,
        warehouse=w.warehouse.pk,
        quantity=Decimal("200"),
        unit_cost=Decimal("5.25"),
    )
    assert move.kind == StockMove.Kind.PRODUCTION_IN
    assert move.quantity == Decimal("200")
    assert move.value == Decimal("1050.00")
    assert StockBalance.objects.get(item=w.fabric).quantity == Decimal("200")


@pytest.mark.django_db
def test_a_draft_receives_nothing(w):
    wo = make_wo(w, item=w.fabric, product_name="")
    with refused("not_receivable", 409):
        services.finished_receive(
            organization=w.org, by=w.by, work_order=wo, warehouse=w.warehouse, quantity=1, unit_cost=1
        )


# --- the morning refresh ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_refresh_moves_the_estimate_with_the_calendar_and_is_safe_twice(w, django_assert_max_num_queries):
    wo = running_wo(w, due_date=w.today + 5 * DAY)
    report(w, row(wo, w.today - DAY, "100"))
    wo.refresh_from_db()
    assert wo.estimated_completion is not None
    later = w.today + 30 * DAY  # nothing reported in the window any more: no estimate, and past due
    with django_assert_max_num_queries(4):
        changed = services.organization_work_orders_refresh(organization=w.org, today=later)
    assert changed == 1
    wo.refresh_from_db()
    assert wo.estimated_completion is None
    assert wo.is_late
    assert services.organization_work_orders_refresh(organization=w.org, today=later) == 0


@pytest.mark.django_db
def test_the_periodic_refresh_visits_every_organisation(org, other_org, member):
    made = []
    for organization in (org, other_org):
        with tenant_context(organization):
            w = world(organization, member(Role.MERCHANDISER, organization=organization))
            wo = running_wo(w, due_date=w.today + 5 * DAY)
            report(w, row(wo, w.today, "100"))
            made.append((organization, wo.pk))
    assert services.work_orders_refresh(today=w.today + 40 * DAY) == 2
    for organization, pk in made:
        with tenant_context(organization):
            assert WorkOrder.objects.get(pk=pk).is_late


# --- audit -----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_write_reads_as_a_sentence(w):
    _stock_yarn(w)
    wo = running_wo(w, item=w.fabric, product_name="", warehouse=w.warehouse)
    report(w, row(wo, w.today, "100"))
    req = WorkOrderRequirement.objects.get(work_order=wo, kind="yarn")
    req = services.requirement_update(organization=w.org, by=w.by, requirement=req, item=w.yarn)
    services.material_issue(organization=w.org, by=w.by, work_order=wo, requirement=req, quantity=Decimal("5"))
    services.finished_receive(organization=w.org, by=w.by, work_order=wo, quantity=Decimal("5"), unit_cost=2)
    events = AuditEvent.objects.filter(target_id=str(wo.pk)).select_related("actor").order_by("id")
    texts = [d.text for d in describe(events)]
    assert texts[0].endswith(f"drafted {wo.number} for 1,000 kg"), texts[0]
    assert any("released" in t for t in texts)
    assert any("started" in t for t in texts)
    assert any("reported production" in t and "1 entry" in t for t in texts)
    assert any("issued 5 kg of" in t for t in texts)
    assert any("received 5 kg of finished goods" in t for t in texts)


@pytest.mark.django_db
def test_a_report_costs_statements_per_work_order_not_per_row(w, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a, b = running_wo(w), running_wo(w)
    few = [row(wo, w.today - i * DAY, "10") for wo in (a, b) for i in range(2)]
    many = [row(wo, w.today - i * DAY, "10") for wo in (a, b) for i in range(2, 12)]
    with CaptureQueriesContext(connection) as small:
        report(w, *few)
    with django_assert_max_num_queries(budget("service.production_report")), CaptureQueriesContext(connection) as large:
        report(w, *many)
    assert len(large) == len(small), len(large)
