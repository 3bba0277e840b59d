"""Orders API: create with styles and lines, money in list and detail, line actions, visibility, budgets."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from tradeloom.catalog.tests.factories import ExchangeRateFactory, UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.partners.tests.factories import CustomerFactory, SupplierFactory
from tradeloom.sales.models import Line, Order
from tradeloom.sales.tests.factories import LineFactory, OrderFactory
from tradeloom.tenancy.models import Organization
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(org, member, api_as):
    merch = member(Role.MERCHANDISER)
    units = {
        "m": UnitFactory(organization=org, code="m", factor=D("1")),
        "yd": UnitFactory(organization=org, code="yd", factor=D("0.9144")),
    }
    customer = CustomerFactory(organization=org)
    mill = SupplierFactory(organization=org)
    return {
        "client": api_as(merch),
        "merch": merch,
        "units": units,
        "customer": customer,
        "mill": mill,
        "url": f"/api/v1/o/{org.slug}/orders/",
    }


def payload(setup, **extra):
    m = str(setup["units"]["m"].pk)
    return {
        "po_number": "PO-4711",
        "customer": str(setup["customer"].pk),
        "currency": "USD",
        "order_date": "2026-11-01",
        "styles": [
            {
                "style_number": "TEE",
                "lines": [
                    {
                        "colour_code": "NAVY",
                        "quantity": "1000",
                        "unit": m,
                        "selling_price": "4.25",
                        "mill_price": "3.10",
                        "commission_per_unit": "0.15",
                    },
                    {"colour_code": "WHITE", "quantity": "500", "unit": m, "selling_price": "4.00"},
                ],
            },
            {"lines": [{"colour_code": "BLACK", "cad_code": "C7", "quantity": "200", "unit": m, "selling_price": "5"}]},
        ],
        **extra,
    }


def test_create_an_order_with_two_styles_and_three_lines(setup):
    response = setup["client"].post(setup["url"], payload(setup), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "SO-000001"
    assert [s["style_number"] for s in body["styles"]] == ["TEE", "PO-4711-01"]
    assert [line["colour_code"] for line in body["lines"]] == ["NAVY", "WHITE", "BLACK"]
    # 4250 + 2000 + 1000; cost 3100; commission 150. WHITE and BLACK have no mill price: their cost is missing, so
    # the profit is NAVY's alone (4250 - 3100 - 150), not 7250 - 3100 - 150, and says two lines were left out.
    assert body["money"] == {
        "value": "7250.00",
        "cost": "3100.00",
        "commission": "150.00",
        "profit": "1000.00",
        "realised_profit": "0.00",
        "cost_missing_lines": 2,
        "price_missing_lines": 0,
        "profit_left_out_lines": 2,
    }
    assert [line["cost_missing"] for line in body["lines"]] == [False, True, True]
    assert body["lines"][1]["money"] == {
        "value": "2000.00",
        "cost": None,
        "commission": "0.00",
        "profit": None,
        "realised_profit": None,
    }
    assert re.fullmatch(rf'"{body["id"]}-1-[0-9a-f]+"', response["ETag"])  # version 1, and the body's digest


def test_delivery_moves_realised_profit(setup, org):
    order = setup["client"].post(setup["url"], payload(setup), format="json").json()
    navy = order["lines"][0]["id"]
    url = f"{setup['url']}{order['id']}/lines/{navy}/deliveries/"
    body = (
        setup["client"]
        .post(url, {"date": "2026-11-20", "quantity": "400", "unit": str(setup["units"]["m"].pk)}, format="json")
        .json()
    )
    line = body["lines"][0]
    assert line["delivered_quantity"] == "400.000"
    assert line["shortage"] == "600.000"
    assert line["money"]["realised_profit"] == "400.00"  # 1000 x 40 %
    assert body["money"]["realised_profit"] == "400.00"
    listed = setup["client"].get(setup["url"]).json()["results"][0]
    assert listed["money"]["realised_profit"] == "400.00"
    assert listed["money"]["value"] == "7250.00"


def test_base_currency_figures_and_a_missing_rate(setup, org):
    Organization.objects.filter(pk=org.pk).update(base_currency="BDT")
    created = setup["client"].post(setup["url"], payload(setup), format="json").json()
    assert created["base_money"]["rate_missing"] is True
    assert created["base_money"]["value"] is None
    ExchangeRateFactory(
        organization=org, date=date(2026, 10, 30), from_currency="USD", to_currency="BDT", rate=D("121.5")
    )
    detail = setup["client"].get(f"{setup['url']}{created['id']}/").json()
    assert detail["base_money"]["rate_missing"] is False
    assert detail["base_money"]["value"] == "880875.00"  # 7250 x 121.5


def test_invalid_transition_is_refused(setup):
    order = setup["client"].post(setup["url"], payload(setup), format="json").json()
    url = f"{setup['url']}{order['id']}/lines/{order['lines'][0]['id']}/transition/"
    refused = setup["client"].post(url, {"status": "completed"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_transition"
    assert setup["client"].post(url, {"status": "in_development"}, format="json").json()["lines"][0]["status"] == (
        "in_development"
    )


def test_accepting_an_offer_sets_the_mill(setup):
    order = setup["client"].post(setup["url"], payload(setup), format="json").json()
    base = f"{setup['url']}{order['id']}/lines/{order['lines'][1]['id']}/offers/"
    offer = (
        setup["client"]
        .post(base, {"supplier": str(setup["mill"].pk), "price": "2.95", "currency": "USD"}, format="json")
        .json()
    )
    accepted = setup["client"].post(f"{base}{offer['id']}/accept/").json()
    assert accepted["lines"][1]["mill_price"] == "2.9500"
    assert accepted["lines"][1]["supplier_id"] == str(setup["mill"].pk)


def test_merge_through_the_api(setup):
    setup["client"].post(setup["url"], payload(setup), format="json")
    merged = setup["client"].post(setup["url"], payload(setup, merge=True), format="json")
    assert merged.status_code == 200
    assert merged.json()["lines"][0]["quantity"] == "2000.000"
    assert Order.objects.count() == 1


def test_references_of_another_organisation_are_404(setup, other_org):
    foreign = CustomerFactory(organization=other_org)
    response = setup["client"].post(setup["url"], payload(setup, customer=str(foreign.pk)), format="json")
    assert response.status_code == 404
    assert not Order.objects.exists()


def test_bad_lines_are_400_naming_the_field(setup):
    body = payload(setup)
    body["styles"][0]["lines"][0]["quantity"] = "-5"
    response = setup["client"].post(setup["url"], body, format="json")
    assert response.status_code == 400
    assert "styles.0.lines.0.quantity" in response.json()["errors"]


def test_idempotent_create(setup):
    first = setup["client"].post(setup["url"], payload(setup), format="json", HTTP_IDEMPOTENCY_KEY="o-1")
    again = setup["client"].post(setup["url"], payload(setup), format="json", HTTP_IDEMPOTENCY_KEY="o-1")
    assert first.json() == again.json()
    assert Order.objects.count() == 1


def test_merchandisers_see_only_their_orders_when_the_organisation_says_so(setup, org, member, api_as):
    mine = OrderFactory(organization=org, merchandiser=setup["merch"])
    theirs = OrderFactory(organization=org)
    assert len(setup["client"].get(setup["url"]).json()["results"]) == 2
    assert setup["client"].get(f"{setup['url']}{theirs.pk}/").status_code == 200
    Organization.objects.filter(pk=org.pk).update(settings={"merchandisers_see_all_orders": False})
    assert [o["id"] for o in setup["client"].get(setup["url"]).json()["results"]] == [str(mine.pk)]
    assert setup["client"].get(f"{setup['url']}{theirs.pk}/").status_code == 404
    assert setup["client"].get(f"{setup['url']}{mine.pk}/").json()["id"] == str(mine.pk)
    manager = api_as(member(Role.MANAGER))
    assert len(manager.get(setup["url"]).json()["results"]) == 2


def test_an_order_without_lines_lists_zero_money_with_two_decimals(setup, org):
    OrderFactory(organization=org)
    (row,) = setup["client"].get(setup["url"]).json()["results"]
    assert row["line_count"] == 0
    assert row["money"] == {
        **dict.fromkeys(("value", "cost", "commission", "profit", "realised_profit"), "0.00"),
        **dict.fromkeys(("cost_missing_lines", "price_missing_lines", "profit_left_out_lines"), 0),
    }


def test_order_list_costs_a_constant_number_of_queries(setup, org, django_assert_max_num_queries):
    for _ in range(10):
        order = OrderFactory(organization=org)
        for _ in range(5):
            LineFactory(organization=org, style__order=order)
    # the token's user, the tenant, the page; and the request's savepoint and its release (a test is a transaction)
    with django_assert_max_num_queries(budget("api.orders.list")):
        body = setup["client"].get(setup["url"] + "?limit=50").json()
    assert len(body["results"]) == 10
    assert all(o["line_count"] == 5 for o in body["results"])


def test_order_detail_costs_a_bounded_number_of_queries(setup, org, django_assert_max_num_queries):
    created = setup["client"].post(setup["url"], payload(setup), format="json").json()
    # the token's user, the tenant, the order, its styles, its lines, the exchange rate; the request's savepoint
    with django_assert_max_num_queries(budget("api.orders.detail")):
        setup["client"].get(f"{setup['url']}{created['id']}/")


def test_viewers_read_orders_but_cannot_create(setup, member, api_as):
    viewer = api_as(member(Role.VIEWER))
    assert viewer.get(setup["url"]).status_code == 200
    assert viewer.post(setup["url"], payload(setup), format="json").status_code == 403


def test_header_update_with_if_match(setup):
    created = setup["client"].post(setup["url"], payload(setup), format="json")
    url, etag = f"{setup['url']}{created.json()['id']}/", created["ETag"]
    ok = setup["client"].patch(url, {"buyer_name": "Ingrid"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200
    assert ok.json()["buyer_name"] == "Ingrid"
    stale = setup["client"].patch(url, {"buyer_name": "Lost"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    bad = setup["client"].patch(url, {"etd": "2026-12-10", "eta": "2026-12-01"}, format="json")
    assert bad.status_code == 400
    assert "eta" in bad.json()["errors"]


def test_stage_changes_are_explicit_and_audited(setup, org):
    from tradeloom.audit.models import AuditEvent
    from tradeloom.core.context import tenant_context

    created = setup["client"].post(setup["url"], payload(setup), format="json").json()
    url = f"{setup['url']}{created['id']}/stage/"
    assert (
        setup["client"].post(url, {"stage": "sampling", "note": "lab dips out"}, format="json").json()["stage"]
        == "sampling"
    )
    refused = setup["client"].post(url, {"stage": "teleported"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_stage")
    with tenant_context(org):
        event = AuditEvent.objects.get(action="sales_order.stage_changed")
    assert event.changes == {"stage": ["", "sampling"], "note": [None, "lab dips out"]}


def test_tasks_notes_and_the_deletion_flow_through_the_api(setup, org, member, api_as):
    order = setup["client"].post(setup["url"], payload(setup), format="json").json()
    base = f"{setup['url']}{order['id']}/"
    task = (
        setup["client"].post(base + "tasks/", {"title": "Chase strike-off", "priority": "high"}, format="json").json()
    )
    assert (
        setup["client"].patch(base + f"tasks/{task['id']}/", {"status": "done"}, format="json").json()["status"]
        == "done"
    )
    note = (
        setup["client"]
        .post(base + "notes/", {"text": "Buyer OK", "effective_date": "2026-11-01"}, format="json")
        .json()
    )
    assert note["is_backdated"] is True
    edited = setup["client"].patch(base + f"notes/{note['id']}/", {"text": "Buyer OK by mail"}, format="json").json()
    assert [r["text"] for r in edited["revisions"]] == ["Buyer OK"]
    request = setup["client"].post(base + "deletion-requests/", {"reason": "Duplicate"}, format="json").json()
    decide = base + f"deletion-requests/{request['id']}/decide/"
    assert setup["client"].post(decide, {"approve": True}, format="json").status_code == 403
    admin = api_as(member(Role.ADMIN))
    assert admin.post(decide, {"approve": True}, format="json").json()["status"] == "approved"
    assert setup["client"].get(setup["url"]).json()["results"] == []
    assert setup["client"].get(base).status_code == 200  # still readable by id, marked deleted
    assert admin.post(base + "restore/").status_code == 200
    assert len(setup["client"].get(setup["url"]).json()["results"]) == 1


def test_local_order_calculator_with_a_line_override(setup):
    from tradeloom.sales.calculator import requirement

    # hand-checked: 1000 finished, 8 % loss -> 1080 greige; 20 % mixed -> 864 yarn
    assert (
        requirement(finished=D("1000"), loss_percent=D("8"), mixed_percent=D("20")).greige,
        requirement(finished=D("1000"), loss_percent=D("8"), mixed_percent=D("20")).yarn,
    ) == (D("1080.000"), D("864.000"))
    order = setup["client"].post(setup["url"], payload(setup), format="json").json()
    url = f"{setup['url']}{order['id']}/"
    setup["client"].patch(url, {"process_loss_percent": "8", "mixed_percent": "20"}, format="json")
    setup["client"].patch(url + f"lines/{order['lines'][1]['id']}/", {"process_loss_percent": "10"}, format="json")
    rows = setup["client"].get(url + "calculator/").json()
    assert [(r["greige"], r["yarn"]) for r in rows] == [
        ("1080.000", "864.000"),
        ("550.000", "440.000"),
        ("216.000", "172.800"),
    ]
    bad = setup["client"].patch(url, {"mixed_percent": "140"}, format="json")
    assert bad.status_code == 400


def test_moving_many_lines_at_once_and_the_all_or_nothing_refusal(org, setup):
    created = setup["client"].post(setup["url"], payload(setup), format="json").json()
    ids = [line["id"] for line in created["lines"]]
    url = f"/api/v1/o/{org.slug}/orders/lines/transition/"
    moved = setup["client"].post(url, {"lines": ids, "status": "in_development"}, format="json")
    assert moved.status_code == 200
    assert {row["status"] for row in moved.json()} == {"in_development"}
    setup["client"].post(url, {"lines": ids[:1], "status": "running"}, format="json")
    refused = setup["client"].post(url, {"lines": ids, "status": "bulk"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_transition"
    assert len(refused.json()["refused"]) == 2
    with tenant_context(org):
        assert sorted(Line.objects.values_list("status", flat=True)) == ["in_development", "in_development", "running"]


def test_moving_lines_of_another_organisation_is_not_found(org, other_org, setup):
    foreign = LineFactory(organization=other_org)
    url = f"/api/v1/o/{org.slug}/orders/lines/transition/"
    response = setup["client"].post(url, {"lines": [str(foreign.pk)], "status": "archived"}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    bad = setup["client"].post(url, {"lines": [], "status": "archived"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "validation_error"


def test_quantities_and_prices_beyond_any_order_are_refused(setup):
    body = payload(setup)
    body["styles"][0]["lines"][0]["quantity"] = "999999999999999"
    body["styles"][0]["lines"][0]["selling_price"] = "99999999999999"
    response = setup["client"].post(setup["url"], body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert setup["client"].get(setup["url"]).json()["results"] == []


def test_the_fast_list_rows_are_the_documented_serializer_output(setup, org):
    from tradeloom.sales import selectors
    from tradeloom.sales.api.serializers import OrderListOutput, order_list_rows

    setup["client"].post(setup["url"], payload(setup), format="json")
    with tenant_context(org):
        orders = list(selectors.order_list(organization=org, membership=setup["merch"]))
        rows = list(selectors.order_list_projection(organization=org, membership=setup["merch"]))
    assert orders
    assert order_list_rows(rows) == [dict(row) for row in OrderListOutput(orders, many=True).data]


def test_the_fast_detail_is_the_documented_serializer_output(setup, org):
    from tradeloom.sales import selectors
    from tradeloom.sales.api.serializers import OrderDetailOutput, order_detail_data

    created = setup["client"].post(setup["url"], payload(setup), format="json").json()
    ExchangeRateFactory(
        organization=org, date=date(2026, 10, 1), from_currency="USD", to_currency="BDT", rate=D("121.5")
    )
    with tenant_context(org):
        order = selectors.order_get(organization=org, membership=setup["merch"], pk=created["id"])
        figures, totals = selectors.order_money(order=order)
        expected = OrderDetailOutput(order, context={"figures": figures, "order_figures": totals}).data
        detail = selectors.order_detail(organization=org, membership=setup["merch"], pk=order.pk)
        assert order_detail_data(detail) == _plain(expected)
        # and from the instances a create answers with
        from_instances = selectors.order_detail_from(order, styles=order.styles.all(), lines=order.lines.all())
        assert order_detail_data(from_instances) == _plain(expected)


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def test_creating_fifty_lines_through_the_api_costs_what_one_line_costs(setup, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one = payload(setup, po_number="PO-ONE")
    one["styles"] = [one["styles"][0]]
    one["styles"][0]["lines"] = one["styles"][0]["lines"][:1]
    with CaptureQueriesContext(connection) as small:
        assert setup["client"].post(setup["url"], one, format="json").status_code == 201
    many = payload(setup, po_number="PO-MANY")
    many["styles"] = [
        {
            "style_number": "BIG",
            "lines": [
                {
                    "colour_code": f"C{n}",
                    "quantity": "10",
                    "unit": str(setup["units"]["m"].pk),
                    "supplier": str(setup["mill"].pk),
                }
                for n in range(50)
            ],
        }
    ]
    with CaptureQueriesContext(connection) as large:
        assert setup["client"].post(setup["url"], many, format="json").status_code == 201
    assert len(large) <= len(small)  # references are looked up once per request, not once per line


def test_the_create_answer_is_what_a_read_gives(setup):
    created = setup["client"].post(setup["url"], payload(setup), format="json")
    read = setup["client"].get(f"{setup['url']}{created.json()['id']}/")
    assert created.json() == read.json()
    assert created["ETag"] == read["ETag"]


# --- a missing mill price is not a zero cost ----------------------------------------------------------------------


def _order_with_a_line_without_cost(setup, org):
    order = OrderFactory(organization=org, merchandiser=setup["merch"])
    priced = LineFactory(
        organization=org, style__order=order, quantity=D("1000"), selling_price=D("4.25"), mill_price=D("3.10")
    )
    LineFactory(
        organization=org, style=priced.style, quantity=D("500"), selling_price=D("4"), mill_price=None, position=1
    )
    with tenant_context(org):
        Line.objects.filter(pk=priced.pk).update(delivered_quantity=D("500"))
    return order


def test_lines_without_a_mill_price_do_not_inflate_the_lists_profit(setup, org):
    _order_with_a_line_without_cost(setup, org)
    (row,) = setup["client"].get(setup["url"]).json()["results"]
    # 4250 - 3100 for the priced line; the other line's 2000 of value is not profit
    assert row["money"] == {
        "value": "6250.00",
        "cost": "3100.00",
        "commission": "0.00",
        "profit": "1150.00",
        "realised_profit": "575.00",
        "cost_missing_lines": 1,
        "price_missing_lines": 0,
        "profit_left_out_lines": 1,
    }


def test_the_detail_marks_each_line_without_cost_and_its_unknown_profit(setup, org):
    order = _order_with_a_line_without_cost(setup, org)
    body = setup["client"].get(f"{setup['url']}{order.pk}/").json()
    assert [(line["cost_missing"], line["price_missing"]) for line in body["lines"]] == [(False, False), (True, False)]
    assert body["lines"][1]["money"] == {
        "value": "2000.00",
        "cost": None,
        "commission": "0.00",
        "profit": None,
        "realised_profit": None,
    }
    assert (body["money"]["profit"], body["money"]["profit_left_out_lines"]) == ("1150.00", 1)
    assert body["base_money"]["profit"] == "1150.00"  # USD is the base: rate 1


def test_an_order_without_any_cost_has_no_profit_rather_than_its_value(setup, org):
    order = OrderFactory(organization=org)
    LineFactory(organization=org, style__order=order, quantity=D("10"), selling_price=D("5"), mill_price=None)
    (row,) = setup["client"].get(setup["url"]).json()["results"]
    assert (row["money"]["value"], row["money"]["cost"], row["money"]["profit"]) == ("50.00", None, None)
    detail = setup["client"].get(f"{setup['url']}{order.pk}/").json()
    assert (detail["money"]["profit"], detail["base_money"]["profit"]) == (None, None)


def test_the_fast_json_with_missing_prices_is_the_documented_serializer_output(setup, org):
    from tradeloom.sales import selectors
    from tradeloom.sales.api.serializers import OrderDetailOutput, OrderListOutput, order_detail_data, order_list_rows

    order = _order_with_a_line_without_cost(setup, org)
    LineFactory(organization=org, style__order=order, quantity=D("3"), selling_price=None, mill_price=D("1"))
    with tenant_context(org):
        orders = list(selectors.order_list(organization=org, membership=setup["merch"]))
        rows = list(selectors.order_list_projection(organization=org, membership=setup["merch"]))
        assert order_list_rows(rows) == [dict(row) for row in OrderListOutput(orders, many=True).data]
        full = selectors.order_get(organization=org, membership=setup["merch"], pk=order.pk)
        figures, totals = selectors.order_money(order=full)
        expected = OrderDetailOutput(full, context={"figures": figures, "order_figures": totals}).data
        detail = selectors.order_detail(organization=org, membership=setup["merch"], pk=order.pk)
        assert order_detail_data(detail) == _plain(expected)
    assert order_list_rows(rows)[0]["money"]["price_missing_lines"] == 1


# --- cross-field rules --------------------------------------------------------------------------------------------


def test_an_etd_before_the_order_date_is_refused_on_the_etd(setup):
    response = setup["client"].post(setup["url"], payload(setup, etd="2026-10-31"), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"etd": ["The ETD cannot be before the order date."]}
    created = setup["client"].post(setup["url"], payload(setup, etd="2026-11-01"), format="json")
    assert created.status_code == 201  # on the order date is fine
    url = f"{setup['url']}{created.json()['id']}/"
    moved = setup["client"].patch(url, {"order_date": "2026-11-05"}, format="json")
    assert moved.status_code == 400
    assert moved.json()["errors"] == {"etd": ["The ETD cannot be before the order date."]}
    assert setup["client"].get(url).json()["order_date"] == "2026-11-01"


def test_an_order_stored_before_the_etd_rule_keeps_its_other_fields_editable(setup, org):
    created = setup["client"].post(setup["url"], payload(setup, etd="2026-11-01"), format="json").json()
    with tenant_context(org):  # as an order entered before the rule existed
        Order.objects.filter(pk=created["id"]).update(etd=date(2026, 10, 1))
    url = f"{setup['url']}{created['id']}/"
    edited = setup["client"].patch(url, {"buyer_name": "Ingrid"}, format="json")
    assert edited.status_code == 200, edited.content
    still = setup["client"].patch(url, {"etd": "2026-10-02"}, format="json")  # a date entered is checked
    assert still.status_code == 400
    assert still.json()["errors"] == {"etd": ["The ETD cannot be before the order date."]}


def test_a_mill_offer_already_expired_is_refused_at_entry(setup):
    order = setup["client"].post(setup["url"], payload(setup), format="json").json()
    url = f"{setup['url']}{order['id']}/lines/{order['lines'][0]['id']}/offers/"
    offer = {"supplier": str(setup["mill"].pk), "price": "3.05", "currency": "USD"}
    yesterday = timezone.localdate() - timedelta(days=1)
    refused = setup["client"].post(url, {**offer, "valid_until": str(yesterday)}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"valid_until": ["This date has passed: the offer has already expired."]}
    assert (
        setup["client"].post(url, {**offer, "valid_until": str(timezone.localdate())}, format="json").status_code == 201
    )
