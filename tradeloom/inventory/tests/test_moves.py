"""Stock moves on hand-checked examples: moving average, unit conversions, negative stock, transfers, adjustments,
reversals and the audit trail."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tradeloom.audit.models import AuditEvent
from tradeloom.audit.sentences import describe
from tradeloom.core.exceptions import ApplicationError
from tradeloom.inventory import services
from tradeloom.inventory.models import StockBalance, StockMove
from tradeloom.inventory.services.moves import quantity_in_stock_unit
from tradeloom.testing.budgets import budget

D = Decimal
SOURCE = "purchasing.receiptline"


def receive(s, quantity, cost, *, unit=None, item=None, warehouse=None, source_id=None, lot=""):
    return services.stock_receive(
        organization=s.org,
        by=s.owner,
        warehouse=warehouse or s.store,
        item=item or s.fabric,
        quantity=D(quantity),
        unit=unit or s.m,
        unit_cost=D(cost),
        source_type=SOURCE,
        source_id=source_id or uuid.uuid4(),
        reference="PO-000012 · GRN 3",
        lot=lot,
    )


def issue(s, quantity, *, unit=None, item=None, warehouse=None, source_id=None):
    return services.stock_issue(
        organization=s.org,
        by=s.owner,
        warehouse=warehouse or s.store,
        item=item or s.fabric,
        quantity=D(quantity),
        unit=unit or s.m,
        source_type="sales.line",
        source_id=source_id or uuid.uuid4(),
        reference="issue",
    )


def balance(s, item=None, warehouse=None, lot=""):
    return StockBalance.objects.get(organization=s.org, item=item or s.fabric, warehouse=warehouse or s.store, lot=lot)


@pytest.mark.django_db
def test_moving_average_on_a_hand_checked_example(stock):
    s = stock
    receive(s, 100, "2.00")  # 100 m, 200.00
    receive(s, 50, "2.60")  # 150 m, 330.00 -> average 2.20
    b = balance(s)
    assert (b.quantity, b.value, b.average_unit_cost) == (D("150.000"), D("330.00"), D("2.200000"))
    out = issue(s, 40)  # 40 x 2.20 = 88.00
    assert (out.quantity, out.value, out.unit_cost) == (D("-40.000"), D("-88.00"), D("2.200000"))
    receive(s, 30, "3.10")  # 140 m, 242 + 93 = 335.00 -> 2.392857…
    b = balance(s)
    assert (b.quantity, b.value, b.average_unit_cost) == (D("140.000"), D("335.00"), D("2.392857"))
    out = issue(s, 7)  # 7 x 335 / 140 = 16.75
    assert out.value == D("-16.75")
    out = issue(s, 133)  # all that is left takes all the value left: no residue
    b = balance(s)
    assert out.value == D("-318.25")
    assert (b.quantity, b.value) == (D("0.000"), D("0.00"))
    assert b.average_unit_cost == D("2.392857")  # the last average stays for the next issue
    assert b.move_count == 6


@pytest.mark.django_db
def test_issue_value_rounds_half_away_from_zero_to_cents(stock):
    s = stock
    receive(s, 3, "1.00")  # 3 m, 3.00 → 1 per m
    receive(s, 3, "1.01")  # 6 m, 6.03 → 1.005 per m
    out = issue(s, 1)  # 1.005 → 1.01 (half away from zero)
    assert out.value == D("-1.01")
    assert balance(s).value == D("5.02")


@pytest.mark.django_db
def test_moves_keep_the_running_balance_and_a_sequence(stock):
    s = stock
    first = receive(s, 10, "1.50")
    second = issue(s, 4)
    assert (first.sequence, first.quantity_after, first.value_after) == (1, D("10.000"), D("15.00"))
    assert (second.sequence, second.quantity_after, second.value_after) == (2, D("6.000"), D("9.00"))


@pytest.mark.django_db
def test_units_convert_into_the_stock_unit_and_the_ledger_keeps_what_was_given(stock):
    s = stock
    move = receive(s, 100, "1.8288", unit=s.yd)  # 100 yd = 91.44 m; 100 x 1.8288 = 182.88
    assert (move.quantity, move.given_quantity, move.given_unit) == (D("91.440"), D("100"), s.yd)
    assert move.value == D("182.88")
    assert move.unit_cost == D("2.000000")  # per m
    yarn = receive(s, 1000, "0.50", unit=s.lb, item=s.yarn)  # 1000 lb = 453.59237 kg → 453.592
    assert yarn.quantity == D("453.592")
    out = issue(s, 10, unit=s.yd)  # 9.144 m at 2.00 = 18.288 → 18.29
    assert (out.quantity, out.value) == (D("-9.144"), D("-18.29"))
    assert quantity_in_stock_unit(item=s.fabric, quantity=D("0.0004"), unit=s.m) == D("0.000")


@pytest.mark.django_db
def test_a_unit_of_another_dimension_is_refused(stock):
    s = stock
    with pytest.raises(ApplicationError) as refused:
        receive(s, 10, "1", unit=s.kg)
    assert refused.value.code == "incompatible_units"
    assert "unit" in refused.value.extra["errors"]
    assert not StockMove.objects.exists()


@pytest.mark.django_db
def test_negative_stock_is_refused_by_default(stock):
    s = stock
    receive(s, 5, "2")
    with pytest.raises(ApplicationError) as refused:
        issue(s, "5.001")
    assert refused.value.code == "insufficient_stock"
    assert refused.value.status == 409
    assert refused.value.extra["on_hand"] == "5.000"
    assert balance(s).quantity == D(5)
    assert StockMove.objects.count() == 1
    with pytest.raises(ApplicationError) as nothing_there:
        issue(s, 1, warehouse=s.mill)
    assert nothing_there.value.code == "insufficient_stock"


@pytest.mark.django_db
def test_negative_stock_when_the_organisation_allows_it(stock):
    s = stock
    s.org.settings = {**(s.org.settings or {}), "allow_negative_stock": True}
    s.org.save(update_fields=["settings"])
    receive(s, 5, "2")  # 5 m, 10.00
    out = issue(s, 8)  # all 5 (10.00) and 3 more at the last average 2 → 16.00
    assert out.value == D("-16.00")
    b = balance(s)
    assert (b.quantity, b.value, b.average_unit_cost) == (D("-3.000"), D("-6.00"), D("2.000000"))
    receive(s, 3, "2")
    b = balance(s)
    assert (b.quantity, b.value) == (D("0.000"), D("0.00"))


@pytest.mark.django_db
def test_receive_and_issue_validate_their_inputs(stock):
    s = stock
    for quantity in ("0", "-1", "1.0001"):
        with pytest.raises(ApplicationError) as refused:
            receive(s, quantity, "1")
        assert refused.value.code == "validation_error"
    with pytest.raises(ApplicationError):
        receive(s, 1, "-0.01")
    with pytest.raises(ApplicationError):
        services.stock_issue(
            organization=s.org, by=s.owner, warehouse=s.store, item=s.fabric, quantity=D(1), unit=s.m,
            source_type="x", source_id=None, reference="",
        )  # fmt: skip
    s.store.archived_at = s.store.created_at
    s.store.save(update_fields=["archived_at"])
    with pytest.raises(ApplicationError) as archived:
        receive(s, 1, "1")
    assert archived.value.code == "warehouse_archived"


@pytest.mark.django_db
def test_production_kinds(stock):
    s = stock
    made = services.stock_receive(
        organization=s.org, by=s.owner, warehouse=s.store, item=s.fabric, quantity=D(10), unit=s.m,
        unit_cost=D(3), source_type="production.order", source_id=uuid.uuid4(), reference="MO-1",
        kind="production_in",
    )  # fmt: skip
    used = services.stock_issue(
        organization=s.org, by=s.owner, warehouse=s.store, item=s.fabric, quantity=D(4), unit=s.m,
        source_type="production.order", source_id=uuid.uuid4(), reference="MO-2", kind="production_out",
    )  # fmt: skip
    assert (made.kind, used.kind, used.value) == ("production_in", "production_out", D("-12.00"))
    with pytest.raises(ApplicationError):
        services.stock_issue(
            organization=s.org, by=s.owner, warehouse=s.store, item=s.fabric, quantity=D(1), unit=s.m,
            source_type="", source_id=None, reference="", kind="receipt",
        )  # fmt: skip


@pytest.mark.django_db
def test_reversing_a_source_reverses_each_move_once(stock):
    s = stock
    grn = uuid.uuid4()
    receive(s, 10, "2", source_id=grn)
    receive(s, 5, "4", source_id=grn)  # 15 m, 40.00
    receive(s, 5, "1")  # another source: 20 m, 45.00
    made = services.stock_moves_reverse(
        organization=s.org, by=s.manager, source_type=SOURCE, source_id=grn, reason="Receipt cancelled"
    )
    assert len(made) == 2
    assert {m.kind for m in made} == {"reversal"}
    assert sorted(m.quantity for m in made) == [D("-10.000"), D("-5.000")]
    assert all(m.reverses_id for m in made)
    assert all(m.reason == "Receipt cancelled" for m in made)
    b = balance(s)
    assert (b.quantity, b.value) == (D("5.000"), D("5.00"))
    again = services.stock_moves_reverse(
        organization=s.org, by=s.manager, source_type=SOURCE, source_id=grn, reason="Receipt cancelled"
    )
    assert again == []
    assert balance(s).quantity == D(5)
    assert (
        services.stock_moves_reverse(
            organization=s.org, by=s.manager, source_type=SOURCE, source_id=uuid.uuid4(), reason="nothing"
        )
        == []
    )


@pytest.mark.django_db
def test_reversing_a_receipt_whose_stock_was_issued_is_refused(stock):
    s = stock
    grn = uuid.uuid4()
    receive(s, 10, "2", source_id=grn)
    issue(s, 6)
    with pytest.raises(ApplicationError) as refused:
        services.stock_moves_reverse(organization=s.org, by=s.owner, source_type=SOURCE, source_id=grn, reason="x")
    assert refused.value.code == "insufficient_stock"
    with pytest.raises(ApplicationError) as no_reason:
        services.stock_moves_reverse(organization=s.org, by=s.owner, source_type=SOURCE, source_id=grn, reason=" ")
    assert no_reason.value.code == "validation_error"


@pytest.mark.django_db
def test_reversing_an_issue_gives_back_its_value(stock):
    s = stock
    receive(s, 10, "2")
    out = issue(s, 10)
    receive(s, 10, "3")  # 10 m at 3
    services.stock_move_reverse(organization=s.org, by=s.owner, move=out, reason="returned")
    b = balance(s)
    assert (b.quantity, b.value, b.average_unit_cost) == (D("20.000"), D("50.00"), D("2.500000"))
    with pytest.raises(ApplicationError) as twice:
        services.stock_move_reverse(organization=s.org, by=s.owner, move=out, reason="again")
    assert twice.value.code == "already_reversed"
    reversal = StockMove.objects.get(reverses=out)
    with pytest.raises(ApplicationError) as of_reversal:
        services.stock_move_reverse(organization=s.org, by=s.owner, move=reversal, reason="again")
    assert of_reversal.value.code == "invalid_transition"


@pytest.mark.django_db
def test_transfer_moves_quantity_and_value_between_warehouses(stock):
    s = stock
    receive(s, 100, "2")
    receive(s, 100, "3")  # 200 m, 500.00, 2.50
    transfer = services.stock_transfer(
        organization=s.org, by=s.manager, from_warehouse=s.store, to_warehouse=s.mill, item=s.fabric,
        quantity=D(50), unit=s.yd,
    )  # fmt: skip
    out, into = transfer.out_move, transfer.in_move
    assert (out.kind, out.quantity, out.value) == ("transfer_out", D("-45.720"), D("-114.30"))
    assert (into.kind, into.quantity, into.value) == ("transfer_in", D("45.720"), D("114.30"))
    assert out.source_id == into.source_id
    assert out.source_type == "inventory.transfer"
    assert balance(s).value + balance(s, warehouse=s.mill).value == D("500.00")
    assert balance(s, warehouse=s.mill).average_unit_cost == D("2.500000")
    with pytest.raises(ApplicationError) as same:
        services.stock_transfer(
            organization=s.org, by=s.manager, from_warehouse=s.store, to_warehouse=s.store, item=s.fabric,
            quantity=D(1), unit=s.m,
        )  # fmt: skip
    assert same.value.code == "validation_error"
    with pytest.raises(ApplicationError) as too_much:
        services.stock_transfer(
            organization=s.org, by=s.manager, from_warehouse=s.mill, to_warehouse=s.store, item=s.fabric,
            quantity=D(46), unit=s.m,
        )  # fmt: skip
    assert too_much.value.code == "insufficient_stock"
    # reversing one half reverses both
    made = services.stock_move_reverse(organization=s.org, by=s.manager, move=into, reason="wrong mill")
    assert len(made) == 2
    assert balance(s, warehouse=s.mill).quantity == 0
    assert (balance(s).quantity, balance(s).value) == (D("200.000"), D("500.00"))


@pytest.mark.django_db
def test_adjustments_need_a_reason_and_value_increases_at_the_given_cost_or_the_average(stock):
    s = stock
    up = services.stock_adjust(
        organization=s.org, by=s.manager, warehouse=s.store, item=s.fabric, quantity=D(20), unit=s.m,
        unit_cost=D("1.25"), reason="Opening stock",
    )  # fmt: skip
    assert (up.kind, up.value, up.reason) == ("adjustment", D("25.00"), "Opening stock")
    more = services.stock_adjust(
        organization=s.org, by=s.manager, warehouse=s.store, item=s.fabric, quantity=D(4), unit=s.m,
        reason="Count found more",
    )  # fmt: skip
    assert more.value == D("5.00")  # at the average 1.25
    down = services.stock_adjust(
        organization=s.org, by=s.manager, warehouse=s.store, item=s.fabric, quantity=D(-6), unit=s.m,
        reason="Damaged",
    )  # fmt: skip
    assert (down.quantity, down.value) == (D("-6.000"), D("-7.50"))
    for kwargs, code in (
        ({"quantity": D(1), "reason": ""}, "validation_error"),
        ({"quantity": D(0), "reason": "x"}, "validation_error"),
        ({"quantity": D(-1), "reason": "x", "unit_cost": D(1)}, "validation_error"),
        ({"quantity": D(-100), "reason": "x"}, "insufficient_stock"),
    ):
        with pytest.raises(ApplicationError) as refused:
            services.stock_adjust(
                organization=s.org, by=s.manager, warehouse=s.store, item=s.fabric, unit=s.m, **kwargs
            )
        assert refused.value.code == code


@pytest.mark.django_db
def test_lots_keep_their_own_balances(stock):
    s = stock
    receive(s, 10, "2", lot="L1")
    receive(s, 10, "3", lot="L2")
    receive(s, 10, "4")
    assert balance(s, lot="L1").value == D("20.00")
    assert balance(s, lot="L2").value == D("30.00")
    assert balance(s).value == D("40.00")
    assert StockBalance.objects.filter(organization=s.org).count() == 3


@pytest.mark.django_db
def test_every_move_is_audited_with_a_sentence(stock):
    s = stock
    grn = uuid.uuid4()
    receive(s, 10, "2", source_id=grn)
    issue(s, 2, source_id=grn)
    services.stock_transfer(
        organization=s.org, by=s.owner, from_warehouse=s.store, to_warehouse=s.mill, item=s.fabric,
        quantity=D(1), unit=s.m,
    )  # fmt: skip
    services.stock_adjust(
        organization=s.org, by=s.owner, warehouse=s.store, item=s.fabric, quantity=D(1), unit=s.m, reason="Count"
    )
    services.stock_moves_reverse(organization=s.org, by=s.owner, source_type="sales.line", source_id=grn, reason="oops")
    events = list(AuditEvent.objects.filter(organization=s.org).order_by("created_at", "id"))
    actions = [e.action for e in events]
    assert actions == [
        "stock_move.received",
        "stock_move.issued",
        "stock_move.transferred",
        "stock_move.adjusted",
        "stock_move.reversed",
    ]
    sentences = [d.text for d in describe(events)]
    assert "received 10 m of SJ-160 into MAIN (PO-000012 · GRN 3)" in sentences[0]
    assert "issued 2 m of SJ-160 from MAIN" in sentences[1]
    assert "transferred 1 m of SJ-160 from MAIN to MILL" in sentences[2]
    assert "adjusted the stock of SJ-160 in MAIN by 1 m: “Count”" in sentences[3]
    assert "reversed a stock issue of 2 m of SJ-160 (issue): “oops”" in sentences[4]


@pytest.mark.django_db
def test_another_organisations_records_are_refused(stock, other_org):
    from tradeloom.core.context import tenant_context
    from tradeloom.inventory.tests.factories import WarehouseFactory

    s = stock
    with tenant_context(other_org):
        theirs = WarehouseFactory(organization=other_org)
    with pytest.raises(ApplicationError) as refused:
        receive(s, 1, "1", warehouse=theirs)
    assert refused.value.extra["errors"] == {"warehouse": ["Choose one of your warehouses."]}


@pytest.mark.django_db
def test_a_move_costs_the_same_statements_whatever_the_ledger(stock, django_assert_max_num_queries):
    s = stock
    for _ in range(5):
        receive(s, 10, "2")
    with django_assert_max_num_queries(budget("service.stock_receive")):
        receive(s, 10, "2")
    with django_assert_max_num_queries(budget("service.stock_receive")):
        receive(s, 10, "2", warehouse=s.mill)  # a new balance row
