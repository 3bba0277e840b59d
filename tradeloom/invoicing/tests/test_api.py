"""Invoices API: making an invoice from a shipment or an order (idempotent), the list (filters, search, cursor pages,
one statement a page), the detail (ETag, 304), draft edits with If-Match, issue and void, credit notes, capabilities,
and other organisations' ids in the path and in the body."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from tradeloom.core.context import tenant_context
from tradeloom.core.problems import PROBLEM_CONTENT_TYPE
from tradeloom.invoicing.models import Invoice
from tradeloom.invoicing.tests.helpers import DAY, TODAY, World, order_of, ship, terms, world
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


@dataclass
class Ctx:
    w: World
    url: str
    client: APIClient  # an accounts member's
    viewer: APIClient
    merch: APIClient
    order: Any
    lines: list[Any]
    shipment: Any


@pytest.fixture
def ctx(org, member, api_as):
    accounts, viewer, merch = member(Role.ACCOUNTS), member(Role.VIEWER), member(Role.MERCHANDISER)
    with tenant_context(org):
        w = world(org, accounts)
        order, lines = order_of(w, [("100", "2.50", "10"), ("40", "1.25", None)], tax_rate="5")
        shipment = ship(w, [(lines[0], "60")])
        yield Ctx(
            w=w,
            url=f"/api/v1/o/{org.slug}/invoices/",
            client=api_as(accounts),
            viewer=api_as(viewer),
            merch=api_as(merch),
            order=order,
            lines=lines,
            shipment=shipment,
        )


def problem(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    body = response.json()
    assert body["code"] == code, body
    return body


def create(ctx: Ctx, body: dict[str, Any], client: APIClient | None = None, **headers: Any) -> Any:
    return (client or ctx.client).post(ctx.url, body, format="json", headers=headers)


def test_an_invoice_from_a_shipment_answers_201_with_its_detail_and_etag(ctx):
    response = create(ctx, {"shipment": str(ctx.shipment.pk), "notes": "Thank you"})
    assert response.status_code == 201, response.content
    data = response.json()
    # 60 x 2.50 = 150.00, its own 10 % = 15.00
    assert (data["number"], data["status"], data["subtotal"], data["tax"], data["total"]) == (
        f"INV-{TODAY.year}-00001",
        "draft",
        "150.00",
        "15.00",
        "165.00",
    )
    assert (data["outstanding"], data["paid_amount"], data["credited_amount"]) == ("165.00", "0.00", "0.00")
    assert (data["shipment_number"], data["order_number"], data["customer_name"]) == (
        ctx.shipment.number,
        ctx.order.number,
        str(ctx.w.customer),
    )
    assert data["lines"][0]["quantity"] == "60.000"
    assert data["lines"][0]["order_number"] == ctx.order.number
    assert data["actions"] == ["issue", "void"]
    assert response["ETag"].startswith(f'"{data["id"]}-1-')


def test_an_invoice_from_an_order_with_chosen_lines_and_the_refusals(ctx):
    first, second = ctx.lines
    body = {"order": str(ctx.order.pk), "lines": [{"line": str(second.pk), "quantity": "40"}]}
    data = create(ctx, body).json()
    # 40 x 1.25 = 50.00, the order's 5 % = 2.50
    assert (data["total"], data["tax"], data["order_number"], data["shipment_number"]) == (
        "52.50",
        "2.50",
        ctx.order.number,
        None,
    )
    body = problem(create(ctx, {**body, "lines": [{"line": str(second.pk), "quantity": "1"}]}), 409, "over_invoicing")
    assert "lines.0.quantity" in body["errors"]
    problem(create(ctx, {"order": str(ctx.order.pk), "shipment": str(ctx.shipment.pk)}), 400, "validation_error")
    problem(create(ctx, {}), 400, "validation_error")
    body = problem(
        create(ctx, {"shipment": str(ctx.shipment.pk), "lines": [{"line": str(first.pk), "quantity": "1"}]}),
        400,
        "validation_error",
    )
    assert "lines" in body["errors"]


def test_creating_is_idempotent(ctx):
    body = {"shipment": str(ctx.shipment.pk)}
    first = create(ctx, body, **{"Idempotency-Key": "inv-1"})
    again = create(ctx, body, **{"Idempotency-Key": "inv-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    with tenant_context(ctx.w.org):
        assert Invoice.objects.count() == 1


def test_another_organisations_shipment_order_lc_or_terms_in_the_body_is_404(ctx, other_org, member):
    from tradeloom.catalog.models import PaymentTerms
    from tradeloom.lcs.tests.factories import LetterOfCreditFactory

    with tenant_context(other_org):
        rival = world(other_org, member(Role.OWNER, organization=other_org))
        their_order, their_lines = order_of(rival, [("10", "1.00", None)])
        their_shipment = ship(rival, [(their_lines[0], "5")])
        their_lc = LetterOfCreditFactory(organization=other_org)
        their_terms = PaymentTerms.objects.create(organization=other_org, name="Net 9", schedule=[])
    problem(create(ctx, {"shipment": str(their_shipment.pk)}), 404, "not_found")
    problem(create(ctx, {"order": str(their_order.pk)}), 404, "not_found")
    problem(create(ctx, {"shipment": str(ctx.shipment.pk), "letter_of_credit": str(their_lc.pk)}), 404, "not_found")
    problem(create(ctx, {"shipment": str(ctx.shipment.pk), "payment_terms": str(their_terms.pk)}), 404, "not_found")
    # another organisation's line on our order: not one of its lines
    body = {"order": str(ctx.order.pk), "lines": [{"line": str(their_lines[0].pk), "quantity": "1"}]}
    assert "lines.0.line" in problem(create(ctx, body), 409, "over_invoicing")["errors"]
    with tenant_context(ctx.w.org):
        assert Invoice.objects.count() == 0
    # and another organisation's invoice in the path
    with tenant_context(other_org):
        from tradeloom.invoicing.tests.factories import InvoiceFactory

        theirs = InvoiceFactory(organization=other_org)
    for method, suffix in (
        ("get", ""),
        ("patch", ""),
        ("post", "issue/"),
        ("post", "void/"),
        ("post", "credit-notes/"),
    ):
        problem(getattr(ctx.client, method)(f"{ctx.url}{theirs.pk}/{suffix}", {}, format="json"), 404, "not_found")


def test_capabilities_viewers_read_and_only_managers_and_accounts_write(ctx):
    problem(create(ctx, {"shipment": str(ctx.shipment.pk)}, client=ctx.viewer), 403, "permission_denied")
    problem(create(ctx, {"shipment": str(ctx.shipment.pk)}, client=ctx.merch), 403, "permission_denied")
    data = create(ctx, {"shipment": str(ctx.shipment.pk)}).json()
    assert ctx.viewer.get(f"{ctx.url}{data['id']}/").status_code == 200
    problem(ctx.viewer.post(f"{ctx.url}{data['id']}/issue/"), 403, "permission_denied")


def test_the_detail_etag_304_and_draft_edits_with_if_match(ctx):
    created = create(ctx, {"shipment": str(ctx.shipment.pk)})
    url = f"{ctx.url}{created.json()['id']}/"
    read = ctx.client.get(url)
    assert ctx.client.get(url, headers={"If-None-Match": read["ETag"]}).status_code == 304
    net30 = terms(ctx.w, "Net 30", [{"percent": "100", "days": 30}])
    stale = f'"{created.json()["id"]}-0"'
    problem(
        ctx.client.patch(url, {"notes": "x"}, format="json", headers={"If-Match": stale}), 412, "precondition_failed"
    )
    changed = ctx.client.patch(
        url,
        {"payment_terms": str(net30.pk), "issue_date": (TODAY - DAY).isoformat()},
        format="json",
        headers={"If-Match": f'"{created.json()["id"]}-1"'},
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["due_date"], changed.json()["due_basis_label"], changed.json()["version"]) == (
        (TODAY + 29 * DAY).isoformat(),
        "30 days from the invoice date",
        2,
    )
    issued = ctx.client.post(f"{url}issue/", headers={"If-Match": f'"{created.json()["id"]}-2"'})
    assert issued.json()["status"] == "issued", issued.content
    problem(ctx.client.patch(url, {"notes": "late"}, format="json"), 409, "invoice_not_editable")
    problem(ctx.client.post(f"{url}issue/"), 409, "invalid_transition")


def test_void_and_credit_notes(ctx):
    data = create(ctx, {"shipment": str(ctx.shipment.pk)}).json()
    url = f"{ctx.url}{data['id']}/"
    problem(
        ctx.client.post(f"{url}credit-notes/", {"amount": "1.00", "reason": "x"}, format="json"),
        409,
        "invoice_not_issued",
    )
    ctx.client.post(f"{url}issue/")
    body = problem(
        ctx.client.post(f"{url}credit-notes/", {"amount": "165.01", "reason": "Too much"}, format="json"),
        409,
        "credit_exceeds_outstanding",
    )
    assert "amount" in body["errors"]
    credited = ctx.client.post(f"{url}credit-notes/", {"amount": "165.00", "reason": "Returned"}, format="json")
    assert credited.status_code == 201, credited.content
    assert (credited.json()["status"], credited.json()["outstanding"]) == ("paid", "0.00")
    note = credited.json()["credit_notes"][0]
    assert note["number"] == f"CN-{TODAY.year}-00001"
    problem(ctx.client.post(f"{url}void/", {"reason": "Wrong"}, format="json"), 409, "invoice_has_credit_notes")
    voided_note = ctx.client.post(f"{url}credit-notes/{note['id']}/void/", {"reason": "Error"}, format="json")
    assert voided_note.json()["status"] == "issued"
    problem(ctx.client.post(f"{url}void/", {}, format="json"), 400, "validation_error")
    voided = ctx.client.post(f"{url}void/", {"reason": "Wrong buyer"}, format="json")
    assert (voided.json()["status"], voided.json()["number"]) == ("void", data["number"])


def test_the_list_filters_and_its_cost(ctx, django_assert_max_num_queries):
    first, second = ctx.lines
    from_shipment = create(ctx, {"shipment": str(ctx.shipment.pk)}).json()
    from_order = create(ctx, {"order": str(ctx.order.pk), "lines": [{"line": str(second.pk), "quantity": "4"}]}).json()
    with tenant_context(ctx.w.org):
        other = CustomerFactory(organization=ctx.w.org)
        order, _lines = order_of(ctx.w, [("5", "1.00", None)], customer=other)
    theirs = create(ctx, {"order": str(order.pk)}).json()
    ctx.client.post(f"{ctx.url}{from_order['id']}/issue/")
    with tenant_context(ctx.w.org):
        Invoice.objects.filter(pk=from_order["id"]).update(due_date=TODAY - DAY)

    def listed(**params) -> list[str]:
        return [row["id"] for row in ctx.client.get(ctx.url, params).json()["results"]]

    assert listed() == [theirs["id"], from_order["id"], from_shipment["id"]]
    assert listed(status="issued") == [from_order["id"]]
    assert listed(customer=str(other.pk)) == [theirs["id"]]
    assert listed(shipment=str(ctx.shipment.pk)) == [from_shipment["id"]]
    assert listed(order=str(ctx.order.pk)) == [from_order["id"], from_shipment["id"]]
    assert listed(overdue="true") == [from_order["id"]]
    assert listed(due_to=(TODAY - DAY).isoformat()) == [from_order["id"]]
    assert listed(q=theirs["number"][-5:]) == [theirs["id"]]
    row = ctx.client.get(ctx.url, {"overdue": "true"}).json()["results"][0]
    assert (row["overdue"], row["outstanding"], row["customer_name"]) == (True, "5.25", str(ctx.w.customer))
    problem(ctx.client.get(ctx.url, {"status": "nope"}), 400, "validation_error")
    for _ in range(5):
        create(ctx, {"order": str(ctx.order.pk), "lines": [{"line": str(first.pk), "quantity": "1"}]})
    with django_assert_max_num_queries(budget("api.invoices.list")):
        page = ctx.client.get(ctx.url, {"limit": 3}).json()
    assert page["next"]
    with django_assert_max_num_queries(budget("api.invoices.list")):
        assert len(ctx.client.get(page["next"]).json()["results"]) == 3
    with django_assert_max_num_queries(budget("api.invoices.detail")):
        assert ctx.client.get(f"{ctx.url}{from_shipment['id']}/").status_code == 200


def test_the_fast_list_rows_are_the_documented_serializer_output(ctx):
    from tradeloom.invoicing import selectors
    from tradeloom.invoicing.api.serializers import LIST_COLUMNS, InvoiceListOutput, invoice_list_rows

    first, _second = ctx.lines
    create(ctx, {"shipment": str(ctx.shipment.pk)})
    issued = create(ctx, {"order": str(ctx.order.pk), "lines": [{"line": str(first.pk), "quantity": "3"}]}).json()
    ctx.client.post(f"{ctx.url}{issued['id']}/issue/")
    with tenant_context(ctx.w.org):
        Invoice.objects.filter(pk=issued["id"]).update(due_date=TODAY - DAY, paid_amount=Decimal("1.10"))
        queryset = selectors.invoice_list(organization=ctx.w.org, membership=None)
        documented = [dict(row) for row in InvoiceListOutput(list(queryset), many=True, context={"today": TODAY}).data]
        fast = invoice_list_rows(list(queryset.values(*LIST_COLUMNS)), today=TODAY)
    assert len(fast) == 2
    assert [row["overdue"] for row in fast] == [True, False]
    assert fast == documented


def test_money_figures_are_strings_with_two_decimals(ctx):
    data = create(ctx, {"order": str(ctx.order.pk)}).json()
    # 100 x 2.50 = 250.00 + 10 % = 25.00; 40 x 1.25 = 50.00 + 5 % = 2.50
    assert (data["subtotal"], data["tax"], data["total"]) == ("300.00", "27.50", "327.50")
    assert [line["amount"] for line in data["lines"]] == ["250.00", "50.00"]
    assert Decimal(data["outstanding"]) == Decimal("327.50")
