"""Purchase order rules through the services: the money on hand-checked examples, the header's rules, the approval
threshold on both sides (in the base currency and in another converted to it), self-approval, the moves,
amendments (diff, revision, re-approval), receipts (partial, over-receipt, cancel reverses stock and status) and
the audit sentences of every action."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tradeloom.audit.models import AuditEvent
from tradeloom.audit.sentences import describe
from tradeloom.catalog.models import ExchangeRate
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.inventory.models import StockBalance, StockMove
from tradeloom.partners.models import SupplierPlantMapping
from tradeloom.partners.tests.factories import PlantFactory, SupplierFactory
from tradeloom.purchasing import services, states
from tradeloom.purchasing.events import PurchaseOrderAction
from tradeloom.purchasing.models import Amendment, Approval, PurchaseOrderLine, Receipt
from tradeloom.purchasing.services.figures import line_money, totals_of
from tradeloom.purchasing.tests.helpers import DAY, TODAY, World, approved_po, line, make_po, world
from tradeloom.tenancy.roles import Role


@pytest.fixture
def w(org, member):
    with tenant_context(org):
        yield world(org, member(Role.MERCHANDISER))


class _Refusal:
    def __init__(self, code: str) -> None:
        self.code = code
        self.error: ApplicationError = ApplicationError("not raised", code="")

    def __enter__(self) -> _Refusal:
        return self

    def __exit__(self, kind, value, tb) -> bool:
        assert isinstance(value, ApplicationError), f"expected {self.code}, got {value!r}"
        assert value.code == self.code, (value.code, value.message, value.extra)
        self.error = value
        return True


# --- money -----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_line_money_rounds_half_up_to_cents_and_taxes_each_line():
    # 3 x 0.335 = 1.005 → 1.01; 7.5 % of it = 0.07575 → 0.08
    assert line_money(quantity=Decimal(3), unit_price=Decimal("0.335"), tax_rate=Decimal("7.5")).amount == Decimal(
        "1.01"
    )
    assert line_money(quantity=Decimal(3), unit_price=Decimal("0.335"), tax_rate=Decimal("7.5")).tax == Decimal("0.08")
    totals = totals_of(
        [
            line_money(quantity=Decimal(3), unit_price=Decimal("0.335"), tax_rate=Decimal("7.5")),
            line_money(quantity=Decimal("1.5"), unit_price=Decimal("2.3333"), tax_rate=Decimal(0)),
        ]
    )
    # 1.5 x 2.3333 = 3.49995 → 3.50; subtotal 4.51, tax 0.08 (the per-line roundings summed), total 4.59
    assert (totals.subtotal, totals.tax, totals.total) == (Decimal("4.51"), Decimal("0.08"), Decimal("4.59"))


@pytest.mark.django_db
def test_a_po_keeps_its_lines_figures_with_the_po_rate_or_the_lines_own(w: World):
    # given a PO at 5 % with a line at its own 0 %
    po = make_po(
        w,
        [line(w, "1200", "2.4575"), line(w, "333.333", "1.005", tax_rate="0"), line(w, "10", "0.125", item=True)],
        tax_rate=Decimal(5),
    )
    # then each line: 1200 x 2.4575 = 2949.00, tax 147.45; 333.333 x 1.005 = 334.999665 → 335.00, tax 0;
    # 10 x 0.125 = 1.25, 5 % = 0.0625 → 0.06
    rows = list(PurchaseOrderLine.objects.filter(purchase_order=po).order_by("position"))
    assert [(r.amount, r.tax) for r in rows] == [
        (Decimal("2949.00"), Decimal("147.45")),
        (Decimal("335.00"), Decimal("0.00")),
        (Decimal("1.25"), Decimal("0.06")),
    ]
    assert (po.subtotal, po.tax, po.total) == (Decimal("3285.25"), Decimal("147.51"), Decimal("3432.76"))
    assert po.number == "PO-000001"
    assert po.status == states.DRAFT
    assert po.line_count == 3
    # the item line takes the item's code and name
    assert (rows[2].material_code, rows[2].material_name) == ("FAB-1", "Single jersey")


@pytest.mark.django_db
def test_changing_the_po_tax_rate_of_a_draft_recomputes_the_lines(w: World):
    po = make_po(w, [line(w, "100", "1.5"), line(w, "10", "2", tax_rate="20")])
    po = services.purchase_order_update(purchase_order=po, by=w.by, data={"tax_rate": Decimal(10)})
    # 150.00 at 10 % = 15.00; 20.00 at its own 20 % = 4.00
    assert (po.subtotal, po.tax, po.total) == (Decimal("170.00"), Decimal("19.00"), Decimal("189.00"))


# --- the header ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_due_date_cannot_be_before_the_po_date_and_nothing_is_saved(w: World):
    with _Refusal("validation_error") as r:
        make_po(w, [line(w, "1", "1")], due_date=TODAY - 10 * DAY)
    assert "due_date" in r.error.extra["errors"]
    assert not PurchaseOrderLine.objects.exists()


@pytest.mark.django_db
def test_a_plant_must_be_the_suppliers_own_or_mapped_to_it(w: World):
    stranger = PlantFactory(organization=w.org, supplier=SupplierFactory(organization=w.org))
    with _Refusal("plant_not_mapped") as r:
        make_po(w, [line(w, "1", "1")], plant=stranger)
    assert "plant" in r.error.extra["errors"]
    own = PlantFactory(organization=w.org, supplier=w.supplier)
    assert make_po(w, [line(w, "1", "1")], plant=own).plant_id == own.pk
    SupplierPlantMapping.objects.create(organization=w.org, supplier=w.supplier, plant=stranger)
    assert make_po(w, [line(w, "1", "1")], plant=stranger).plant_id == stranger.pk


@pytest.mark.django_db
def test_the_currency_and_terms_default_to_the_suppliers(w: World):
    w.supplier.default_currency = "EUR"
    w.supplier.save()
    po = make_po(w, [line(w, "1", "1")])
    assert po.currency == "EUR"


@pytest.mark.django_db
def test_a_line_needs_an_item_or_a_material_and_a_positive_quantity(w: World):
    with _Refusal("validation_error") as r:
        make_po(w, [{"quantity": "1", "unit_price": "1", "unit": w.unit.pk}, line(w, "0", "1")])
    assert set(r.error.extra["errors"]) == {"lines.0.material_name", "lines.1.quantity"}


@pytest.mark.django_db
def test_another_organisations_supplier_or_item_is_refused(w: World, other_org):
    with tenant_context(other_org):
        theirs = SupplierFactory(organization=other_org)
    with _Refusal("validation_error") as r:
        services.purchase_order_create(
            organization=w.org, by=w.by, data={"supplier": theirs.pk}, lines=[line(w, "1", "1")]
        )
    assert "supplier" in r.error.extra["errors"]


# --- approval --------------------------------------------------------------------------------------------------------


def _set_limit(w: World, limit: str) -> None:
    w.org.settings = {**(w.org.settings or {}), "po_approval_limit": limit}
    w.org.save()


@pytest.mark.django_db
def test_exactly_at_the_limit_submitting_approves_at_once(w: World):
    _set_limit(w, "10000")
    po = make_po(w, [line(w, "4000", "2.5")])  # USD 10,000.00
    po = services.purchase_order_move(purchase_order=po, action="submit", by=w.by)
    assert po.status == states.APPROVED
    assert po.base_total == Decimal("10000.00")
    assert [a.decision for a in Approval.objects.filter(purchase_order=po)] == [Approval.Decision.AUTO_APPROVED]


@pytest.mark.django_db
def test_just_above_the_limit_it_waits_for_a_manager(w: World, member):
    _set_limit(w, "10000")
    po = make_po(w, [line(w, "4000", "2.5"), line(w, "1", "0.01")])  # USD 10,000.01
    po = services.purchase_order_move(purchase_order=po, action="submit", by=w.by)
    assert po.status == states.SUBMITTED
    # a merchandiser may not approve; the author may not either, even as a manager
    with _Refusal("approval_required"):
        services.purchase_order_move(purchase_order=po, action="approve", by=member(Role.MERCHANDISER))
    manager = member(Role.MANAGER)
    po = services.purchase_order_move(purchase_order=po, action="approve", by=manager)
    assert po.status == states.APPROVED
    assert po.approved_by_id == manager.user_id


@pytest.mark.django_db
def test_a_po_in_another_currency_is_compared_in_the_base_currency(w: World):
    _set_limit(w, "10000")
    # EUR at 1.25: 8,000.00 EUR = 10,000.00 USD (at the limit), 8,000.01 EUR = 10,000.0125 → 10,000.01 (above)
    at = make_po(w, [line(w, "8000", "1")], currency="EUR")
    above = make_po(w, [line(w, "8000", "1"), line(w, "1", "0.01")], currency="EUR")
    at = services.purchase_order_move(purchase_order=at, action="submit", by=w.by)
    above = services.purchase_order_move(purchase_order=above, action="submit", by=w.by)
    assert (at.status, at.base_total, at.exchange_rate) == (states.APPROVED, Decimal("10000.00"), Decimal("1.25"))
    assert (above.status, above.base_total) == (states.SUBMITTED, Decimal("10000.01"))


@pytest.mark.django_db
def test_submitting_without_a_rate_to_the_base_currency_is_refused(w: World):
    po = make_po(w, [line(w, "1", "1")], currency="GBP")
    with _Refusal("rate_missing"):
        services.purchase_order_move(purchase_order=po, action="submit", by=w.by)


@pytest.mark.django_db
def test_nobody_approves_their_own_po(w: World, member):
    manager = member(Role.MANAGER)
    _set_limit(w, "100")
    po = make_po(w, [line(w, "100", "2")], by=manager)
    po = services.purchase_order_move(purchase_order=po, action="submit", by=manager)
    with _Refusal("self_approval") as r:
        services.purchase_order_move(purchase_order=po, action="approve", by=manager)
    assert r.error.status == 403
    # the owner who submitted someone else's PO cannot approve it either
    owner = member(Role.OWNER)
    po2 = make_po(w, [line(w, "100", "2")])
    po2 = services.purchase_order_move(purchase_order=po2, action="submit", by=owner)
    with _Refusal("self_approval"):
        services.purchase_order_move(purchase_order=po2, action="approve", by=owner)


@pytest.mark.django_db
def test_sending_back_needs_a_reason_and_makes_a_draft_again(w: World, member):
    _set_limit(w, "100")
    po = services.purchase_order_move(purchase_order=make_po(w, [line(w, "100", "2")]), action="submit", by=w.by)
    manager = member(Role.MANAGER)
    with _Refusal("validation_error"):
        services.purchase_order_move(purchase_order=po, action="reject", by=manager)
    po = services.purchase_order_move(purchase_order=po, action="reject", by=manager, reason="Price too high")
    assert (po.status, po.status_reason) == (states.DRAFT, "Price too high")
    # a draft again: it is edited, then submitted again
    po = services.purchase_order_update(purchase_order=po, by=w.by, lines=[line(w, "100", "0.9")])
    assert services.purchase_order_move(purchase_order=po, action="submit", by=w.by).status == states.APPROVED


@pytest.mark.django_db
def test_a_submitted_po_is_not_edited_and_a_wrong_move_is_refused(w: World):
    _set_limit(w, "1")
    po = services.purchase_order_move(purchase_order=make_po(w, [line(w, "100", "2")]), action="submit", by=w.by)
    with _Refusal("po_not_editable"):
        services.purchase_order_update(purchase_order=po, by=w.by, data={"notes": "x"})
    with _Refusal("invalid_transition"):
        services.purchase_order_move(purchase_order=po, action="submit", by=w.by)


@pytest.mark.django_db
def test_a_stale_version_is_refused(w: World):
    po = make_po(w, [line(w, "1", "1")])
    with _Refusal("precondition_failed"):
        services.purchase_order_update(purchase_order=po, by=w.by, data={"notes": "x"}, expected_version=po.version + 1)


# --- amendments ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_amendment_keeps_what_changed_and_its_revision(w: World):
    po = approved_po(w, [line(w, "100", "2"), line(w, "50", "1")])
    rows = list(PurchaseOrderLine.objects.filter(purchase_order=po).order_by("position"))
    payload = [
        {**line(w, "120", "2"), "id": rows[0].pk},  # quantity changed
        line(w, "5", "3", material_name="Elastane"),  # added; the second line removed
    ]
    amendment = services.purchase_order_amend(
        purchase_order=po, by=w.by, reason="Buyer added 20 m", data={"notes": "Rush"}, lines=payload
    )
    po.refresh_from_db()
    assert (amendment.revision, po.revision, str(po)) == (1, 1, "PO-000001 rev. 1")
    assert amendment.changes["header"] == {"notes": ["", "Rush"]}
    assert [c["fields"] for c in amendment.changes["changed"]] == [
        {"quantity": ["100.000", "120.000"], "amount": ["200.00", "240.00"]}
    ]
    assert [r["label"] for r in amendment.changes["added"]] == ["YRN-30 Elastane"]
    assert [r["label"] for r in amendment.changes["removed"]] == ["YRN-30 Cotton yarn 30/1"]
    assert (amendment.total_before, amendment.total_after, po.total) == (
        Decimal("250.00"),
        Decimal("255.00"),
        Decimal("255.00"),
    )
    assert po.status == states.APPROVED
    assert not amendment.reapproval
    # the next one is revision 2; a draft or nothing changed is refused
    with _Refusal("amendment_empty"):
        services.purchase_order_amend(purchase_order=po, by=w.by, reason="Nothing")
    with _Refusal("validation_error"):
        services.purchase_order_amend(purchase_order=po, by=w.by, reason="", data={"notes": "x"})
    assert services.purchase_order_amend(purchase_order=po, by=w.by, reason="Note", data={"notes": "x"}).revision == 2
    with _Refusal("po_not_amendable"):
        services.purchase_order_amend(purchase_order=make_po(w, [line(w, "1", "1")]), by=w.by, reason="r", data={})


@pytest.mark.django_db
def test_an_amendment_rising_above_the_limit_needs_approval_again(w: World, member):
    _set_limit(w, "1000")
    po = approved_po(w, [line(w, "100", "9")])  # 900.00: approved at once
    rows = list(PurchaseOrderLine.objects.filter(purchase_order=po))
    amendment = services.purchase_order_amend(
        purchase_order=po, by=w.by, reason="More", lines=[{**line(w, "120", "9"), "id": rows[0].pk}]
    )
    po.refresh_from_db()
    assert amendment.reapproval
    assert po.status == states.SUBMITTED
    assert po.base_total == Decimal("1080.00")
    with _Refusal("po_not_receivable"):
        services.receipt_create(purchase_order=po, by=w.by, lines=[{"po_line": rows[0].pk, "quantity": 1}])
    po = services.purchase_order_move(purchase_order=po, action="approve", by=member(Role.MANAGER))
    assert po.status == states.APPROVED
    # lowering it again stays approved
    lowered = services.purchase_order_amend(
        purchase_order=po, by=w.by, reason="Less", lines=[{**line(w, "110", "9"), "id": rows[0].pk}]
    )
    po.refresh_from_db()
    assert not lowered.reapproval
    assert po.status == states.APPROVED
    assert list(Amendment.objects.filter(purchase_order=po).values_list("revision", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_a_line_with_goods_received_is_not_removed_nor_put_below_them(w: World):
    po = approved_po(w, [line(w, "100", "2"), line(w, "10", "1")])
    rows = list(PurchaseOrderLine.objects.filter(purchase_order=po).order_by("position"))
    services.receipt_create(purchase_order=po, by=w.by, lines=[{"po_line": rows[0].pk, "quantity": "60"}])
    with _Refusal("line_has_receipts"):
        services.purchase_order_amend(
            purchase_order=po, by=w.by, reason="r", lines=[{**line(w, "10", "1"), "id": rows[1].pk}]
        )
    with _Refusal("validation_error") as r:
        services.purchase_order_amend(
            purchase_order=po, by=w.by, reason="r", lines=[{**line(w, "50", "2"), "id": rows[0].pk}]
        )
    assert "lines.0.quantity" in r.error.extra["errors"]


# --- receipts --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_partial_receipts_move_the_status_and_write_stock(w: World):
    po = approved_po(w, [line(w, "100", "2", item=True), line(w, "10", "1")], warehouse=w.warehouse)
    item_line, free_line = PurchaseOrderLine.objects.filter(purchase_order=po).order_by("position")
    first = services.receipt_create(
        purchase_order=po, by=w.by, lines=[{"po_line": item_line.pk, "quantity": "40", "lot": "L1"}]
    )
    po.refresh_from_db()
    assert (first.number, first.warehouse_id, po.status) == ("PO-000001-R1", w.warehouse.pk, states.PARTLY_RECEIVED)
    balance = StockBalance.objects.get(warehouse=w.warehouse, item=w.item, lot="L1")
    assert balance.quantity == Decimal(40)
    services.receipt_create(
        purchase_order=po,
        by=w.by,
        lines=[{"po_line": item_line.pk, "quantity": "60"}, {"po_line": free_line.pk, "quantity": "10"}],
        warehouse=w.other_warehouse.pk,
    )
    po.refresh_from_db()
    assert po.status == states.RECEIVED
    assert StockBalance.objects.get(warehouse=w.other_warehouse, item=w.item).quantity == Decimal(60)
    # the free material writes no stock
    assert StockMove.objects.filter(source_type="purchasing.receiptline").count() == 2


@pytest.mark.django_db
def test_over_receipt_beyond_the_tolerance_is_refused(w: World):
    po = approved_po(w, [line(w, "100", "2")])  # tolerance 5 %: up to 105
    po_line = PurchaseOrderLine.objects.get(purchase_order=po)
    services.receipt_create(purchase_order=po, by=w.by, lines=[{"po_line": po_line.pk, "quantity": "100"}])
    with _Refusal("over_receipt") as r:
        services.receipt_create(purchase_order=po, by=w.by, lines=[{"po_line": po_line.pk, "quantity": "5.001"}])
    assert r.error.status == 409
    assert "lines.0.quantity" in r.error.extra["errors"]
    po.refresh_from_db()
    assert po.status == states.RECEIVED  # fully received; the 5 % are allowed
    assert Receipt.objects.filter(purchase_order=po).count() == 1


@pytest.mark.django_db
def test_exactly_the_tolerance_is_accepted(w: World):
    po = approved_po(w, [line(w, "100", "2")])
    po_line = PurchaseOrderLine.objects.get(purchase_order=po)
    services.receipt_create(purchase_order=po, by=w.by, lines=[{"po_line": po_line.pk, "quantity": "105"}])
    po_line.refresh_from_db()
    assert po_line.received_quantity == Decimal(105)


@pytest.mark.django_db
def test_an_item_line_needs_a_warehouse(w: World):
    po = approved_po(w, [line(w, "10", "2", item=True)])
    po_line = PurchaseOrderLine.objects.get(purchase_order=po)
    with _Refusal("warehouse_required"):
        services.receipt_create(purchase_order=po, by=w.by, lines=[{"po_line": po_line.pk, "quantity": "1"}])


@pytest.mark.django_db
def test_cancelling_a_receipt_reverses_its_stock_and_moves_the_status_back(w: World):
    po = approved_po(w, [line(w, "100", "2", item=True)], warehouse=w.warehouse)
    po_line = PurchaseOrderLine.objects.get(purchase_order=po)
    first = services.receipt_create(purchase_order=po, by=w.by, lines=[{"po_line": po_line.pk, "quantity": "30"}])
    second = services.receipt_create(purchase_order=po, by=w.by, lines=[{"po_line": po_line.pk, "quantity": "70"}])
    po.refresh_from_db()
    assert po.status == states.RECEIVED
    with _Refusal("validation_error"):
        services.receipt_cancel(receipt=second, by=w.by, reason="")
    services.receipt_cancel(receipt=second, by=w.by, reason="Wrong lot")
    po.refresh_from_db()
    po_line.refresh_from_db()
    assert (po.status, po_line.received_quantity) == (states.PARTLY_RECEIVED, Decimal(30))
    assert StockBalance.objects.get(warehouse=w.warehouse, item=w.item).quantity == Decimal(30)
    with _Refusal("receipt_cancelled"):
        services.receipt_cancel(receipt=second, by=w.by, reason="Again")
    services.receipt_cancel(receipt=first, by=w.by, reason="Returned")
    po.refresh_from_db()
    assert po.status == states.APPROVED
    assert StockBalance.objects.get(warehouse=w.warehouse, item=w.item).quantity == Decimal(0)


@pytest.mark.django_db
def test_receipts_are_refused_on_a_draft_and_a_po_with_receipts_is_not_cancelled(w: World):
    draft = make_po(w, [line(w, "1", "1")])
    po_line = PurchaseOrderLine.objects.get(purchase_order=draft)
    with _Refusal("po_not_receivable"):
        services.receipt_create(purchase_order=draft, by=w.by, lines=[{"po_line": po_line.pk, "quantity": "1"}])
    po = approved_po(w, [line(w, "10", "1")])
    services.receipt_create(
        purchase_order=po,
        by=w.by,
        lines=[{"po_line": PurchaseOrderLine.objects.get(purchase_order=po).pk, "quantity": 1}],
    )
    po.refresh_from_db()
    with _Refusal("invalid_transition"):  # partly received: cancel is not offered
        services.purchase_order_move(purchase_order=po, action="cancel", by=w.by, reason="x")


@pytest.mark.django_db
def test_a_receipt_in_the_future_or_before_the_po_date_is_refused(w: World):
    po = approved_po(w, [line(w, "10", "1")])
    po_line = PurchaseOrderLine.objects.get(purchase_order=po)
    for day in (TODAY + DAY, po.po_date - DAY):
        with _Refusal("validation_error") as r:
            services.receipt_create(
                purchase_order=po, by=w.by, received_on=day, lines=[{"po_line": po_line.pk, "quantity": 1}]
            )
        assert "received_on" in r.error.extra["errors"]


@pytest.mark.django_db
def test_stock_is_valued_in_the_base_currency_at_the_receipt_date(w: World):
    ExchangeRate.objects.create(
        organization=w.org, date=TODAY - 2 * DAY, from_currency="EUR", to_currency="USD", rate=Decimal("1.1")
    )
    po = approved_po(w, [line(w, "10", "2.5", item=True)], currency="EUR", warehouse=w.warehouse)
    po_line = PurchaseOrderLine.objects.get(purchase_order=po)
    services.receipt_create(purchase_order=po, by=w.by, lines=[{"po_line": po_line.pk, "quantity": "10"}])
    # 2.5 EUR x 1.1 = 2.75 USD a metre
    assert StockBalance.objects.get(warehouse=w.warehouse, item=w.item).value == Decimal("27.5")


# --- audit -----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_action_reads_as_a_sentence(w: World, member):
    _set_limit(w, "100")
    manager = member(Role.MANAGER)
    po = make_po(w, [line(w, "100", "2", item=True)], warehouse=w.warehouse)
    po = services.purchase_order_update(purchase_order=po, by=w.by, data={"notes": "Call the mill"})
    po = services.purchase_order_move(purchase_order=po, action="submit", by=w.by)
    po = services.purchase_order_move(purchase_order=po, action="reject", by=manager, reason="Check price")
    po = services.purchase_order_move(purchase_order=po, action="submit", by=w.by)
    po = services.purchase_order_move(purchase_order=po, action="approve", by=manager)
    po_line = PurchaseOrderLine.objects.get(purchase_order=po)
    services.purchase_order_amend(
        purchase_order=po, by=w.by, reason="Price down", lines=[{**line(w, "100", "1.9", item=True), "id": po_line.pk}]
    )
    po.refresh_from_db()
    po = (
        services.purchase_order_move(purchase_order=po, action="approve", by=manager)
        if po.status == states.SUBMITTED
        else po
    )
    receipt = services.receipt_create(purchase_order=po, by=w.by, lines=[{"po_line": po_line.pk, "quantity": "10"}])
    services.receipt_cancel(receipt=receipt, by=w.by, reason="Damaged")
    other = make_po(w, [line(w, "1", "1")])
    services.purchase_order_move(purchase_order=other, action="cancel", by=w.by, reason="Duplicate")
    events = list(
        AuditEvent.objects.filter(target_type="purchasing.purchaseorder")
        .select_related("actor")
        .order_by("created_at", "id")
    )
    sentences = {d.action: d.text for d in describe(events)}
    assert set(sentences) >= {str(a) for a in PurchaseOrderAction} | {"purchase_order.updated"}
    assert "submitted PO-000001 for approval" in sentences["purchase_order.submitted"]
    assert "sent PO-000001 back to draft: “Check price”" in sentences["purchase_order.rejected"]
    assert "amended PO-000001" in sentences["purchase_order.amended"]
    assert "recorded the receipt PO-000001-R1" in sentences["purchase_order.receipt_recorded"]
    assert "cancelled the receipt PO-000001-R1" in sentences["purchase_order.receipt_cancelled"]
    assert "cancelled PO-000002: “Duplicate”" in sentences["purchase_order.cancelled"]
