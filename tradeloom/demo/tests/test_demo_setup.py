from collections import Counter
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.db.models import Sum
from django.utils import timezone

from tradeloom.accounts.models import User
from tradeloom.alerts.models import Alert
from tradeloom.approvals.models import LineGate
from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.demo.data import DEMO_SHIPMENTS
from tradeloom.logistics import states
from tradeloom.logistics.codes import validate_awb_number, validate_container_number
from tradeloom.logistics.models import Container, DocumentFile, EtaRevision, Shipment, ShipmentDocument, ShipmentLine
from tradeloom.partners.models import Plant, Supplier
from tradeloom.sales.models import Line
from tradeloom.tenancy.models import Organization


@pytest.mark.django_db(databases=["default", "owner"])  # the alerts' pass reads as the owner role
def test_demo_setup_is_idempotent_and_the_login_works(client):
    out = StringIO()
    call_command("demo_setup", stdout=out)
    call_command("demo_setup", stdout=out)
    assert User.objects.filter(email="demo@example.com").count() == 1
    assert Organization.objects.filter(slug="demo").count() == 1
    organization = Organization.objects.get(slug="demo")
    with tenant_context(organization):
        assert Supplier.objects.filter(organization=organization).count() == 3
        assert Plant.objects.filter(organization=organization).count() == 3
        statuses = set(Line.objects.filter(organization=organization).values_list("status", flat=True))
        assert {"upcoming", "in_development", "bulk", "completed"} <= statuses
        gate_states = set(LineGate.objects.filter(organization=organization).values_list("state", flat=True))
        assert {"not_started", "submission", "resubmission", "approved"} <= gate_states
    assert "demo@example.com / tradeloom-demo" in out.getvalue()
    assert "Alerts evaluated:" in out.getvalue()
    # the printed credentials log in through the web login page
    response = client.post("/login/", {"username": "demo@example.com", "password": "tradeloom-demo"})
    assert response.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/o/demo/"
    # and the demo login owns the demo organisation
    body = client.get("/api/v1/me/").json()
    assert [(m["organization"]["slug"], m["role"]) for m in body["memberships"]] == [("demo", "owner")]


# --- shipments --------------------------------------------------------------------------------------------------------
@pytest.fixture
def as_owner(request: pytest.FixtureRequest) -> None:
    """The test on one connection, the owner's, under both aliases (``alerts/tests/conftest.py``): the alerts pass
    that ``demo_setup`` runs as the owner then sees the demo data the command just wrote."""
    default = connections["default"]

    def restore() -> None:
        connections["default"] = default

    request.node.addfinalizer(restore)
    connections["default"] = connections["owner"]
    request.node.add_marker(pytest.mark.django_db(databases=["default", "owner"]))
    request.getfixturevalue("db")


def _shipment_line_sums(organization: Organization, statuses: frozenset[str]) -> dict[Any, Decimal]:
    rows = ShipmentLine.objects.filter(organization=organization, shipment__status__in=statuses)
    return {row["line_id"]: row["total"] for row in rows.values("line_id").annotate(total=Sum("quantity"))}


@pytest.mark.django_db(databases=["default", "owner"])
def test_the_demo_has_shipments_in_every_status_booked_through_the_services():
    call_command("demo_setup", stdout=StringIO())
    call_command("demo_setup", stdout=StringIO())  # idempotent: nothing is booked twice
    organization = Organization.objects.get(slug="demo")
    with tenant_context(organization):
        shipments = list(Shipment.objects.filter(organization=organization).order_by("number"))
        assert len(shipments) == len(DEMO_SHIPMENTS)
        assert {s.status for s in shipments} == set(states.LABELS)
        assert {s.mode for s in shipments} == {"sea", "air", "courier"}
        assert [s.number.split("-")[::2] for s in shipments][:2] == [["SH", "00001"], ["SH", "00002"]]
        # sea shipments with containers, every number passing ISO 6346; air ones with AWBs passing their check
        containers = list(Container.objects.filter(organization=organization).select_related("shipment"))
        assert len(containers) == 5
        assert {c.shipment.mode for c in containers} == {"sea"}
        for container in containers:
            validate_container_number(container.number)
        air = [s for s in shipments if s.mode == "air"]
        assert len(air) == 3
        for shipment in air:
            validate_awb_number(shipment.transport_document_number)
        # one shipment of two orders; partial shipments; ETA revisions; documents in every status
        pairs = set(ShipmentLine.objects.filter(organization=organization).values_list("shipment_id", "order_id"))
        orders_per_shipment = Counter(shipment_id for shipment_id, _ in pairs)
        assert max(orders_per_shipment.values()) == 2
        revised = {r.shipment_id for r in EtaRevision.objects.filter(organization=organization)}
        assert len(revised) == 2
        assert EtaRevision.objects.filter(organization=organization).count() == 3
        statuses = set(ShipmentDocument.objects.filter(organization=organization).values_list("status", flat=True))
        assert statuses == set(ShipmentDocument.Status.values)
        assert ShipmentDocument.objects.filter(organization=organization, kind="other").count() == 1
        assert DocumentFile.objects.filter(organization=organization).count() == 1
        # the lines' figures are their shipment lines': shipped counts every shipment not cancelled or returned,
        # delivered-to-buyer the delivered ones
        shipped = _shipment_line_sums(organization, states.COUNTS_AS_SHIPPED)
        delivered = _shipment_line_sums(organization, frozenset({states.DELIVERED}))
        lines = list(Line.objects.filter(organization=organization))
        for line in lines:
            assert line.shipped_quantity == shipped.get(line.pk, Decimal(0)), line
            assert line.buyer_delivered_quantity == delivered.get(line.pk, Decimal(0)), line
        assert any(0 < line.shipped_quantity < line.quantity for line in lines)  # partly shipped
        assert any(line.shipped_quantity == line.quantity for line in lines)  # shipped in full
        cancelled = next(s for s in shipments if s.status == states.CANCELLED)
        assert cancelled.status_reason
        # each shipment's totals are its lines', and its booking is in the audit log
        for shipment in shipments:
            rows = ShipmentLine.objects.filter(shipment=shipment)
            assert shipment.line_count == rows.count()
            assert shipment.total_cartons == sum(r.cartons for r in rows)
            assert shipment.total_cbm == sum((r.volume_cbm for r in rows), Decimal(0))
            assert AuditEvent.objects.filter(action="shipment.created", target_id=str(shipment.pk)).count() == 1


@pytest.mark.django_db(databases=["default", "owner"])  # declared, so it runs with the database tests
def test_the_demo_shipments_raise_each_shipment_alert(as_owner):
    # the demo organisation's default rules include the shipment kinds, and demo_setup's pass evaluates them
    call_command("demo_setup", stdout=StringIO())
    organization = Organization.objects.get(slug="demo")
    # the shipments in DEMO_SHIPMENTS' order: 3rd at sea, revised past its order's ETA; 6th the balance of that
    # order, still booked after its ETD and due after its ETA; 8th in the air, due in two days
    numbers = list(
        Shipment.objects.filter(organization=organization).order_by("number").values_list("number", flat=True)
    )
    fired: dict[str, set[str]] = {}
    for alert in Alert.objects.filter(organization=organization, target_type="logistics.shipment", resolved_at=None):
        fired.setdefault(alert.kind, set()).add(alert.label.split(" · ")[0])
    assert fired == {
        "shipment_eta_near": {numbers[7]},
        "shipment_eta_beyond_order": {numbers[2], numbers[5]},
        "shipment_not_departed": {numbers[5]},
    }


# --- production and T&A -----------------------------------------------------------------------------------------------
@pytest.mark.django_db(databases=["default", "owner"])
def test_the_demo_has_a_slipped_plan_and_a_work_order_behind_its_due_date():
    from tradeloom.production import states as wo_states
    from tradeloom.production.models import WorkOrder
    from tradeloom.tna.models import Milestone, MilestoneChange, Plan

    call_command("demo_setup", stdout=StringIO())
    organization = Organization.objects.get(slug="demo")
    with tenant_context(organization):
        plans = {p.order.po_number: p for p in Plan.objects.filter(organization=organization).select_related("order")}
        assert set(plans) == {"UT-5610", "NA-2026-117", "UT-5543", "NA-2026-131"}
        slipped = plans["UT-5610"]
        ex_factory = Milestone.objects.get(plan=slipped, code="ex_factory")
        assert ex_factory.forecast_date > slipped.order.etd  # the warning the issue asks for
        assert ex_factory.slippage_days > 0
        knitting = Milestone.objects.get(plan=slipped, code="knitting")
        assert knitting.is_done
        assert knitting.slippage_days == 9
        # finishing not reported: late (its date passed), and what follows it forecast later than planned
        finishing = Milestone.objects.get(plan=slipped, code="finishing")
        assert finishing.status == "pending"
        assert finishing.planned_date < timezone.localdate()
        assert Milestone.objects.get(plan=slipped, code="cutting").slippage_days > 0
        # on track: nothing forecast past the ETD, one date moved with its reason
        on_track = plans["NA-2026-117"]
        assert Milestone.objects.get(plan=on_track, code="ex_factory").forecast_date <= on_track.order.etd
        moved = MilestoneChange.objects.get(milestone__plan=on_track, field="planned")
        assert "QA" in moved.reason
        work_orders = {wo.order.po_number: wo for wo in WorkOrder.objects.filter(organization=organization)}
        assert set(work_orders) == {"UT-5610", "NA-2026-117", "UT-5543", "KM-0877"}
        behind = work_orders["UT-5610"]
        assert behind.status == wo_states.IN_PROGRESS
        assert behind.is_late
        assert behind.estimated_completion > behind.due_date
        assert not work_orders["NA-2026-117"].is_late
        assert work_orders["UT-5543"].status == wo_states.DRAFT
        assert work_orders["KM-0877"].status == wo_states.COMPLETED
        assert work_orders["KM-0877"].finished_quantity == work_orders["KM-0877"].quantity
    # idempotent: a second run adds nothing
    call_command("demo_setup", stdout=StringIO())
    with tenant_context(organization):
        assert Plan.objects.filter(organization=organization).count() == 4
        assert WorkOrder.objects.filter(organization=organization).count() == 4
