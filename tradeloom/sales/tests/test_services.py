"""Sales-order rules: creation in bulk, numbering, merge, line transitions, deliveries, mill offers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.partners.tests.factories import CustomerFactory, SupplierFactory
from tradeloom.sales import services
from tradeloom.sales.models import Line, MillOffer, Order, Style
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(org, member):
    merch = member(Role.MERCHANDISER)
    units = {
        "m": UnitFactory(organization=org, code="m", dimension="length", factor=D("1")),
        "yd": UnitFactory(organization=org, code="yd", dimension="length", factor=D("0.9144")),
        "kg": UnitFactory(organization=org, code="kg", dimension="mass", factor=D("1")),
    }
    customer = CustomerFactory(organization=org, legal_name="Nordic Apparel")
    mill = SupplierFactory(organization=org, legal_name="Arvind Mills")
    with tenant_context(org, user=merch.user):
        yield {"org": org, "by": merch, "units": units, "customer": customer, "mill": mill}


def order_data(ctx, **extra):
    return {
        "po_number": "PO-4711",
        "customer": ctx["customer"],
        "currency": "USD",
        "order_date": date(2026, 11, 1),
        **extra,
    }


def line(ctx, colour, cad="", qty="1000", unit="m", **extra):
    return {
        "colour_code": colour,
        "cad_code": cad,
        "quantity": D(qty),
        "unit": ctx["units"][unit],
        "selling_price": D("4.25"),
        **extra,
    }


def create(ctx, styles, merge=False, **extra):
    created = services.order_create(
        organization=ctx["org"], by=ctx["by"], data=order_data(ctx, **extra), styles=styles, merge=merge
    )
    return created.order, created.merged


def test_create_an_order_with_two_styles_and_three_lines(ctx):
    order, merged = create(
        ctx,
        [
            {"style_number": "TEE-100", "lines": [line(ctx, "NAVY"), line(ctx, "WHITE")]},
            {"lines": [line(ctx, "BLACK", cad="CAD-7")]},
        ],
    )
    assert merged is False
    assert order.number == "SO-000001"
    assert [s.style_number for s in Style.objects.filter(order=order)] == ["TEE-100", "PO-4711-01"]
    assert [str(x) for x in Line.objects.filter(order=order)] == ["NAVY", "WHITE", "BLACK/CAD-7"]
    event = AuditEvent.objects.get(action="sales_order.created", target_id=str(order.pk))
    assert event.changes["lines"] == [None, 3]


def test_numbers_follow_each_other(ctx):
    first, _ = create(ctx, [{"lines": [line(ctx, "A")]}])
    second, _ = create(ctx, [{"lines": [line(ctx, "A")]}], po_number="PO-2")
    assert (first.number, second.number) == ("SO-000001", "SO-000002")


def test_creating_fifty_lines_costs_a_constant_number_of_queries(ctx, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    create(ctx, [{"lines": [line(ctx, "WARM-UP")]}], po_number="PO-0")  # the sequence row exists from now on
    with CaptureQueriesContext(connection) as small:
        create(ctx, [{"lines": [line(ctx, "ONLY")]}], po_number="PO-1")
    styles = [{"lines": [line(ctx, f"C{s}-{i}") for i in range(10)]} for s in range(5)]
    # 10: savepoint, sequence, order, styles, lines, default gates (select + insert), audit, release
    with django_assert_max_num_queries(budget("service.order_create")), CaptureQueriesContext(connection) as large:
        order, _ = create(ctx, styles, po_number="PO-50")
    assert len(large) == len(small)
    assert Line.objects.filter(order=order).count() == 50


@pytest.mark.parametrize(
    ("styles", "field"),
    [
        ([{"lines": [{"colour_code": "NAVY", "cad_code": "", "quantity": D("1"), "unit": None}]}], "unit"),
        ([{"lines": []}], "lines"),
    ],
)
def test_invalid_styles_are_refused_and_nothing_is_written(ctx, styles, field):
    with pytest.raises(ApplicationError) as refused:
        create(ctx, styles)
    assert any(key.endswith(field) for key in refused.value.extra["errors"])
    assert not Order.objects.exists()


def test_a_colour_twice_in_a_style_is_refused_even_without_cad(ctx):
    with pytest.raises(ApplicationError) as refused:
        create(ctx, [{"lines": [line(ctx, "NAVY"), line(ctx, "navy ")]}])
    assert "styles.0.lines.1.colour_code" in refused.value.extra["errors"]


def test_the_same_colour_with_different_cads_is_two_lines(ctx):
    order, _ = create(ctx, [{"lines": [line(ctx, "NAVY", cad="A"), line(ctx, "NAVY", cad="B"), line(ctx, "NAVY")]}])
    assert Line.objects.filter(order=order).count() == 3


def test_eta_before_etd_is_refused(ctx):
    with pytest.raises(ApplicationError) as refused:
        create(ctx, [{"lines": [line(ctx, "A")]}], etd=date(2026, 12, 1), eta=date(2026, 11, 1))
    assert refused.value.code == "validation_error"


# --- merge -----


def test_merging_a_repeated_po_appends_and_adds_up(ctx):
    order, _ = create(ctx, [{"style_number": "TEE", "lines": [line(ctx, "NAVY"), line(ctx, "RED", cad="C1")]}])
    again, merged = create(
        ctx,
        [
            {
                "style_number": "TEE",
                "lines": [line(ctx, "NAVY", qty="500"), line(ctx, "RED", qty="100"), line(ctx, "GREEN")],
            },
            {"style_number": "POLO", "lines": [line(ctx, "WHITE")]},
        ],
        merge=True,
    )
    assert merged is True
    assert again.pk == order.pk
    quantities = {str(x): x.quantity for x in Line.objects.filter(order=order)}
    # NAVY (no CAD) matched and grew; RED without CAD is not RED/C1, so it is a new line
    assert quantities == {
        "NAVY": D("1500"),
        "RED/C1": D("1000"),
        "RED": D("100"),
        "GREEN": D("1000"),
        "WHITE": D("1000"),
    }
    assert Order.objects.count() == 1
    event = AuditEvent.objects.get(action="sales_order.merged")
    assert event.changes == {"styles_added": [0, 1], "lines_added": [0, 3], "lines_increased": [0, 1]}


def test_merge_converts_quantities_into_the_lines_unit(ctx):
    order, _ = create(ctx, [{"style_number": "TEE", "lines": [line(ctx, "NAVY", qty="100", unit="m")]}])
    create(ctx, [{"style_number": "TEE", "lines": [line(ctx, "NAVY", qty="100", unit="yd")]}], merge=True)
    assert Line.objects.get(order=order).quantity == D("191.440")


def test_without_merge_a_repeated_po_is_a_new_order(ctx):
    create(ctx, [{"lines": [line(ctx, "A")]}])
    create(ctx, [{"lines": [line(ctx, "A")]}])
    assert Order.objects.filter(po_number="PO-4711").count() == 2


def test_merge_only_joins_the_same_customer(ctx, org):
    create(ctx, [{"lines": [line(ctx, "A")]}])
    other = CustomerFactory(organization=org)
    _, merged = create(ctx, [{"lines": [line(ctx, "A")]}], merge=True, customer=other)
    assert merged is False


# --- line transitions -----

ALLOWED = [(a, b) for a, targets in Line.TRANSITIONS.items() for b in targets]
REFUSED = [(a, b) for a in Line.Status.values for b in Line.Status.values if b not in Line.TRANSITIONS[a]]


@pytest.mark.parametrize(("start", "target"), ALLOWED)
def test_every_allowed_line_transition(ctx, start, target):
    order, _ = create(ctx, [{"lines": [line(ctx, "A")]}])
    the_line = Line.objects.get(order=order)
    Line.objects.filter(pk=the_line.pk).update(status=start)
    assert services.line_transition(line=the_line, status=target, by=ctx["by"]).status == target


@pytest.mark.parametrize(("start", "target"), REFUSED)
def test_every_other_line_transition_is_refused(ctx, start, target):
    order, _ = create(ctx, [{"lines": [line(ctx, "A")]}])
    the_line = Line.objects.get(order=order)
    Line.objects.filter(pk=the_line.pk).update(status=start)
    with pytest.raises(ApplicationError) as refused:
        services.line_transition(line=the_line, status=target, by=ctx["by"])
    assert refused.value.code == "invalid_transition"
    assert Line.objects.get(pk=the_line.pk).status == start


# --- deliveries -----


def test_deliveries_add_up_in_the_lines_unit(ctx):
    order, _ = create(ctx, [{"lines": [line(ctx, "A", qty="1000", unit="m")]}])
    the_line = Line.objects.get(order=order)
    services.delivery_record(
        line=the_line, by=ctx["by"], date=date(2026, 11, 5), quantity=D("400"), unit=ctx["units"]["m"]
    )
    services.delivery_record(
        line=the_line, by=ctx["by"], date=date(2026, 11, 6), quantity=D("100"), unit=ctx["units"]["yd"]
    )
    assert Line.objects.get(pk=the_line.pk).delivered_quantity == D("491.440")


def test_a_delivery_in_an_incompatible_unit_is_refused(ctx):
    order, _ = create(ctx, [{"lines": [line(ctx, "A", unit="m")]}])
    with pytest.raises(ApplicationError) as refused:
        services.delivery_record(
            line=Line.objects.get(order=order),
            by=ctx["by"],
            date=date(2026, 11, 5),
            quantity=D("10"),
            unit=ctx["units"]["kg"],
        )
    assert refused.value.code == "incompatible_units"


# --- mill offers -----


def test_accepting_an_offer_sets_the_lines_mill_and_price(ctx):
    order, _ = create(ctx, [{"lines": [line(ctx, "A")]}])
    the_line = Line.objects.get(order=order)
    cheap = services.offer_create(
        line=the_line, by=ctx["by"], data={"supplier": ctx["mill"], "price": D("3.05"), "currency": "USD"}
    )
    services.offer_create(
        line=the_line, by=ctx["by"], data={"supplier": ctx["mill"], "price": D("3.40"), "currency": "USD"}
    )
    accepted = services.offer_accept(offer=cheap, by=ctx["by"])
    assert (accepted.supplier_id, accepted.mill_price) == (ctx["mill"].pk, D("3.05"))
    assert MillOffer.objects.filter(accepted_at__isnull=False).get().pk == cheap.pk


@pytest.mark.parametrize(
    ("currency", "valid_until", "code"),
    [
        ("EUR", None, "currency_mismatch"),
        ("USD", date.today() - timedelta(days=1), "offer_expired"),  # noqa: DTZ011
    ],
)
def test_offer_refusals(ctx, currency, valid_until, code):
    order, _ = create(ctx, [{"lines": [line(ctx, "A")]}])
    offer = services.offer_create(
        line=Line.objects.get(order=order),
        by=ctx["by"],
        data={"supplier": ctx["mill"], "price": D("3"), "currency": currency, "valid_until": None},
    )
    MillOffer.objects.filter(pk=offer.pk).update(valid_until=valid_until)  # valid when entered, expired since
    with pytest.raises(ApplicationError) as refused:
        services.offer_accept(offer=offer, by=ctx["by"])
    assert refused.value.code == code
    assert Line.objects.get(order=order).mill_price is None


# --- limits and merge edge cases ---------------------------------------------------------------------------------


def test_merge_numbers_blank_styles_around_the_ones_given_in_the_same_request(ctx):
    create(ctx, [{"style_number": "", "lines": [line(ctx, "NAVY")]}])  # PO-4711-01
    order, merged = create(
        ctx,
        [
            {"style_number": "", "lines": [line(ctx, "RED")]},
            {"style_number": "PO-4711-02", "lines": [line(ctx, "RED")]},
        ],
        merge=True,
    )
    assert merged
    numbers = sorted(Style.objects.filter(order=order).values_list("style_number", flat=True))
    assert numbers == ["PO-4711-01", "PO-4711-02", "PO-4711-03"]
    assert Line.objects.filter(order=order, colour_code="RED").count() == 2


def test_a_long_po_number_still_gives_style_numbers_that_fit(ctx):
    order, _ = create(ctx, [{"lines": [line(ctx, "NAVY")]}], po_number="P" * 60)
    number = Style.objects.get(order=order).style_number
    assert len(number) == 60
    assert number.endswith("-01")


def test_merge_refuses_to_grow_a_line_past_the_largest_quantity(ctx):
    create(ctx, [{"style_number": "TEE", "lines": [line(ctx, "NAVY", qty="999999999")]}])
    with pytest.raises(ApplicationError) as refused:
        create(ctx, [{"style_number": "TEE", "lines": [line(ctx, "NAVY", qty="5")]}], merge=True)
    assert refused.value.code == "validation_error"
    assert Line.objects.get(colour_code="NAVY").quantity == D("999999999")


def test_merge_refuses_another_currency(ctx):
    create(ctx, [{"style_number": "TEE", "lines": [line(ctx, "NAVY")]}])
    with pytest.raises(ApplicationError) as refused:
        create(ctx, [{"style_number": "TEE", "lines": [line(ctx, "NAVY")]}], merge=True, currency="EUR")
    assert refused.value.code == "currency_mismatch"
    assert Line.objects.get(colour_code="NAVY").quantity == D("1000")


def test_merge_only_into_an_order_the_member_may_see(ctx, member):
    ctx["org"].settings = {"merchandisers_see_all_orders": False}
    ctx["org"].save()
    other = member(Role.MERCHANDISER)
    theirs, _ = create(ctx, [{"style_number": "TEE", "lines": [line(ctx, "NAVY")]}], merchandiser=ctx["by"])
    created = services.order_create(
        organization=ctx["org"],
        by=other,
        data=order_data(ctx, merchandiser=other),
        styles=[{"style_number": "TEE", "lines": [line(ctx, "NAVY")]}],
        merge=True,
    )
    mine = created.order
    assert not created.merged
    assert mine.pk != theirs.pk
    assert Line.objects.get(order=theirs).quantity == D("1000")
