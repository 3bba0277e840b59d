"""Approvals pages: the order's panel (steps, corrections, bulk, samples, files), the board, gates and rules
settings, gate badges on the orders list; refusals show a message and change nothing; budgets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tradeloom.approvals import services
from tradeloom.approvals.models import Gate, GateEntry, GateRule, LineGate, Sample
from tradeloom.approvals.tests.factories import AttachmentFactory
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales import services as sales
from tradeloom.sales.models import Line
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def client_for(membership):
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def ctx(org, member):
    owner, merch = member(Role.OWNER), member(Role.MERCHANDISER)
    with tenant_context(org):
        services.gates_create_defaults(organization=org, by=owner)
        unit = UnitFactory(organization=org, code="m")
        order = sales.order_create(
            organization=org,
            by=merch,
            data={
                "po_number": "PO-1",
                "customer": CustomerFactory(organization=org),
                "currency": "USD",
                "order_date": TODAY,
            },
            styles=[
                {
                    "style_number": "TEE",
                    "lines": [{"colour_code": c, "quantity": 100, "unit": unit} for c in ("NAVY", "WHITE")],
                }
            ],
        ).order
        lines = list(Line.objects.filter(order=order).order_by("position"))
    return {
        "org": org,
        "order": order,
        "lines": lines,
        "merch": client_for(merch),
        "owner": client_for(owner),
        "base": f"/o/{org.slug}/orders/{order.pk}/approvals/",
    }


def line_gate(ctx, code, line=0):
    with tenant_context(ctx["org"]):
        return LineGate.objects.select_related("gate").get(line=ctx["lines"][line], gate__code=code)


def test_the_panel_shows_every_line_gate_within_budget(ctx, django_assert_max_num_queries):
    html = ctx["merch"].get(ctx["base"]).content.decode()
    assert "Lab dip" in html
    assert "PP sample" in html
    assert "Record a step for Lab dip" in html
    with django_assert_max_num_queries(budget("web.orders.approvals")):
        assert ctx["merch"].get(ctx["base"]).status_code == 200


def test_the_panel_costs_the_same_for_more_lines(ctx, django_assert_max_num_queries):
    with tenant_context(ctx["org"]):
        sales.order_merge(
            order=ctx["order"],
            by=ctx["order"].merchandiser or _member(ctx),
            styles=[
                {"style_number": f"S{i}", "lines": [{"colour_code": "C", "quantity": 1, "unit": ctx["lines"][0].unit}]}
                for i in range(8)
            ],
        )
    ctx["merch"].get(ctx["base"])
    with django_assert_max_num_queries(budget("web.orders.approvals")):
        assert ctx["merch"].get(ctx["base"]).status_code == 200


def _member(ctx):
    from tradeloom.tenancy.models import Membership

    return Membership.objects.filter(organization=ctx["org"], role=Role.OWNER).first()


def test_recording_steps_and_a_refusal(ctx):
    gate = line_gate(ctx, "lab_dip")
    url = f"{ctx['base']}line-gates/{gate.pk}/entries/"
    done = ctx["merch"].post(
        url, {"state": "submission", "effective_date": (TODAY - timedelta(days=3)).isoformat()}, follow=True
    )
    assert "Lab dip for NAVY: submission (backdated)." in done.content.decode()
    refused = ctx["merch"].post(url, {"state": "submission", "effective_date": TODAY.isoformat()}, follow=True)
    assert "it cannot become submission" in refused.content.decode()
    assert line_gate(ctx, "lab_dip").state == "submission"


def test_a_file_goes_with_the_step_and_downloads_only_here(ctx, other_org):
    gate = line_gate(ctx, "lab_dip")
    photo = SimpleUploadedFile("dip.jpg", b"jpeg bytes", content_type="image/jpeg")
    ctx["merch"].post(
        f"{ctx['base']}line-gates/{gate.pk}/entries/",
        {"state": "submission", "effective_date": TODAY.isoformat(), "attachments": [photo]},
    )
    with tenant_context(ctx["org"]):
        attachment = GateEntry.objects.get().attachments.get()
    download = ctx["merch"].get(f"/o/{ctx['org'].slug}/approvals/attachments/{attachment.pk}/")
    assert b"".join(download.streaming_content) == b"jpeg bytes"
    foreign = AttachmentFactory(organization=other_org)
    assert ctx["merch"].get(f"/o/{ctx['org'].slug}/approvals/attachments/{foreign.pk}/").status_code == 404


def test_a_correction_from_the_page(ctx):
    gate = line_gate(ctx, "lab_dip")
    url = f"{ctx['base']}line-gates/{gate.pk}/entries/"
    ctx["merch"].post(url, {"state": "submission", "effective_date": TODAY.isoformat()})
    ctx["merch"].post(url, {"state": "approved", "effective_date": TODAY.isoformat()})
    with tenant_context(ctx["org"]):
        wrong = GateEntry.objects.get(state="approved")
    ctx["merch"].post(
        f"{ctx['base']}entries/{wrong.pk}/correct/",
        {"state": "rejected", "effective_date": TODAY.isoformat(), "note": "wrong colour"},
    )
    assert line_gate(ctx, "lab_dip").state == "rejected"
    html = ctx["merch"].get(ctx["base"]).content.decode()
    assert "superseded" in html
    assert "correction" in html


def test_bulk_from_the_page(ctx):
    data = {
        "gate": "lab_dip",
        "state": "submission",
        "effective_date": TODAY.isoformat(),
        "lines": [str(line.pk) for line in ctx["lines"]],
    }
    html = ctx["merch"].post(f"{ctx['base']}bulk/", data, follow=True).content.decode()
    assert "Lab dip: submission for 2 lines." in html
    assert {line_gate(ctx, "lab_dip", i).state for i in (0, 1)} == {"submission"}


def test_samples_from_the_page(ctx):
    line = ctx["lines"][1]
    ctx["merch"].post(f"{ctx['base']}samples/", {"line": str(line.pk), "gate": "lab_dip", "courier": "DHL"})
    with tenant_context(ctx["org"]):
        sample = Sample.objects.get()
    sent = ctx["merch"].post(
        f"{ctx['base']}samples/{sample.pk}/dispatch/",
        {"submitted_on": TODAY.isoformat(), "awb_number": "99"},
        follow=True,
    )
    assert "waiting for the buyer" in sent.content.decode()
    ctx["merch"].post(
        f"{ctx['base']}samples/{sample.pk}/decide/",
        {"decision": "approve", "decided_on": TODAY.isoformat(), "buyer_comments": "Good"},
    )
    assert line_gate(ctx, "lab_dip", 1).state == "approved"


def test_a_blocked_sample_dispatch_is_a_message_and_changes_nothing(ctx):
    line = ctx["lines"][0]
    ctx["merch"].post(f"{ctx['base']}samples/", {"line": str(line.pk), "gate": "pp_sample"})
    with tenant_context(ctx["org"]):
        sample = Sample.objects.get()
    html = (
        ctx["merch"]
        .post(f"{ctx['base']}samples/{sample.pk}/dispatch/", {"submitted_on": TODAY.isoformat()}, follow=True)
        .content.decode()
    )
    assert "needs Lab dip approved first" in html
    with tenant_context(ctx["org"]):
        assert Sample.objects.get().status == "pending"


def test_the_board_counts_and_filters_stuck_lines(ctx, django_assert_max_num_queries):
    old = (TODAY - timedelta(days=30)).isoformat()
    gate = line_gate(ctx, "lab_dip")
    ctx["merch"].post(f"{ctx['base']}line-gates/{gate.pk}/entries/", {"state": "submission", "effective_date": old})
    board = f"/o/{ctx['org'].slug}/approvals/"
    html = ctx["merch"].get(board).content.decode()
    assert "Lines per gate and state" in html
    assert "?gate=lab_dip&amp;state=submission" in html
    stuck = ctx["merch"].get(f"{board}?stuck=true").content.decode()
    assert "30 days" in stuck
    assert stuck.count("<tr>") >= 1
    # frame (7 with the test's savepoints), filter choices (3), gate check of the matrix filter, page, matrix,
    # customers, merchandisers and their users (prefetched), switcher and counters: constant whatever the lines
    with django_assert_max_num_queries(budget("web.approvals.board")):
        assert ctx["merch"].get(f"{board}?gate=lab_dip").status_code == 200


def test_settings_add_gate_toggle_default_and_rules(ctx):
    url = f"/o/{ctx['org'].slug}/approvals/settings/"
    assert ctx["merch"].post(url, {"action": "add_gate", "gate-name": "Hanger"}).status_code == 403
    ctx["owner"].post(url, {"action": "add_gate", "gate-name": "Hanger", "gate-applies_by_default": "on"})
    with tenant_context(ctx["org"]):
        hanger = Gate.objects.get(code="hanger")
    assert hanger.applies_by_default
    ctx["owner"].post(url, {"action": "default_off", "gate": str(hanger.pk)})
    ctx["owner"].post(
        url, {"action": "set_rule", "rule-kind": "submit", "rule-gate": "hanger", "rule-requires": ["lab_dip", "price"]}
    )
    with tenant_context(ctx["org"]):
        hanger.refresh_from_db()
        rule = GateRule.objects.get(gate=hanger)
    assert not hanger.applies_by_default
    assert rule.requires == ["lab_dip", "price"]
    html = ctx["owner"].get(url).content.decode()
    assert "cannot be submitted before Lab dip, Price are approved" in html
    ctx["owner"].post(url, {"action": "delete_rule", "rule": str(rule.pk)})
    with tenant_context(ctx["org"]):
        assert not GateRule.objects.filter(gate=hanger).exists()
    bad = (
        ctx["owner"]
        .post(url, {"action": "set_rule", "rule-kind": "line_status", "rule-requires": ["lab_dip"]}, follow=True)
        .content.decode()
    )
    assert "Choose a line status." in bad


def test_the_orders_list_shows_gate_badges(ctx):
    gate = line_gate(ctx, "lab_dip")
    ctx["merch"].post(
        f"{ctx['base']}line-gates/{gate.pk}/entries/", {"state": "submission", "effective_date": TODAY.isoformat()}
    )
    html = ctx["merch"].get(f"/o/{ctx['org'].slug}/orders/").content.decode()
    assert 'class="badge-blue" title="Lab dip: Submission"' in html
    assert 'class="badge-gray" title="PP sample: Not started"' in html


def test_a_line_cannot_go_to_bulk_without_pp_sample_but_an_owner_may_override(ctx):
    line = ctx["lines"][0]
    url = f"/o/{ctx['org'].slug}/orders/{ctx['order'].pk}/lines/{line.pk}/transition/"
    for status in ("in_development", "running"):
        ctx["merch"].post(url, {"status": status})
    refused = ctx["merch"].post(url, {"status": "bulk"}, follow=True).content.decode()
    assert "needs PP sample approved first" in refused
    ctx["owner"].post(url, {"status": "bulk", "override_reason": "Buyer approved by phone"})
    with tenant_context(ctx["org"]):
        assert Line.objects.get(pk=line.pk).status == "bulk"


def test_the_csv_export_shows_the_same_state_as_the_pages(ctx):
    gate = line_gate(ctx, "lab_dip")
    url = f"{ctx['base']}line-gates/{gate.pk}/entries/"
    day = lambda n: (TODAY - timedelta(days=n)).isoformat()  # noqa: E731
    ctx["merch"].post(url, {"state": "submission", "effective_date": day(10)})
    ctx["merch"].post(url, {"state": "rejected", "effective_date": day(5)})
    # recorded last, effective before the rejection: the rejection stays the current state everywhere
    ctx["merch"].post(url, {"state": "resubmission", "effective_date": day(7)})
    with tenant_context(ctx["org"]):
        assert GateEntry.objects.count() == 3
    response = ctx["merch"].get(f"/o/{ctx['org'].slug}/approvals/export.csv?gate=lab_dip")
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0].startswith("order,po,customer,style,colour")
    navy = next(row for row in rows if ",NAVY," in row)
    assert ",Lab dip,rejected,1," in navy
    html = ctx["merch"].get(f"/o/{ctx['org'].slug}/orders/").content.decode()
    assert 'title="Lab dip: Rejected"' in html
    assert line_gate(ctx, "lab_dip").state == "rejected"
    assert len(rows) == 3  # header + NAVY + WHITE


def test_the_csv_export_without_filters_has_every_line(ctx):
    response = ctx["merch"].get(f"/o/{ctx['org'].slug}/approvals/export.csv")
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert len(rows) == 1 + 2 * 4  # header + two lines with four default gates each


def test_the_csv_export_streams_its_rows_after_the_request_has_ended(ctx):
    # given a response whose rows are read after the view returned: in production the server iterates it after the
    # request's transaction ended, so the tenant context row-level security reads is gone
    from tradeloom.core import context

    response = ctx["merch"].get(f"/o/{ctx['org'].slug}/approvals/export.csv")
    context.set_organization(None)
    context.set_user(None)
    # when the stream is read
    rows = b"".join(response.streaming_content).decode().splitlines()
    # then it still has every line, not just its header
    assert len(rows) == 1 + 2 * 4


def test_removing_a_rule_by_a_malformed_or_unknown_id_is_404(ctx):
    url = f"/o/{ctx['org'].slug}/approvals/settings/"
    for rule in ("not-a-uuid", "00000000-0000-0000-0000-000000000000", ""):
        assert ctx["owner"].post(url, {"action": "delete_rule", "rule": rule}).status_code == 404
    with tenant_context(ctx["org"]):
        assert GateRule.objects.count() == 2
