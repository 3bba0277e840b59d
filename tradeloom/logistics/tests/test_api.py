"""Shipments API: booking with lines and containers (idempotent, refusals naming the field, nothing half-written),
the list (filters, search, cursor pages, one statement a page), the detail (a constant cost whatever its size),
header edits and every move with If-Match, ETA revisions, lines, containers, documents and files, and other
organisations' and other shipments' ids."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

import jsonschema_rs
import orjson
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.api.conditional import representation_etag
from tradeloom.core.context import tenant_context
from tradeloom.core.problems import PROBLEM_CONTENT_TYPE
from tradeloom.logistics import detail, selectors, services
from tradeloom.logistics.api.serializers import (
    LIST_COLUMNS,
    ShipmentListOutput,
    shipment_detail_data,
    shipment_list_rows,
)
from tradeloom.logistics.codes import container_check_digit
from tradeloom.logistics.models import Container, DocumentFile, EtaRevision, Shipment, ShipmentDocument, ShipmentLine
from tradeloom.logistics.tests.factories import EtaRevisionFactory
from tradeloom.partners.models import Carrier
from tradeloom.partners.tests.factories import CarrierFactory, CustomerFactory
from tradeloom.sales import services as sales
from tradeloom.sales.models import Line, Order
from tradeloom.tenancy.models import Organization
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate(timezone=dt.UTC)  # the organisations' time zone (the default)
DAY = dt.timedelta(days=1)
CSQU = "CSQU3054383"  # a container number that passes the ISO 6346 check
AWB = "176-12345675"  # an air waybill number that passes its check


def container_number(owner: str, serial: int) -> str:
    first_ten = f"{owner}U{serial:06d}"
    return f"{first_ten}{container_check_digit(first_ten)}"


def _order(org, by, customer, unit, po, colours=("NAVY", "WHITE"), quantity=1000):
    with tenant_context(org):
        order = sales.order_create(
            organization=org,
            by=by,
            data={"po_number": po, "customer": customer, "currency": "USD", "order_date": TODAY - 30 * DAY},
            styles=[
                {
                    "style_number": f"TEE-{po}",
                    "lines": [{"colour_code": c, "quantity": quantity, "unit": unit} for c in colours],
                }
            ],
        ).order
        return order, list(Line.objects.filter(order=order).order_by("position"))


@dataclass
class Ctx:
    org: Organization
    url: str
    client: APIClient  # a merchandiser's
    owner: APIClient
    viewer: APIClient
    merch: Any
    customer: Any
    carrier: Carrier
    air: Carrier
    unit: Any
    order: Order
    lines: list[Line]
    second: Order
    second_lines: list[Line]


@pytest.fixture
def ctx(org, member, api_as):
    """The organisation's orders, carriers and API clients; the test body reads the database as the organisation
    (row-level security), as its requests do."""
    owner, merch, viewer = member(Role.OWNER), member(Role.MERCHANDISER), member(Role.VIEWER)
    with tenant_context(org):
        unit = UnitFactory(organization=org, code="m")
        customer = CustomerFactory(organization=org)
        carrier = CarrierFactory(organization=org, mode=Carrier.Mode.SEA, name="Maersk")
        air = CarrierFactory(organization=org, mode=Carrier.Mode.AIR, name="Emirates SkyCargo")
        order, lines = _order(org, merch, customer, unit, "PO-1")
        second, second_lines = _order(org, merch, customer, unit, "PO-2", colours=("RED",))
        yield Ctx(
            org=org,
            url=f"/api/v1/o/{org.slug}/shipments/",
            client=api_as(merch),
            owner=api_as(owner),
            viewer=api_as(viewer),
            merch=merch,
            customer=customer,
            carrier=carrier,
            air=air,
            unit=unit,
            order=order,
            lines=lines,
            second=second,
            second_lines=second_lines,
        )


def payload(ctx: Ctx, lines, *, mode="sea", containers=None, **data) -> dict[str, Any]:
    body = {
        "customer": str(ctx.customer.pk),
        "mode": mode,
        "carrier": str((ctx.carrier if mode == "sea" else ctx.air).pk),
        "etd": (TODAY + 5 * DAY).isoformat(),
        "eta": (TODAY + 30 * DAY).isoformat(),
        "port_of_loading": "Chattogram",
        "port_of_discharge": "Hamburg",
        "lines": [
            {
                "line": str(line.pk),
                "quantity": str(quantity),
                "cartons": 10,
                "gross_weight_kg": "120.5",
                "net_weight_kg": "100",
                "volume_cbm": "1.5",
            }
            for line, quantity in lines
        ],
        **data,
    }
    if containers is not None:
        body["containers"] = containers
    return body


def book(ctx: Ctx, lines, *, client=None, **kwargs) -> Any:
    response = (client or ctx.client).post(ctx.url, payload(ctx, lines, **kwargs), format="json")
    assert response.status_code == 201, response.content
    return response


def shipped(line: Line) -> Decimal:
    return Line.objects.get(pk=line.pk).shipped_quantity


def problem(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    body = response.json()
    assert body["code"] == code, body
    return body


# --- booking -------------------------------------------------------------------------------------------------------


def test_booking_answers_201_with_the_detail_its_nested_rows_and_an_etag(ctx):
    navy, white = ctx.lines
    (red,) = ctx.second_lines
    lines = [(navy, 400), (white, 1000), (red, 50)]
    body = payload(ctx, lines, containers=[{"number": "csqu 305438-3", "kind": "40HC", "seal_number": " S-1 "}])
    body["lines"][0]["container"] = "CSQU 3054383"
    response = ctx.client.post(ctx.url, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"] == f"SH-{TODAY.year}-00001"
    assert re.fullmatch(rf'"{data["id"]}-1-[0-9a-f]+"', response["ETag"])
    assert (data["status"], data["customer_name"], data["carrier_name"]) == ("booked", str(ctx.customer), "Maersk")
    assert (data["line_count"], data["total_cartons"], data["total_gross_kg"], data["total_cbm"]) == (
        3,
        30,
        "361.500",
        "4.500",
    )
    first = data["lines"][0]
    assert first["order_number"] == ctx.order.number
    assert (first["style_number"], first["colour_code"], first["unit"]) == ("TEE-PO-1", "NAVY", "m")
    assert (first["quantity"], first["ordered_quantity"], first["cartons"]) == ("400.000", "1000.000", 10)
    assert (first["gross_weight_kg"], first["net_weight_kg"], first["volume_cbm"]) == ("120.500", "100.000", "1.500")
    assert first["container"] == CSQU
    assert data["lines"][1]["container"] is None
    assert [row["order_number"] for row in data["lines"]] == [ctx.order.number, ctx.order.number, ctx.second.number]
    assert data["containers"] == [
        {"id": data["containers"][0]["id"], "number": CSQU, "kind": "40HC", "seal_number": "S-1"}
    ]
    assert data["revisions"] == []
    assert [d["kind"] for d in data["documents"]] == [kind for kind, _ in services.CHECKLIST]
    assert {d["status"] for d in data["documents"]} == {"pending"}
    assert [a["action"] for a in data["actions"]] == ["depart", "cancel"]
    assert (shipped(navy), shipped(white), shipped(red)) == (Decimal(400), Decimal(1000), Decimal(50))
    # the create's answer is what a read gives, tag included
    read = ctx.client.get(f"{ctx.url}{data['id']}/")
    assert read.json() == data
    assert read["ETag"] == response["ETag"]


def test_idempotent_booking_is_done_once_and_a_reused_key_is_422(ctx):
    navy, _ = ctx.lines
    body = payload(ctx, [(navy, 100)])
    first = ctx.client.post(ctx.url, body, format="json", HTTP_IDEMPOTENCY_KEY="sh-1")
    again = ctx.client.post(ctx.url, body, format="json", HTTP_IDEMPOTENCY_KEY="sh-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["ETag"] == first["ETag"]
    assert Shipment.objects.count() == 1
    assert shipped(navy) == Decimal(100)
    other = ctx.client.post(ctx.url, payload(ctx, [(navy, 200)]), format="json", HTTP_IDEMPOTENCY_KEY="sh-1")
    problem(other, 422, "idempotency_key_reused")
    assert Shipment.objects.count() == 1


def test_shipping_beyond_the_tolerance_is_409_on_the_lines_quantity_and_nothing_is_written(ctx):
    navy, white = ctx.lines
    body = problem(
        ctx.client.post(ctx.url, payload(ctx, [(white, 10), (navy, 1051)]), format="json"), 409, "over_shipment"
    )
    assert list(body["errors"]) == ["lines.1.quantity"]
    assert body["limit"] == "1050.000"
    assert Shipment.objects.count() == 0
    assert (shipped(navy), shipped(white)) == (Decimal(0), Decimal(0))
    # a merchandiser's reason is not enough: an owner's or admin's is
    refused = ctx.client.post(ctx.url, payload(ctx, [(navy, 1100)], override_reason="Buyer takes it"), format="json")
    problem(refused, 403, "permission_denied")
    assert Shipment.objects.count() == 0
    book(ctx, [(navy, 1100)], client=ctx.owner, override_reason="Buyer takes it")
    assert shipped(navy) == Decimal(1100)
    assert AuditEvent.objects.filter(action="shipment.over_shipment_allowed").count() == 1


def test_another_organisations_line_is_no_such_order_line_and_nothing_is_written(ctx, other_org, member):
    navy, _ = ctx.lines
    rival = member(Role.OWNER, organization=other_org)
    with tenant_context(other_org):
        rival_customer, rival_unit = CustomerFactory(organization=other_org), UnitFactory(organization=other_org)
    _, rival_lines = _order(other_org, rival, rival_customer, rival_unit, "PO-R")
    response = ctx.client.post(ctx.url, payload(ctx, [(navy, 10), (rival_lines[0], 10)]), format="json")
    body = problem(response, 400, "validation_error")
    assert body["errors"] == {"lines.1.line": ["No such order line."]}
    assert Shipment.objects.count() == 0
    assert ShipmentLine.objects.count() == 0
    assert shipped(navy) == Decimal(0)
    with tenant_context(other_org):
        assert shipped(rival_lines[0]) == Decimal(0)


def test_another_organisations_customer_or_carrier_is_404(ctx, other_org):
    navy, _ = ctx.lines
    foreign_customer = CustomerFactory(organization=other_org)
    foreign_carrier = CarrierFactory(organization=other_org)
    for field, foreign in (("customer", foreign_customer), ("carrier", foreign_carrier)):
        response = ctx.client.post(ctx.url, payload(ctx, [(navy, 10)], **{field: str(foreign.pk)}), format="json")
        problem(response, 404, "not_found")
    assert Shipment.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda body: body.update(lines=[]), "lines"),
        (lambda body: body["lines"][0].update(quantity="-5"), "lines.0.quantity"),
        (lambda body: body["lines"][0].update(quantity="0"), "lines.0.quantity"),
        (lambda body: body["lines"][0].update(net_weight_kg="500"), "lines.0.net_weight_kg"),
        (lambda body: body["lines"][0].update(line="not-an-id"), "lines.0.line"),
        (lambda body: body["lines"][0].update(container="MSCU1234565"), "lines.0.container"),
        (lambda body: body.update(containers=[{"number": "CSQU3054384", "kind": "40HC"}]), "containers.0.number"),
        (lambda body: body.update(containers=[{"number": CSQU, "kind": "99XX"}]), "containers.0.kind"),
        (lambda body: body.update(eta=(TODAY - DAY).isoformat()), "eta"),
        (lambda body: body.update(mode="rail"), "mode"),
        (lambda body: body.update(incoterm="FOB", mode="air", carrier=None), "incoterm"),
        (lambda body: body.update(mode="air"), "carrier"),  # a sea carrier on an air shipment
        (lambda body: body.update(mode="air", carrier=None, transport_document_number="176-12345676"), None),
    ],
)
def test_bad_bookings_are_400_naming_the_field_and_nothing_is_written(ctx, change, field):
    navy, _ = ctx.lines
    body = payload(ctx, [(navy, 10)])
    change(body)
    response = ctx.client.post(ctx.url, body, format="json")
    assert response.status_code == 400, response.content
    if field is None:  # the AWB check
        assert response.json()["code"] == "invalid_awb_number"
        assert "transport_document_number" in response.json()["errors"]
    else:  # a list's own error is named after it (``lines.non_field_errors``)
        assert any(key == field or key.startswith(f"{field}.non_field") for key in response.json()["errors"])
    assert Shipment.objects.count() == 0
    assert shipped(navy) == Decimal(0)


def test_containers_on_an_air_shipment_are_refused(ctx):
    navy, _ = ctx.lines
    body = payload(ctx, [(navy, 10)], mode="air", containers=[{"number": CSQU, "kind": "40HC"}])
    assert "containers" in problem(ctx.client.post(ctx.url, body, format="json"), 400, "validation_error")["errors"]


def test_a_viewer_reads_shipments_but_cannot_book_or_change_them(ctx):
    navy, _ = ctx.lines
    created = book(ctx, [(navy, 10)]).json()
    assert ctx.viewer.get(ctx.url).status_code == 200
    assert ctx.viewer.get(f"{ctx.url}{created['id']}/").status_code == 200
    problem(ctx.viewer.post(ctx.url, payload(ctx, [(navy, 10)]), format="json"), 403, "permission_denied")
    problem(ctx.viewer.post(f"{ctx.url}{created['id']}/depart/", {}, format="json"), 403, "permission_denied")
    assert Shipment.objects.count() == 1


# --- the list --------------------------------------------------------------------------------------------------------


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_list_rows_and_its_filters(ctx):
    navy, white = ctx.lines
    (red,) = ctx.second_lines
    sea = book(ctx, [(navy, 10), (red, 5)], containers=[{"number": CSQU, "kind": "40HC"}], vessel="MSC Anna").json()
    air = book(ctx, [(white, 10)], mode="air", transport_document_number=AWB, flight_number="EK 585").json()
    other_customer = CustomerFactory(organization=ctx.org)
    _, other_lines = _order(ctx.org, ctx.merch, other_customer, ctx.unit, "PO-3")
    late = book(
        ctx, [(other_lines[0], 10)], customer=str(other_customer.pk), transport_document_number="MAEU 123456789"
    )
    late = late.json()
    with tenant_context(ctx.org):
        Shipment.objects.filter(pk=late["id"]).update(etd=TODAY - 3 * DAY, eta=TODAY + 10 * DAY)
        Shipment.objects.filter(pk=air["id"]).update(eta=TODAY + 60 * DAY)
    rows = {row["id"]: row for row in ctx.client.get(ctx.url).json()["results"]}
    assert list(rows) == [late["id"], air["id"], sea["id"]]  # newest first
    assert rows[sea["id"]]["order_numbers"] == sorted([ctx.order.number, ctx.second.number])
    assert (rows[sea["id"]]["customer_name"], rows[sea["id"]]["carrier_name"]) == (str(ctx.customer), "Maersk")
    assert rows[air["id"]]["carrier_name"] == "Emirates SkyCargo"
    assert set(rows[sea["id"]]) == {*Shipment.Shape.list, "customer_name", "carrier_name", "order_numbers"}

    def listed(**params) -> list[str]:
        return ids(ctx.client.get(ctx.url, params))

    assert listed(mode="air") == [air["id"]]
    assert listed(customer=str(other_customer.pk)) == [late["id"]]
    assert listed(carrier=str(ctx.air.pk)) == [air["id"]]
    assert listed(order=str(ctx.second.pk)) == [sea["id"]]
    assert listed(eta_from=(TODAY + 31 * DAY).isoformat()) == [air["id"]]
    assert listed(eta_to=(TODAY + 30 * DAY).isoformat()) == [late["id"], sea["id"]]
    assert listed(late="true") == [late["id"]]
    assert listed(late="false") == [air["id"], sea["id"]]
    assert listed(status="booked") == [late["id"], air["id"], sea["id"]]
    assert listed(status="in_transit") == []
    # searched by number, B/L, AWB or container, whole, as people write them
    assert listed(q=sea["number"]) == [sea["id"]]
    assert listed(q=sea["number"].lower()) == [sea["id"]]
    assert listed(q="maeu-123456789") == [late["id"]]
    assert listed(q="176 1234 5675") == [air["id"]]
    assert listed(q="CSQU 305438 3") == [sea["id"]]
    assert listed(q="anna") == []  # a vessel is not a code
    assert listed(q="nothing-like-it") == []


@pytest.mark.parametrize(
    "params",
    [{"status": "lost"}, {"mode": "rail"}, {"customer": "x"}, {"eta_from": "soon"}, {"order": "x"}, {"limit": "0"}],
)
def test_bad_list_parameters_are_400_naming_them(ctx, params):
    body = problem(ctx.client.get(ctx.url, params), 400, "validation_error")
    assert set(params) <= set(body["errors"])


def test_the_list_pages_by_cursor_without_repeating_or_skipping(ctx):
    navy, _ = ctx.lines
    created = [book(ctx, [(navy, 1)]).json()["id"] for _ in range(7)]
    seen, url, pages = [], f"{ctx.url}?limit=3", 0
    while url:
        body = ctx.client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert seen == list(reversed(created))
    second = ctx.client.get(ctx.client.get(f"{ctx.url}?limit=3").json()["next"]).json()
    assert ids(ctx.client.get(second["previous"])) == seen[:3]
    problem(ctx.client.get(ctx.url, {"cursor": "tampered"}), 400, "invalid_cursor")


def test_the_list_costs_one_statement_a_page_whatever_its_size(ctx, django_assert_max_num_queries):
    navy, white = ctx.lines
    (red,) = ctx.second_lines
    with tenant_context(ctx.org):
        for n in range(30):
            services.shipment_create(
                organization=ctx.org,
                by=ctx.merch,
                data={"customer": ctx.customer, "mode": "sea", "carrier": ctx.carrier, "etd": TODAY, "eta": TODAY},
                lines=[{"line": line.pk, "quantity": 1} for line in (navy, white, red)],
                containers=[{"number": container_number("MSC", n), "kind": "20GP"}],
            )
    with django_assert_max_num_queries(budget("api.shipments.list")):
        body = ctx.client.get(f"{ctx.url}?limit=200").json()
    assert len(body["results"]) == 30
    assert all(len(row["order_numbers"]) == 2 for row in body["results"])
    with django_assert_max_num_queries(budget("api.shipments.list")):
        filtered = ctx.client.get(ctx.url, {"q": container_number("MSC", 7), "late": "false", "status": "booked"})
    assert len(filtered.json()["results"]) == 1


def test_the_fast_list_rows_are_the_documented_serializer_output(ctx):
    navy, _ = ctx.lines
    (red,) = ctx.second_lines
    book(ctx, [(navy, 10), (red, 5)], incoterm="FOB", incoterm_place="Chattogram")
    book(ctx, [(navy, 10)], mode="air", transport_document_number=AWB)
    with tenant_context(ctx.org):
        queryset = selectors.shipment_list(organization=ctx.org, membership=ctx.merch)
        documented = [dict(row) for row in ShipmentListOutput(list(queryset), many=True).data]
        fast = shipment_list_rows(list(queryset.values(*LIST_COLUMNS)))
    assert len(fast) == 2
    assert fast == documented


def test_merchandisers_see_only_shipments_of_their_orders_when_the_organisation_says_so(ctx, member, api_as):
    navy, _ = ctx.lines
    mine = book(ctx, [(navy, 10)]).json()
    other_merch = member(Role.MERCHANDISER)
    Organization.objects.filter(pk=ctx.org.pk).update(settings={"merchandisers_see_all_orders": False})
    Order.objects.filter(pk=ctx.order.pk).update(merchandiser=ctx.merch)
    other = api_as(other_merch)
    assert ids(other.get(ctx.url)) == []
    problem(other.get(f"{ctx.url}{mine['id']}/"), 404, "not_found")
    assert ids(ctx.client.get(ctx.url)) == [mine["id"]]


# --- the detail -----------------------------------------------------------------------------------------------------


def _big_shipment(ctx: Ctx, colours: int, files: int) -> str:
    _, lines = _order(
        ctx.org, ctx.merch, ctx.customer, ctx.unit, f"PO-{colours}", colours=[f"C{n}" for n in range(colours)]
    )
    containers = [{"number": container_number("TGH", n), "kind": "40HC"} for n in range(3)]
    body = payload(ctx, [(line, 10) for line in lines], containers=containers)
    for n, row in enumerate(body["lines"]):
        row["container"] = containers[n % 3]["number"]
    created = ctx.client.post(ctx.url, body, format="json").json()
    url = f"{ctx.url}{created['id']}/"
    for n in range(2):
        etag = ctx.client.get(url)["ETag"]
        revised = ctx.client.post(
            f"{url}revise-eta/",
            {"eta": (TODAY + (31 + n) * DAY).isoformat(), "reason": "Port congestion"},
            format="json",
            HTTP_IF_MATCH=etag,
        )
        assert revised.status_code == 200, revised.content
    for document in created["documents"][:files]:
        upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
        response = ctx.client.post(f"{url}documents/{document['id']}/files/", {"file": upload}, format="multipart")
        assert response.status_code == 201, response.content
    return url


def test_the_detail_costs_the_same_whatever_the_number_of_lines_and_files(ctx, django_assert_max_num_queries):
    small, large = _big_shipment(ctx, 2, 1), _big_shipment(ctx, 30, 6)
    with CaptureQueriesContext(connection) as few, django_assert_max_num_queries(budget("api.shipments.detail")):
        assert len(ctx.client.get(small).json()["lines"]) == 2
    with CaptureQueriesContext(connection) as many, django_assert_max_num_queries(budget("api.shipments.detail")):
        body = ctx.client.get(large).json()
    assert len(many) == len(few)
    assert len(body["lines"]) == 30
    assert len(body["containers"]) == 3
    assert len(body["revisions"]) == 2
    assert sum(len(d["files"]) for d in body["documents"]) == 6
    history = body["revisions"]
    assert (history[0]["previous_eta"], history[0]["eta"]) == (
        (TODAY + 30 * DAY).isoformat(),
        (TODAY + 31 * DAY).isoformat(),
    )
    assert history[1]["previous_eta"] == history[0]["eta"]
    assert history[0]["reason"] == "Port congestion"
    assert history[0]["recorded_by"] == ctx.merch.user.email


def _documented_and_fast(ctx: Ctx, shipment_id: Any, membership: Any = None) -> tuple[bytes, bytes]:
    """A shipment's JSON as ``ShipmentDetailOutput`` serializes its instances, and as the fast path writes it from its
    rows, each rendered as the client receives it (key order included: the ETag digests the body)."""
    membership = membership or ctx.merch
    renderer = ORJSONRenderer()
    with tenant_context(ctx.org):
        instances = selectors.shipment_detail(organization=ctx.org, membership=membership, shipment_id=shipment_id)
        documented = shipment_detail_data(instances, org_slug=ctx.org.slug)
        rows = detail.shipment_rows(organization=ctx.org, membership=membership, pk=UUID(str(shipment_id)))
        fast = detail.detail_data(rows, org_slug=ctx.org.slug)
    return renderer.render(documented), renderer.render(fast)


def test_the_fast_detail_is_the_documented_serializer_output(ctx):
    # times in an organisation's zone that is not UTC: the offsets are written as DRF writes them
    Organization.objects.filter(pk=ctx.org.pk).update(timezone="Asia/Dhaka")
    ctx.org.timezone = "Asia/Dhaka"
    navy, white = ctx.lines
    (red,) = ctx.second_lines
    rich = _big_shipment(ctx, 4, 3)  # lines in three containers, two ETA revisions, three documents with a file
    rich_id = rich.rstrip("/").rsplit("/", 1)[1]
    body = ctx.client.get(rich).json()
    added = ctx.client.post(f"{rich}lines/", {"line": str(navy.pk), "quantity": "7.5"}, format="json")
    assert added.status_code == 201, added.content  # a line in no container
    second_file = SimpleUploadedFile("scan 2.png", b"\x89PNG scan", content_type="image/png")
    first_document = body["documents"][0]["id"]
    ctx.client.post(f"{rich}documents/{first_document}/files/", {"file": second_file}, format="multipart")
    ctx.client.patch(
        f"{rich}documents/{first_document}/",
        {"status": "sent", "due_date": (TODAY + 3 * DAY).isoformat(), "note": "Courier DHL"},
        format="json",
    )
    other = ctx.client.post(f"{rich}documents/", {"kind": "other", "name": "Fumigation certificate"}, format="json")
    assert other.status_code == 201, other.content
    with tenant_context(ctx.org):  # a revision whose author is gone: recorded_by is null
        EtaRevisionFactory(organization=ctx.org, shipment_id=rich_id, created_by=None, reason="Carrier's notice")
    ctx.client.patch(rich, {"incoterm": "FOB", "incoterm_place": "Chattogram", "notes": "Fragile"}, format="json")
    air = book(ctx, [(white, 10), (red, 3)], mode="air", carrier=None, incoterm="FCA", transport_document_number=AWB)
    departed = book(ctx, [(white, 5)], vessel="MAERSK KOWLOON", voyage="245E").json()["id"]
    assert move(ctx, departed, "depart").status_code == 200
    cancelled = book(ctx, [(red, 1)]).json()["id"]
    assert move(ctx, cancelled, "cancel", {"reason": "Buyer postponed"}).status_code == 200
    for shipment_id in (rich_id, air.json()["id"], departed, cancelled):
        documented, fast = _documented_and_fast(ctx, shipment_id)
        assert fast == documented
        read = ctx.client.get(f"{ctx.url}{shipment_id}/")
        assert read.content == fast  # what the API answers, tag included
        assert read["ETag"] == representation_etag(f'"{shipment_id}-{read.json()["version"]}"', read.json())
    data = orjson.loads(_documented_and_fast(ctx, rich_id)[1])
    assert [row["container"] is None for row in data["lines"]] == [False] * 4 + [True]
    assert [len(d["files"]) for d in data["documents"]][:4] == [2, 1, 1, 0]
    assert data["documents"][-1]["title"] == "Fumigation certificate"
    assert [r["recorded_by"] for r in data["revisions"]] == [ctx.merch.user.email] * 2 + [None]
    assert data["created_at"].endswith("+06:00")
    assert orjson.loads(_documented_and_fast(ctx, air.json()["id"])[1])["carrier_name"] is None


def test_a_restricted_merchandiser_reads_only_the_shipments_carrying_their_orders(ctx, member, api_as):
    navy, white = ctx.lines
    (red,) = ctx.second_lines
    other_merch = member(Role.MERCHANDISER)
    Organization.objects.filter(pk=ctx.org.pk).update(settings={"merchandisers_see_all_orders": False})
    ctx.org.settings = {"merchandisers_see_all_orders": False}
    Order.objects.filter(pk=ctx.order.pk).update(merchandiser=ctx.merch)
    Order.objects.filter(pk=ctx.second.pk).update(merchandiser=other_merch)
    mine = book(ctx, [(navy, 10)], client=ctx.owner).json()["id"]
    both = book(ctx, [(white, 10), (red, 10)], client=ctx.owner).json()["id"]
    theirs = book(ctx, [(red, 10)], client=ctx.owner).json()["id"]
    other = api_as(other_merch)
    for client, membership, visible in ((ctx.client, ctx.merch, {mine, both}), (other, other_merch, {both, theirs})):
        with tenant_context(ctx.org):
            shown = selectors.shipments_visible(organization=ctx.org, membership=membership)
            assert {str(pk) for pk in shown.values_list("pk", flat=True)} == visible
        for shipment_id in (mine, both, theirs):
            response = client.get(f"{ctx.url}{shipment_id}/")
            if shipment_id in visible:
                assert response.json() == ctx.owner.get(f"{ctx.url}{shipment_id}/").json()
                documented, fast = _documented_and_fast(ctx, shipment_id, membership)
                assert fast == documented
            else:
                problem(response, 404, "not_found")


def test_a_detail_read_with_its_etag_is_304_until_it_changes(ctx):
    navy, _ = ctx.lines
    created = book(ctx, [(navy, 10)])
    url = f"{ctx.url}{created.json()['id']}/"
    unchanged = ctx.client.get(url, HTTP_IF_NONE_MATCH=created["ETag"])
    assert unchanged.status_code == 304
    assert unchanged["ETag"] == created["ETag"]
    document = created.json()["documents"][0]
    ctx.client.patch(f"{url}documents/{document['id']}/", {"status": "drafted"}, format="json")
    changed = ctx.client.get(url, HTTP_IF_NONE_MATCH=created["ETag"])  # a document's status is part of the body
    assert changed.status_code == 200
    assert changed["ETag"] != created["ETag"]


def test_the_answers_are_what_the_schema_documents(ctx):
    navy, white = ctx.lines
    created = book(ctx, [(navy, 10)], containers=[{"number": CSQU, "kind": "40HC"}]).json()  # no incoterm: ""
    book(ctx, [(white, 10)], mode="air", carrier=None, incoterm="FCA")
    url = f"{ctx.url}{created['id']}/"
    upload = SimpleUploadedFile("bl.txt", b"bill of lading", content_type="text/plain")
    ctx.client.post(f"{url}documents/{created['documents'][0]['id']}/files/", {"file": upload}, format="multipart")
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = {"components": dict(schema["components"])}

    def check(component: str, body: Any) -> None:
        document = {"$ref": f"#/components/schemas/{component}", **components}
        jsonschema_rs.validator_for(document, validate_formats=True).validate(body)

    check("ShipmentDetailOutput", ctx.client.get(url).json())
    check("PaginatedShipmentListOutputList", ctx.client.get(ctx.url).json())
    check("Problem", ctx.client.post(f"{url}arrive/", {}, format="json").json())


# --- header edits ----------------------------------------------------------------------------------------------------


def test_the_header_changes_with_if_match_and_a_stale_tag_is_412(ctx):
    navy, _ = ctx.lines
    created = book(ctx, [(navy, 10)])
    url, etag = f"{ctx.url}{created.json()['id']}/", created["ETag"]
    ok = ctx.client.patch(
        url, {"vessel": "MSC Anna", "voyage": "412W", "incoterm": "FOB"}, format="json", HTTP_IF_MATCH=etag
    )
    assert ok.status_code == 200, ok.content
    assert (ok.json()["vessel"], ok.json()["incoterm"], ok.json()["version"]) == ("MSC Anna", "FOB", 2)
    assert ok["ETag"] != etag
    stale = ctx.client.patch(url, {"vessel": "Lost update"}, format="json", HTTP_IF_MATCH=etag)
    problem(stale, 412, "precondition_failed")
    problem(
        ctx.client.patch(url, {"vessel": "Lost"}, format="json", HTTP_IF_MATCH='"nonsense"'), 412, "precondition_failed"
    )
    assert Shipment.objects.get(pk=created.json()["id"]).vessel == "MSC Anna"
    # without If-Match the write goes through (last write wins)
    assert ctx.client.patch(url, {"notes": "Fragile"}, format="json").json()["notes"] == "Fragile"


def test_header_refusals_name_the_field(ctx):
    navy, white = ctx.lines
    first = book(ctx, [(navy, 10)], transport_document_number="MAEU123456789").json()
    second = book(ctx, [(white, 10)]).json()
    url = f"{ctx.url}{second['id']}/"
    taken = ctx.client.patch(url, {"transport_document_number": "maeu 123456789"}, format="json")
    assert "transport_document_number" in problem(taken, 409, "duplicate_transport_document")["errors"]
    wrong_mode = ctx.client.patch(url, {"carrier": str(ctx.air.pk)}, format="json")
    assert "carrier" in problem(wrong_mode, 400, "validation_error")["errors"]
    sea_only = ctx.client.patch(url, {"mode": "air", "carrier": None, "incoterm": "CIF"}, format="json")
    assert "incoterm" in problem(sea_only, 400, "validation_error")["errors"]
    assert Shipment.objects.get(pk=second["id"]).mode == "sea"
    ctx.client.post(f"{ctx.url}{first['id']}/cancel/", {"reason": "Buyer postponed"}, format="json")
    closed = ctx.client.patch(f"{ctx.url}{first['id']}/", {"vessel": "Other"}, format="json")
    problem(closed, 409, "shipment_closed")
    assert ctx.client.patch(f"{ctx.url}{first['id']}/", {"notes": "Rebooked"}, format="json").status_code == 200


# --- status moves ----------------------------------------------------------------------------------------------------


def move(ctx: Ctx, shipment_id: str, action: str, body=None, etag=None) -> Any:
    headers = {"HTTP_IF_MATCH": etag} if etag else {}
    return ctx.client.post(f"{ctx.url}{shipment_id}/{action}/", body or {}, format="json", **headers)


def test_every_move_through_the_api_and_the_refusals(ctx):
    navy, _ = ctx.lines
    created = book(ctx, [(navy, 500)])
    sid, etag = created.json()["id"], created["ETag"]
    for action in ("arrive", "deliver", "return"):
        refused = problem(move(ctx, sid, action, {"reason": "x"}), 409, "invalid_transition")
        assert (refused["shipment_status"], refused["allowed"]) == ("booked", ["depart", "cancel"])
    future = move(ctx, sid, "depart", {"on": (TODAY + DAY).isoformat()})
    assert "on" in problem(future, 400, "validation_error")["errors"]
    problem(move(ctx, sid, "depart", {"on": "yesterday"}), 400, "validation_error")
    departed = move(ctx, sid, "depart", {"on": (TODAY - 2 * DAY).isoformat()}, etag=etag)
    assert departed.status_code == 200, departed.content
    assert (departed.json()["status"], departed.json()["departed_on"]) == ("in_transit", (TODAY - 2 * DAY).isoformat())
    assert [a["action"] for a in departed.json()["actions"]] == ["arrive", "return"]
    problem(move(ctx, sid, "cancel", {"reason": "x"}), 409, "invalid_transition")
    before = move(ctx, sid, "arrive", {"on": (TODAY - 3 * DAY).isoformat()})
    assert "on" in problem(before, 400, "validation_error")["errors"]
    arrived = move(ctx, sid, "arrive", {}, etag=departed["ETag"])
    assert (arrived.json()["status"], arrived.json()["arrived_on"]) == ("arrived", TODAY.isoformat())
    delivered = move(ctx, sid, "deliver", {"on": None}, etag=arrived["ETag"])
    assert (delivered.json()["status"], delivered.json()["delivered_on"], delivered.json()["actions"]) == (
        "delivered",
        TODAY.isoformat(),
        [],
    )
    assert Line.objects.get(pk=navy.pk).buyer_delivered_quantity == Decimal(500)
    for action in ("depart", "arrive", "deliver", "return", "cancel"):
        problem(move(ctx, sid, action, {"reason": "x"}), 409, "invalid_transition")


def test_cancel_and_return_need_a_reason_and_give_the_quantities_back(ctx):
    navy, white = ctx.lines
    first = book(ctx, [(navy, 1000)]).json()
    assert "reason" in problem(move(ctx, first["id"], "cancel", {}), 400, "validation_error")["errors"]
    assert "reason" in problem(move(ctx, first["id"], "cancel", {"reason": ""}), 400, "validation_error")["errors"]
    assert shipped(navy) == Decimal(1000)
    cancelled = move(ctx, first["id"], "cancel", {"reason": "Buyer postponed"})
    assert (cancelled.json()["status"], cancelled.json()["status_reason"]) == ("cancelled", "Buyer postponed")
    assert shipped(navy) == Decimal(0)
    second = book(ctx, [(white, 300)]).json()
    move(ctx, second["id"], "depart")
    assert "reason" in problem(move(ctx, second["id"], "return", {}), 400, "validation_error")["errors"]
    returned = move(ctx, second["id"], "return", {"reason": "Refused at customs"})
    assert returned.json()["status"] == "returned"
    assert shipped(white) == Decimal(0)


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("depart", {}),
        ("cancel", {"reason": "x"}),
        ("revise-eta", {"eta": (TODAY + 40 * DAY).isoformat(), "reason": "x"}),
        ("containers", {"number": CSQU, "kind": "20GP"}),
        ("lines", None),
    ],
)
def test_every_write_with_a_stale_if_match_is_412_and_changes_nothing(ctx, action, body):
    navy, white = ctx.lines
    created = book(ctx, [(navy, 10)])
    sid, stale = created.json()["id"], created["ETag"]
    ctx.client.patch(f"{ctx.url}{sid}/", {"notes": "someone else"}, format="json")
    body = body if body is not None else {"line": str(white.pk), "quantity": "5"}
    problem(move(ctx, sid, action, body, etag=stale), 412, "precondition_failed")
    shipment = Shipment.objects.get(pk=sid)
    assert (shipment.status, shipment.version, shipment.line_count) == ("booked", 2, 1)
    assert not Container.objects.filter(shipment=shipment).exists()
    assert not EtaRevision.objects.filter(shipment=shipment).exists()
    assert shipped(white) == Decimal(0)
    assert move(ctx, sid, action, body, etag=ctx.client.get(f"{ctx.url}{sid}/")["ETag"]).status_code in (200, 201)


# --- ETA revisions ---------------------------------------------------------------------------------------------------


def test_eta_revisions_keep_the_history_and_refuse_what_the_rules_refuse(ctx):
    navy, _ = ctx.lines
    created = book(ctx, [(navy, 10)]).json()
    sid, etd, eta = created["id"], TODAY + 5 * DAY, TODAY + 30 * DAY

    def revise(**body) -> Any:
        return move(ctx, sid, "revise-eta", body)

    assert "reason" in problem(revise(eta=(eta + DAY).isoformat()), 400, "validation_error")["errors"]
    assert "reason" in problem(revise(eta=(eta + DAY).isoformat(), reason="  "), 400, "validation_error")["errors"]
    assert "eta" in problem(revise(eta=eta.isoformat(), reason="x"), 400, "validation_error")["errors"]
    assert "eta" in problem(revise(eta=(etd - DAY).isoformat(), reason="x"), 400, "validation_error")["errors"]
    later = revise(revised_on=(TODAY + DAY).isoformat(), eta=(eta + DAY).isoformat(), reason="x")
    assert "revised_on" in problem(later, 400, "validation_error")["errors"]
    revised = revise(etd=(etd + 3 * DAY).isoformat(), eta=(eta + 7 * DAY).isoformat(), reason="Rolled over")
    assert revised.status_code == 200, revised.content
    data = revised.json()
    assert (data["etd"], data["eta"]) == ((etd + 3 * DAY).isoformat(), (eta + 7 * DAY).isoformat())
    (revision,) = data["revisions"]
    assert (revision["previous_etd"], revision["previous_eta"], revision["revised_on"], revision["reason"]) == (
        etd.isoformat(),
        eta.isoformat(),
        TODAY.isoformat(),
        "Rolled over",
    )
    move(ctx, sid, "depart")
    assert "etd" in problem(revise(etd=(etd + 9 * DAY).isoformat(), reason="x"), 400, "validation_error")["errors"]
    assert (
        revise(eta=(eta + 9 * DAY).isoformat(), reason="Port congestion").json()["eta"] == (eta + 9 * DAY).isoformat()
    )
    move(ctx, sid, "arrive")
    problem(revise(eta=(eta + 10 * DAY).isoformat(), reason="x"), 409, "invalid_transition")
    assert EtaRevision.objects.filter(shipment_id=sid).count() == 2


# --- lines -----------------------------------------------------------------------------------------------------------


def test_lines_are_added_changed_and_removed_while_booked(ctx, other_org, member):
    navy, white = ctx.lines
    (red,) = ctx.second_lines
    created = book(ctx, [(navy, 400)], containers=[{"number": CSQU, "kind": "40HC"}]).json()
    sid = created["id"]
    lines_url = f"{ctx.url}{sid}/lines/"
    added = ctx.client.post(lines_url, {"line": str(white.pk), "quantity": "200", "container": CSQU}, format="json")
    assert added.status_code == 201, added.content
    assert added.json()["line_count"] == 2
    assert added.json()["lines"][1]["container"] == CSQU
    assert shipped(white) == Decimal(200)
    # the one-line body's fields are named as they are sent
    over = ctx.client.post(lines_url, {"line": str(red.pk), "quantity": "1051"}, format="json")
    assert list(problem(over, 409, "over_shipment")["errors"]) == ["quantity"]
    zero = ctx.client.post(lines_url, {"line": str(red.pk), "quantity": "0"}, format="json")
    assert "quantity" in problem(zero, 400, "validation_error")["errors"]
    again = ctx.client.post(lines_url, {"line": str(white.pk), "quantity": "1"}, format="json")
    assert "line" in problem(again, 400, "validation_error")["errors"]
    unknown = ctx.client.post(
        lines_url, {"line": str(red.pk), "quantity": "1", "container": "MSCU1234565"}, format="json"
    )
    assert "container" in problem(unknown, 400, "validation_error")["errors"]
    rival = member(Role.OWNER, organization=other_org)
    with tenant_context(other_org):
        rival_customer, rival_unit = CustomerFactory(organization=other_org), UnitFactory(organization=other_org)
    _, rival_lines = _order(other_org, rival, rival_customer, rival_unit, "PO-R")
    foreign = ctx.client.post(lines_url, {"line": str(rival_lines[0].pk), "quantity": "1"}, format="json")
    assert problem(foreign, 400, "validation_error")["errors"] == {"line": ["No such order line."]}
    assert ShipmentLine.objects.filter(shipment_id=sid).count() == 2

    navy_row, white_row = (row["id"] for row in added.json()["lines"])
    changed = ctx.client.patch(
        f"{lines_url}{navy_row}/", {"quantity": "900", "cartons": 40, "container": None}, format="json"
    )
    assert changed.status_code == 200, changed.content
    row = changed.json()["lines"][0]
    assert (row["quantity"], row["cartons"], row["container"]) == ("900.000", 40, None)
    assert shipped(navy) == Decimal(900)
    too_much = ctx.client.patch(f"{lines_url}{navy_row}/", {"quantity": "1051"}, format="json")
    assert "quantity" in problem(too_much, 409, "over_shipment")["errors"]
    heavy = ctx.client.patch(f"{lines_url}{navy_row}/", {"net_weight_kg": "999"}, format="json")
    assert "net_weight_kg" in problem(heavy, 400, "validation_error")["errors"]
    allowed = ctx.owner.patch(
        f"{lines_url}{navy_row}/", {"quantity": "1060", "override_reason": "Extra roll"}, format="json"
    )
    assert allowed.status_code == 200
    assert shipped(navy) == Decimal(1060)

    removed = ctx.client.delete(f"{lines_url}{white_row}/")
    assert removed.status_code == 200
    assert removed.json()["line_count"] == 1
    assert shipped(white) == Decimal(0)
    problem(ctx.client.delete(f"{lines_url}{navy_row}/"), 409, "last_line")
    move(ctx, sid, "depart")
    departed = ctx.client.post(lines_url, {"line": str(white.pk), "quantity": "1"}, format="json")
    problem(departed, 409, "shipment_not_editable")
    problem(ctx.client.patch(f"{lines_url}{navy_row}/", {"cartons": 1}, format="json"), 409, "shipment_not_editable")


# --- containers ------------------------------------------------------------------------------------------------------


def test_containers_are_added_corrected_and_removed(ctx):
    navy, _ = ctx.lines
    created = book(ctx, [(navy, 10)]).json()
    sid = created["id"]
    url = f"{ctx.url}{sid}/containers/"
    bad = ctx.client.post(url, {"number": "CSQU3054384", "kind": "40HC"}, format="json")
    body = problem(bad, 400, "validation_error")
    assert "check digit should be 3" in body["errors"]["number"][0]
    assert "kind" in problem(ctx.client.post(url, {"number": CSQU}, format="json"), 400, "validation_error")["errors"]
    added = ctx.client.post(url, {"number": "csqu 305438-3", "kind": "40HC", "seal_number": "SL-1"}, format="json")
    assert added.status_code == 201, added.content
    (container,) = added.json()["containers"]
    assert (container["number"], container["seal_number"]) == (CSQU, "SL-1")
    assert ids(ctx.client.get(ctx.url, {"q": CSQU})) == [sid]
    twice = ctx.client.post(url, {"number": CSQU, "kind": "20GP"}, format="json")
    assert "number" in problem(twice, 400, "conflict")["errors"]
    ctx.client.patch(f"{ctx.url}{sid}/lines/{added.json()['lines'][0]['id']}/", {"container": CSQU}, format="json")
    other = container_number("MSC", 42)
    corrected = ctx.client.patch(f"{url}{container['id']}/", {"number": other, "seal_number": "SL-2"}, format="json")
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["containers"][0]["number"] == other
    assert corrected.json()["lines"][0]["container"] == other
    assert ids(ctx.client.get(ctx.url, {"q": other})) == [sid]
    assert ids(ctx.client.get(ctx.url, {"q": CSQU})) == []
    wrong = ctx.client.patch(f"{url}{container['id']}/", {"number": "MSCU0000000"}, format="json")
    assert "number" in problem(wrong, 400, "validation_error")["errors"]
    removed = ctx.client.delete(f"{url}{container['id']}/")
    assert removed.status_code == 200
    assert removed.json()["containers"] == []
    assert removed.json()["lines"][0]["container"] is None
    air = book(ctx, [(ctx.lines[1], 10)], mode="air").json()
    on_air = ctx.client.post(f"{ctx.url}{air['id']}/containers/", {"number": CSQU, "kind": "40HC"}, format="json")
    assert "number" in problem(on_air, 400, "validation_error")["errors"]


# --- documents and files ---------------------------------------------------------------------------------------------


def test_the_documents_checklist_through_the_api(ctx):
    navy, _ = ctx.lines
    created = book(ctx, [(navy, 10)]).json()
    url = f"{ctx.url}{created['id']}/documents/"
    invoice = created["documents"][0]
    assert (invoice["kind"], invoice["title"], invoice["due_date"]) == (
        "commercial_invoice",
        "Commercial invoice",
        (TODAY + 5 * DAY).isoformat(),
    )
    sent = ctx.client.patch(f"{url}{invoice['id']}/", {"status": "sent", "note": "By courier"}, format="json")
    assert sent.status_code == 200, sent.content
    assert (sent.json()["status"], sent.json()["note"]) == ("sent", "By courier")
    assert (
        "status"
        in problem(
            ctx.client.patch(f"{url}{invoice['id']}/", {"status": "lost"}, format="json"), 400, "validation_error"
        )["errors"]
    )
    named = ctx.client.patch(f"{url}{invoice['id']}/", {"name": "Invoice 7"}, format="json")
    assert "name" in problem(named, 400, "validation_error")["errors"]
    unnamed = ctx.client.post(url, {"kind": "other"}, format="json")
    assert "name" in problem(unnamed, 400, "validation_error")["errors"]
    other = ctx.client.post(
        url, {"kind": "other", "name": "Fumigation certificate", "due_date": TODAY.isoformat()}, format="json"
    )
    assert other.status_code == 201, other.content
    assert (other.json()["title"], other.json()["status"], other.json()["files"]) == (
        "Fumigation certificate",
        "pending",
        [],
    )
    twice = ctx.client.post(url, {"kind": "other", "name": "Fumigation certificate"}, format="json")
    assert "name" in problem(twice, 400, "conflict")["errors"]
    standard = ctx.client.post(url, {"kind": "packing_list"}, format="json")
    assert "kind" in problem(standard, 400, "conflict")["errors"]
    # a standard document taken off the checklist can be added back
    ShipmentDocument.objects.filter(shipment_id=created["id"], kind="insurance").delete()
    back = ctx.client.post(url, {"kind": "insurance", "status": "drafted"}, format="json")
    assert back.status_code == 201
    assert back.json()["status"] == "drafted"
    kinds = [d["kind"] for d in ctx.client.get(f"{ctx.url}{created['id']}/").json()["documents"]]
    assert kinds.count("other") == 1
    assert kinds.count("insurance") == 1


def test_files_are_uploaded_checked_and_downloaded_only_through_their_document(ctx, other_org):
    navy, white = ctx.lines
    created = book(ctx, [(navy, 10)]).json()
    documents = f"{ctx.url}{created['id']}/documents/"
    invoice, packing = created["documents"][0], created["documents"][1]
    files_url = f"{documents}{invoice['id']}/files/"
    upload = SimpleUploadedFile("Rechnung März.pdf", b"%PDF-1.4 invoice", content_type="application/pdf")
    response = ctx.client.post(files_url, {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    kept = response.json()
    assert (kept["name"], kept["size"], kept["content_type"]) == ("Rechnung März.pdf", 16, "application/pdf")
    assert kept["url"] == f"{files_url}{kept['id']}/"
    download = ctx.viewer.get(kept["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 invoice"
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Rechnung%20M%C3%A4rz.pdf" in download["Content-Disposition"]
    detail = ctx.client.get(f"{ctx.url}{created['id']}/").json()
    assert detail["documents"][0]["files"] == [kept]
    # refused: too large, a type that is not an image, PDF or text, no file at all; nothing is kept
    too_large = SimpleUploadedFile("big.pdf", b"0" * (10 * 1024 * 1024 + 1), content_type="application/pdf")
    assert (
        "file"
        in problem(ctx.client.post(files_url, {"file": too_large}, format="multipart"), 400, "validation_error")[
            "errors"
        ]
    )
    script = SimpleUploadedFile("run.html", b"<script>", content_type="text/html")
    assert (
        "file"
        in problem(ctx.client.post(files_url, {"file": script}, format="multipart"), 400, "validation_error")["errors"]
    )
    assert "file" in problem(ctx.client.post(files_url, {}, format="multipart"), 400, "validation_error")["errors"]
    problem(ctx.client.post(files_url, {"file": "x"}, format="json"), 415, "unsupported_media_type")
    assert DocumentFile.objects.count() == 1
    # the file through another document of the shipment, or another shipment, is not found
    problem(ctx.client.get(f"{documents}{packing['id']}/files/{kept['id']}/"), 404, "not_found")
    second = book(ctx, [(white, 10)]).json()
    problem(ctx.client.get(kept["url"].replace(created["id"], second["id"])), 404, "not_found")
    # and another organisation's member cannot reach it at all
    from tradeloom.tenancy.tests.factories import MembershipFactory

    rival = APIClient()
    from tradeloom.accounts.tokens import token_pair_issue

    rival_member = MembershipFactory(organization=other_org, role=Role.OWNER)
    rival.credentials(HTTP_AUTHORIZATION=f"Bearer {token_pair_issue(user=rival_member.user)['access']}")
    problem(rival.get(kept["url"]), 404, "not_found")
    problem(rival.get(kept["url"].replace(f"/o/{ctx.org.slug}/", f"/o/{other_org.slug}/")), 404, "not_found")


# --- other organisations' and other shipments' ids -------------------------------------------------------------------


def test_another_organisations_shipment_is_404_on_every_route(ctx, other_org, member):
    from tradeloom.logistics.tests.factories import (
        ContainerFactory,
        DocumentFactory,
        DocumentFileFactory,
        ShipmentLineFactory,
    )

    foreign_line = ShipmentLineFactory(organization=other_org)
    shipment = foreign_line.shipment
    container = ContainerFactory(organization=other_org, shipment=shipment)
    document = DocumentFactory(organization=other_org, shipment=shipment)
    file = DocumentFileFactory(organization=other_org, document=document)
    base = f"{ctx.url}{shipment.pk}/"
    calls = [
        ("get", base),
        ("patch", base),
        *[("post", f"{base}{action}/") for action in ("depart", "arrive", "deliver", "return", "cancel", "revise-eta")],
        ("post", f"{base}lines/"),
        ("patch", f"{base}lines/{foreign_line.pk}/"),
        ("delete", f"{base}lines/{foreign_line.pk}/"),
        ("post", f"{base}containers/"),
        ("patch", f"{base}containers/{container.pk}/"),
        ("delete", f"{base}containers/{container.pk}/"),
        ("post", f"{base}documents/"),
        ("patch", f"{base}documents/{document.pk}/"),
        ("post", f"{base}documents/{document.pk}/files/"),
        ("get", f"{base}documents/{document.pk}/files/{file.pk}/"),
    ]
    for method, url in calls:
        response = (
            getattr(ctx.owner, method)(url, {"reason": "x"}, format="json") if method != "get" else ctx.owner.get(url)
        )
        problem(response, 404, "not_found")
    with tenant_context(other_org):
        assert Shipment.objects.get(pk=shipment.pk).status == "booked"
        assert Container.objects.filter(pk=container.pk).exists()


def test_a_row_of_another_shipment_is_404_under_this_one(ctx):
    navy, white = ctx.lines
    mine = book(ctx, [(navy, 10)], containers=[{"number": CSQU, "kind": "40HC"}]).json()
    theirs = book(ctx, [(white, 10)], containers=[{"number": CSQU, "kind": "40HC"}]).json()
    base = f"{ctx.url}{mine['id']}/"
    line, container, document = theirs["lines"][0]["id"], theirs["containers"][0]["id"], theirs["documents"][0]["id"]
    problem(ctx.client.patch(f"{base}lines/{line}/", {"cartons": 1}, format="json"), 404, "not_found")
    problem(ctx.client.delete(f"{base}lines/{line}/"), 404, "not_found")
    problem(ctx.client.patch(f"{base}containers/{container}/", {"seal_number": "X"}, format="json"), 404, "not_found")
    problem(ctx.client.delete(f"{base}containers/{container}/"), 404, "not_found")
    problem(ctx.client.patch(f"{base}documents/{document}/", {"status": "sent"}, format="json"), 404, "not_found")
    upload = SimpleUploadedFile("bl.txt", b"x", content_type="text/plain")
    problem(
        ctx.client.post(f"{base}documents/{document}/files/", {"file": upload}, format="multipart"), 404, "not_found"
    )
    assert ShipmentLine.objects.get(pk=line).cartons == 10
    assert Container.objects.get(pk=container).seal_number == ""
    assert ShipmentDocument.objects.get(pk=document).status == "pending"
    assert not DocumentFile.objects.exists()
