"""Deliveries: no future dates, quantities that name their field, the over-delivery tolerance (an organisation
setting, passed only by an owner or admin with a reason), and corrections — edit and reversal — that keep the history
and keep the line's delivered quantity equal to its deliveries, also under concurrency. Services, API and pages."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.sales import services
from tradeloom.sales.models import Delivery, DeliveryRevision, Line
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, committed_order
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture
def ctx(org, member):
    merch = member(Role.MERCHANDISER)
    units = {
        "m": UnitFactory(organization=org, code="m", dimension="length", factor=D("1")),
        "yd": UnitFactory(organization=org, code="yd", dimension="length", factor=D("0.9144")),
        "kg": UnitFactory(organization=org, code="kg", dimension="mass", factor=D("1")),
    }
    order = OrderFactory(organization=org)
    line = LineFactory(organization=org, style__order=order, quantity=D("1000"), unit=units["m"], mill_price=D("3.10"))
    with tenant_context(org, user=merch.user):
        yield {"org": org, "by": merch, "units": units, "order": order, "line": line, "member": member}


def record(ctx, quantity, *, unit="m", day=YESTERDAY, by=None, **extra):
    return services.delivery_record(
        line=ctx["line"], by=by or ctx["by"], date=day, quantity=D(quantity), unit=ctx["units"][unit], **extra
    )


def delivered(ctx):
    return Line.objects.get(pk=ctx["line"].pk).delivered_quantity


def refusal(call):
    with pytest.raises(ApplicationError) as refused:
        call()
    return refused.value


# --- services: what a delivery may be ------------------------------------------------------------------------------


def test_a_delivery_dated_in_the_future_is_refused_on_its_date(ctx):
    error = refusal(lambda: record(ctx, "10", day=TODAY + timedelta(days=1)))
    assert error.extra["errors"] == {"date": ["A delivery cannot be dated in the future."]}
    record(ctx, "10", day=TODAY)  # today is fine
    assert delivered(ctx) == D("10")


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "Quantity must be above zero."),
        ("-5", "Quantity must be above zero."),
        ("99999999999999", "Quantity must be at most 999,999,999.999."),
    ],
)
def test_a_quantity_out_of_bounds_names_the_field(ctx, quantity, message):
    error = refusal(lambda: record(ctx, quantity))
    assert error.message == message  # not "The order has invalid fields."
    assert error.extra["errors"] == {"quantity": [message]}
    assert not Delivery.objects.exists()


def test_the_line_may_take_ordered_plus_the_tolerance_and_no_more(ctx):
    # given 1,000 m ordered and the default tolerance of 10 %
    record(ctx, "1000")
    record(ctx, "100")  # 1,100: exactly the limit
    # when one more millimetre comes
    error = refusal(lambda: record(ctx, "0.001"))
    # then it is refused on the quantity, naming the limit, and nothing changed
    assert (error.code, error.status) == ("over_delivery", 409)
    assert error.extra["limit"] == "1100.000"
    assert "allows 1,100 (1,000 ordered + 10 %)" in error.extra["errors"]["quantity"][0]
    assert delivered(ctx) == D("1100")
    assert Delivery.objects.count() == 2


def test_the_tolerance_is_the_organisations_setting_in_the_deliverys_unit(ctx):
    Organization.objects.filter(pk=ctx["org"].pk).update(settings={"over_delivery_tolerance_percent": 0})
    assert refusal(lambda: record(ctx, "1000.001")).code == "over_delivery"
    Organization.objects.filter(pk=ctx["org"].pk).update(settings={"over_delivery_tolerance_percent": 12.5})
    record(ctx, "1230.314", unit="yd")  # 1,124.999 m: within 1,125
    assert delivered(ctx) == D("1124.999")


def test_an_owner_or_admin_passes_the_tolerance_with_a_reason_and_it_is_audited(ctx):
    merch, admin = ctx["by"], ctx["member"](Role.ADMIN)
    # a reason from someone who may not give one is refused
    error = refusal(lambda: record(ctx, "2000", by=merch, override_reason="mill shipped extra"))
    assert (error.code, error.status) == ("permission_denied", 403)
    # an admin without a reason is refused like anyone; with one, the delivery is recorded
    assert refusal(lambda: record(ctx, "2000", by=admin)).code == "over_delivery"
    record(ctx, "2000", by=admin, override_reason="  buyer takes the surplus  ")
    assert delivered(ctx) == D("2000")
    allowed = AuditEvent.objects.get(action="sales_line.over_delivery_allowed")
    assert allowed.actor_id == admin.user_id
    assert allowed.changes["reason"] == [None, "buyer takes the surplus"]
    assert allowed.changes["limit"] == [None, "1100.000"]
    assert allowed.changes["delivered_quantity"] == ["0.000", "2000.000"]


def test_a_reason_is_not_needed_or_audited_within_the_tolerance(ctx):
    record(ctx, "500", by=ctx["member"](Role.OWNER), override_reason="just in case")
    assert not AuditEvent.objects.filter(action="sales_line.over_delivery_allowed").exists()


def test_an_incompatible_unit_is_refused_on_the_unit(ctx):
    error = refusal(lambda: record(ctx, "10", unit="kg"))
    assert error.code == "incompatible_units"
    assert list(error.extra["errors"]) == ["unit"]


# --- services: corrections ----------------------------------------------------------------------------------------


def test_correcting_a_delivery_keeps_its_earlier_values_and_moves_the_total(ctx):
    first = record(ctx, "400", note="first truck")
    record(ctx, "100")
    # when the first one is corrected: it was 500 yd, a day earlier
    services.delivery_correct(
        delivery=first,
        by=ctx["by"],
        data={"quantity": D("500"), "unit": ctx["units"]["yd"], "date": YESTERDAY - timedelta(days=1)},
    )
    # then the line counts 457.2 m + 100 m, and the delivery keeps what it said before
    assert delivered(ctx) == D("557.200")
    corrected = Delivery.objects.get(pk=first.pk)
    assert (corrected.quantity, corrected.unit.code, corrected.quantity_in_line_unit) == (D("500"), "yd", D("457.2"))
    assert corrected.edited_at is not None
    (revision,) = DeliveryRevision.objects.filter(delivery=first)
    assert (revision.quantity, revision.unit.code, revision.date, revision.note) == (
        D("400"),
        "m",
        YESTERDAY,
        "first truck",
    )
    event = AuditEvent.objects.get(action="sales_line.delivery_corrected")
    assert event.target_id == str(ctx["line"].pk)
    assert event.changes["quantity"] == ["400.000", "500"]
    assert event.changes["unit"] == ["m", "yd"]
    assert event.changes["delivered_quantity"] == ["500.000", "557.200"]
    assert event.changes["delivery"] == [str(first.pk), str(first.pk)]


def test_a_correction_that_changes_nothing_keeps_no_revision(ctx):
    first = record(ctx, "400")
    services.delivery_correct(delivery=first, by=ctx["by"], data={"quantity": D("400"), "note": ""})
    assert not DeliveryRevision.objects.exists()
    assert not AuditEvent.objects.filter(action="sales_line.delivery_corrected").exists()


def test_corrections_follow_the_rules_of_new_deliveries(ctx):
    first = record(ctx, "1000")
    correct = services.delivery_correct
    assert refusal(lambda: correct(delivery=first, by=ctx["by"], data={"quantity": D("1100.5")})).code == (
        "over_delivery"
    )
    assert refusal(lambda: correct(delivery=first, by=ctx["by"], data={"quantity": D(0)})).extra["errors"] == {
        "quantity": ["Quantity must be above zero."]
    }
    future = {"date": TODAY + timedelta(days=3)}
    assert list(refusal(lambda: correct(delivery=first, by=ctx["by"], data=future)).extra["errors"]) == ["date"]
    assert refusal(lambda: correct(delivery=first, by=ctx["by"], data={"line": None})).code == "field_not_editable"
    # lowering a delivery is always allowed, even when the line stays above the tolerance (set lower since)
    Organization.objects.filter(pk=ctx["org"].pk).update(settings={"over_delivery_tolerance_percent": 0})
    record(ctx, "50", by=ctx["member"](Role.OWNER), override_reason="surplus kept")
    correct(delivery=first, by=ctx["by"], data={"quantity": D("990")})
    assert delivered(ctx) == D("1040")
    assert DeliveryRevision.objects.count() == 1


def test_reversing_takes_a_delivery_out_of_the_total_and_keeps_it(ctx):
    first, second = record(ctx, "400"), record(ctx, "100")
    assert refusal(lambda: services.delivery_reverse(delivery=first, by=ctx["by"], reason="  ")).extra["errors"] == {
        "reason": ["Say why the delivery is reversed."]
    }
    services.delivery_reverse(delivery=first, by=ctx["by"], reason="Booked on the wrong line")
    assert delivered(ctx) == D("100")
    kept = Delivery.objects.get(pk=first.pk)
    assert (kept.is_reversed, kept.reversed_by_id, kept.reversal_reason) == (
        True,
        ctx["by"].pk,
        "Booked on the wrong line",
    )
    event = AuditEvent.objects.get(action="sales_line.delivery_reversed")
    assert event.changes["delivered_quantity"] == ["500.000", "100.000"]
    # a reversed delivery is neither reversed again nor corrected
    assert refusal(lambda: services.delivery_reverse(delivery=first, by=ctx["by"], reason="again")).code == (
        "delivery_reversed"
    )
    again = refusal(lambda: services.delivery_correct(delivery=first, by=ctx["by"], data={"quantity": D(1)}))
    assert (again.code, again.status) == ("delivery_reversed", 409)
    assert Delivery.objects.get(pk=second.pk).is_reversed is False


def test_the_delivered_quantity_is_the_sum_of_the_deliveries_not_reversed(ctx):
    deliveries = [record(ctx, quantity, unit=unit) for quantity, unit in (("100", "m"), ("50", "yd"), ("7.5", "m"))]
    services.delivery_correct(delivery=deliveries[0], by=ctx["by"], data={"quantity": D("120")})
    services.delivery_correct(delivery=deliveries[1], by=ctx["by"], data={"unit": ctx["units"]["m"]})
    services.delivery_reverse(delivery=deliveries[2], by=ctx["by"], reason="returned")
    record(ctx, "1.234", unit="yd")
    active = Delivery.objects.filter(line=ctx["line"], reversed_at__isnull=True)
    assert delivered(ctx) == sum((d.quantity_in_line_unit for d in active), D(0)) == D("171.128")


# --- concurrency: the line is locked ------------------------------------------------------------------------------


@pytest.mark.django_db(databases=["default", "owner"])
def test_concurrent_deliveries_and_corrections_of_a_line_keep_its_total(monkeypatch):
    """Real concurrent transactions on their own connections, committed: 6 threads record and correct deliveries of
    one line at once. Each reads the line's total and writes a new one; without the line's lock they would overwrite
    each other's totals. (Audit writes are left out here: the log is append-only, and this test cleans up.)"""
    monkeypatch.setattr(services, "audit_record", lambda **kwargs: None)
    with committed_order(lines={"RACE": {}}, order_date=YESTERDAY) as ids:
        _deliver_and_correct_at_once(ids)


def _deliver_and_correct_at_once(ids: dict) -> None:
    line_id = ids["lines"]["RACE"]
    organization = Organization(pk=ids["org"], settings={}, timezone="UTC")
    by = Membership(pk=uuid.uuid4(), organization=organization, role=Role.OWNER)
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def deliver_and_correct() -> None:
        try:
            start.wait()
            for _ in range(4):
                with transaction.atomic():
                    connection.cursor().execute("SELECT set_config('app.organization_id', %s, true)", [str(ids["org"])])
                    line = Line.objects.select_related("unit").get(pk=line_id)
                    delivery = services.delivery_record(
                        line=line, by=by, date=YESTERDAY, quantity=D("10"), unit=line.unit
                    )
                with transaction.atomic():
                    connection.cursor().execute("SELECT set_config('app.organization_id', %s, true)", [str(ids["org"])])
                    services.delivery_correct(delivery=delivery, by=by, data={"quantity": D("15")})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver_and_correct) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    with ids["connect"]() as conn:
        (total,) = conn.execute("SELECT delivered_quantity FROM sales_line WHERE id = %s", [line_id]).fetchone()
        (summed,) = conn.execute(
            "SELECT sum(quantity_in_line_unit) FROM sales_delivery WHERE line_id = %s AND reversed_at IS NULL",
            [line_id],
        ).fetchone()
    assert total == summed == D("360")  # 6 threads x 4 deliveries of 15


# --- API -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def api(ctx, api_as):
    order, line = ctx["order"], ctx["line"]
    url = f"/api/v1/o/{ctx['org'].slug}/orders/{order.pk}/lines/{line.pk}/deliveries/"
    return {**ctx, "client": api_as(ctx["by"]), "url": url, "m": str(ctx["units"]["m"].pk)}


def test_the_api_names_the_quantity_of_a_zero_or_absurd_delivery(api):
    for quantity, message in (
        ("0", "Quantity must be above zero."),
        ("-1", "Quantity must be above zero."),
        ("99999999999999", "Quantity must be at most 999,999,999.999."),
    ):
        response = api["client"].post(
            api["url"], {"date": str(YESTERDAY), "quantity": quantity, "unit": api["m"]}, format="json"
        )
        assert response.status_code == 400, response.content
        assert response.json()["errors"]["quantity"] == [message]
    huge = api["client"].post(api["url"], {"date": str(YESTERDAY), "quantity": "1e30", "unit": api["m"]}, format="json")
    assert huge.status_code == 400
    assert "quantity" in huge.json()["errors"]
    assert delivered(api) == D(0)


def test_the_api_refuses_a_future_date_and_an_over_delivery(api, member, api_as):
    future = api["client"].post(
        api["url"], {"date": str(TODAY + timedelta(days=150)), "quantity": "10", "unit": api["m"]}, format="json"
    )
    assert future.status_code == 400
    assert future.json()["errors"] == {"date": ["A delivery cannot be dated in the future."]}
    over = {"date": str(YESTERDAY), "quantity": "1500", "unit": api["m"]}
    refused = api["client"].post(api["url"], over, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "over_delivery"
    assert refused.json()["limit"] == "1100.000"
    assert "quantity" in refused.json()["errors"]
    assert api["client"].post(api["url"], {**over, "override_reason": "extra"}, format="json").status_code == 403
    allowed = api_as(member(Role.ADMIN)).post(api["url"], {**over, "override_reason": "extra"}, format="json")
    assert allowed.status_code == 201
    assert allowed.json()["lines"][0]["excess"] == "500.000"


def test_correcting_and_reversing_through_the_api_keeps_the_history(api):
    created = api["client"].post(
        api["url"], {"date": str(YESTERDAY), "quantity": "400", "unit": api["m"], "note": "truck 1"}, format="json"
    )
    assert created.status_code == 201
    (delivery,) = api["client"].get(api["url"]).json()
    # when corrected
    patched = api["client"].patch(f"{api['url']}{delivery['id']}/", {"quantity": "450"}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["lines"][0]["delivered_quantity"] == "450.000"
    (listed,) = api["client"].get(api["url"]).json()
    assert (listed["quantity"], listed["edited_at"] is not None, listed["is_reversed"]) == ("450.000", True, False)
    assert [(r["quantity"], r["unit"], r["note"]) for r in listed["revisions"]] == [("400.000", "m", "truck 1")]
    # a bad correction names its field
    bad = api["client"].patch(f"{api['url']}{delivery['id']}/", {"quantity": "0"}, format="json")
    assert (bad.status_code, bad.json()["errors"]) == (400, {"quantity": ["Quantity must be above zero."]})
    # when reversed: a reason is needed; then it stays listed, no longer counted
    reverse = f"{api['url']}{delivery['id']}/reverse/"
    assert api["client"].post(reverse, {}, format="json").status_code == 400
    reversed_ = api["client"].post(reverse, {"reason": "duplicate entry"}, format="json")
    assert reversed_.status_code == 200
    assert reversed_.json()["lines"][0]["delivered_quantity"] == "0.000"
    (listed,) = api["client"].get(api["url"]).json()
    assert (listed["is_reversed"], listed["reversal_reason"]) == (True, "duplicate entry")
    assert api["client"].post(reverse, {"reason": "again"}, format="json").status_code == 409


def test_another_organisations_delivery_is_not_found(api, other_org):
    theirs_line = LineFactory(organization=other_org)
    with tenant_context(other_org):
        theirs = Delivery.objects.create(
            organization=other_org,
            line=theirs_line,
            date=YESTERDAY,
            quantity=D(1),
            unit=theirs_line.unit,
            quantity_in_line_unit=D(1),
        )
    url = f"{api['url']}{theirs.pk}/"
    assert api["client"].patch(url, {"quantity": "2"}, format="json").status_code == 404
    assert api["client"].post(f"{url}reverse/", {"reason": "x"}, format="json").status_code == 404


def test_a_viewer_cannot_correct_deliveries(api, member, api_as):
    delivery = record(api, "10")
    viewer = api_as(member(Role.VIEWER))
    assert viewer.patch(f"{api['url']}{delivery.pk}/", {"quantity": "2"}, format="json").status_code == 403
    assert viewer.post(f"{api['url']}{delivery.pk}/reverse/", {"reason": "x"}, format="json").status_code == 403


# --- pages ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def web(ctx):
    client = Client()
    client.force_login(ctx["by"].user)
    order, line = ctx["order"], ctx["line"]
    return {
        **ctx,
        "client": client,
        "add": f"/o/{ctx['org'].slug}/orders/{order.pk}/lines/{line.pk}/deliveries/",
        "page": f"/o/{ctx['org'].slug}/orders/{order.pk}/",
    }


def test_a_zero_quantity_on_the_page_is_an_error_on_its_field_and_keeps_the_input(web):
    response = web["client"].post(
        web["add"], {"date": str(YESTERDAY), "quantity": "0", "unit": str(web["line"].unit_id)}
    )
    html = response.content.decode()
    assert response.status_code == 200
    line = web["line"]
    assert f'id="d-err-{line.pk}" role="alert"><p class="field-error">Quantity must be above zero.</p>' in html
    assert 'aria-invalid="true" aria-describedby="d-err-' in html  # the quantity input points at its error
    assert f'value="{YESTERDAY:%Y-%m-%d}"' in html  # what was typed is kept
    assert "The order has invalid fields." not in html
    assert not Delivery.objects.exists()


def test_a_future_or_excessive_delivery_on_the_page_says_why(web):
    unit = str(web["line"].unit_id)
    future = web["client"].post(web["add"], {"date": str(TODAY + timedelta(days=9)), "quantity": "5", "unit": unit})
    assert "A delivery cannot be dated in the future." in future.content.decode()
    over = web["client"].post(web["add"], {"date": str(YESTERDAY), "quantity": "5000", "unit": unit})
    assert "An owner or admin may allow more with a reason." in over.content.decode()
    assert 'name="override_reason"' not in over.content.decode()  # a merchandiser is not offered the override
    assert not Delivery.objects.exists()


def test_an_admin_passes_the_tolerance_from_the_page(web, member):
    admin = Client()
    admin.force_login(member(Role.ADMIN).user)
    assert 'name="override_reason"' in admin.get(web["page"]).content.decode()
    data = {"date": str(YESTERDAY), "quantity": "1200", "unit": str(web["line"].unit_id), "override_reason": "ok"}
    response = admin.post(web["add"], data, follow=True)
    assert "Delivery of 1200 m recorded" in response.content.decode()
    assert delivered(web) == D("1200")


def test_correcting_and_reversing_from_the_deliveries_tab(web, django_assert_max_num_queries):
    first, second = record(web, "400", note="truck 1"), record(web, "100")
    tab = f"{web['page']}?tab=deliveries"
    html = web["client"].get(tab).content.decode()
    assert f"/deliveries/{first.pk}/" in html
    assert f"/deliveries/{first.pk}/reverse/" in html
    # when the first is corrected from its form
    edit = f"{web['page']}deliveries/{first.pk}/"
    data = {"date": str(YESTERDAY), "quantity": "420", "unit": str(web["units"]["m"].pk), "note": "truck 1, recounted"}
    response = web["client"].post(edit, data, follow=True)
    html = response.content.decode()
    assert "Delivery corrected" in html
    assert "Corrected · earlier versions (1)" in html
    assert "400 m · truck 1" in html  # the earlier version, shown
    assert delivered(web) == D("520")
    # a refused correction shows its form again, open, with the error on the field
    refused = web["client"].post(edit, {**data, "quantity": "-3"}).content.decode()
    assert f'id="de-{first.pk}-quantity_error">Quantity must be above zero.</p>' in refused
    # when the second is reversed
    response = web["client"].post(
        f"{web['page']}deliveries/{second.pk}/reverse/", {"reason": "booked twice"}, follow=True
    )
    html = response.content.decode()
    assert "Reversed" in html
    assert "booked twice" in html
    assert delivered(web) == D("420")
    # the tab with corrections and reversals stays within the order page's budget
    with django_assert_max_num_queries(budget("web.orders.detail")):
        web["client"].get(tab)


def test_viewers_see_no_correction_forms(web, member):
    record(web, "10")
    viewer = Client()
    viewer.force_login(member(Role.VIEWER).user)
    html = viewer.get(f"{web['page']}?tab=deliveries").content.decode()
    assert "Save correction" not in html
    assert "Reverse delivery" not in html
