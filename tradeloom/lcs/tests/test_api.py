"""LC API: recording (idempotent, a blank number numbered), the list (filters, search, cursor pages, one statement a
page), the detail (ETag, 304, a constant cost), edits with If-Match, the moves, amendments, drawings with their
refusals as problems, presentations and discrepancies, the exposure report, capabilities and other organisations'
LCs, shipments and orders."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tradeloom.core.context import tenant_context
from tradeloom.core.problems import PROBLEM_CONTENT_TYPE
from tradeloom.lcs.models import LetterOfCredit
from tradeloom.lcs.tests.conftest import DAY, TODAY, lc_make, shipment_make
from tradeloom.lcs.tests.factories import LetterOfCreditFactory, UtilisationFactory
from tradeloom.logistics.tests.factories import ShipmentFactory
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales.tests.factories import OrderFactory
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    assert response.json()["code"] == code, response.json()
    return response.json()


@pytest.fixture
def api(ctx, api_as):
    ctx["url"] = f"/api/v1/o/{ctx['org'].slug}/lcs/"
    ctx["client"] = api_as(ctx["accounts"])
    ctx["merch_client"] = api_as(ctx["merch"])
    ctx["owner_client"] = api_as(ctx["owner"])
    return ctx


def payload(ctx, **extra):
    return {
        "number": "HSBC-001",
        "customer": str(ctx["customer"].pk),
        "issuing_bank": "HSBC Dhaka",
        "currency": "USD",
        "amount": "50000.00",
        "tolerance_percent": "10",
        "expiry_date": (TODAY + 90 * DAY).isoformat(),
        "latest_shipment_date": (TODAY + 60 * DAY).isoformat(),
        "orders": [str(ctx["order"].pk)],
        "required_documents": ["commercial_invoice", "packing_list"],
        **extra,
    }


def test_record_issue_and_read_an_lc(api):
    client, url = api["client"], api["url"]
    created = client.post(url, payload(api), format="json", HTTP_IDEMPOTENCY_KEY="lc-1")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "pending"
    assert body["figures"]["cap"] == "55000.00"
    assert body["orders"] == [{"id": str(api["order"].pk), "number": api["order"].number}]
    again = client.post(url, payload(api), format="json", HTTP_IDEMPOTENCY_KEY="lc-1")
    assert again.status_code == 201
    assert again.json()["id"] == body["id"]
    with tenant_context(api["org"]):
        assert LetterOfCredit.objects.count() == 1
    detail = client.get(f"{url}{body['id']}/")
    etag = detail["ETag"]
    assert client.get(f"{url}{body['id']}/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    issued = client.post(f"{url}{body['id']}/issue/", {}, format="json", HTTP_IF_MATCH=f'"{body["id"]}-1"')
    assert issued.status_code == 200
    assert issued.json()["status"] == "issued"
    stale = client.patch(f"{url}{body['id']}/", {"notes": "x"}, format="json", HTTP_IF_MATCH=f'"{body["id"]}-1"')
    problem(stale, 412, "precondition_failed")
    problem(client.patch(f"{url}{body['id']}/", {"amount": "1.00"}, format="json"), 409, "lc_not_editable")
    problem(client.post(f"{url}{body['id']}/issue/", {}, format="json"), 409, "invalid_transition")


def test_amend_draw_and_release(api):
    client, url = api["client"], api["url"]
    with tenant_context(api["org"]):
        lc = lc_make(api)
    base = f"{url}{lc.pk}/"
    drawn = client.post(f"{base}utilisations/", {"amount": "90000.00", "invoice_reference": "INV-1"}, format="json")
    assert drawn.status_code == 201
    assert drawn.json()["figures"]["available"] == "10000.00"
    refused = problem(
        client.post(f"{base}utilisations/", {"amount": "10000.01"}, format="json"), 409, "lc_amount_exceeded"
    )
    assert refused["available"] == "10000.00"
    problem(
        client.post(f"{base}utilisations/", {"amount": "10.00", "currency": "EUR"}, format="json"),
        409,
        "lc_currency_mismatch",
    )
    amended = client.post(f"{base}amendments/", {"changes": {"amount": "120000.00"}}, format="json")
    assert amended.status_code == 201, amended.content
    amendment = amended.json()["amendments"][0]
    assert amendment["changes"] == {"amount": ["100000.00", "120000.00"]}
    assert amendment["status"] == "proposed"
    problem(client.post(f"{base}amendments/", {"changes": {"amount": "1.00"}}, format="json"), 409, "amendment_pending")
    accepted = client.post(f"{base}amendments/{amendment['id']}/accept/", {}, format="json")
    assert accepted.status_code == 200
    body = accepted.json()
    assert body["amount"] == "120000.00"
    assert body["amended"] == {"amount": 1}
    assert body["revision"] == 1
    assert body["original_terms"]["amount"] == "100000.00"
    drawing = body["utilisations"][0]["id"]
    released = client.post(f"{base}utilisations/{drawing}/release/", {"reason": "invoice void"}, format="json")
    assert released.json()["figures"]["utilised"] == "0.00"
    problem(
        client.post(f"{base}utilisations/{drawing}/release/", {"reason": "again"}, format="json"),
        409,
        "already_released",
    )


def test_presentations_and_discrepancies(api):
    client, url = api["client"], api["url"]
    with tenant_context(api["org"]):
        lc = lc_make(api)
    base = f"{url}{lc.pk}/"
    body = client.post(f"{base}utilisations/", {"amount": "1000.00"}, format="json").json()
    drawing = body["utilisations"][0]["id"]
    presented = client.post(
        f"{base}presentations/",
        {"utilisation": drawing, "documents": [{"document": "commercial_invoice", "presented": True}]},
        format="json",
    )
    assert presented.status_code == 201, presented.content
    presentation = presented.json()["presentations"][0]
    assert presentation["documents"][0] == {"document": "commercial_invoice", "presented": True}
    raised = client.post(
        f"{base}presentations/{presentation['id']}/discrepancies/", {"text": "B/L unsigned"}, format="json"
    )
    p = raised.json()["presentations"][0]
    assert p["status"] == "discrepant"
    problem(
        client.post(f"{base}presentations/{p['id']}/decide/", {"outcome": "accepted"}, format="json"),
        409,
        "discrepancies_open",
    )
    d = p["discrepancies"][0]["id"]
    client.post(f"{base}presentations/{p['id']}/discrepancies/{d}/resolve/", {"outcome": "corrected"}, format="json")
    decided = client.post(f"{base}presentations/{p['id']}/decide/", {"outcome": "accepted"}, format="json")
    assert decided.json()["presentations"][0]["status"] == "accepted"


def test_another_organisations_lc_shipment_and_order_are_404(api, other_org):
    client, url = api["client"], api["url"]
    with tenant_context(other_org):
        foreign_lc = LetterOfCreditFactory(organization=other_org)
        foreign_shipment = ShipmentFactory(organization=other_org)
        foreign_order = OrderFactory(organization=other_org)
        foreign_customer = CustomerFactory(organization=other_org)
        foreign_drawing = UtilisationFactory(organization=other_org)
    problem(client.get(f"{url}{foreign_lc.pk}/"), 404, "not_found")
    problem(client.post(f"{url}{foreign_lc.pk}/utilisations/", {"amount": "1.00"}, format="json"), 404, "not_found")
    with tenant_context(api["org"]):
        lc = lc_make(api)
    base = f"{url}{lc.pk}/"
    problem(
        client.post(f"{base}utilisations/", {"shipment": str(foreign_shipment.pk), "amount": "1.00"}, format="json"),
        404,
        "not_found",
    )
    problem(client.post(f"{base}orders/", {"order": str(foreign_order.pk)}, format="json"), 404, "not_found")
    problem(client.post(url, payload(api, customer=str(foreign_customer.pk)), format="json"), 404, "not_found")
    problem(client.post(url, payload(api, orders=[str(foreign_order.pk)]), format="json"), 404, "not_found")
    problem(
        client.post(f"{base}utilisations/{foreign_drawing.pk}/release/", {"reason": "x"}, format="json"),
        404,
        "not_found",
    )


def test_managing_needs_lcs_manage(api):
    merch = api["merch_client"]
    problem(merch.post(api["url"], payload(api), format="json"), 403, "permission_denied")
    with tenant_context(api["org"]):
        lc = lc_make(api)
    assert merch.get(f"{api['url']}{lc.pk}/").status_code == 200
    problem(
        merch.post(f"{api['url']}{lc.pk}/utilisations/", {"amount": "1.00"}, format="json"), 403, "permission_denied"
    )


def test_list_filters_and_budget(api, django_assert_max_num_queries):
    client, url = api["client"], api["url"]
    with tenant_context(api["org"]):
        for i in range(4):
            lc_make(api, number=f"F-{i}", issuing_bank="HSBC" if i % 2 else "Citi")
    with django_assert_max_num_queries(budget("api.lcs.list")):
        rows = client.get(url, {"limit": 2}).json()
    assert len(rows["results"]) == 2
    assert rows["next"]
    assert {r["number"] for r in client.get(url, {"issuing_bank": "hsbc"}).json()["results"]} == {"F-1", "F-3"}
    assert [r["number"] for r in client.get(url, {"q": "F-2"}).json()["results"]] == ["F-2"]
    assert client.get(url, {"status": "pending"}).json()["results"] == []
    assert len(client.get(url, {"expiry_to": (TODAY + 90 * DAY).isoformat()}).json()["results"]) == 4
    assert client.get(url, {"expiry_to": (TODAY + 89 * DAY).isoformat()}).json()["results"] == []


def test_the_detail_costs_the_same_whatever_its_size(api, django_assert_max_num_queries):
    client, url = api["client"], api["url"]
    with tenant_context(api["org"]):
        lc = lc_make(api)

    def grow() -> None:
        body = client.post(f"{url}{lc.pk}/utilisations/", {"amount": "100.00"}, format="json").json()
        p = client.post(f"{url}{lc.pk}/presentations/", {"utilisation": body["utilisations"][-1]["id"]}, format="json")
        pid = p.json()["presentations"][-1]["id"]
        client.post(f"{url}{lc.pk}/presentations/{pid}/discrepancies/", {"text": "x"}, format="json")

    grow()
    with CaptureQueriesContext(connection) as few, django_assert_max_num_queries(budget("api.lcs.detail")):
        client.get(f"{url}{lc.pk}/")
    for _ in range(3):
        grow()
    with CaptureQueriesContext(connection) as many, django_assert_max_num_queries(budget("api.lcs.detail")):
        body = client.get(f"{url}{lc.pk}/").json()
    assert len(many) == len(few)
    # each presentation with its own discrepancy (read apart from the presentations, put back in place)
    assert [len(p["discrepancies"]) for p in body["presentations"]] == [1, 1, 1, 1]
    assert len({p["discrepancies"][0]["id"] for p in body["presentations"]}) == 4


def test_exposure(api, django_assert_max_num_queries):
    client = api["client"]
    with tenant_context(api["org"]):
        lc = lc_make(api, tolerance_percent=Decimal(10))
    client.post(f"{api['url']}{lc.pk}/utilisations/", {"amount": "10000.00"}, format="json")
    with django_assert_max_num_queries(budget("api.lcs.exposure")):
        body = client.get(f"{api['url']}exposure/").json()
    assert body["by_bank"] == [
        {
            "issuing_bank": "Deutsche Bank Hamburg",
            "currency": "USD",
            "count": 1,
            "total": "100000.00",
            "utilised": "10000.00",
            "open": "100000.00",
        }
    ]
    assert body["by_customer"][0]["open"] == "100000.00"


def test_a_shipment_drawing_by_api(api):
    with tenant_context(api["org"]):
        shipment = shipment_make(api, api["order"], quantities=(100, 50), departed=TODAY - DAY)
        lc = lc_make(api)
    body = api["client"].post(f"{api['url']}{lc.pk}/utilisations/", {"shipment": str(shipment.pk)}, format="json")
    assert body.status_code == 201, body.content
    # 100 x 2.50 + 50 x 4.00
    assert body.json()["utilisations"][0]["amount"] == "450.00"


def test_the_fast_detail_is_the_documented_serializer_output(api):
    """``detail_data`` writes the JSON itself; it is ``LcDetailOutput``'s, key order included, for an LC with every
    part: an accepted amendment, a drawing, a presentation with a discrepancy, an order and a back-to-back LC."""
    import json

    from tradeloom.lcs.api.serializers import detail_data, documented_detail_data
    from tradeloom.lcs.selectors import lc_detail

    client, url = api["client"], api["url"]
    with tenant_context(api["org"]):
        lc = lc_make(api, tolerance_percent=Decimal(5), incoterm="FOB")
    base = f"{url}{lc.pk}/"
    amendment = client.post(f"{base}amendments/", {"changes": {"amount": "120000.00"}}, format="json").json()
    client.post(f"{base}amendments/{amendment['amendments'][0]['id']}/accept/", {}, format="json")
    drawing = client.post(f"{base}utilisations/", {"amount": "1000.50"}, format="json").json()["utilisations"][0]
    presented = client.post(f"{base}presentations/", {"utilisation": drawing["id"]}, format="json").json()
    client.post(
        f"{base}presentations/{presented['presentations'][0]['id']}/discrepancies/", {"text": "Late"}, format="json"
    )
    with tenant_context(api["org"]):
        LetterOfCreditFactory(organization=api["org"], customer=api["customer"], master=lc, role="back_to_back")
        detail = lc_detail(organization=api["org"], membership=None, lc_id=lc.pk)
        fast, documented = detail_data(detail), documented_detail_data(detail)
    assert fast["amendments"]
    assert fast["presentations"][0]["discrepancies"]
    assert fast["back_to_backs"]
    assert fast["orders"]
    assert json.dumps(fast) == json.dumps(documented)
