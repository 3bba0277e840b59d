"""The organisation's time zone is current for every tenant request (pages and API) and for work run for it
(``tenant_context``): "today" in the rules and the forms' defaults is the organisation's today, and times display
in its zone. Nothing leaks to the next request.

Time is frozen at 2026-11-02 18:30 UTC, which is already 3 November, 00:30, in Dhaka (UTC+6).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.utils import timezone

from tradeloom.approvals import services as approvals
from tradeloom.approvals.models import GateEntry, LineGate
from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import organization_time_zone, tenant_context
from tradeloom.core.models import Job
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales import services as sales
from tradeloom.sales import work
from tradeloom.sales.models import ActivityNote, Line
from tradeloom.sales.tests.factories import OrderFactory
from tradeloom.tenancy.models import Organization
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 18, 30, tzinfo=UTC)  # 3 Nov 2026, 00:30 in Dhaka
DHAKA_TODAY = date(2026, 11, 3)
UTC_TODAY = date(2026, 11, 2)


@pytest.fixture(autouse=True)
def _frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def dhaka(db) -> Organization:
    return OrganizationFactory(name="Dhaka Knits", slug="dhaka", timezone="Asia/Dhaka")


def browser_for(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def ctx(dhaka, member):
    owner = member(Role.OWNER, organization=dhaka)
    merch = member(Role.MERCHANDISER, organization=dhaka)
    with tenant_context(dhaka):
        approvals.gates_create_defaults(organization=dhaka, by=owner)
        order = sales.order_create(
            organization=dhaka,
            by=merch,
            data={
                "po_number": "PO-1",
                "customer": CustomerFactory(organization=dhaka),
                "currency": "USD",
                "order_date": date(2026, 11, 1),
            },
            styles=[
                {
                    "style_number": "TEE",
                    "lines": [{"colour_code": "NAVY", "quantity": 100, "unit": UnitFactory(organization=dhaka)}],
                }
            ],
        ).order
        line_gate = LineGate.objects.get(line__order=order, gate__code="lab_dip")
    return {"org": dhaka, "owner": owner, "merch": merch, "order": order, "line_gate": line_gate}


def test_the_frozen_moment_is_on_different_days_in_utc_and_dhaka():
    assert timezone.localdate() == UTC_TODAY
    with timezone.override("Asia/Dhaka"):
        assert timezone.localdate() == DHAKA_TODAY


# --- "today" in the rules -----------------------------------------------------------------------------------------


def test_a_note_dated_today_in_dhaka_is_accepted_on_the_page_right_after_midnight_there(ctx):
    # when the merchandiser adds a note dated 3 November at 00:30 Dhaka time (still 2 November in UTC)
    order = ctx["order"]
    response = browser_for(ctx["merch"]).post(
        f"/o/dhaka/orders/{order.pk}/notes/",
        {"category": "general", "effective_date": "2026-11-03", "text": "Buyer called"},
        follow=True,
    )
    # then it is accepted, not refused as in the future, and it is not backdated
    html = response.content.decode()
    assert "cannot be in the future" not in html
    assert "Note added" in html
    with tenant_context(ctx["org"]):
        note = ActivityNote.objects.get(order=order)
    assert note.effective_date == DHAKA_TODAY


def test_a_note_dated_tomorrow_in_dhaka_is_still_in_the_future(ctx):
    response = browser_for(ctx["merch"]).post(
        f"/o/dhaka/orders/{ctx['order'].pk}/notes/",
        {"category": "general", "effective_date": "2026-11-04", "text": "Too early"},
        follow=True,
    )
    assert "cannot be in the future" in response.content.decode()


def test_a_gate_entry_dated_today_in_dhaka_is_accepted_by_the_api(ctx, api_as):
    # when a lab dip submission dated 3 November is recorded through the API at 00:30 Dhaka time
    response = api_as(ctx["merch"]).post(
        f"/api/v1/o/dhaka/approvals/line-gates/{ctx['line_gate'].pk}/entries/",
        {"state": "submission", "effective_date": "2026-11-03"},
        format="json",
    )
    # then it is recorded
    assert response.status_code == 201, response.json()
    with tenant_context(ctx["org"]):
        entry = GateEntry.objects.get(line_gate=ctx["line_gate"])
        assert entry.effective_date == DHAKA_TODAY
        assert not entry.is_backdated


def test_a_note_dated_today_in_dhaka_is_accepted_by_the_api(ctx, api_as):
    response = api_as(ctx["merch"]).post(
        f"/api/v1/o/dhaka/orders/{ctx['order'].pk}/notes/",
        {"category": "general", "effective_date": "2026-11-03", "text": "Buyer called"},
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_a_delivery_dated_today_in_dhaka_is_accepted_by_the_api(ctx, api_as):
    with tenant_context(ctx["org"]):
        line = Line.objects.select_related("unit").get(order=ctx["order"])
    response = api_as(ctx["merch"]).post(
        f"/api/v1/o/dhaka/orders/{ctx['order'].pk}/lines/{line.pk}/deliveries/",
        {"date": "2026-11-03", "quantity": "10", "unit": str(line.unit_id)},
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_work_run_for_the_organisation_uses_its_today(ctx):
    # a background task or command runs as the organisation with tenant_context(organization)
    with tenant_context(ctx["org"]):
        assert timezone.localdate() == DHAKA_TODAY
        created = work.note_create(
            order=ctx["order"], by=ctx["merch"], data={"text": "x", "effective_date": DHAKA_TODAY}
        )
        assert created.effective_date == DHAKA_TODAY
    # and the zone does not outlive the block; an id alone (no zone known) leaves the current zone
    assert timezone.get_current_timezone_name() == "UTC"
    with tenant_context(ctx["org"].pk):
        assert timezone.get_current_timezone_name() == "UTC"


# --- form defaults ------------------------------------------------------------------------------------------------


def test_form_defaults_are_the_organisations_today(ctx):
    browser = browser_for(ctx["merch"])
    order = ctx["order"]
    new_order = browser.get("/o/dhaka/orders/new/").content.decode()
    assert 'value="2026-11-03"' in new_order
    notes = browser.get(f"/o/dhaka/orders/{order.pk}/?tab=notes").content.decode()
    assert 'value="2026-11-03"' in notes
    lines = browser.get(f"/o/dhaka/orders/{order.pk}/?tab=lines").content.decode()
    assert 'value="2026-11-03"' in lines  # the delivery date
    panel = browser.get(f"/o/dhaka/orders/{order.pk}/approvals/").content.decode()
    assert 'value="2026-11-03"' in panel  # a gate step's effective date
    assert 'value="2026-11-02"' not in new_order + notes + lines + panel


# --- times shown in the organisation's zone -----------------------------------------------------------------------


def test_the_audit_log_shows_times_in_the_organisations_zone_and_names_it(ctx):
    with tenant_context(ctx["org"]):
        AuditEvent.objects.create(
            organization=ctx["org"], actor=ctx["owner"].user, action="organization.updated", created_at=NOW
        )
    html = browser_for(ctx["owner"]).get("/o/dhaka/audit/").content.decode()
    assert "3 Nov 2026, 00:30" in html
    assert "2 Nov 2026, 18:30" not in html
    assert "Asia/Dhaka" in html


def test_the_api_writes_times_in_the_organisations_zone_in_the_fast_list_and_the_detail_alike(ctx, api_as):
    with tenant_context(ctx["org"]):
        Line.objects.filter(order=ctx["order"]).update(updated_at=NOW)
    client = api_as(ctx["merch"])
    listed = client.get("/api/v1/o/dhaka/orders/").json()["results"][0]
    detail = client.get(f"/api/v1/o/dhaka/orders/{ctx['order'].pk}/").json()
    assert listed["created_at"].endswith("+06:00")
    assert listed["created_at"] == detail["created_at"]
    assert datetime.fromisoformat(detail["created_at"]).utcoffset().total_seconds() == 6 * 3600


def test_the_audit_export_writes_the_organisations_local_times(ctx, django_capture_on_commit_callbacks):
    with tenant_context(ctx["org"]):
        AuditEvent.objects.create(
            organization=ctx["org"], actor=ctx["owner"].user, action="organization.updated", created_at=NOW
        )
    browser = browser_for(ctx["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        browser.post("/o/dhaka/audit/exports/", {"action": "organization.updated"}, HTTP_HX_REQUEST="true")
    with tenant_context(ctx["org"]):
        job = Job.objects.get(organization=ctx["org"])
        rows = list(csv.reader(io.StringIO(job.result.open("rb").read().decode())))
    assert rows[1][0] == "2026-11-03T00:30:00+06:00"


def test_a_note_written_just_after_midnight_in_dhaka_and_dated_the_day_before_is_backdated(ctx):
    with tenant_context(ctx["org"]):
        note = ActivityNote(effective_date=UTC_TODAY, created_at=NOW)
        assert note.is_backdated  # 2 November, written on 3 November (Dhaka)
    assert not ActivityNote(effective_date=UTC_TODAY, created_at=NOW).is_backdated  # in UTC: the same day


# --- no leak between requests ---------------------------------------------------------------------------------------


def test_nothing_leaks_to_the_next_request_or_the_thread(ctx, org, member, api_as):
    dhaka_member = ctx["merch"]
    utc_member = member(Role.MERCHANDISER)  # of ``org``, in UTC
    browser_for(dhaka_member).get("/o/dhaka/orders/new/")
    assert timezone.get_current_timezone_name() == "UTC"
    # a UTC organisation's page right after a Dhaka one (same thread) has the UTC day
    assert 'value="2026-11-02"' in browser_for(utc_member).get(f"/o/{org.slug}/orders/new/").content.decode()
    # an API request, even one that fails after the organisation was resolved, leaves no zone behind
    client = api_as(dhaka_member)
    assert client.get(f"/api/v1/o/dhaka/orders/{ctx['order'].pk}/").status_code == 200
    missing = OrderFactory.build().pk
    assert client.get(f"/api/v1/o/dhaka/orders/{missing}/").status_code == 404
    assert timezone.get_current_timezone_name() == "UTC"
    # and a block already in a zone gets it back
    with timezone.override("Europe/Berlin"), organization_time_zone(ctx["org"]):
        assert timezone.get_current_timezone_name() == "Asia/Dhaka"
    assert timezone.get_current_timezone_name() == "UTC"
