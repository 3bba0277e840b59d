"""Approval rules: transitions and refusals, immutable history, backdating, corrections, aggregation, gating rules
and overrides, samples moving their gate, bulk updates and custom gates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from tradeloom.approvals import services, states
from tradeloom.approvals.models import Gate, GateEntry, GateRule, LineGate, Sample
from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales import services as sales
from tradeloom.sales.models import Line
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = timedelta(days=1)


@pytest.fixture
def ctx(org, member):
    owner, merch = member(Role.OWNER), member(Role.MERCHANDISER)
    with tenant_context(org):
        services.gates_create_defaults(organization=org, by=owner)
        unit = UnitFactory(organization=org, code="m")
        order = sales.order_create(
            organization=org,
            by=merch,
            data={
                "po_number": "PO-1",
                "customer": CustomerFactory(organization=org),
                "currency": "USD",
                "order_date": TODAY,
            },
            styles=[
                {
                    "style_number": "TEE",
                    "lines": [{"colour_code": c, "quantity": 100, "unit": unit} for c in ("NAVY", "WHITE", "RED")],
                }
            ],
        ).order
        lines = list(Line.objects.filter(order=order).order_by("position"))
        yield {
            "org": org,
            "owner": owner,
            "merch": merch,
            "order": order,
            "lines": lines,
            "gates": {g.code: g for g in Gate.objects.all()},
        }


def lg(ctx, code, line=0):
    return LineGate.objects.get(line=ctx["lines"][line], gate=ctx["gates"][code])


def record(ctx, code, state, *, line=0, on=TODAY, by="merch", **kw):
    return services.entry_record(line_gate=lg(ctx, code, line), by=ctx[by], state=state, effective_date=on, **kw)


def test_new_lines_get_the_default_gates_and_organisations_the_standard_set(ctx):
    assert set(ctx["gates"]) == {
        "lab_dip",
        "strike_off",
        "handloom",
        "aop",
        "quality_test",
        "quality",
        "bulk_swatch",
        "price",
        "pp_sample",
    }
    codes = set(LineGate.objects.filter(line=ctx["lines"][0]).values_list("gate__code", flat=True))
    assert codes == {"lab_dip", "quality", "price", "pp_sample"}
    assert all(g.state == states.NOT_STARTED for g in LineGate.objects.all())


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ([], {"submission"}),
        (["submission"], {"resubmission", "approved", "rejected"}),
        (["submission", "resubmission"], {"resubmission", "approved", "rejected"}),
        (["submission", "rejected"], {"resubmission"}),
        (["submission", "approved"], set()),
    ],
)
def test_every_transition_and_refusal(ctx, path, allowed):
    for step in path:
        record(ctx, "lab_dip", step)
    state = path[-1] if path else states.NOT_STARTED
    for target, _ in states.RECORDABLE:
        if target in allowed:
            continue
        with pytest.raises(ApplicationError) as refused:
            record(ctx, "lab_dip", target)
        assert refused.value.code == "invalid_transition"
        assert lg(ctx, "lab_dip").state == state
    for target in allowed:
        with transaction.atomic():
            record(ctx, "lab_dip", target)
            assert lg(ctx, "lab_dip").state == target
            transaction.set_rollback(True)


def test_rounds_count_submissions(ctx):
    assert record(ctx, "lab_dip", "submission").round == 1
    assert record(ctx, "lab_dip", "rejected").round == 1
    assert record(ctx, "lab_dip", "resubmission").round == 2
    assert record(ctx, "lab_dip", "approved").round == 2
    gate = lg(ctx, "lab_dip")
    assert (gate.state, gate.round, gate.state_since) == ("approved", 2, TODAY)


def test_history_is_immutable_in_the_database(ctx):
    entry = record(ctx, "lab_dip", "submission")
    with pytest.raises(DatabaseError), transaction.atomic():
        GateEntry.objects.filter(pk=entry.pk).update(note="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        GateEntry.objects.filter(pk=entry.pk).delete()
    assert GateEntry.objects.get(pk=entry.pk).note == ""


def test_a_backdated_entry_takes_its_place_in_the_history(ctx):
    record(ctx, "lab_dip", "submission", on=TODAY - 10 * DAY)
    record(ctx, "lab_dip", "approved", on=TODAY - 2 * DAY)
    # recorded now, effective earlier: a rejection between the two (then the approval still stands)
    late = record(ctx, "lab_dip", "rejected", on=TODAY - 5 * DAY)
    assert late.is_backdated
    assert lg(ctx, "lab_dip").state == "approved"
    assert lg(ctx, "lab_dip").state_since == TODAY - 2 * DAY
    ordered = [e.state for e in states.live_entries(lg(ctx, "lab_dip").entries.all())]
    assert ordered == ["submission", "rejected", "approved"]
    event = AuditEvent.objects.filter(action="approval_line_gate.recorded").order_by("-created_at").first()
    assert event.changes["backdated"] == [None, True]


def test_a_backdated_entry_is_checked_against_the_state_of_its_day(ctx):
    record(ctx, "lab_dip", "submission", on=TODAY - 5 * DAY)
    with pytest.raises(ApplicationError) as refused:
        record(ctx, "lab_dip", "approved", on=TODAY - 8 * DAY)  # not yet submitted on that day
    assert refused.value.code == "invalid_transition"


def test_future_dates_are_refused(ctx):
    with pytest.raises(ApplicationError) as refused:
        record(ctx, "lab_dip", "submission", on=TODAY + DAY)
    assert refused.value.extra["errors"]["effective_date"]


def test_a_correction_supersedes_and_never_edits(ctx):
    record(ctx, "lab_dip", "submission")
    wrong = record(ctx, "lab_dip", "approved")
    fixed = services.entry_correct(entry=wrong, by=ctx["merch"], state="rejected", effective_date=TODAY, note="typo")
    assert fixed.supersedes_id == wrong.pk
    assert lg(ctx, "lab_dip").state == "rejected"
    assert GateEntry.objects.get(pk=wrong.pk).state == "approved"  # still there, unchanged
    with pytest.raises(ApplicationError) as again:
        services.entry_correct(entry=wrong, by=ctx["merch"], state="approved", effective_date=TODAY)
    assert again.value.code == "already_corrected"


@pytest.mark.parametrize(
    ("line_states", "expected"),
    [
        (["approved", "approved", "approved"], "approved"),
        (["approved", "rejected", "submission"], "rejected"),
        (["approved", "resubmission", "submission"], "resubmission"),
        (["approved", "submission", "not_started"], "submission"),
        (["approved", "not_started", "not_started"], "not_started"),
        (["not_started"], "not_started"),
        ([], "not_started"),
    ],
)
def test_aggregation_table(line_states, expected):
    assert states.aggregate(line_states) == expected


def test_gating_rule_blocks_with_the_missing_gates_and_an_admin_overrides(ctx):
    services.line_gate_add(line=ctx["lines"][0], gate=ctx["gates"]["strike_off"], by=ctx["merch"])
    with pytest.raises(ApplicationError) as blocked:
        record(ctx, "pp_sample", "submission")
    assert blocked.value.code == "gate_blocked"
    assert blocked.value.extra["missing"] == ["lab_dip", "strike_off"]
    assert "Lab dip, Strike-off" in blocked.value.message
    with pytest.raises(ApplicationError) as not_admin:
        record(ctx, "pp_sample", "submission", override_reason="Buyer asked")
    assert not_admin.value.code == "permission_denied"
    entry = record(ctx, "pp_sample", "submission", by="owner", override_reason="Buyer asked to rush")
    assert entry.override_reason == "Buyer asked to rush"
    event = AuditEvent.objects.get(action="approval_line_gate.rule_overridden")
    assert event.changes["reason"] == [None, "Buyer asked to rush"]


def test_a_required_gate_the_line_does_not_carry_is_not_asked_for(ctx):
    record(ctx, "lab_dip", "submission")
    record(ctx, "lab_dip", "approved")
    assert record(ctx, "pp_sample", "submission").state == "submission"  # no strike-off on this line


def test_bulk_status_needs_pp_sample_approved(ctx):
    line = ctx["lines"][0]
    for status in ("in_development", "running"):
        sales.line_transition(line=line, status=status, by=ctx["merch"])
    with pytest.raises(ApplicationError) as blocked:
        sales.line_transition(line=line, status="bulk", by=ctx["merch"])
    assert blocked.value.code == "gate_blocked"
    assert blocked.value.extra["missing"] == ["pp_sample"]
    assert Line.objects.get(pk=line.pk).status == "running"
    sales.line_transition(line=line, status="bulk", by=ctx["owner"], override_reason="Shipment date")
    assert Line.objects.get(pk=line.pk).status == "bulk"


def test_rules_can_be_set_and_must_name_real_gates(ctx):
    rule = services.rule_set(
        organization=ctx["org"], by=ctx["owner"], kind="submit", gate=ctx["gates"]["quality"], requires=["price"]
    )
    assert rule.requires == ["price"]
    with pytest.raises(ApplicationError) as unknown:
        services.rule_set(
            organization=ctx["org"], by=ctx["owner"], kind="submit", gate=ctx["gates"]["quality"], requires=["nope"]
        )
    assert "No such gate: nope." in unknown.value.message
    with pytest.raises(ApplicationError):
        services.rule_set(
            organization=ctx["org"], by=ctx["owner"], kind="line_status", line_status="flying", requires=["price"]
        )
    services.rule_set(
        organization=ctx["org"],
        by=ctx["owner"],
        kind="submit",
        gate=ctx["gates"]["quality"],
        requires=["lab_dip", "price"],
    )
    assert GateRule.objects.get(gate=ctx["gates"]["quality"]).requires == ["lab_dip", "price"]


def test_sample_dispatch_and_decision_move_the_gate_in_one_transaction(ctx):
    line, gate = ctx["lines"][1], ctx["gates"]["lab_dip"]
    first = services.sample_create(line=line, gate=gate, by=ctx["merch"], data={"recipient": "Anna (buyer QA)"})
    second = services.sample_create(line=line, gate=gate, by=ctx["merch"], data={})
    assert (first.version, second.version) == (1, 2)
    services.sample_dispatch(
        sample=first, by=ctx["merch"], submitted_on=TODAY - 3 * DAY, courier="DHL", awb_number="1234567890"
    )
    assert lg(ctx, "lab_dip", 1).state == "submission"
    services.sample_decide(
        sample=first, by=ctx["merch"], approve=False, decided_on=TODAY - DAY, buyer_comments="Too red"
    )
    assert lg(ctx, "lab_dip", 1).state == "rejected"
    services.sample_dispatch(sample=second, by=ctx["merch"], submitted_on=TODAY)
    assert lg(ctx, "lab_dip", 1).state == "resubmission"
    assert lg(ctx, "lab_dip", 1).round == 2
    services.sample_decide(sample=second, by=ctx["merch"], approve=True, decided_on=TODAY)
    assert lg(ctx, "lab_dip", 1).state == "approved"
    entries = list(GateEntry.objects.filter(sample=first).order_by("recorded_at"))
    assert [e.state for e in entries] == ["submission", "rejected"]
    assert "DHL AWB 1234567890" in entries[0].note
    assert "Too red" in entries[1].note
    actions = list(AuditEvent.objects.filter(target_id=str(first.pk)).values_list("action", flat=True))
    assert {"approval_sample.dispatched", "approval_sample.decided"} <= set(actions)


def test_a_refused_dispatch_leaves_the_sample_pending(ctx):
    services.line_gate_add(line=ctx["lines"][0], gate=ctx["gates"]["strike_off"], by=ctx["merch"])
    sample = services.sample_create(line=ctx["lines"][0], gate=ctx["gates"]["pp_sample"], by=ctx["merch"], data={})
    with pytest.raises(ApplicationError) as blocked:
        services.sample_dispatch(sample=sample, by=ctx["merch"], submitted_on=TODAY)
    assert blocked.value.code == "gate_blocked"
    assert Sample.objects.get(pk=sample.pk).status == "pending"
    assert not GateEntry.objects.filter(sample=sample).exists()
    with pytest.raises(ApplicationError) as not_sent:
        services.sample_decide(sample=sample, by=ctx["merch"], approve=True, decided_on=TODAY)
    assert not_sent.value.code == "invalid_transition"


def test_bulk_sets_one_gate_for_many_lines_all_or_nothing(ctx):
    record(ctx, "lab_dip", "submission", line=0)
    record(ctx, "lab_dip", "approved", line=0)  # this one cannot be submitted again
    with pytest.raises(ApplicationError):
        services.gates_set_bulk(
            lines=ctx["lines"], gate=ctx["gates"]["lab_dip"], by=ctx["merch"], state="submission", effective_date=TODAY
        )
    assert lg(ctx, "lab_dip", 1).state == "not_started"
    entries = services.gates_set_bulk(
        lines=ctx["lines"][1:], gate=ctx["gates"]["lab_dip"], by=ctx["merch"], state="submission", effective_date=TODAY
    )
    assert len(entries) == 2
    assert {lg(ctx, "lab_dip", i).state for i in (1, 2)} == {"submission"}
    # a gate a line does not carry yet is added
    services.gates_set_bulk(
        lines=ctx["lines"], gate=ctx["gates"]["handloom"], by=ctx["merch"], state="submission", effective_date=TODAY
    )
    assert LineGate.objects.filter(gate=ctx["gates"]["handloom"], state="submission").count() == 3


def test_custom_gates_with_long_names_get_unique_codes(ctx):
    name = (
        "Hanger approval from the buyer's regional quality office in Dhaka, including wash test and "
        "shade band sign-off (120)"
    )
    name = (name + " and more")[:120]
    first = services.gate_create(organization=ctx["org"], by=ctx["owner"], name=name, applies_by_default=True)
    second = services.gate_create(organization=ctx["org"], by=ctx["owner"], name=name)
    assert first.name == name
    assert len(name) == 120
    assert first.code.startswith("hanger_approval_from_the_buyers")
    assert len(first.code) <= 64
    assert second.code == f"{first.code}_2"
    one_off = services.gate_create(organization=ctx["org"], by=ctx["owner"], name="Wash test", line=ctx["lines"][2])
    assert LineGate.objects.filter(gate=one_off, line=ctx["lines"][2]).exists()
    with pytest.raises(ApplicationError):
        services.line_gate_add(line=ctx["lines"][0], gate=one_off, by=ctx["owner"])
    # new lines get the new default gate
    sales.order_merge(
        order=ctx["order"],
        by=ctx["merch"],
        styles=[
            {"style_number": "TEE", "lines": [{"colour_code": "GREEN", "quantity": 5, "unit": ctx["lines"][0].unit}]}
        ],
    )
    green = Line.objects.get(colour_code="GREEN")
    assert LineGate.objects.filter(line=green, gate=first).exists()
    assert not LineGate.objects.filter(line=green, gate=one_off).exists()


def test_rules_that_would_loop_are_refused(ctx):
    with pytest.raises(ApplicationError) as loop:
        services.rule_set(
            organization=ctx["org"],
            by=ctx["owner"],
            kind="submit",
            gate=ctx["gates"]["lab_dip"],
            requires=["pp_sample"],
        )
    assert "loop (lab_dip → pp_sample → lab_dip)" in loop.value.message
    assert not GateRule.objects.filter(gate=ctx["gates"]["lab_dip"]).exists()


def test_an_archived_gate_no_longer_blocks_and_its_sent_samples_can_still_be_decided(ctx):
    sample = services.sample_create(line=ctx["lines"][0], gate=ctx["gates"]["lab_dip"], by=ctx["merch"], data={})
    services.sample_dispatch(sample=sample, by=ctx["merch"], submitted_on=TODAY)
    services.gate_update(gate=ctx["gates"]["lab_dip"], by=ctx["owner"], data={"archived": True})
    assert record(ctx, "pp_sample", "submission").state == "submission"  # lab dip no longer required
    services.sample_decide(sample=sample, by=ctx["merch"], approve=True, decided_on=TODAY)
    assert Sample.objects.get(pk=sample.pk).status == "approved"


def test_an_entry_more_than_five_years_back_is_refused(ctx):
    with pytest.raises(ApplicationError) as refused:
        record(ctx, "lab_dip", "submission", on=date(2001, 1, 1))
    assert "five years" in refused.value.message


def test_bulk_checks_the_rule_once_for_all_lines(ctx):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def bulk(lines):
        with CaptureQueriesContext(connection) as queries:
            services.gates_set_bulk(
                lines=lines, gate=ctx["gates"]["price"], by=ctx["merch"], state="submission", effective_date=TODAY
            )
        return len(queries)

    one = bulk(ctx["lines"][:1])
    two = bulk(ctx["lines"][1:])
    assert two - one == 3  # a line more costs its entry, its line gate's state and its audit event; nothing else
