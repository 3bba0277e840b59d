"""LC rules against the real database, on hand-checked figures: tolerance boundaries on both sides, amendments
changing the amount and the dates (drawings before and after acceptance), expiry on banking days, the latest
shipment date, partial drawings and the 5 % rule, the utilised status, releases, back-to-back LCs, presentations and
discrepancies, and other organisations' shipments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tradeloom.audit.models import AuditEvent
from tradeloom.core.exceptions import ApplicationError
from tradeloom.lcs import selectors, services, states
from tradeloom.lcs.models import Amendment, LetterOfCredit, Utilisation
from tradeloom.lcs.tests.conftest import DAY, TODAY, lc_make, order_make, shipment_make
from tradeloom.logistics.tests.factories import ShipmentFactory

pytestmark = pytest.mark.django_db


def draw(ctx, lc, amount, *, by=None, currency="USD", shipped_on=None, shipment=None, **kwargs):
    return services.utilisation_draw(
        organization=ctx["org"],
        by=by or ctx["accounts"],
        lc=lc,
        amount=None if amount is None else Decimal(amount),
        currency=currency,
        shipped_on=shipped_on,
        shipment=shipment,
        **kwargs,
    )


def refused(code, fn, *args, **kwargs):
    with pytest.raises(ApplicationError) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def fresh(lc):
    return LetterOfCredit.objects.get(pk=lc.pk)


# --- recording and moving -------------------------------------------------------------------------------------------


def test_create_numbers_a_blank_lc_and_links_its_order(ctx):
    lc = lc_make(ctx, number="", issue=False)
    assert lc.number == f"LC-{TODAY.year}-0001"
    assert lc.status == states.PENDING
    assert lc.presentation_days == 21
    assert list(lc.order_links.values_list("order_id", flat=True)) == [ctx["order"].pk]
    assert AuditEvent.objects.filter(action="letter_of_credit.created", target_id=str(lc.pk)).exists()


def test_the_number_is_unique_per_issuing_bank(ctx):
    lc_make(ctx, number="A-1")
    refused("duplicate_lc_number", lc_make, ctx, number="A-1")
    other_bank = lc_make(ctx, number="A-1", issuing_bank="HSBC Dhaka")
    assert other_bank.number == "A-1"


def test_usance_needs_its_days_and_the_shipment_date_comes_before_expiry(ctx):
    error = refused("validation_error", lc_make, ctx, kind="usance")
    assert "usance_days" in error.extra["errors"]
    error = refused("validation_error", lc_make, ctx, latest_shipment_date=TODAY + 100 * DAY)
    assert "latest_shipment_date" in error.extra["errors"]
    assert lc_make(ctx, kind="usance", usance_days=90).usance_days == 90


def test_an_issued_lc_changes_only_by_amendment(ctx):
    pending = lc_make(ctx, issue=False)
    services.lc_update(lc=pending, by=ctx["accounts"], data={"amount": Decimal("90000.00")})
    issued = services.lc_move(lc=pending, action="issue", by=ctx["accounts"])
    refused("lc_not_editable", services.lc_update, lc=issued, by=ctx["accounts"], data={"amount": Decimal(1)})
    services.lc_update(lc=issued, by=ctx["accounts"], data={"notes": "original with the bank"})


def test_moves_follow_the_table(ctx):
    lc = lc_make(ctx)
    refused("invalid_transition", services.lc_move, lc=lc, action="issue", by=ctx["accounts"])
    refused("validation_error", services.lc_move, lc=lc, action="confirm", by=ctx["accounts"])
    lc = services.lc_move(lc=lc, action="confirm", by=ctx["accounts"], confirming_bank="Standard Chartered")
    assert lc.status == states.CONFIRMED
    assert lc.confirmed_on == TODAY
    refused("lc_not_expired", services.lc_move, lc=lc, action="expire", by=ctx["accounts"])
    refused("validation_error", services.lc_move, lc=lc, action="cancel", by=ctx["accounts"])
    lc = services.lc_move(lc=lc, action="cancel", by=ctx["accounts"], reason="buyer withdrew")
    assert lc.status == states.CANCELLED


def test_an_lc_expires_only_after_its_expiry_moved_to_a_banking_day(ctx, monkeypatch):
    # expiry Saturday 5 Dec 2026: still available on Monday 7 Dec, expirable on Tuesday 8 Dec
    lc = lc_make(ctx, expiry_date=date(2026, 12, 5), latest_shipment_date=None)
    from tradeloom.lcs.services import lcs as lc_services

    monkeypatch.setattr(lc_services.timezone, "localdate", lambda: date(2026, 12, 7))
    refused("lc_not_expired", services.lc_move, lc=lc, action="expire", by=ctx["accounts"])
    monkeypatch.setattr(lc_services.timezone, "localdate", lambda: date(2026, 12, 8))
    assert services.lc_move(lc=lc, action="expire", by=ctx["accounts"]).status == states.EXPIRED


def test_an_lc_with_drawings_cannot_be_cancelled(ctx):
    lc = lc_make(ctx)
    draw(ctx, lc, "100.00")
    refused("lc_has_drawings", services.lc_move, lc=lc, action="cancel", by=ctx["accounts"], reason="x")


# --- drawings: the amount ---------------------------------------------------------------------------------------------


def test_tolerance_boundaries_on_both_sides(ctx):
    # 50,000.00 ± 10 %: drawings may reach 55,000.00, not a cent more
    lc = lc_make(ctx, amount=Decimal("50000.00"), tolerance_percent=Decimal(10))
    draw(ctx, lc, "30000.00")
    error = refused("lc_amount_exceeded", draw, ctx, lc, "25000.01")
    assert error.status == 409
    assert error.extra["available"] == "25000.00"
    draw(ctx, lc, "25000.00")
    assert fresh(lc).utilised_amount == Decimal("55000.00")
    refused("lc_amount_exceeded", draw, ctx, lc, "0.01")


def test_the_cap_rounds_the_tolerance_to_cents(ctx):
    # 12,345.67 + 5 % (617.2835 → 617.28) = 12,962.95
    lc = lc_make(ctx, amount=Decimal("12345.67"), tolerance_percent=Decimal(5))
    refused("lc_amount_exceeded", draw, ctx, lc, "12962.96")
    draw(ctx, lc, "12962.95")


def test_without_tolerance_the_amount_is_the_limit(ctx):
    lc = lc_make(ctx)
    refused("lc_amount_exceeded", draw, ctx, lc, "100000.01")
    draw(ctx, lc, "100000.00")
    assert fresh(lc).status == states.UTILISED


def test_currency_and_status(ctx):
    lc = lc_make(ctx)
    refused("lc_currency_mismatch", draw, ctx, lc, "10.00", currency="EUR")
    pending = lc_make(ctx, number="P-1", issue=False)
    refused("lc_not_available", draw, ctx, pending, "10.00")
    services.lc_move(lc=pending, action="cancel", by=ctx["accounts"], reason="not opened")
    refused("lc_not_available", draw, ctx, pending, "10.00")
    refused("validation_error", draw, ctx, lc, "0.00")
    refused("validation_error", draw, ctx, lc, "1.001")


# --- drawings: the dates ---------------------------------------------------------------------------------------------


def test_expiry_moves_to_the_next_banking_day(ctx):
    # expires Saturday 5 Dec 2026: a drawing on Monday 7 Dec is in time, on Tuesday 8 Dec too late
    lc = lc_make(ctx, expiry_date=date(2026, 12, 5), latest_shipment_date=date(2026, 12, 5))
    draw(ctx, lc, "10.00", drawn_on=date(2026, 12, 7))
    error = refused("lc_expired", draw, ctx, lc, "10.00", drawn_on=date(2026, 12, 8))
    assert error.extra["expiry_date"] == "2026-12-07"


def test_the_latest_shipment_date_does_not_move_and_an_owner_may_waive_it(ctx):
    latest = date(2026, 12, 5)  # a Saturday: it stays the 5th
    lc = lc_make(ctx, latest_shipment_date=latest, expiry_date=latest + 30 * DAY)
    draw(ctx, lc, "10.00", shipped_on=latest)
    refused("lc_shipment_date_passed", draw, ctx, lc, "10.00", shipped_on=latest + DAY)
    refused("permission_denied", draw, ctx, lc, "10.00", shipped_on=latest + DAY, override_reason="applicant waived")
    drawing = draw(ctx, lc, "10.00", by=ctx["owner"], shipped_on=latest + DAY, override_reason="applicant waived")
    assert drawing.override_reason == "applicant waived"


def test_a_shipment_gives_its_departure_date_and_its_value(ctx):
    departed = TODAY - 3 * DAY
    shipment = shipment_make(ctx, ctx["order"], quantities=(400, 300), departed=departed)
    lc = lc_make(ctx)
    drawing = draw(ctx, lc, None, shipment=shipment)
    # 400 x 2.50 + 300 x 4.00 = 1,000.00 + 1,200.00
    assert drawing.amount == Decimal("2200.00")
    assert drawing.shipped_on == departed
    late = lc_make(ctx, number="LATE", latest_shipment_date=departed - DAY)
    refused("lc_shipment_date_passed", draw, ctx, late, None, shipment=shipment)


def test_another_organisations_or_customers_shipment_is_refused(ctx, other_org):
    lc = lc_make(ctx)
    foreign = ShipmentFactory.build(organization=other_org)
    foreign.pk = ShipmentFactory._meta.model().pk
    error = refused("validation_error", draw, ctx, lc, "10.00", shipment=foreign)
    assert error.extra["errors"]["shipment"] == ["No such shipment."]
    others = ShipmentFactory(organization=ctx["org"])
    error = refused("validation_error", draw, ctx, lc, "10.00", shipment=others)
    assert "another customer" in error.extra["errors"]["shipment"][0]


# --- drawings: partials ----------------------------------------------------------------------------------------------


def test_partials_prohibited_one_drawing_within_five_percent(ctx):
    lc = lc_make(ctx, partial_shipments_allowed=False)
    first = shipment_make(ctx, ctx["order"], quantities=(100, 100), departed=TODAY - DAY)
    second = shipment_make(ctx, ctx["order"], quantities=(100, 100), departed=TODAY - DAY)
    # 100,000.00 less 5 % = 95,000.00 at least
    refused("lc_partial_not_allowed", draw, ctx, lc, "94999.99", shipment=first)
    draw(ctx, lc, "95000.00", shipment=first)
    refused("lc_partial_not_allowed", draw, ctx, lc, "1000.00", shipment=second)
    refused("lc_partial_not_allowed", draw, ctx, lc, "1000.00")
    # several sets for the same shipment count as one shipment
    draw(ctx, lc, "5000.00", shipment=first)
    assert fresh(lc).utilised_amount == Decimal("100000.00")


def test_partials_allowed_take_several_shipments(ctx):
    lc = lc_make(ctx)
    draw(ctx, lc, "10000.00")
    draw(ctx, lc, "20000.00")
    assert fresh(lc).utilised_amount == Decimal("30000.00")


# --- utilised and released -------------------------------------------------------------------------------------------


def test_utilised_from_the_floor_and_back_on_release(ctx):
    # 100,000.00 ± 5 %: fully drawn from 95,000.00, drawable to 105,000.00
    lc = lc_make(ctx, tolerance_percent=Decimal(5))
    drawing = draw(ctx, lc, "94999.99")
    assert fresh(lc).status == states.ISSUED
    top = draw(ctx, lc, "0.01")
    assert fresh(lc).status == states.UTILISED
    extra = draw(ctx, lc, "10000.00")
    assert fresh(lc).utilised_amount == Decimal("105000.00")
    services.utilisation_release(organization=ctx["org"], by=ctx["accounts"], utilisation=extra, reason="void")
    assert fresh(lc).status == states.UTILISED
    services.utilisation_release(organization=ctx["org"], by=ctx["accounts"], utilisation=top, reason="void")
    lc = fresh(lc)
    assert lc.status == states.ISSUED
    assert lc.utilised_amount == Decimal("94999.99")
    refused(
        "already_released",
        services.utilisation_release,
        organization=ctx["org"],
        by=ctx["accounts"],
        utilisation=top,
        reason="again",
    )
    refused(
        "validation_error",
        services.utilisation_release,
        organization=ctx["org"],
        by=ctx["accounts"],
        utilisation=drawing,
        reason=" ",
    )


def test_a_confirmed_lc_goes_back_to_confirmed(ctx):
    lc = lc_make(ctx, confirming_bank="Standard Chartered")
    services.lc_move(lc=lc, action="confirm", by=ctx["accounts"])
    drawing = draw(ctx, lc, "100000.00")
    assert fresh(lc).status == states.UTILISED
    services.utilisation_release(organization=ctx["org"], by=ctx["accounts"], utilisation=drawing, reason="void")
    assert fresh(lc).status == states.CONFIRMED


# --- amendments ------------------------------------------------------------------------------------------------------


def test_an_amendment_binds_only_once_accepted(ctx):
    lc = lc_make(ctx, latest_shipment_date=TODAY + 10 * DAY)
    draw(ctx, lc, "90000.00")
    amendment = services.amendment_propose(
        lc=lc,
        by=ctx["accounts"],
        changes={"amount": "120000.00", "latest_shipment_date": (TODAY + 40 * DAY).isoformat()},
    )
    assert amendment.revision == 1
    assert amendment.changes["amount"] == ["100000.00", "120000.00"]
    # before acceptance the original terms stand: 10,000.00 left, shipment by the old date
    refused("lc_amount_exceeded", draw, ctx, lc, "20000.00")
    refused("lc_shipment_date_passed", draw, ctx, lc, "100.00", shipped_on=TODAY + 20 * DAY)
    services.amendment_accept(amendment=amendment, by=ctx["accounts"])
    lc = fresh(lc)
    assert lc.amount == Decimal("120000.00")
    assert lc.revision == 1
    draw(ctx, lc, "20000.00", shipped_on=TODAY + 20 * DAY)
    assert fresh(lc).utilised_amount == Decimal("110000.00")
    terms = selectors.lc_terms(fresh(lc))
    assert terms.amended == {"amount": 1, "latest_shipment_date": 1}
    assert terms.cap == Decimal("120000.00")
    assert terms["amount"] == Decimal("120000.00")
    detail = selectors.lc_detail(organization=ctx["org"], membership=None, lc_id=lc.pk)
    assert detail.original["amount"] == "100000.00"
    assert detail.original["latest_shipment_date"] == (TODAY + 10 * DAY).isoformat()


def test_an_amendment_reducing_the_amount_makes_the_lc_utilised(ctx):
    lc = lc_make(ctx)
    draw(ctx, lc, "80000.00")
    amendment = services.amendment_propose(lc=lc, by=ctx["accounts"], changes={"amount": "80000.00"})
    services.amendment_accept(amendment=amendment, by=ctx["accounts"])
    assert fresh(lc).status == states.UTILISED
    # below what was drawn: refused when proposed
    refused("lc_amount_exceeded", services.amendment_propose, lc=lc, by=ctx["accounts"], changes={"amount": "79999.99"})


def test_one_amendment_at_a_time_all_or_nothing(ctx):
    lc = lc_make(ctx)
    first = services.amendment_propose(lc=lc, by=ctx["accounts"], changes={"tolerance_percent": "10"})
    refused("amendment_pending", services.amendment_propose, lc=lc, by=ctx["accounts"], changes={"amount": "1.00"})
    refused("validation_error", services.amendment_reject, amendment=first, by=ctx["accounts"], reason="")
    services.amendment_reject(amendment=first, by=ctx["accounts"], reason="accepting only part is a rejection")
    refused("amendment_decided", services.amendment_accept, amendment=first, by=ctx["accounts"])
    assert fresh(lc).tolerance_percent == 0
    assert fresh(lc).revision == 0
    second = services.amendment_propose(lc=lc, by=ctx["accounts"], changes={"partial_shipments_allowed": False})
    assert second.revision == 2
    services.amendment_accept(amendment=second, by=ctx["accounts"])
    lc = fresh(lc)
    assert lc.partial_shipments_allowed is False
    assert lc.revision == 2
    assert list(Amendment.objects.filter(letter_of_credit=lc).values_list("status", flat=True)) == [
        "rejected",
        "accepted",
    ]


def test_amendments_refuse_unknown_terms_no_change_and_pending_lcs(ctx):
    lc = lc_make(ctx)
    refused("field_not_editable", services.amendment_propose, lc=lc, by=ctx["accounts"], changes={"customer": 1})
    refused("validation_error", services.amendment_propose, lc=lc, by=ctx["accounts"], changes={"amount": "100000"})
    error = refused(
        "validation_error",
        services.amendment_propose,
        lc=lc,
        by=ctx["accounts"],
        changes={"latest_shipment_date": (TODAY + 200 * DAY).isoformat()},
    )
    assert "latest_shipment_date" in error.extra["errors"]
    pending = lc_make(ctx, number="P", issue=False)
    refused("lc_not_amendable", services.amendment_propose, lc=pending, by=ctx["accounts"], changes={"amount": "1"})


def test_an_extended_expiry_lets_a_late_drawing_through(ctx):
    lc = lc_make(ctx, expiry_date=date(2026, 12, 4), latest_shipment_date=date(2026, 12, 1))
    refused("lc_expired", draw, ctx, lc, "10.00", drawn_on=date(2026, 12, 10))
    amendment = services.amendment_propose(
        lc=lc, by=ctx["accounts"], changes={"expiry_date": "2026-12-31"}, issue_date=date(2026, 11, 1)
    )
    refused("lc_expired", draw, ctx, lc, "10.00", drawn_on=date(2026, 12, 10))
    services.amendment_accept(amendment=amendment, by=ctx["accounts"], on=date(2026, 11, 2))
    draw(ctx, lc, "10.00", drawn_on=date(2026, 12, 10))


# --- back-to-back ----------------------------------------------------------------------------------------------------


def test_a_back_to_back_lc_stays_within_its_master(ctx):
    master = lc_make(ctx, number="M-1")
    common = {"role": "back_to_back", "master": master, "supplier": ctx["supplier"], "issue": False}
    # 95,000.00 + 5 % = 99,750.00 ≤ 100,000.00
    child = lc_make(ctx, number="B-1", amount=Decimal("95000.00"), tolerance_percent=Decimal(5), **common)
    assert child.customer_id == master.customer_id
    # 96,000.00 + 5 % = 100,800.00 > 100,000.00
    error = refused(
        "lc_back_to_back_exceeds",
        lc_make,
        ctx,
        number="B-2",
        amount=Decimal("96000.00"),
        tolerance_percent=Decimal(5),
        **common,
    )
    assert "amount" in error.extra["errors"]
    error = refused(
        "lc_back_to_back_exceeds",
        lc_make,
        ctx,
        number="B-3",
        amount=Decimal("50000.00"),
        expiry_date=master.expiry_date + DAY,
        **common,
    )
    assert "expiry_date" in error.extra["errors"]
    # an amendment of the back-to-back beyond the master is refused too
    child = services.lc_move(lc=child, action="issue", by=ctx["accounts"])
    refused(
        "lc_back_to_back_exceeds",
        services.amendment_propose,
        lc=child,
        by=ctx["accounts"],
        changes={"amount": "99000.00"},
    )


# --- presentations ---------------------------------------------------------------------------------------------------


def test_a_presentation_its_checklist_discrepancies_and_refusal(ctx):
    lc = lc_make(ctx)
    drawing = draw(ctx, lc, "5000.00", shipped_on=TODAY - 30 * DAY)
    presentation = services.presentation_add(
        lc=lc, by=ctx["accounts"], utilisation=drawing, documents=["commercial_invoice", "packing_list"]
    )
    assert presentation.documents[:3] == [
        {"document": "commercial_invoice", "presented": True},
        {"document": "packing_list", "presented": True},
        {"document": "transport_document", "presented": False},
    ]
    # shipped 30 days ago with 21 days to present: late
    assert presentation.late is True
    assert presentation.decision_due.weekday() < 5
    assert presentation.decision_due > TODAY
    discrepancy = services.discrepancy_raise(presentation=presentation, by=ctx["accounts"], text="Late presentation")
    presentation.refresh_from_db()
    assert presentation.status == "discrepant"
    refused(
        "discrepancies_open",
        services.presentation_decide,
        presentation=presentation,
        by=ctx["accounts"],
        outcome="accepted",
    )
    services.presentation_decide(presentation=presentation, by=ctx["accounts"], outcome="refused", reason="late")
    assert Utilisation.objects.get(pk=drawing.pk).released_at is not None
    assert fresh(lc).utilised_amount == 0
    refused(
        "presentation_closed",
        services.discrepancy_raise,
        presentation=presentation,
        by=ctx["accounts"],
        text="more",
    )
    assert discrepancy.status == "open"


def test_a_waived_discrepancy_lets_the_presentation_be_accepted(ctx):
    lc = lc_make(ctx)
    drawing = draw(ctx, lc, "5000.00", shipped_on=TODAY - 2 * DAY)
    presentation = services.presentation_add(lc=lc, by=ctx["accounts"], utilisation=drawing)
    assert presentation.late is False
    discrepancy = services.discrepancy_raise(presentation=presentation, by=ctx["accounts"], text="Typo in B/L")
    services.discrepancy_resolve(discrepancy=discrepancy, by=ctx["accounts"], outcome="waived")
    refused(
        "discrepancy_closed",
        services.discrepancy_resolve,
        discrepancy=discrepancy,
        by=ctx["accounts"],
        outcome="corrected",
    )
    services.presentation_decide(presentation=presentation, by=ctx["accounts"], outcome="accepted")
    assert Utilisation.objects.get(pk=drawing.pk).released_at is None


def test_order_and_lcs_selector(ctx):
    lc = lc_make(ctx, tolerance_percent=Decimal(10))
    draw(ctx, lc, "30000.00")
    other = order_make(ctx["org"], ctx["owner"], ctx["customer"], ctx["unit"], po="PO-2")
    services.lc_order_link(lc=lc, by=ctx["accounts"], order=other)
    refused("already_linked", services.lc_order_link, lc=lc, by=ctx["accounts"], order=other)
    rows = selectors.order_lcs(organization=ctx["org"], order=other)
    assert [r.pk for r in rows] == [lc.pk]
    assert rows[0].cap == Decimal("110000.00")
    assert rows[0].open_amount == Decimal("80000.00")
    services.lc_order_unlink(lc=lc, by=ctx["accounts"], order=other)
    assert selectors.order_lcs(organization=ctx["org"], order=other) == []


def test_exposure_by_bank_customer_and_month(ctx):
    a = lc_make(
        ctx,
        number="E-1",
        tolerance_percent=Decimal(10),
        expiry_date=date(2027, 3, 31),
        latest_shipment_date=date(2027, 3, 1),
    )
    lc_make(
        ctx,
        number="E-2",
        amount=Decimal("20000.00"),
        issuing_bank="HSBC",
        expiry_date=date(2027, 3, 5),
        latest_shipment_date=None,
    )
    lc_make(ctx, number="E-3", issue=False)  # pending: no exposure yet
    draw(ctx, a, "10000.00")
    exposure = selectors.lc_exposure(organization=ctx["org"])
    by_bank = {r["issuing_bank"]: r["open"] for r in exposure.by_bank}
    # 100,000 + 10 % - 10,000 = 100,000.00; 20,000.00
    assert by_bank == {"Deutsche Bank Hamburg": Decimal("100000.00"), "HSBC": Decimal("20000.00")}
    assert [(r["month"], r["open"], r["count"]) for r in exposure.by_month] == [
        (date(2027, 3, 1), Decimal("120000.00"), 2)
    ]
    assert exposure.by_customer[0]["open"] == Decimal("120000.00")
