"""The order's Timeline tab: readable sentences with old → new values, for the events of the order and of its
styles, lines, gates, samples, files, offers, deliveries, tasks and notes — in a constant number of queries."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tradeloom.approvals import services as approvals
from tradeloom.approvals.models import Gate, LineGate
from tradeloom.audit import formats
from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.partners.tests.factories import CustomerFactory, SupplierFactory
from tradeloom.records.services import record_update
from tradeloom.sales import services, work
from tradeloom.sales.models import Line, Order
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
EFFECTIVE = TODAY - timedelta(days=3)  # a backdated step


def browser(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def new_order(org, by, colours=("NAVY", "WHITE"), quantity=5000) -> Order:
    unit = UnitFactory(organization=org, code=f"m{len(colours)}")
    return services.order_create(
        organization=org,
        by=by,
        data={
            "po_number": "PO-77",
            "customer": CustomerFactory(organization=org),
            "currency": "USD",
            "order_date": TODAY,
        },
        styles=[
            {"style_number": "TEE", "lines": [{"colour_code": c, "quantity": quantity, "unit": unit} for c in colours]}
        ],
    ).order


@pytest.fixture
def ann(member):
    membership = member(Role.MERCHANDISER)
    membership.user.full_name = "Ann Rahman"
    membership.user.save(update_fields=["full_name"])
    return membership


@pytest.fixture
def story(org, ann, member):
    """An order that went through what a merchandiser does in its first weeks."""
    owner = member(Role.OWNER)
    with tenant_context(org):
        approvals.gates_create_defaults(organization=org, by=owner)
        order = new_order(org, ann)
        navy = Line.objects.get(order=order, colour_code="NAVY")
        services.line_update(line=navy, by=ann, data={"quantity": D("6000")})
        services.line_transition(line=navy, status=Line.Status.IN_DEVELOPMENT, by=ann)
        mill = SupplierFactory(organization=org, legal_name="Bayside Mills", trade_name="")
        offer = services.offer_create(line=navy, by=ann, data={"supplier": mill, "price": D("3.9"), "currency": "USD"})
        services.offer_accept(offer=offer, by=ann)
        services.delivery_record(line=navy, by=ann, date=TODAY, quantity=D("500"), unit=navy.unit)
        lab_dip = LineGate.objects.get(line=navy, gate__code="lab_dip")
        entry = approvals.entry_record(line_gate=lab_dip, by=ann, state="submission", effective_date=EFFECTIVE)
        approvals.attachment_add(
            by=ann, upload=SimpleUploadedFile("dip.jpg", b"\xff\xd8\xff", content_type="image/jpeg"), entry=entry
        )
        sample = approvals.sample_create(
            line=navy, gate=Gate.objects.get(code="pp_sample"), by=ann, data={"courier": "DHL"}
        )
        approvals.sample_dispatch(  # before the lab dip is approved: the owner passes the gating rule
            sample=sample, by=owner, submitted_on=TODAY, awb_number="7788", override_reason="Buyer asked for it"
        )
        work.task_create(order=order, by=ann, data={"title": "Chase lab dips", "assignee": owner})
        work.note_create(
            order=order,
            by=ann,
            data={"text": "Buyer called", "category": "buyer", "effective_date": TODAY - timedelta(days=2)},
        )
        services.order_stage_change(order=order, by=ann, stage="sampling")
        record_update(instance=Order.objects.get(pk=order.pk), by=ann, data={"etd": TODAY + timedelta(days=30)})
    return {"order": order, "owner": owner}


def timeline_html(org, membership, order) -> str:
    return browser(membership).get(f"/o/{org.slug}/orders/{order.pk}/?tab=timeline").content.decode()


def sentences(html: str) -> str:
    """The page's text, one space between words (the sentences are checked as people read them)."""
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"\s+", " ", text.replace("&#x27;", "'").replace("&quot;", '"'))
    return text.replace(" :", ":")


def test_the_timeline_tells_what_happened_to_the_order_and_everything_on_it(org, ann, story):
    text = sentences(timeline_html(org, story["owner"], story["order"]))
    day = formats.day(EFFECTIVE)
    for sentence in (
        "Ann Rahman created this order (PO PO-77) with 1 style and 2 lines",
        "Ann Rahman changed NAVY Quantity: 5,000 → 6,000",
        "Ann Rahman moved NAVY from upcoming to in development",
        "Ann Rahman recorded Bayside Mills' offer for NAVY at USD 3.90",
        "Ann Rahman accepted Bayside Mills' offer for NAVY at 3.90",
        "Ann Rahman recorded a delivery for NAVY: delivered 0 → 500 m2",
        f"Ann Rahman recorded lab dip submission for NAVY (round 1), effective {day}",
        "Ann Rahman attached “dip.jpg” to lab dip for NAVY",
        "Ann Rahman registered PP sample v1 for NAVY",
        "sent PP sample v1 for NAVY (AWB 7788)",
        "recorded PP sample submission for NAVY (round 1)",
        "overrode a gating rule to submit PP sample for NAVY: lab dip not yet approved; reason: “Buyer asked for it”",
        "Ann Rahman added the task “Chase lab dips”, assigned to",
        "Ann Rahman added a buyer note dated",
        "Ann Rahman moved this order to sampling",
        f"Ann Rahman changed this order ETD: {formats.day(TODAY + timedelta(days=30))}",
    ):
        assert sentence in text, sentence
    # no raw action names, ids or Python values
    assert not re.search(r"\b(sales_line|sales_order|approval_\w+|mill_offer)\.\w+", text)
    assert "None" not in text
    assert str(story["order"].pk) not in text


def test_the_timeline_is_newest_first_and_shows_the_organisations_time_zone(org, ann, story):
    html = timeline_html(org, story["owner"], story["order"])
    text = sentences(html)
    assert text.index("changed this order") < text.index("created this order")
    assert "Times in UTC" in text


def test_events_of_another_order_are_not_on_this_timeline(org, ann, story):
    with tenant_context(org):
        other = new_order(org, ann, colours=("RED",))
        services.line_transition(line=Line.objects.get(order=other), status=Line.Status.IN_DEVELOPMENT, by=ann)
    text = sentences(timeline_html(org, story["owner"], story["order"]))
    assert "RED" not in text


def test_the_timeline_costs_the_same_queries_whatever_the_number_of_lines_and_events(
    org, ann, member, django_assert_max_num_queries
):
    owner = member(Role.OWNER)
    with tenant_context(org):
        approvals.gates_create_defaults(organization=org, by=owner)
        mill = SupplierFactory(organization=org)

        def worked_on(order: Order) -> Order:  # the same kinds of work on every line
            for line in Line.objects.filter(order=order):
                services.line_update(line=line, by=ann, data={"quantity": D("7000")})
                offer = services.offer_create(
                    line=line, by=ann, data={"supplier": mill, "price": D("2"), "currency": "USD"}
                )
                services.offer_accept(offer=offer, by=ann)
                work.task_create(order=order, by=ann, data={"title": f"Task {line}", "assignee": owner})
                lab_dip = LineGate.objects.get(line=line, gate__code="lab_dip")
                approvals.entry_record(line_gate=lab_dip, by=ann, state="submission", effective_date=TODAY)
            return order

        small = worked_on(new_order(org, ann, colours=("NAVY",)))
        colours = tuple(f"C{n:02d}" for n in range(12))
        big = worked_on(new_order(org, ann, colours=colours))
    client = browser(owner)
    url = f"/o/{org.slug}/orders/{{}}/?tab=timeline"
    client.get(url.format(small.pk))
    with django_assert_max_num_queries(budget("web.orders.timeline")) as small_queries:
        client.get(url.format(small.pk))
    with django_assert_max_num_queries(budget("web.orders.timeline")) as big_queries:
        html = client.get(url.format(big.pk)).content.decode()
    assert len(big_queries.captured_queries) == len(small_queries.captured_queries)
    assert sentences(html).count("accepted") == len(colours)


def test_a_member_and_the_dashboard_and_the_audit_log_read_sentences_not_codes(org, ann, story):
    owner = story["owner"]
    client = browser(owner)
    client.post(f"/o/{org.slug}/members/{ann.pk}/role/", {"role": "manager"})
    member_page = sentences(client.get(f"/o/{org.slug}/members/{ann.pk}/?tab=activity").content.decode())
    assert "changed Ann Rahman's role from merchandiser to manager" in member_page
    dashboard = sentences(client.get(f"/o/{org.slug}/").content.decode())
    assert "changed Ann Rahman's role from merchandiser to manager" in dashboard
    assert "membership.role_changed" not in dashboard
    audit = sentences(client.get(f"/o/{org.slug}/audit/").content.decode())
    # off the order's page, a line is named with its order
    assert f"moved NAVY on {story['order'].number} from upcoming to in development" in audit
    assert "Time (UTC)" in audit


def test_an_old_event_without_a_sentence_or_its_record_still_reads(org, ann, story):
    with tenant_context(org):
        AuditEvent.objects.create(  # a name from before the floor-plan rename
            organization=org,
            actor=ann.user,
            action="order.updated",
            target_type="sales.order",
            target_id=str(story["order"].pk),
            changes={"notes": ["", "Rush"]},
        )
    text = sentences(timeline_html(org, story["owner"], story["order"]))
    assert "Ann Rahman: order updated Notes: Rush" in text
