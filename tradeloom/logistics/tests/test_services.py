"""Shipment rules: booking partial and multi-order shipments, the tolerance and its owner's override, every status
move and refusal, cancellation and return giving quantities back, delivery moving the lines' delivered-to-buyer
figures, ETA revisions, containers, B/L and AWB numbers, documents, and other organisations' lines."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.logistics import services, states
from tradeloom.logistics.models import Container, EtaRevision, Shipment, ShipmentDocument, ShipmentLine
from tradeloom.logistics.search import search_condition
from tradeloom.partners.models import Carrier
from tradeloom.partners.tests.factories import CarrierFactory, CustomerFactory
from tradeloom.sales import services as sales
from tradeloom.sales.models import Line, Order
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = timedelta(days=1)


def _order(org, by, customer, unit, po="PO-1", colours=("NAVY", "WHITE"), quantity=1000):
    order = sales.order_create(
        organization=org,
        by=by,
        data={"po_number": po, "customer": customer, "currency": "USD", "order_date": TODAY - 30 * DAY},
        styles=[
            {"style_number": "TEE", "lines": [{"colour_code": c, "quantity": quantity, "unit": unit} for c in colours]}
        ],
    ).order
    return order, list(Line.objects.filter(order=order).order_by("position"))


@pytest.fixture
def ctx(org, member):
    owner, merch = member(Role.OWNER), member(Role.MERCHANDISER)
    with tenant_context(org):
        unit = UnitFactory(organization=org, code="m")
        customer = CustomerFactory(organization=org)
        order, lines = _order(org, merch, customer, unit)
        _, second_lines = _order(org, merch, customer, unit, po="PO-2", colours=("RED",))
        yield {
            "org": org,
            "owner": owner,
            "merch": merch,
            "customer": customer,
            "unit": unit,
            "order": order,
            "lines": lines,
            "second_lines": second_lines,
            "carrier": CarrierFactory(organization=org, mode=Carrier.Mode.SEA),
            "air": CarrierFactory(organization=org, mode=Carrier.Mode.AIR),
        }


def book(ctx, lines, *, by=None, mode="sea", carrier=None, containers=None, override_reason="", **data):
    return services.shipment_create(
        organization=ctx["org"],
        by=by or ctx["merch"],
        data={
            "customer": ctx["customer"],
            "mode": mode,
            "carrier": carrier if carrier is not None else (ctx["carrier"] if mode == "sea" else ctx["air"]),
            "etd": TODAY + 5 * DAY,
            "eta": TODAY + 30 * DAY,
            **data,
        },
        lines=[
            {
                "line": line.pk,
                "quantity": Decimal(q),
                "cartons": 10,
                "gross_weight_kg": 120,
                "net_weight_kg": 100,
                "volume_cbm": Decimal("1.5"),
            }
            for line, q in lines
        ],
        containers=containers,
        override_reason=override_reason,
    )


def figures(line):
    line = Line.objects.get(pk=line.pk)
    return line.shipped_quantity, line.buyer_delivered_quantity


def test_booking_numbers_the_shipment_and_moves_the_lines_shipped_figures(ctx):
    navy, white = ctx["lines"]
    booked = book(ctx, [(navy, 400), (white, 1000)], containers=[{"number": "CSQU 305438-3", "kind": "40HC"}])
    shipment = booked.shipment
    assert shipment.number == f"SH-{TODAY.year}-00001"
    assert shipment.status == states.BOOKED
    assert (shipment.line_count, shipment.total_cartons, shipment.total_gross_kg, shipment.total_cbm) == (
        2,
        20,
        Decimal(240),
        Decimal(3),
    )
    assert figures(navy) == (Decimal(400), Decimal(0))
    assert figures(white) == (Decimal(1000), Decimal(0))
    assert Container.objects.get(shipment=shipment).number == "CSQU3054383"
    kinds = list(ShipmentDocument.objects.filter(shipment=shipment).values_list("kind", "status"))
    assert [k for k, _ in kinds] == [k for k, _ in services.CHECKLIST]
    assert {s for _, s in kinds} == {"pending"}
    assert AuditEvent.objects.filter(action="shipment.created", target_id=str(shipment.pk)).exists()
    second = book(ctx, [(navy, 100)]).shipment
    assert second.number == f"SH-{TODAY.year}-00002"


def test_partial_shipments_add_up_and_a_shipment_may_carry_lines_of_several_orders(ctx):
    navy, _ = ctx["lines"]
    (red,) = ctx["second_lines"]
    book(ctx, [(navy, 300)], mode="air", transport_document_number="176-12345675")
    booked = book(ctx, [(navy, 700), (red, 1000)])
    assert figures(navy) == (Decimal(1000), Decimal(0))
    assert {row.order_id for row in booked.lines} == {navy.order_id, red.order_id}


def test_shipping_beyond_the_tolerance_is_refused_at_the_boundary(ctx):
    navy, _ = ctx["lines"]
    book(ctx, [(navy, 1050)])  # 1,000 ordered + 5 % (the default) is allowed exactly
    with pytest.raises(ApplicationError) as refused:
        book(ctx, [(navy, Decimal("0.001"))])
    assert refused.value.code == "over_shipment"
    assert "lines.0.quantity" in refused.value.extra["errors"]
    assert refused.value.extra["limit"] == "1050.000"
    assert figures(navy) == (Decimal(1050), Decimal(0))
    assert Shipment.objects.count() == 1


def test_the_orders_own_tolerance_replaces_the_organisations(ctx):
    navy, _ = ctx["lines"]
    Order.objects.filter(pk=navy.order_id).update(shipment_tolerance_percent=Decimal(0))
    with pytest.raises(ApplicationError) as refused:
        book(ctx, [(navy, 1001)])
    assert refused.value.code == "over_shipment"
    ctx["org"].settings = {"shipment_tolerance_percent": 20}
    ctx["org"].save()
    Order.objects.filter(pk=navy.order_id).update(shipment_tolerance_percent=None)
    book(ctx, [(navy, 1200)])


def test_only_an_owner_or_admin_ships_beyond_the_tolerance_and_with_a_reason(ctx, member):
    navy, _ = ctx["lines"]
    with pytest.raises(ApplicationError) as refused:
        book(ctx, [(navy, 1100)], override_reason="Buyer takes the extra")
    assert refused.value.status == 403
    booked = book(ctx, [(navy, 1100)], by=ctx["owner"], override_reason="Buyer takes the extra")
    event = AuditEvent.objects.get(action="shipment.over_shipment_allowed")
    assert event.target_id == str(booked.shipment.pk)
    assert event.changes["reason"] == [None, "Buyer takes the extra"]
    assert figures(navy)[0] == Decimal(1100)


def test_a_line_of_another_customer_or_organisation_cannot_be_shipped(ctx, other_org, member):
    navy, _ = ctx["lines"]
    other_customer = CustomerFactory(organization=ctx["org"])
    _, foreign_lines = _order(ctx["org"], ctx["merch"], other_customer, ctx["unit"], po="PO-X")
    with pytest.raises(ApplicationError) as mismatch:
        book(ctx, [(navy, 10), (foreign_lines[0], 10)])
    assert "another customer" in mismatch.value.extra["errors"]["lines.1.line"][0]
    rival = member(Role.OWNER, organization=other_org)
    with tenant_context(other_org):
        _, rival_lines = _order(
            other_org, rival, CustomerFactory(organization=other_org), UnitFactory(organization=other_org)
        )
    with pytest.raises(ApplicationError) as unknown:
        book(ctx, [(rival_lines[0], 10)])
    assert unknown.value.extra["errors"] == {"lines.0.line": ["No such order line."]}
    assert Shipment.objects.count() == 0
    assert figures(navy) == (Decimal(0), Decimal(0))


def test_cancelled_orders_archived_lines_and_duplicate_lines_are_refused(ctx):
    navy, white = ctx["lines"]
    with pytest.raises(ApplicationError) as twice:
        book(ctx, [(navy, 10), (navy, 20)])
    assert "twice" in twice.value.extra["errors"]["lines.1.line"][0]
    Line.objects.filter(pk=white.pk).update(status="archived")
    with pytest.raises(ApplicationError) as archived:
        book(ctx, [(white, 10)])
    assert "archived" in archived.value.extra["errors"]["lines.0.line"][0]
    Order.objects.filter(pk=navy.order_id).update(status="cancelled")
    with pytest.raises(ApplicationError) as cancelled:
        book(ctx, [(navy, 10)])
    assert "cancelled" in cancelled.value.extra["errors"]["lines.0.line"][0]
    with pytest.raises(ApplicationError) as empty:
        book(ctx, [])
    assert "lines" in empty.value.extra["errors"]


def test_quantities_must_be_above_zero_and_net_within_gross(ctx):
    navy, _ = ctx["lines"]
    with pytest.raises(ApplicationError) as zero:
        book(ctx, [(navy, 0)])
    assert "lines.0.quantity" in zero.value.extra["errors"]
    with pytest.raises(ApplicationError) as heavy:
        services.shipment_create(
            organization=ctx["org"],
            by=ctx["merch"],
            data={"customer": ctx["customer"], "mode": "sea", "etd": TODAY, "eta": TODAY},
            lines=[{"line": navy.pk, "quantity": 5, "gross_weight_kg": 10, "net_weight_kg": 11}],
        )
    assert "lines.0.net_weight_kg" in heavy.value.extra["errors"]


def test_every_move_of_the_transitions_table_and_the_refusals(ctx):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 500)]).shipment
    for action in (states.ARRIVE, states.DELIVER, states.RETURN):
        with pytest.raises(ApplicationError) as refused:
            services.shipment_move(shipment=shipment, action=action, by=ctx["merch"], reason="x")
        assert (refused.value.code, refused.value.status) == ("invalid_transition", 409)
    shipment = services.shipment_move(shipment=shipment, action=states.DEPART, by=ctx["merch"], on=TODAY - 2 * DAY)
    assert (shipment.status, shipment.departed_on) == (states.IN_TRANSIT, TODAY - 2 * DAY)
    with pytest.raises(ApplicationError) as cancel:
        services.shipment_move(shipment=shipment, action=states.CANCEL, by=ctx["merch"], reason="x")
    assert cancel.value.code == "invalid_transition"
    with pytest.raises(ApplicationError) as before:
        services.shipment_move(shipment=shipment, action=states.ARRIVE, by=ctx["merch"], on=TODAY - 3 * DAY)
    assert "on" in before.value.extra["errors"]
    with pytest.raises(ApplicationError) as future:
        services.shipment_move(shipment=shipment, action=states.ARRIVE, by=ctx["merch"], on=TODAY + DAY)
    assert "on" in future.value.extra["errors"]
    shipment = services.shipment_move(shipment=shipment, action=states.ARRIVE, by=ctx["merch"], on=TODAY - DAY)
    assert figures(navy) == (Decimal(500), Decimal(0))
    shipment = services.shipment_move(shipment=shipment, action=states.DELIVER, by=ctx["merch"])
    assert (shipment.status, shipment.delivered_on) == (states.DELIVERED, TODAY)
    assert figures(navy) == (Decimal(500), Decimal(500))
    for action in states.ACTIONS:
        with pytest.raises(ApplicationError):
            services.shipment_move(shipment=shipment, action=action, by=ctx["merch"], reason="x")
    actions = list(
        AuditEvent.objects.filter(target_id=str(shipment.pk)).order_by("created_at").values_list("action", flat=True)
    )
    assert actions == ["shipment.created", "shipment.departed", "shipment.arrived", "shipment.delivered"]


def test_the_transitions_table_is_what_the_states_say():
    assert {
        states.BOOKED: {states.IN_TRANSIT, states.CANCELLED},
        states.IN_TRANSIT: {states.ARRIVED, states.RETURNED},
        states.ARRIVED: {states.DELIVERED, states.RETURNED},
        states.DELIVERED: set(),
        states.RETURNED: set(),
        states.CANCELLED: set(),
    } == states.TRANSITIONS


def test_cancelling_gives_the_quantities_back_and_needs_a_reason(ctx):
    navy, white = ctx["lines"]
    shipment = book(ctx, [(navy, 1050), (white, 10)]).shipment
    with pytest.raises(ApplicationError) as no_reason:
        services.shipment_move(shipment=shipment, action=states.CANCEL, by=ctx["merch"])
    assert "reason" in no_reason.value.extra["errors"]
    services.shipment_move(shipment=shipment, action=states.CANCEL, by=ctx["merch"], reason="Buyer postponed")
    assert figures(navy) == (Decimal(0), Decimal(0))
    assert figures(white) == (Decimal(0), Decimal(0))
    assert Shipment.objects.get(pk=shipment.pk).status_reason == "Buyer postponed"
    book(ctx, [(navy, 1050)])  # the whole balance is there again


def test_a_returned_shipment_gives_its_quantities_back(ctx):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 600)]).shipment
    shipment = services.shipment_move(shipment=shipment, action=states.DEPART, by=ctx["merch"])
    services.shipment_move(shipment=shipment, action=states.RETURN, by=ctx["merch"], reason="Refused at customs")
    assert figures(navy) == (Decimal(0), Decimal(0))


def test_a_stale_version_is_refused(ctx):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 10)]).shipment
    with pytest.raises(ApplicationError) as stale:
        services.shipment_move(shipment=shipment, action=states.DEPART, by=ctx["merch"], expected_version=99)
    assert stale.value.status == 412


def test_eta_revisions_keep_the_dates_before_and_why(ctx):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 10)]).shipment
    etd, eta = shipment.etd, shipment.eta
    with pytest.raises(ApplicationError) as no_reason:
        services.shipment_eta_revise(shipment=shipment, by=ctx["merch"], eta=eta + DAY, reason=" ")
    assert "reason" in no_reason.value.extra["errors"]
    with pytest.raises(ApplicationError) as same:
        services.shipment_eta_revise(shipment=shipment, by=ctx["merch"], eta=eta, reason="x")
    assert "eta" in same.value.extra["errors"]
    with pytest.raises(ApplicationError) as backwards:
        services.shipment_eta_revise(shipment=shipment, by=ctx["merch"], eta=etd - DAY, reason="x")
    assert "eta" in backwards.value.extra["errors"]
    services.shipment_eta_revise(
        shipment=shipment, by=ctx["merch"], etd=etd + 3 * DAY, eta=eta + 7 * DAY, reason="Rolled over"
    )
    shipment = services.shipment_move(
        shipment=Shipment.objects.get(pk=shipment.pk), action=states.DEPART, by=ctx["merch"]
    )
    with pytest.raises(ApplicationError) as left:
        services.shipment_eta_revise(shipment=shipment, by=ctx["merch"], etd=etd + 4 * DAY, reason="x")
    assert "etd" in left.value.extra["errors"]
    services.shipment_eta_revise(shipment=shipment, by=ctx["merch"], eta=eta + 10 * DAY, reason="Port congestion")
    history = list(EtaRevision.objects.filter(shipment=shipment).order_by("created_at"))
    assert [(r.previous_eta, r.eta, r.reason) for r in history] == [
        (eta, eta + 7 * DAY, "Rolled over"),
        (eta + 7 * DAY, eta + 10 * DAY, "Port congestion"),
    ]
    assert Shipment.objects.get(pk=shipment.pk).eta == eta + 10 * DAY
    shipment = services.shipment_move(
        shipment=Shipment.objects.get(pk=shipment.pk), action=states.ARRIVE, by=ctx["merch"]
    )
    with pytest.raises(ApplicationError) as arrived:
        services.shipment_eta_revise(shipment=shipment, by=ctx["merch"], eta=eta + 11 * DAY, reason="x")
    assert arrived.value.code == "invalid_transition"


def test_the_database_refuses_changing_a_revision(ctx):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 10)]).shipment
    revision = services.shipment_eta_revise(shipment=shipment, by=ctx["merch"], eta=shipment.eta + DAY, reason="Late")
    with pytest.raises(DatabaseError), transaction.atomic():
        EtaRevision.objects.filter(pk=revision.pk).update(reason="Rewritten")


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("CSQU3054383", True),
        ("csqu 305438 3", True),
        ("CSQU3054384", False),
        ("CSQX3054383", False),
        ("CSQ3054383", False),
    ],
)
def test_container_numbers_pass_the_iso_6346_check(ctx, number, valid):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 10)]).shipment
    if valid:
        assert (
            services.container_add(shipment=shipment, by=ctx["merch"], data={"number": number, "kind": "20GP"}).number
            == "CSQU3054383"
        )
    else:
        with pytest.raises(ApplicationError) as refused:
            services.container_add(shipment=shipment, by=ctx["merch"], data={"number": number, "kind": "20GP"})
        assert "number" in refused.value.extra["errors"]


def test_containers_are_once_per_shipment_and_only_on_sea_and_road(ctx):
    navy, white = ctx["lines"]
    shipment = book(ctx, [(navy, 10)], containers=[{"number": "CSQU3054383", "kind": "40HC"}]).shipment
    with pytest.raises(ApplicationError):
        services.container_add(shipment=shipment, by=ctx["merch"], data={"number": "CSQU3054383", "kind": "20GP"})
    with pytest.raises(ApplicationError) as air:
        book(ctx, [(white, 10)], mode="air", containers=[{"number": "CSQU3054383", "kind": "40HC"}])
    assert "containers" in air.value.extra["errors"]
    found = Shipment.objects.filter(search_condition("csqu 305438-3")).values_list("pk", flat=True)
    assert list(found) == [shipment.pk]


def test_air_waybill_numbers_are_checked_and_unique_per_carrier(ctx):
    navy, white = ctx["lines"]
    with pytest.raises(ApplicationError) as bad:
        book(ctx, [(navy, 10)], mode="air", transport_document_number="176-12345676")
    assert bad.value.code == "invalid_awb_number"
    shipment = book(ctx, [(navy, 10)], mode="air", transport_document_number="17612345675").shipment
    assert shipment.transport_document_number == "176-12345675"
    with pytest.raises(ApplicationError) as taken:
        book(ctx, [(white, 10)], mode="air", transport_document_number="176 1234 5675")
    assert (taken.value.code, taken.value.status) == ("duplicate_transport_document", 409)
    other_airline = CarrierFactory(organization=ctx["org"], mode=Carrier.Mode.AIR)
    book(ctx, [(white, 10)], mode="air", carrier=other_airline, transport_document_number="176-12345675")


def test_the_carrier_must_carry_by_the_shipments_mode(ctx):
    navy, _ = ctx["lines"]
    with pytest.raises(ApplicationError) as refused:
        book(ctx, [(navy, 10)], mode="air", carrier=ctx["carrier"])
    assert "carrier" in refused.value.extra["errors"]


def test_sea_only_incoterms_are_refused_for_air(ctx):
    navy, _ = ctx["lines"]
    with pytest.raises(ApplicationError) as refused:
        book(ctx, [(navy, 10)], mode="air", incoterm="FOB")
    assert "incoterm" in refused.value.extra["errors"]
    assert book(ctx, [(navy, 10)], mode="air", incoterm="FCA", incoterm_place="Dhaka").shipment.incoterm == "FCA"


def test_lines_change_while_booked_and_the_figures_follow(ctx):
    navy, white = ctx["lines"]
    booked = book(ctx, [(navy, 400)])
    shipment = booked.shipment
    added = services.shipment_line_add(shipment=shipment, by=ctx["merch"], data={"line": white.pk, "quantity": 200})
    assert figures(white)[0] == Decimal(200)
    services.shipment_line_update(row=booked.lines[0], by=ctx["merch"], data={"quantity": Decimal(900)})
    assert figures(navy)[0] == Decimal(900)
    with pytest.raises(ApplicationError) as over:
        services.shipment_line_update(row=booked.lines[0], by=ctx["merch"], data={"quantity": Decimal(1051)})
    assert over.value.code == "over_shipment"
    services.shipment_line_remove(row=added, by=ctx["merch"])
    assert figures(white)[0] == Decimal(0)
    with pytest.raises(ApplicationError) as last:
        services.shipment_line_remove(row=booked.lines[0], by=ctx["merch"])
    assert last.value.code == "last_line"
    assert Shipment.objects.get(pk=shipment.pk).line_count == 1
    shipment = services.shipment_move(shipment=shipment, action=states.DEPART, by=ctx["merch"])
    with pytest.raises(ApplicationError) as departed:
        services.shipment_line_add(shipment=shipment, by=ctx["merch"], data={"line": white.pk, "quantity": 1})
    assert departed.value.code == "shipment_not_editable"


def test_the_header_changes_but_not_once_final(ctx):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 10)]).shipment
    shipment = services.shipment_update(
        shipment=shipment, by=ctx["merch"], data={"vessel": "MSC Anna", "voyage": "412W"}
    )
    assert (shipment.version, shipment.vessel) == (2, "MSC Anna")
    with pytest.raises(ApplicationError) as not_editable:
        services.shipment_update(shipment=shipment, by=ctx["merch"], data={"eta": TODAY})
    assert not_editable.value.code == "field_not_editable"
    shipment = services.shipment_move(shipment=shipment, action=states.CANCEL, by=ctx["merch"], reason="x")
    with pytest.raises(ApplicationError) as closed:
        services.shipment_update(shipment=shipment, by=ctx["merch"], data={"vessel": "Other"})
    assert closed.value.code == "shipment_closed"
    assert services.shipment_update(shipment=shipment, by=ctx["merch"], data={"notes": "Rebooked as SH-2"}).notes


def test_documents_checklist_statuses_others_by_name_and_files(ctx):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 10)]).shipment
    invoice = ShipmentDocument.objects.get(shipment=shipment, kind="commercial_invoice")
    invoice = services.document_update(document=invoice, by=ctx["merch"], data={"status": "sent", "due_date": TODAY})
    assert invoice.status == "sent"
    assert AuditEvent.objects.filter(action="shipment_document.changed", target_id=str(invoice.pk)).exists()
    with pytest.raises(ApplicationError) as unnamed:
        services.document_add(shipment=shipment, by=ctx["merch"], data={"kind": "other"})
    assert "name" in unnamed.value.extra["errors"]
    services.document_add(shipment=shipment, by=ctx["merch"], data={"kind": "other", "name": "Fumigation certificate"})
    with pytest.raises(ApplicationError):
        services.document_add(
            shipment=shipment, by=ctx["merch"], data={"kind": "other", "name": "Fumigation certificate"}
        )
    with pytest.raises(ApplicationError):
        services.document_add(shipment=shipment, by=ctx["merch"], data={"kind": "packing_list"})
    with pytest.raises(ApplicationError) as bad_status:
        services.document_update(document=invoice, by=ctx["merch"], data={"status": "lost"})
    assert "status" in bad_status.value.extra["errors"]
    kept = services.document_file_attach(
        document=invoice,
        by=ctx["merch"],
        upload=SimpleUploadedFile("inv.pdf", b"%PDF-1.4", content_type="application/pdf"),
    )
    assert kept.size == 8
    with pytest.raises(ApplicationError) as exe:
        services.document_file_attach(
            document=invoice,
            by=ctx["merch"],
            upload=SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload"),
        )
    assert "file" in exe.value.extra["errors"]


def test_a_shipment_line_cannot_reference_another_organisations_line_in_the_database(ctx, other_org, member):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 10)]).shipment
    rival = member(Role.OWNER, organization=other_org)
    with tenant_context(other_org):
        _, rival_lines = _order(
            other_org, rival, CustomerFactory(organization=other_org), UnitFactory(organization=other_org)
        )
    row = ShipmentLine.objects.get(shipment=shipment)
    with pytest.raises(DatabaseError), transaction.atomic():
        _point_at(row, rival_lines[0])


def _point_at(row, line):
    """Re-point a shipment line at another organisation's line and check the deferred keys now."""
    ShipmentLine.objects.filter(pk=row.pk).update(line_id=line.pk, order_id=line.order_id)
    with transaction.get_connection().cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.parametrize("value", [-1, 100.5, "5", True, 2.555])
def test_the_organisations_shipment_tolerance_is_a_percentage(ctx, value):
    from tradeloom.tenancy.services import organization_update

    with pytest.raises(ApplicationError) as refused:
        organization_update(
            organization=ctx["org"], by=ctx["owner"], data={"settings": {"shipment_tolerance_percent": value}}
        )
    assert "settings.shipment_tolerance_percent" in refused.value.extra["errors"]


def test_a_delivered_shipment_publishes_its_event_with_its_lines(ctx):
    from tradeloom.core.events import subscribe
    from tradeloom.logistics.events import ShipmentDelivered

    navy, white = ctx["lines"]
    seen = []
    subscribe(ShipmentDelivered, seen.append)
    try:
        shipment = book(ctx, [(navy, 10), (white, 20)]).shipment
        for action in (states.DEPART, states.ARRIVE, states.DELIVER):
            shipment = services.shipment_move(shipment=shipment, action=action, by=ctx["merch"])
    finally:
        from tradeloom.core import events

        events._subscribers[(ShipmentDelivered, events.Phase.IN_TRANSACTION)].remove(seen.append)
    (event,) = seen
    assert event.previous_status == states.ARRIVED
    assert {row.line_id: row.quantity for row in event.lines} == {navy.pk: Decimal(10), white.pk: Decimal(20)}


def test_booking_thirty_lines_costs_what_booking_one_does(ctx, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tradeloom.testing.budgets import budget

    colours = [f"C{i}" for i in range(30)]
    _, many = _order(ctx["org"], ctx["merch"], ctx["customer"], ctx["unit"], po="PO-30", colours=colours)
    book(ctx, [(ctx["lines"][0], 1)])  # the sequence row exists from now on
    with CaptureQueriesContext(connection) as small:
        book(ctx, [(ctx["lines"][1], 1)])
    with django_assert_max_num_queries(budget("service.shipment_create")), CaptureQueriesContext(connection) as large:
        booked = book(ctx, [(line, 1) for line in many], containers=[{"number": "CSQU3054383", "kind": "40HC"}])
    assert len(large) <= len(small) + 1  # the containers' one insert
    assert booked.shipment.line_count == 30
