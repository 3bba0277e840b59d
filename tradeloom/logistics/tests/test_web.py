"""Shipment pages: the list (filters, search, budget), a shipment's page (every move, ETA revisions, lines,
containers, documents and files, its timeline, budget), booking from an order (prefilled balances, the tolerance on
the line's field, another order's lines, another organisation's order), the header's edit with a stale version, the
order's Shipments tab, the download; viewers read and are refused every write."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.logistics import services, states
from tradeloom.logistics.models import Container, DocumentFile, EtaRevision, Shipment, ShipmentDocument, ShipmentLine
from tradeloom.logistics.tests.factories import DocumentFileFactory, ShipmentFactory, ShipmentLineFactory
from tradeloom.partners.models import Carrier
from tradeloom.partners.tests.factories import CarrierFactory, CustomerFactory
from tradeloom.sales import services as sales
from tradeloom.sales.models import Line
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory
from tradeloom.testing import walls
from tradeloom.testing.budgets import budget
from tradeloom.testing.routes import web_tenant_routes

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = timedelta(days=1)


def client_for(membership):
    client = Client()
    client.force_login(membership.user)
    return client


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
    owner, merch, viewer = member(Role.OWNER), member(Role.MERCHANDISER), member(Role.VIEWER)
    with tenant_context(org):
        unit = UnitFactory(organization=org, code="m")
        customer = CustomerFactory(organization=org, legal_name="Bayside Apparel")
        order, lines = _order(org, merch, customer, unit)
        second, second_lines = _order(org, merch, customer, unit, po="PO-2", colours=("RED",))
        carrier = CarrierFactory(organization=org, mode=Carrier.Mode.SEA, name="Maersk Line")
        air = CarrierFactory(organization=org, mode=Carrier.Mode.AIR, name="Emirates SkyCargo")
    return {
        "org": org,
        "owner": owner,
        "merch": merch,
        "customer": customer,
        "order": order,
        "lines": lines,
        "second": second,
        "second_lines": second_lines,
        "carrier": carrier,
        "air": air,
        "as_merch": client_for(merch),
        "as_owner": client_for(owner),
        "as_viewer": client_for(viewer),
        "base": f"/o/{org.slug}",
    }


def book(ctx, lines, *, mode="sea", carrier=None, containers=None, by=None, **data):
    with tenant_context(ctx["org"]):
        return services.shipment_create(
            organization=ctx["org"],
            by=by or ctx["merch"],
            data={
                "customer": ctx["customer"],
                "mode": mode,
                "carrier": carrier or (ctx["carrier"] if mode == "sea" else ctx["air"]),
                "etd": TODAY + 5 * DAY,
                "eta": TODAY + 30 * DAY,
                **data,
            },
            lines=[
                {"line": line.pk, "quantity": Decimal(q), "cartons": 10, "gross_weight_kg": 120, "net_weight_kg": 100}
                for line, q in lines
            ],
            containers=containers,
        ).shipment


def fresh(model, pk, org):
    with tenant_context(org):
        return model.objects.get(pk=pk)


def url_of(ctx, shipment, tail=""):
    return f"{ctx['base']}/shipments/{shipment.pk}/{tail}"


def html(response):
    return response.content.decode()


def error_of(page, element_id):
    """The text of the error paragraph the form renders for the field with this id (``<id>_error``)."""
    found = re.search(rf'id="{re.escape(element_id)}_error">([^<]*)<', page)
    return unescape(found.group(1)) if found else None


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


# --- pages for a viewer, refused writes -------------------------------------------------------------------------------


def test_a_viewer_reads_every_page_and_the_sidebar_links_the_list(ctx):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 400)])
    viewer = ctx["as_viewer"]
    page = html(viewer.get(f"{ctx['base']}/shipments/"))
    assert shipment.number in page
    assert f'href="{ctx["base"]}/shipments/"' in page  # the sidebar's Shipments link
    detail = viewer.get(url_of(ctx, shipment))
    assert detail.status_code == 200
    assert "Mark departed" not in html(detail)  # no actions offered to a viewer
    panel = viewer.get(f"{ctx['base']}/orders/{ctx['order'].pk}/shipments/")
    assert panel.status_code == 200
    assert "New shipment" not in html(panel)
    assert viewer.get(f"{ctx['base']}/orders/{ctx['order'].pk}/shipments/new/").status_code == 403
    assert viewer.get(url_of(ctx, shipment, "edit/")).status_code == 403


def test_a_viewer_is_refused_every_write_and_nothing_changes(ctx):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 400)], containers=[{"number": "CSQU3054383", "kind": "40HC"}])
    with tenant_context(ctx["org"]):
        row = ShipmentLine.objects.get(shipment=shipment)
        container = Container.objects.get(shipment=shipment)
        document = ShipmentDocument.objects.filter(shipment=shipment).first()
    viewer = ctx["as_viewer"]
    posts = [
        (f"{ctx['base']}/orders/{ctx['order'].pk}/shipments/new/", {}),
        (url_of(ctx, shipment, "edit/"), {"vessel": "X"}),
        (url_of(ctx, shipment, "move/"), {"action": "depart"}),
        (url_of(ctx, shipment, "revise/"), {"eta": (TODAY + 40 * DAY).isoformat(), "reason": "x"}),
        (url_of(ctx, shipment, "lines/"), {"line": str(ctx["lines"][1].pk), "quantity": "1"}),
        (url_of(ctx, shipment, f"lines/{row.pk}/"), {"quantity": "1"}),
        (url_of(ctx, shipment, f"lines/{row.pk}/remove/"), {}),
        (url_of(ctx, shipment, "containers/"), {"number": "MSCU1234565", "kind": "20GP"}),
        (url_of(ctx, shipment, f"containers/{container.pk}/"), {"number": "MSCU1234565", "kind": "20GP"}),
        (url_of(ctx, shipment, f"containers/{container.pk}/remove/"), {}),
        (url_of(ctx, shipment, "documents/"), {"name": "Fumigation"}),
        (url_of(ctx, shipment, f"documents/{document.pk}/"), {"status": "sent"}),
        (url_of(ctx, shipment, f"documents/{document.pk}/files/"), {}),
    ]
    for path, data in posts:
        assert viewer.post(path, data).status_code == 403, path
    assert fresh(Shipment, shipment.pk, ctx["org"]).version == shipment.version


# --- the list ---------------------------------------------------------------------------------------------------------


def test_the_list_filters_and_searches_by_number_bl_awb_and_container(ctx, org):
    navy, white = ctx["lines"]
    (red,) = ctx["second_lines"]
    sea = book(
        ctx,
        [(navy, 300)],
        transport_document_number="MAEU 123456789",
        vessel="Maersk Kowloon",
        containers=[{"number": "CSQU 305438-3", "kind": "40HC"}],
    )
    air = book(ctx, [(white, 200)], mode="air", transport_document_number="176-12345675")
    late = book(ctx, [(red, 100)], etd=TODAY - 3 * DAY, eta=TODAY + 10 * DAY)
    with tenant_context(org):
        services.shipment_move(shipment=air, action="depart", by=ctx["merch"])
    base = f"{ctx['base']}/shipments/"

    def shown(query):
        page = html(ctx["as_merch"].get(base + query))
        return {s.number for s in (sea, air, late) if s.number in page}

    assert shown("") == {sea.number, air.number, late.number}
    assert shown("?status=in_transit") == {air.number}
    assert shown("?mode=air") == {air.number}
    assert shown(f"?carrier={ctx['carrier'].pk}") == {sea.number, late.number}
    assert shown(f"?customer={ctx['customer'].pk}") == {sea.number, air.number, late.number}
    assert shown("?late=true") == {late.number}
    assert shown(f"?eta_from={(TODAY + 20 * DAY).isoformat()}") == {sea.number, air.number}
    assert shown(f"?eta_to={(TODAY + 20 * DAY).isoformat()}") == {late.number}
    assert shown(f"?order={ctx['second'].pk}") == {late.number}
    assert shown("?q=MAEU123456789") == {sea.number}
    assert shown("?q=176-1234+5675") == {air.number}
    assert shown("?q=csqu3054383") == {sea.number}
    assert shown(f"?q={air.number}") == {air.number}
    assert shown("?q=KOWLOON") == set()  # a vessel is not a code
    page = html(ctx["as_merch"].get(base + "?q=NOTHING-LIKE-IT"))
    assert "Nothing matches these filters" in page
    # the late one is marked, the orders carried and the totals shown
    page = html(ctx["as_merch"].get(base + "?late=true"))
    assert "Late" in page
    assert ctx["second"].number in page
    assert "10 ctn" in page


def test_an_empty_list_says_where_shipments_come_from(ctx):
    page = html(ctx["as_merch"].get(f"{ctx['base']}/shipments/"))
    assert "No shipments yet" in page


def test_a_bad_filter_is_an_error_on_the_filter_not_a_500(ctx):
    response = ctx["as_merch"].get(f"{ctx['base']}/shipments/?eta_from=not-a-date&status=lost")
    assert response.status_code == 200
    assert "Enter a valid date." in html(response)


def _shipments(org, count):
    with tenant_context(org):
        for i in range(count):
            shipment = ShipmentFactory(organization=org, transport_document_number=f"BL{i}")
            ShipmentLineFactory(organization=org, shipment=shipment)


def test_the_list_costs_the_same_for_5_and_40_shipments(ctx, org, django_assert_max_num_queries):
    path = f"{ctx['base']}/shipments/"
    _shipments(org, 5)
    ctx["as_merch"].get(path)
    few = queries(ctx["as_merch"], path)
    _shipments(org, 35)
    many = queries(ctx["as_merch"], path)
    assert few == many
    with django_assert_max_num_queries(budget("web.shipments.list")):
        assert ctx["as_merch"].get(path + "?status=booked&sort=eta").status_code == 200


# --- the shipment's page ----------------------------------------------------------------------------------------------


def _detailed(ctx, lines):
    """A shipment of ``lines`` with a container, a revision, documents with files and a header change that names
    another carrier: every part of the page and of its timeline has rows."""
    org, by = ctx["org"], ctx["merch"]
    shipment = book(ctx, [(line, 10) for line in lines], containers=[{"number": "CSQU3054383", "kind": "40HC"}])
    with tenant_context(org):
        other = CarrierFactory(organization=org, mode=Carrier.Mode.SEA)
        services.shipment_update(shipment=shipment, by=by, data={"carrier": other, "vessel": "Kota Lumba"})
        services.shipment_eta_revise(shipment=shipment, by=by, eta=shipment.eta + 4 * DAY, reason="Vessel rolled over")
        for document in ShipmentDocument.objects.filter(shipment=shipment)[:2]:
            services.document_update(document=document, by=by, data={"status": "drafted"})
            upload = SimpleUploadedFile("doc.pdf", b"%PDF-1.4", content_type="application/pdf")
            services.document_file_attach(document=document, by=by, upload=upload)
    return shipment


def test_the_shipment_page_costs_the_same_for_2_and_30_lines(ctx, org, django_assert_max_num_queries):
    with tenant_context(org):
        _, lines = _order(
            org, ctx["merch"], ctx["customer"], ctx["lines"][0].unit, po="PO-30", colours=[f"C{i}" for i in range(30)]
        )
    small, large = _detailed(ctx, lines[:2]), _detailed(ctx, lines)
    ctx["as_merch"].get(url_of(ctx, small))
    assert queries(ctx["as_merch"], url_of(ctx, small)) == queries(ctx["as_merch"], url_of(ctx, large))
    with django_assert_max_num_queries(budget("web.shipments.detail")):
        page = html(ctx["as_owner"].get(url_of(ctx, large)))
    assert "Add an order line" in page
    assert "CSQU3054383" in page
    assert "Vessel rolled over" in page
    assert "doc.pdf" in page
    assert "Kota Lumba" in page


def test_the_page_shows_the_header_lines_documents_and_timeline(ctx):
    navy, _ = ctx["lines"]
    shipment = book(
        ctx,
        [(navy, 400)],
        transport_document_number="MAEU 123456789",
        vessel="Maersk Kowloon",
        voyage="245W",
        port_of_loading="Chattogram",
        port_of_discharge="Hamburg",
        incoterm="FOB",
        incoterm_place="Chattogram",
        containers=[{"number": "CSQU3054383", "kind": "40HC"}],
    )
    page = html(ctx["as_merch"].get(url_of(ctx, shipment)))
    for text in (
        shipment.number,
        "Bayside Apparel",
        "Maersk Line",
        "MAEU 123456789",
        "Maersk Kowloon · 245W",
        "Chattogram → Hamburg",
        "FOB Chattogram",
        "400 m",
        ctx["order"].number,
        "Commercial invoice",
        "Packing list",
        "Mark departed",
        "Cancel shipment",
        "Revise ETA",
        "booked this shipment",  # the timeline's sentence
    ):
        assert text in page, text
    assert "Mark arrived" not in page  # only what is allowed now


def test_another_organisations_shipment_and_file_are_404(ctx, other_org):
    with tenant_context(other_org):
        theirs = ShipmentFactory(organization=other_org)
        attached = DocumentFileFactory(organization=other_org, document__shipment=theirs)
    assert ctx["as_owner"].get(f"{ctx['base']}/shipments/{theirs.pk}/").status_code == 404
    assert ctx["as_owner"].get(f"{ctx['base']}/shipments/files/{attached.pk}/").status_code == 404
    assert ctx["as_owner"].post(f"{ctx['base']}/shipments/{theirs.pk}/move/", {"action": "depart"}).status_code == 404


# --- status moves -----------------------------------------------------------------------------------------------------


def test_every_action_button_posts_and_moves_the_status(ctx, org):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 400)])
    client = ctx["as_merch"]
    for action, status, day in (
        ("depart", states.IN_TRANSIT, TODAY - 2 * DAY),
        ("arrive", states.ARRIVED, TODAY - DAY),
        ("deliver", states.DELIVERED, TODAY),
    ):
        version = fresh(Shipment, shipment.pk, org).version
        response = client.post(
            url_of(ctx, shipment, "move/"), {"action": action, "on": day.isoformat(), "version": version}, follow=True
        )
        assert response.status_code == 200
        moved = fresh(Shipment, shipment.pk, org)
        assert moved.status == status
        assert f"{shipment.number} is {moved.get_status_display().lower()}." in html(response)
    moved = fresh(Shipment, shipment.pk, org)
    assert (moved.departed_on, moved.arrived_on, moved.delivered_on) == (TODAY - 2 * DAY, TODAY - DAY, TODAY)
    assert fresh(Line, navy.pk, org).buyer_delivered_quantity == Decimal(400)
    page = html(client.get(url_of(ctx, shipment)))
    assert "Mark" not in re.sub(r"<section class=\"card\" id=\"timeline\".*", "", page, flags=re.S)  # final: none


def test_cancel_needs_a_reason_next_to_its_field_and_then_gives_the_balance_back(ctx, org):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 400)])
    refused = ctx["as_merch"].post(url_of(ctx, shipment, "move/"), {"action": "cancel", "reason": " "})
    assert refused.status_code == 200
    assert error_of(html(refused), "mv-cancel-reason") == "Say why the shipment is cancelled."
    assert fresh(Shipment, shipment.pk, org).status == states.BOOKED
    done = ctx["as_merch"].post(
        url_of(ctx, shipment, "move/"), {"action": "cancel", "reason": "Buyer postponed"}, follow=True
    )
    assert "is cancelled" in html(done)
    assert "Buyer postponed" in html(done)
    assert fresh(Line, navy.pk, org).shipped_quantity == 0


def test_return_needs_a_reason_and_a_future_day_is_refused_next_to_the_date(ctx, org):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 400)])
    future = ctx["as_merch"].post(url_of(ctx, shipment, "move/"), {"action": "depart", "on": (TODAY + DAY).isoformat()})
    assert error_of(html(future), "mv-depart-on") == "This day has not come yet: record it when it happens."
    ctx["as_merch"].post(url_of(ctx, shipment, "move/"), {"action": "depart"})
    page = html(ctx["as_merch"].get(url_of(ctx, shipment)))
    assert "Mark returned" in page
    assert "Cancel shipment" not in page
    ctx["as_merch"].post(url_of(ctx, shipment, "move/"), {"action": "return", "reason": "Refused at the port"})
    assert fresh(Shipment, shipment.pk, org).status == states.RETURNED


def test_a_refused_move_shows_its_message_and_changes_nothing(ctx, org):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 400)])
    refused = ctx["as_merch"].post(url_of(ctx, shipment, "move/"), {"action": "arrive"}, follow=True)
    assert "is booked: it cannot arrived" in html(refused) or "it cannot arrive" in html(refused)
    assert fresh(Shipment, shipment.pk, org).status == states.BOOKED
    unknown = ctx["as_merch"].post(url_of(ctx, shipment, "move/"), {"action": "teleport"}, follow=True)
    assert "Choose what happened to the shipment." in html(unknown)
    stale = ctx["as_merch"].post(
        url_of(ctx, shipment, "move/"), {"action": "depart", "version": shipment.version - 1}, follow=True
    )
    assert "changed by someone else" in html(stale)
    assert fresh(Shipment, shipment.pk, org).status == states.BOOKED


# --- ETA revisions ----------------------------------------------------------------------------------------------------


def test_revising_the_eta_keeps_the_history_and_a_missing_reason_is_on_its_field(ctx, org):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 400)])
    later = TODAY + 40 * DAY
    refused = ctx["as_merch"].post(url_of(ctx, shipment, "revise/"), {"eta": later.isoformat(), "reason": ""})
    assert error_of(html(refused), "rv-reason").startswith("Say why the dates changed")
    backwards = ctx["as_merch"].post(
        url_of(ctx, shipment, "revise/"), {"eta": (TODAY + DAY).isoformat(), "reason": "typo"}
    )
    assert error_of(html(backwards), "rv-eta") == "The ETA cannot be before the ETD."
    done = ctx["as_merch"].post(
        url_of(ctx, shipment, "revise/"),
        {"eta": later.isoformat(), "reason": "Vessel rolled over", "version": shipment.version},
        follow=True,
    )
    assert "the earlier dates are kept" in html(done)
    assert "Vessel rolled over" in html(done)
    with tenant_context(org):
        revision = EtaRevision.objects.get(shipment=shipment)
    assert (revision.previous_eta, revision.eta) == (shipment.eta, later)
    # once it has left only the ETA can change: the form has no ETD
    ctx["as_merch"].post(url_of(ctx, shipment, "move/"), {"action": "depart"})
    page = html(ctx["as_merch"].get(url_of(ctx, shipment)))
    assert 'id="rv-eta"' in page
    assert 'id="rv-etd"' not in page


# --- lines ------------------------------------------------------------------------------------------------------------


def test_lines_are_added_changed_and_removed_while_booked(ctx, org):
    navy, white = ctx["lines"]
    shipment = book(ctx, [(navy, 400)])
    client = ctx["as_merch"]
    page = html(client.get(url_of(ctx, shipment)))
    assert "WHITE — balance 1,000 m" in page  # the picker offers the customer's open lines with their balance
    added = client.post(
        url_of(ctx, shipment, "lines/"), {"line": str(white.pk), "quantity": "250", "cartons": "5"}, follow=True
    )
    assert "WHITE added to" in html(added)
    assert fresh(Line, white.pk, org).shipped_quantity == Decimal(250)
    with tenant_context(org):
        row = ShipmentLine.objects.get(shipment=shipment, line=white)
    assert "Save line" not in html(client.get(url_of(ctx, shipment)))
    opened = html(client.get(url_of(ctx, shipment, f"?edit={row.pk}")))  # the row's form opens below it
    assert f'id="ln-{row.pk}-quantity"' in opened
    assert 'value="250"' in opened
    over = client.post(url_of(ctx, shipment, f"lines/{row.pk}/"), {"quantity": "1100"})
    assert "it allows 1,050" in error_of(html(over), f"ln-{row.pk}-quantity")
    assert f'id="ln-{row.pk}-override_reason"' not in html(over)  # a merchandiser may not override
    allowed = ctx["as_owner"].post(url_of(ctx, shipment, f"lines/{row.pk}/"), {"quantity": "1100"})
    assert f'id="ln-{row.pk}-override_reason"' in html(allowed)  # an owner is offered the override
    ctx["as_owner"].post(
        url_of(ctx, shipment, f"lines/{row.pk}/"),
        {"quantity": "1100", "override_reason": "Buyer takes the extra"},
    )
    assert fresh(Line, white.pk, org).shipped_quantity == Decimal(1100)
    changed = client.post(url_of(ctx, shipment, f"lines/{row.pk}/"), {"quantity": "300", "cartons": "6"}, follow=True)
    assert "saved" in html(changed)
    assert fresh(Line, white.pk, org).shipped_quantity == Decimal(300)
    client.post(url_of(ctx, shipment, f"lines/{row.pk}/remove/"))
    assert fresh(Line, white.pk, org).shipped_quantity == 0
    with tenant_context(org):
        last = ShipmentLine.objects.get(shipment=shipment)
    refused = client.post(url_of(ctx, shipment, f"lines/{last.pk}/remove/"), follow=True)
    assert "only line; cancel the shipment instead" in html(refused)
    moved = client.post(url_of(ctx, shipment, "move/"), {"action": "depart"}, follow=True)
    assert "Add an order line" not in html(moved)


# --- containers -------------------------------------------------------------------------------------------------------


def test_a_container_number_failing_iso_6346_is_an_error_next_to_the_field(ctx, org):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 400)])
    refused = ctx["as_merch"].post(url_of(ctx, shipment, "containers/"), {"number": "CSQU3054384", "kind": "40HC"})
    assert refused.status_code == 200
    assert error_of(html(refused), "ca-number") == "CSQU3054384 fails the ISO 6346 check: its check digit should be 3."
    with tenant_context(org):
        assert not Container.objects.filter(shipment=shipment).exists()
    done = ctx["as_merch"].post(
        url_of(ctx, shipment, "containers/"),
        {"number": "csqu 305438-3", "kind": "40HC", "seal_number": "S1"},
        follow=True,
    )
    assert "Container CSQU3054383 added" in html(done)
    with tenant_context(org):
        container = Container.objects.get(shipment=shipment)
    twice = ctx["as_merch"].post(url_of(ctx, shipment, "containers/"), {"number": "CSQU3054383", "kind": "20GP"})
    assert error_of(html(twice), "ca-number") == "CSQU3054383 is already in this shipment."
    edited = ctx["as_merch"].post(
        url_of(ctx, shipment, f"containers/{container.pk}/"),
        {"number": "CSQU3054383", "kind": "40GP", "seal_number": "S2"},
    )
    assert edited.status_code == 302
    assert fresh(Container, container.pk, org).seal_number == "S2"
    ctx["as_merch"].post(url_of(ctx, shipment, f"containers/{container.pk}/remove/"))
    with tenant_context(org):
        assert not Container.objects.filter(shipment=shipment).exists()


def test_an_air_shipment_offers_no_containers(ctx):
    _, white = ctx["lines"]
    shipment = book(ctx, [(white, 10)], mode="air")
    page = html(ctx["as_merch"].get(url_of(ctx, shipment)))
    assert "Add a container" not in page
    refused = ctx["as_merch"].post(url_of(ctx, shipment, "containers/"), {"number": "CSQU3054383", "kind": "40HC"})
    assert "A air shipment has no containers." in html(refused)  # no container form on the page: a message


# --- documents and files ----------------------------------------------------------------------------------------------


def test_a_document_moves_status_gets_a_file_and_downloads_only_here(ctx, org, other_org):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 400)])
    with tenant_context(org):
        document = ShipmentDocument.objects.get(shipment=shipment, kind="packing_list")
    client = ctx["as_merch"]
    moved = client.post(
        url_of(ctx, shipment, f"documents/{document.pk}/"),
        {"status": "sent", "due_date": (TODAY + 2 * DAY).isoformat(), "note": "Courier DHL"},
        follow=True,
    )
    assert "Packing list: sent." in html(moved)
    assert fresh(ShipmentDocument, document.pk, org).status == "sent"
    with tenant_context(org):
        assert AuditEvent.objects.filter(action="shipment_document.changed", target_id=str(document.pk)).exists()
    bad = client.post(
        url_of(ctx, shipment, f"documents/{document.pk}/files/"),
        {"file": SimpleUploadedFile("list.exe", b"MZ", content_type="application/x-msdownload")},
    )
    assert error_of(html(bad), f"fl-{document.pk}-file") == "list.exe: only images, PDF and text files are accepted."
    uploaded = client.post(
        url_of(ctx, shipment, f"documents/{document.pk}/files/"),
        {"file": SimpleUploadedFile("packing.pdf", b"%PDF-1.4 list", content_type="application/pdf")},
        follow=True,
    )
    assert "packing.pdf attached to Packing list." in html(uploaded)
    with tenant_context(org):
        attached = DocumentFile.objects.get(document=document)
    link = f"{ctx['base']}/shipments/files/{attached.pk}/"
    assert link in html(uploaded)
    download = ctx["as_viewer"].get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 list"
    assert "attachment" in download["Content-Disposition"]
    outsider = client_for(MembershipFactory(organization=other_org, role=Role.OWNER))
    assert outsider.get(f"/o/{other_org.slug}/shipments/files/{attached.pk}/").status_code == 404


def test_another_document_is_added_by_name_once(ctx, org):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 400)])
    done = ctx["as_merch"].post(url_of(ctx, shipment, "documents/"), {"name": "Fumigation certificate"}, follow=True)
    assert "Fumigation certificate added to the checklist." in html(done)
    twice = ctx["as_merch"].post(url_of(ctx, shipment, "documents/"), {"name": "Fumigation certificate"})
    assert error_of(html(twice), "da-name") == "“Fumigation certificate” is already on this shipment's checklist."
    with tenant_context(org):
        assert ShipmentDocument.objects.filter(shipment=shipment, kind="other").count() == 1


# --- booking from an order --------------------------------------------------------------------------------------------


def line_key(line, field):
    return f"l-{line.pk}-{field}"


def booking(ctx, *rows, **header):
    data = {
        "action": "book",
        "mode": "sea",
        "carrier": str(ctx["carrier"].pk),
        "etd": (TODAY + 5 * DAY).isoformat(),
        "eta": (TODAY + 30 * DAY).isoformat(),
        **header,
    }
    for line, quantity, *rest in rows:
        data[line_key(line, "ship")] = "on"
        data[line_key(line, "quantity")] = str(quantity)
        if rest:
            data.update({line_key(line, k): v for k, v in rest[0].items()})
    return data


def test_the_booking_form_is_prefilled_with_each_lines_balance(ctx):
    navy, white = ctx["lines"]
    book(ctx, [(navy, 400)])
    page = html(ctx["as_merch"].get(f"{ctx['base']}/orders/{ctx['order'].pk}/shipments/new/"))
    assert f'name="{line_key(navy, "quantity")}" value="600"' in page
    assert f'name="{line_key(white, "quantity")}" value="1000"' in page
    assert ctx["second"].number in page  # offered as another open order of the customer


def test_the_booking_form_costs_the_same_for_2_and_30_lines(ctx, org, django_assert_max_num_queries):
    with tenant_context(org):
        many, _ = _order(
            org, ctx["merch"], ctx["customer"], ctx["lines"][0].unit, po="PO-30", colours=[f"C{i}" for i in range(30)]
        )
    few = f"{ctx['base']}/orders/{ctx['order'].pk}/shipments/new/"
    ctx["as_merch"].get(few)
    assert queries(ctx["as_merch"], few) == queries(ctx["as_merch"], f"{ctx['base']}/orders/{many.pk}/shipments/new/")
    with django_assert_max_num_queries(budget("web.shipments.new")):
        assert ctx["as_owner"].get(few).status_code == 200


def test_booking_from_an_order_creates_the_shipment_and_moves_the_balances(ctx, org):
    navy, white = ctx["lines"]
    path = f"{ctx['base']}/orders/{ctx['order'].pk}/shipments/new/"
    response = ctx["as_merch"].post(
        path,
        booking(
            ctx,
            (navy, 400, {"cartons": "20", "gross_weight_kg": "250", "net_weight_kg": "23", "container": "csqu3054383"}),
            transport_document_number="MAEU 123456789",
            **{"c0-number": "CSQU 305438-3", "c0-kind": "40HC", "c0-seal_number": "SEAL1"},
        ),
        follow=True,
    )
    page = html(response)
    with tenant_context(org):
        shipment = Shipment.objects.get()
        row = ShipmentLine.objects.select_related("container").get(shipment=shipment)
    assert f"Booked {shipment.number} with 1 line." in page
    assert response.redirect_chain[-1][0] == url_of(ctx, shipment)
    assert (row.line_id, row.quantity, row.cartons, row.container.number) == (navy.pk, Decimal(400), 20, "CSQU3054383")
    assert fresh(Line, navy.pk, org).shipped_quantity == Decimal(400)
    assert fresh(Line, white.pk, org).shipped_quantity == 0


def test_a_quantity_beyond_the_tolerance_is_an_error_next_to_that_lines_quantity(ctx, org):
    navy, white = ctx["lines"]
    path = f"{ctx['base']}/orders/{ctx['order'].pk}/shipments/new/"
    refused = ctx["as_merch"].post(path, booking(ctx, (navy, 100), (white, 1100)))
    page = html(refused)
    assert refused.status_code == 200
    assert "it allows 1,050" in error_of(page, f"id_{line_key(white, 'quantity')}")
    assert error_of(page, f"id_{line_key(navy, 'quantity')}") is None
    assert "Reason to ship beyond the tolerance" not in page  # only owners and admins may override
    with tenant_context(org):
        assert not Shipment.objects.exists()
    assert fresh(Line, navy.pk, org).shipped_quantity == 0
    # an owner is offered the override, and books with a reason
    owner_page = html(ctx["as_owner"].post(path, booking(ctx, (white, 1100))))
    assert "Reason to ship beyond the tolerance" in owner_page
    ctx["as_owner"].post(path, booking(ctx, (white, 1100), override_reason="Buyer takes the extra"))
    assert fresh(Line, white.pk, org).shipped_quantity == Decimal(1100)


def test_bad_rows_and_header_show_their_errors_and_nothing_is_booked(ctx, org):
    navy, _ = ctx["lines"]
    path = f"{ctx['base']}/orders/{ctx['order'].pk}/shipments/new/"
    page = html(ctx["as_merch"].post(path, booking(ctx, etd="")))
    assert "Tick at least one line to ship." in page
    assert error_of(page, "id_etd") == "This field is required."
    page = html(ctx["as_merch"].post(path, booking(ctx, (navy, 0))))
    assert error_of(page, f"id_{line_key(navy, 'quantity')}") == "Quantity must be above zero."
    page = html(ctx["as_merch"].post(path, booking(ctx, (navy, 10), **{"c0-number": "CSQU3054384", "c0-kind": "40HC"})))
    assert error_of(page, "id_c0-number") == "CSQU3054384 fails the ISO 6346 check: its check digit should be 3."
    page = html(ctx["as_merch"].post(path, booking(ctx, (navy, 10), mode="air")))
    assert "is a sea carrier; this is a air shipment." in error_of(page, "id_carrier")
    page = html(ctx["as_merch"].post(path, booking(ctx, (navy, 10), **{"c1-seal_number": "S-9"})))
    assert error_of(page, "id_c1-number") == "Give the container's number, or leave the row blank."
    assert error_of(page, "id_c1-kind") == "Choose the container's type."
    page = html(ctx["as_merch"].post(path, booking(ctx, (navy, 10, {"container": "MSCU1234565"}))))
    assert error_of(page, f"id_{line_key(navy, 'container')}") == "MSCU1234565 is not a container of this shipment."
    with tenant_context(org):
        assert not Shipment.objects.exists()


def test_lines_of_another_open_order_of_the_customer_join_the_shipment(ctx, org):
    navy, _ = ctx["lines"]
    (red,) = ctx["second_lines"]
    path = f"{ctx['base']}/orders/{ctx['order'].pk}/shipments/new/"
    data = booking(ctx, (navy, 100), vessel="Kota Lumba")
    data.update(action="add_order", add_order=str(ctx["second"].pk))
    reloaded = html(ctx["as_merch"].post(path, data))
    assert f'name="{line_key(red, "quantity")}" value="1000"' in reloaded  # its lines, with their balances
    assert 'value="Kota Lumba"' in reloaded  # what was typed stays
    assert f'name="{line_key(navy, "quantity")}" value="100"' in reloaded
    assert f'<input type="hidden" name="orders" value="{ctx["second"].pk}">' in reloaded
    assert "This field is required." not in reloaded  # nothing checked yet
    data = booking(ctx, (navy, 100), (red, 50))
    data["orders"] = str(ctx["second"].pk)
    ctx["as_merch"].post(path, data)
    with tenant_context(org):
        shipment = Shipment.objects.get()
        orders = set(ShipmentLine.objects.filter(shipment=shipment).values_list("order_id", flat=True))
    assert orders == {ctx["order"].pk, ctx["second"].pk}


def test_booking_from_another_organisations_order_is_404(ctx, other_org):
    with tenant_context(other_org):
        from tradeloom.sales.tests.factories import OrderFactory

        theirs = OrderFactory(organization=other_org)
    path = f"{ctx['base']}/orders/{theirs.pk}/shipments/new/"
    assert ctx["as_owner"].get(path).status_code == 404
    assert ctx["as_owner"].post(path, booking(ctx)).status_code == 404
    assert ctx["as_owner"].get(f"{ctx['base']}/orders/{theirs.pk}/shipments/").status_code == 404


def test_another_organisations_line_posted_into_a_booking_is_not_shipped(ctx, org, other_org):
    navy, _ = ctx["lines"]
    with tenant_context(other_org):
        from tradeloom.sales.tests.factories import LineFactory

        theirs = LineFactory(organization=other_org)
    shipment = book(ctx, [(navy, 10)])
    refused = ctx["as_merch"].post(url_of(ctx, shipment, "lines/"), {"line": str(theirs.pk), "quantity": "5"})
    assert "Select a valid choice." in error_of(html(refused), "la-line")
    with tenant_context(org):
        assert ShipmentLine.objects.filter(shipment=shipment).count() == 1


# --- the header's edit ------------------------------------------------------------------------------------------------


def test_editing_the_header_and_a_stale_version_is_refused_clearly(ctx, org):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 400)])
    path = url_of(ctx, shipment, "edit/")
    page = html(ctx["as_merch"].get(path))
    assert f'name="version" value="{shipment.version}"' in page
    form = {"mode": "sea", "carrier": str(ctx["carrier"].pk), "vessel": "Kota Lumba", "version": shipment.version}
    saved = ctx["as_merch"].post(path, form, follow=True)
    assert f"Saved {shipment.number}." in html(saved)
    assert fresh(Shipment, shipment.pk, org).vessel == "Kota Lumba"
    stale = ctx["as_merch"].post(path, {**form, "vessel": "Other"})
    assert stale.status_code == 200
    assert "The shipment was changed by someone else. Reload it and try again." in html(stale)
    assert fresh(Shipment, shipment.pk, org).vessel == "Kota Lumba"
    awb = ctx["as_merch"].post(
        path,
        {
            "mode": "air",
            "carrier": str(ctx["air"].pk),
            "transport_document_number": "176-12345670",
            "version": fresh(Shipment, shipment.pk, org).version,
        },
    )
    assert "fails the air waybill check" in error_of(html(awb), "id_transport_document_number")


# --- the order's Shipments tab ----------------------------------------------------------------------------------------


def test_the_orders_tab_shows_balances_and_shipments_within_budget(ctx, org, django_assert_max_num_queries):
    navy, white = ctx["lines"]
    first = book(ctx, [(navy, 400)])
    second = book(ctx, [(navy, 100), (white, 1000)])
    with tenant_context(org):
        services.shipment_move(shipment=first, action="depart", by=ctx["merch"])
        services.shipment_move(shipment=first, action="arrive", by=ctx["merch"])
        services.shipment_move(shipment=first, action="deliver", by=ctx["merch"])
    path = f"{ctx['base']}/orders/{ctx['order'].pk}/shipments/"
    page = html(ctx["as_merch"].get(path))
    assert first.number in page
    assert second.number in page
    assert "New shipment" in page
    navy_row = re.search(r'<tr data-line="NAVY">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r">\s*([\d,.]+)(?: m)?\s*<", navy_row)[:4] == ["1,000", "500", "400", "500"]
    assert "0 · all shipped" in page  # WHITE
    assert "1,500" in page  # the order's metres shipped
    assert "of 2,000" in page
    few = queries(ctx["as_merch"], path)
    with tenant_context(org):
        more, more_lines = _order(org, ctx["merch"], ctx["customer"], navy.unit, po="PO-9", colours=("A", "B", "C"))
    for line in more_lines:
        book(ctx, [(line, 10)])
    more_path = f"{ctx['base']}/orders/{more.pk}/shipments/"
    assert queries(ctx["as_merch"], more_path) == few
    with django_assert_max_num_queries(budget("web.orders.shipments")):
        assert ctx["as_merch"].get(path).status_code == 200


def test_a_closed_order_offers_no_new_shipment(ctx, org):
    with tenant_context(org):
        type(ctx["order"]).objects.filter(pk=ctx["order"].pk).update(status="closed")
    page = html(ctx["as_merch"].get(f"{ctx['base']}/orders/{ctx['order'].pk}/shipments/"))
    assert "New shipment" not in page


def test_the_order_page_has_a_shipments_tab_and_its_lines_show_shipped_figures(ctx):
    navy, _ = ctx["lines"]
    book(ctx, [(navy, 400)])
    order_page = html(ctx["as_merch"].get(f"{ctx['base']}/orders/{ctx['order'].pk}/"))
    assert "?tab=shipments" in order_page
    assert "shipped 400" in order_page
    tab = html(ctx["as_merch"].get(f"{ctx['base']}/orders/{ctx['order'].pk}/?tab=shipments"))
    assert f"/o/{ctx['org'].slug}/orders/{ctx['order'].pk}/shipments/" in tab


# --- the walls, for these pages --------------------------------------------------------------------------------------

walls.load_all()
ROUTES = [(t, cb) for t, cb in web_tenant_routes() if cb.__module__.startswith("tradeloom.logistics.")]


def test_every_shipment_page_is_guarded():
    assert len(ROUTES) == 17
    for template, callback in ROUTES:
        assert getattr(callback, "tenant_capabilities", None), template


@pytest.mark.parametrize(("template", "callback"), ROUTES, ids=[t for t, _ in ROUTES])
def test_another_organisations_ids_are_404_and_write_nothing(template, callback, ctx, other_org):
    ids = {name: walls.other_org_object(name, other_org).pk for name in re.findall(r"<uuid:(\w+)>", template)}
    path = "/" + re.sub(r"<uuid:(\w+)>", lambda m: str(ids[m[1]]), template.replace("<slug:org_slug>", "acme"))
    with tenant_context(ctx["org"]):
        before = AuditEvent.objects.count()
    for method in callback.tenant_capabilities:
        response = getattr(ctx["as_owner"], method.lower())(path, {"action": "depart", "quantity": "1"})
        assert response.status_code == (200 if not ids else 404), (template, method)
    with tenant_context(ctx["org"]):
        assert AuditEvent.objects.count() == before


def test_htmx_swaps_only_the_list(ctx):
    navy, _ = ctx["lines"]
    shipment = book(ctx, [(navy, 10)])
    response = ctx["as_merch"].get(
        f"{ctx['base']}/shipments/?mode=sea", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="shipment-list"
    )
    page = html(response)
    assert shipment.number in page
    assert page.lstrip().startswith('<div class="card" id="shipment-list">')
    assert "<nav" not in page  # no frame
