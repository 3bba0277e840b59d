"""Approvals API: record steps with files, corrections, refusals as problems, bulk, samples, board, badges on the
orders list within budget, cross-tenant references."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tradeloom.approvals import services
from tradeloom.approvals.models import LineGate
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales.tests.factories import LineFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def setup(org, member, api_as):
    owner, merch = member(Role.OWNER), member(Role.MERCHANDISER)
    with tenant_context(org):
        services.gates_create_defaults(organization=org, by=owner)
    unit = UnitFactory(organization=org, code="m")
    client = api_as(merch)
    payload = {
        "po_number": "PO-9",
        "customer": str(CustomerFactory(organization=org).pk),
        "currency": "USD",
        "order_date": TODAY.isoformat(),
        "styles": [
            {
                "style_number": "TEE",
                "lines": [{"colour_code": c, "quantity": "100", "unit": str(unit.pk)} for c in ("NAVY", "WHITE")],
            }
        ],
    }
    order = client.post(f"/api/v1/o/{org.slug}/orders/", payload, format="json").json()
    return {"client": client, "owner": api_as(owner), "order": order, "base": f"/api/v1/o/{org.slug}/"}


def gates_of(setup):
    return setup["client"].get(f"{setup['base']}orders/{setup['order']['id']}/approvals/").json()


def line_gate(setup, code, line=0):
    data = gates_of(setup)
    line_id = setup["order"]["lines"][line]["id"]
    return next(g for g in data["line_gates"] if g["gate"] == code and g["line_id"] == line_id)


def test_recording_steps_with_a_file_and_reading_the_history(setup):
    lab_dip = line_gate(setup, "lab_dip")
    url = f"{setup['base']}approvals/line-gates/{lab_dip['id']}/entries/"
    photo = SimpleUploadedFile("dip.png", b"\x89PNG fake", content_type="image/png")
    response = setup["client"].post(
        url,
        {"state": "submission", "effective_date": TODAY.isoformat(), "note": "3 shades", "attachments": [photo]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "submission"
    assert body["round"] == 1
    attachment = body["entries"][0]["attachments"][0]
    assert attachment["name"] == "dip.png"
    download = setup["client"].get(attachment["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"\x89PNG fake"
    refused = setup["client"].post(url, {"state": "submission", "effective_date": TODAY.isoformat()}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_transition"
    assert refused["Content-Type"].startswith("application/problem+json")


def test_an_unsafe_file_type_is_refused_and_nothing_recorded(setup):
    lab_dip = line_gate(setup, "lab_dip")
    url = f"{setup['base']}approvals/line-gates/{lab_dip['id']}/entries/"
    script = SimpleUploadedFile("run.html", b"<script>", content_type="text/html")
    response = setup["client"].post(
        url, {"state": "submission", "effective_date": TODAY.isoformat(), "attachments": [script]}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert line_gate(setup, "lab_dip")["entries"] == []


def test_corrections_and_the_superseded_flag(setup):
    lab_dip = line_gate(setup, "lab_dip")
    url = f"{setup['base']}approvals/line-gates/{lab_dip['id']}/entries/"
    setup["client"].post(url, {"state": "submission", "effective_date": TODAY.isoformat()}, format="json")
    wrong = setup["client"].post(url, {"state": "approved", "effective_date": TODAY.isoformat()}, format="json").json()
    wrong_id = wrong["entries"][-1]["id"]
    fixed = (
        setup["client"]
        .post(
            f"{setup['base']}approvals/entries/{wrong_id}/correct/",
            {"state": "rejected", "effective_date": TODAY.isoformat(), "note": "was the other colour"},
            format="json",
        )
        .json()
    )
    assert fixed["state"] == "rejected"
    flags = {e["id"]: e["superseded"] for e in fixed["entries"]}
    assert flags[wrong_id] is True


def test_gate_blocked_is_a_conflict_naming_the_gates(setup):
    pp = line_gate(setup, "pp_sample")
    url = f"{setup['base']}approvals/line-gates/{pp['id']}/entries/"
    response = setup["client"].post(url, {"state": "submission", "effective_date": TODAY.isoformat()}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "gate_blocked"
    assert response.json()["missing"] == ["lab_dip"]
    override = setup["owner"].post(
        url, {"state": "submission", "effective_date": TODAY.isoformat(), "override_reason": "Rush"}, format="json"
    )
    assert override.status_code == 201


def test_bulk_and_the_order_and_style_aggregates(setup):
    ids = [line["id"] for line in setup["order"]["lines"]]
    bulk = f"{setup['base']}approvals/bulk/"
    day = TODAY.isoformat()
    setup["client"].post(
        bulk, {"gate": "lab_dip", "lines": ids, "state": "submission", "effective_date": day}, format="json"
    )
    setup["client"].post(
        bulk, {"gate": "lab_dip", "lines": ids[:1], "state": "approved", "effective_date": day}, format="json"
    )
    data = gates_of(setup)
    order_state = {g["gate"]: g["state"] for g in data["gates"]}
    assert order_state["lab_dip"] == "submission"
    setup["client"].post(
        bulk, {"gate": "lab_dip", "lines": ids[1:], "state": "approved", "effective_date": day}, format="json"
    )
    data = gates_of(setup)
    assert {g["gate"]: g["state"] for g in data["styles"][0]["gates"]}["lab_dip"] == "approved"
    unknown = setup["client"].post(
        bulk, {"gate": "nope", "lines": ids, "state": "approved", "effective_date": day}, format="json"
    )
    assert unknown.status_code == 400
    assert unknown.json()["errors"]["gate"] == ["No such gate."]


def test_another_organisations_lines_are_not_found_in_bulk(setup, other_org):
    foreign = LineFactory(organization=other_org)
    response = setup["client"].post(
        f"{setup['base']}approvals/bulk/",
        {"gate": "lab_dip", "lines": [str(foreign.pk)], "state": "submission", "effective_date": TODAY.isoformat()},
        format="json",
    )
    assert response.status_code == 404


def test_samples_move_their_gate(setup):
    line = setup["order"]["lines"][1]
    base = f"{setup['base']}orders/{setup['order']['id']}/lines/{line['id']}/samples/"
    sample = setup["client"].post(base, {"gate": "lab_dip", "courier": "DHL"}, format="json").json()
    assert sample["version"] == 1
    assert sample["status"] == "pending"
    sent = (
        setup["client"]
        .post(
            f"{setup['base']}approvals/samples/{sample['id']}/dispatch/",
            {"submitted_on": TODAY.isoformat(), "awb_number": "AWB-1"},
            format="json",
        )
        .json()
    )
    assert sent["status"] == "submitted"
    assert line_gate(setup, "lab_dip", 1)["state"] == "submission"
    setup["client"].post(
        f"{setup['base']}approvals/samples/{sample['id']}/decide/",
        {"decision": "reject", "decided_on": TODAY.isoformat(), "buyer_comments": "Too dull"},
        format="json",
    )
    assert line_gate(setup, "lab_dip", 1)["state"] == "rejected"


def test_the_board_filters_stuck_lines(org, setup):
    ids = [line["id"] for line in setup["order"]["lines"]]
    old = (TODAY - timedelta(days=20)).isoformat()
    setup["client"].post(
        f"{setup['base']}approvals/bulk/",
        {"gate": "lab_dip", "lines": ids[:1], "state": "submission", "effective_date": old},
        format="json",
    )
    board = setup["client"].get(f"{setup['base']}approvals/board/?stuck=true").json()
    assert [(row["gate"], row["line"], row["days_in_state"]) for row in board["results"]] == [("lab_dip", "NAVY", 20)]
    waiting = setup["client"].get(f"{setup['base']}approvals/board/?waiting_days=30").json()
    assert waiting["results"] == []
    summary = setup["client"].get(f"{setup['base']}approvals/board/summary/?gate=lab_dip").json()
    assert summary == [{"gate": "lab_dip", "name": "Lab dip", "counts": {"submission": 1, "not_started": 1}}]


def test_custom_gates_need_an_admin_unless_for_one_line(setup):
    url = f"{setup['base']}approvals/gates/"
    refused = setup["client"].post(url, {"name": "Hanger"}, format="json")
    assert refused.status_code == 403
    one_off = setup["client"].post(url, {"name": "Wash test", "line": setup["order"]["lines"][0]["id"]}, format="json")
    assert one_off.status_code == 201
    assert one_off.json()["code"] == "wash_test"
    created = setup["owner"].post(url, {"name": "Hanger", "applies_by_default": True}, format="json")
    assert created.status_code == 201
    assert created.json()["code"] == "hanger"


def test_orders_list_shows_gate_badges_within_budget(org, setup, django_assert_max_num_queries):
    for n in range(5):
        setup["client"].post(
            f"{setup['base']}orders/",
            {
                "po_number": f"PO-X{n}",
                "customer": setup["order"]["customer_id"],
                "currency": "USD",
                "order_date": TODAY.isoformat(),
                "styles": [
                    {"lines": [{"colour_code": "C", "quantity": "1", "unit": setup["order"]["lines"][0]["unit_id"]}]}
                ],
            },
            format="json",
        )
    setup["client"].get(f"{setup['base']}orders/")
    # the badges come in the list's one statement
    with django_assert_max_num_queries(budget("api.orders.list.with_approval_badges")):
        rows = setup["client"].get(f"{setup['base']}orders/").json()["results"]
    assert len(rows) == 6
    assert {g["gate"] for g in rows[0]["gates"]} == {"lab_dip", "quality", "price", "pp_sample"}
    with tenant_context(org):
        assert LineGate.objects.count() == 4 * 7
