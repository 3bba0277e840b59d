"""Proforma rules against the real database, with hand-checked figures: making PIs from all or chosen lines, by
quantity and by amount (percent or amount), tax per line, the price and quantity rules, editing drafts, every move
and refusal, revisions and their diff, the order-value rule on both sides of its limit and its override, the
numbering (yearly by PI date) and other organisations' orders."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.proformas import selectors, services, states
from tradeloom.proformas.models import ProformaInvoice, ProformaLine
from tradeloom.sales.models import Line, Order
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def ctx(org, member):
    """An order at 5 % tax with 2 % tolerance: NAVY 1,000 m x 4.25 = 4,250.00 (tax 212.50) and WHITE 500 m x
    3.3333 = 1,666.65 at its own 7.5 % (tax 124.99875 → 125.00): 6,254.15 incl. tax, limit 6,254.15 + 125.08
    (125.083) = 6,379.23."""
    owner, merch, admin = member(Role.OWNER), member(Role.MERCHANDISER), member(Role.ADMIN)
    with tenant_context(org):
        unit = UnitFactory(organization=org, code="m")
        order = OrderFactory(organization=org, tax_rate=D("5"), shipment_tolerance_percent=D("2"), currency="EUR")
        style = StyleFactory(organization=org, order=order, style_number="TEE")
        navy = LineFactory(
            organization=org, style=style, colour_code="NAVY", quantity=D(1000), unit=unit, selling_price=D("4.25")
        )
        white = LineFactory(
            organization=org,
            style=style,
            colour_code="WHITE",
            quantity=D(500),
            unit=unit,
            selling_price=D("3.3333"),
            tax_rate=D("7.5"),
            position=1,
        )
        yield {"org": org, "owner": owner, "merch": merch, "admin": admin, "order": order, "navy": navy, "white": white}


def make(ctx, lines=None, by=None, **data):
    return services.proforma_create(
        organization=ctx["org"], by=by or ctx["merch"], order=ctx["order"], data=data, lines=lines
    )


def move(ctx, pi, action, by=None, **kwargs):
    return services.proforma_move(proforma=pi, action=action, by=by or ctx["merch"], **kwargs)


def refused(call, code):
    with pytest.raises(ApplicationError) as exc:
        call()
    assert exc.value.code == code, exc.value.message
    return exc.value


def test_all_lines_by_quantity_copies_prices_and_rates_and_sums_rounded_lines(ctx):
    pi = make(ctx)
    rows = list(ProformaLine.objects.filter(proforma=pi).order_by("position"))
    assert [(r.line_id, r.quantity, r.unit_price, r.amount, r.tax_rate, r.tax) for r in rows] == [
        (ctx["navy"].pk, D("1000.000"), D("4.2500"), D("4250.00"), D("5.00"), D("212.50")),
        (ctx["white"].pk, D("500.000"), D("3.3333"), D("1666.65"), D("7.50"), D("125.00")),
    ]
    assert (pi.subtotal, pi.tax, pi.total) == (D("5916.65"), D("337.50"), D("6254.15"))
    assert (pi.currency, pi.customer_id, pi.status, pi.revision) == ("EUR", ctx["order"].customer_id, "draft", 1)
    assert pi.number == f"PI-{pi.pi_date.year}-0001"
    assert AuditEvent.objects.filter(action="proforma.created", target_id=str(pi.pk)).exists()
    # a later change of the order does not change the PI
    Line.objects.filter(pk=ctx["navy"].pk).update(selling_price=D("9"), tax_rate=D("20"))
    assert ProformaLine.objects.get(proforma=pi, line=ctx["navy"]).amount == D("4250.00")


def test_chosen_lines_by_percent_and_by_amount(ctx):
    # 30 % of 4,250.00 = 1,275.00 (tax 63.75); 33.33 % of 1,666.65 = 555.494445 → 555.49 (tax 7.5 % 41.66175 → 41.66)
    pi = make(
        ctx,
        lines=[
            {"line": ctx["navy"].pk, "basis": "amount", "percent": "30"},
            {"line": ctx["white"].pk, "basis": "amount", "percent": "33.33"},
        ],
    )
    assert [(r.amount, r.tax, r.quantity) for r in pi.lines.order_by("position")] == [
        (D("1275.00"), D("63.75"), None),
        (D("555.49"), D("41.66"), None),
    ]
    assert (pi.subtotal, pi.tax, pi.total) == (D("1830.49"), D("105.41"), D("1935.90"))
    # an amount: 100.10 at 5 % = 5.005 → 5.01 (half up)
    pi2 = make(ctx, lines=[{"line": ctx["navy"].pk, "basis": "amount", "amount": "100.10"}])
    assert (pi2.subtotal, pi2.tax, pi2.total) == (D("100.10"), D("5.01"), D("105.11"))


def test_line_amount_and_percent_bounds(ctx):
    navy = ctx["navy"].pk
    err = refused(lambda: make(ctx, lines=[{"line": navy, "basis": "amount", "amount": "4250.01"}]), "validation_error")
    assert "lines.0.amount" in err.extra["errors"]
    make(ctx, lines=[{"line": navy, "basis": "amount", "amount": "4250.00"}])
    refused(lambda: make(ctx, lines=[{"line": navy, "basis": "amount", "percent": "100.01"}]), "validation_error")
    refused(lambda: make(ctx, lines=[{"line": navy, "basis": "amount", "percent": "0"}]), "validation_error")
    refused(
        lambda: make(ctx, lines=[{"line": navy, "basis": "amount", "percent": "5", "amount": "3"}]), "validation_error"
    )
    refused(lambda: make(ctx, lines=[{"line": navy, "basis": "amount"}]), "validation_error")
    refused(lambda: make(ctx, lines=[{"line": navy, "basis": "quantity", "percent": "5"}]), "validation_error")
    refused(lambda: make(ctx, lines=[{"line": navy, "quantity": "0"}]), "validation_error")
    refused(lambda: make(ctx, lines=[{"line": navy, "quantity": "abc"}]), "validation_error")
    refused(lambda: make(ctx, lines=[{"line": navy}, {"line": navy}]), "validation_error")
    refused(lambda: make(ctx, lines=[]), "validation_error")


def test_a_line_without_a_selling_price_cannot_be_on_a_pi(ctx):
    Line.objects.filter(pk=ctx["white"].pk).update(selling_price=None)
    err = refused(lambda: make(ctx), "proforma_price_missing")
    assert err.status == 409
    assert "lines.1.line" in err.extra["errors"]
    refused(lambda: make(ctx, lines=[{"line": ctx["white"].pk, "quantity": "1"}]), "proforma_price_missing")
    assert make(ctx, lines=[{"line": ctx["navy"].pk}]).total == D("4462.50")


def test_quantity_is_bounded_by_what_is_not_on_sent_or_accepted_pis(ctx):
    first = make(ctx, lines=[{"line": ctx["navy"].pk, "quantity": "600"}])
    # drafts hold nothing: a second draft may take all 1,000
    draft = make(ctx, lines=[{"line": ctx["navy"].pk, "quantity": "1000"}])
    move(ctx, first, "send")
    # 1,000 - 600 sent = 400 left
    err = refused(
        lambda: make(ctx, lines=[{"line": ctx["navy"].pk, "quantity": "400.001"}]), "proforma_quantity_exceeded"
    )
    assert err.status == 409
    assert "lines.0.quantity" in err.extra["errors"]
    assert make(ctx, lines=[{"line": ctx["navy"].pk, "quantity": "400"}]).subtotal == D("1700.00")
    # the draft of 1,000 cannot be sent now
    refused(lambda: move(ctx, draft, "send"), "proforma_quantity_exceeded")
    # without a quantity a line takes what is left; all lines skip what is wholly on PIs
    pi = make(ctx, lines=[{"line": ctx["navy"].pk}])
    assert pi.lines.get().quantity == D(400)
    # a cancelled PI gives its quantity back
    move(ctx, first, "cancel", reason="Buyer reduced the order")
    assert make(ctx, lines=[{"line": ctx["navy"].pk}]).lines.get().quantity == D(1000)


def test_every_line_already_on_pis(ctx):
    pi = make(ctx)
    move(ctx, pi, "send")
    refused(lambda: make(ctx), "proforma_nothing_left")


def test_header_rules_and_defaults(ctx, other_org):
    refused(lambda: make(ctx, pi_date=date(2026, 5, 2), valid_until=date(2026, 5, 1)), "validation_error")
    pi = make(ctx, pi_date=date(2026, 5, 2), valid_until=date(2026, 5, 2), bank_details="HSBC Dhaka, SWIFT HSBCBDDH")
    assert pi.valid_until == date(2026, 5, 2)
    # the previous PI's bank details are the next one's default
    assert make(ctx).bank_details == "HSBC Dhaka, SWIFT HSBCBDDH"
    refused(lambda: make(ctx, number="PI-X"), "field_not_editable")
    Order.objects.filter(pk=ctx["order"].pk).update(status=Order.Status.CANCELLED)
    ctx["order"].refresh_from_db()
    refused(lambda: make(ctx), "order_closed")


def test_a_draft_is_edited_with_if_match_and_a_sent_pi_is_not(ctx):
    pi = make(ctx)
    pi = services.proforma_update(
        proforma=pi,
        by=ctx["merch"],
        data={"notes": "Shipment in two lots"},
        lines=[{"line": ctx["navy"].pk, "quantity": "100"}],
        expected_version=1,
    )
    assert (pi.version, pi.notes, pi.line_count, pi.total) == (2, "Shipment in two lots", 1, D("446.25"))
    refused(
        lambda: services.proforma_update(proforma=pi, by=ctx["merch"], data={"notes": "x"}, expected_version=1),
        "precondition_failed",
    )
    event = AuditEvent.objects.get(action="proforma.updated", target_id=str(pi.pk))
    assert event.changes["total"] == ["EUR 6,254.15", "EUR 446.25"]
    move(ctx, pi, "send")
    refused(
        lambda: services.proforma_update(proforma=pi, by=ctx["merch"], data={"notes": "x"}), "proforma_not_editable"
    )


def test_moves_follow_the_table(ctx):
    pi = make(ctx)
    refused(lambda: move(ctx, pi, "accept"), "invalid_transition")
    refused(lambda: move(ctx, pi, "send", on=pi.pi_date + timedelta(days=1)), "validation_error")  # the future
    refused(lambda: move(ctx, pi, "send", on=pi.pi_date - timedelta(days=1)), "validation_error")  # before the date
    pi = move(ctx, pi, "send")
    assert (pi.status, pi.sent_on) == ("sent", pi.pi_date)
    pi = move(ctx, pi, "accept", reference="BUYER-PO-88")
    assert (pi.status, pi.accepted_on, pi.accepted_reference, pi.accepted_by_id) == (
        "accepted",
        pi.pi_date,
        "BUYER-PO-88",
        ctx["merch"].user_id,
    )
    assert [e.action for e in AuditEvent.objects.filter(target_id=str(pi.pk)).order_by("created_at", "id")][-2:] == [
        "proforma.sent",
        "proforma.accepted",
    ]
    refused(lambda: move(ctx, pi, "cancel"), "validation_error")  # a reason
    pi = move(ctx, pi, "cancel", reason="Order replaced")
    assert (pi.status, pi.status_reason) == ("cancelled", "Order replaced")
    refused(lambda: move(ctx, pi, "send"), "invalid_transition")
    assert states.TRANSITIONS["cancelled"] == frozenset()
    assert states.TRANSITIONS["superseded"] == frozenset()


def test_revising_supersedes_and_keeps_the_number_and_shows_a_diff(ctx):
    pi = make(ctx, lines=[{"line": ctx["navy"].pk, "quantity": "600"}])
    refused(lambda: services.proforma_revise(proforma=pi, by=ctx["merch"]), "proforma_not_revisable")
    pi = move(ctx, pi, "send")
    pi = move(ctx, pi, "accept")
    rev = services.proforma_revise(
        proforma=pi,
        by=ctx["merch"],
        data={"notes": "Price agreed again"},
        lines=[
            {"line": ctx["navy"].pk, "quantity": "700"},
            {"line": ctx["white"].pk, "basis": "amount", "percent": "50"},
        ],
    )
    pi.refresh_from_db()
    assert (rev.number, rev.revision, rev.status, rev.previous_id) == (pi.number, 2, "draft", pi.pk)
    assert pi.status == "superseded"
    # 700 x 4.25 = 2,975.00 + 148.75; 50 % of 1,666.65 = 833.325 → 833.33 + 7.5 % (62.49975 → 62.50)
    assert (rev.subtotal, rev.tax, rev.total) == (D("3808.33"), D("211.25"), D("4019.58"))
    # the superseded revision cannot move; its own quantity does not count against the revision
    refused(lambda: move(ctx, pi, "cancel", reason="x"), "invalid_transition")
    rev = move(ctx, rev, "send")
    detail = selectors.proforma_detail(organization=ctx["org"], membership=ctx["owner"], proforma_id=rev.pk)
    diff = detail.diff
    assert [c.field for c in diff.header] == ["notes", "subtotal", "tax", "total"]
    assert [r.line_id for r in diff.added] == [ctx["white"].pk]
    assert diff.removed == []
    assert [(c.field, c.old, c.new) for c in diff.changed[0].changes] == [
        ("quantity", D("600.000"), D("700.000")),
        ("amount", D("2550.00"), D("2975.00")),
        ("tax", D("127.50"), D("148.75")),
    ]
    assert [r.revision for r in detail.revisions] == [1, 2]
    assert detail.is_latest
    # the list and the order's PIs show the latest revision
    assert list(selectors.order_proformas(organization=ctx["org"], order=ctx["order"])) == [rev]
    # without new lines a revision copies the lines as they were
    rev3 = services.proforma_revise(proforma=rev, by=ctx["merch"])
    assert (rev3.revision, rev3.total) == (3, rev.total)
    assert AuditEvent.objects.filter(action="proforma.superseded", target_id=str(rev.pk)).exists()


def _accept(ctx, pi, by=None, **kwargs):
    pi = move(ctx, pi, "send")
    return move(ctx, pi, "accept", by=by, **kwargs)


def test_accepted_pis_up_to_the_limit_and_one_cent_beyond(ctx):
    full = make(ctx)  # 6,254.15
    _accept(ctx, full)
    # the limit: 6,254.15 + 2 % (125.083 → 125.08) = 6,379.23; 119.12 + 5 % (5.956 → 5.96) = 125.08 fits exactly
    fits = make(ctx, lines=[{"line": ctx["navy"].pk, "basis": "amount", "amount": "119.12"}])
    assert fits.total == D("125.08")
    over = make(ctx, lines=[{"line": ctx["navy"].pk, "basis": "amount", "amount": "119.13"}])
    assert over.total == D("125.09")
    over = move(ctx, over, "send")
    err = refused(lambda: move(ctx, over, "accept"), "proforma_over_order_value")
    assert err.status == 409
    assert (err.extra["limit"], err.extra["order_total"], err.extra["accepted"], err.extra["accepted_after"]) == (
        "6379.23",
        "6254.15",
        "6254.15",
        "6379.24",
    )
    assert _accept(ctx, fits).status == "accepted"  # exactly at the limit


def test_over_the_limit_needs_an_owner_or_admin_with_a_reason(ctx):
    _accept(ctx, make(ctx))
    over = move(ctx, make(ctx, lines=[{"line": ctx["navy"].pk, "basis": "amount", "amount": "200"}]), "send")
    refused(lambda: move(ctx, over, "accept", by=ctx["merch"], override_reason="Buyer asked"), "permission_denied")
    over = move(ctx, over, "accept", by=ctx["admin"], override_reason="Price increase agreed by mail")
    assert (over.status, over.override_reason) == ("accepted", "Price increase agreed by mail")
    assert AuditEvent.objects.filter(action="proforma.over_order_value_allowed", target_id=str(over.pk)).exists()


def test_the_organisations_tolerance_when_the_order_has_none(ctx):
    Order.objects.filter(pk=ctx["order"].pk).update(shipment_tolerance_percent=None)
    ctx["org"].settings = {**(ctx["org"].settings or {}), "shipment_tolerance_percent": 0}
    ctx["org"].save(update_fields=["settings"])
    _accept(ctx, make(ctx))
    # 0 %: not one cent more (0.01 at 5 % = 0.0005 → 0.00 tax: total 0.01)
    extra = move(ctx, make(ctx, lines=[{"line": ctx["navy"].pk, "basis": "amount", "amount": "0.01"}]), "send")
    err = refused(lambda: move(ctx, extra, "accept"), "proforma_over_order_value")
    assert (err.extra["limit"], err.extra["tolerance_percent"]) == ("6254.15", "0")


def test_a_revision_of_an_accepted_pi_is_checked_without_its_previous_revision(ctx):
    pi = _accept(ctx, make(ctx))
    rev = services.proforma_revise(proforma=pi, by=ctx["merch"])
    assert _accept(ctx, rev).status == "accepted"


def test_numbers_are_yearly_by_pi_date_and_per_organisation(ctx, other_org, member):
    a = make(ctx, pi_date=date(2025, 12, 31))
    b = make(ctx, pi_date=date(2026, 1, 1))
    c = make(ctx, pi_date=date(2026, 1, 2))
    d = make(ctx, pi_date=date(2025, 12, 30))
    assert [a.number, b.number, c.number, d.number] == ["PI-2025-0001", "PI-2026-0001", "PI-2026-0002", "PI-2025-0002"]
    with tenant_context(other_org):
        other = OrderFactory(organization=other_org)
        LineFactory(organization=other_org, style__order=other)
        pi = services.proforma_create(
            organization=other_org,
            by=member(Role.OWNER, organization=other_org),
            order=other,
            data={"pi_date": date(2026, 3, 1)},
        )
    assert pi.number == "PI-2026-0001"


def test_another_organisations_order_is_refused(ctx, other_org):
    with tenant_context(other_org):
        other = OrderFactory(organization=other_org)
    with pytest.raises((ApplicationError, Order.DoesNotExist)):
        services.proforma_create(organization=ctx["org"], by=ctx["merch"], order=other)
    assert not ProformaInvoice.objects.filter(order=other).exists()
