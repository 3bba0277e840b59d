"""Production pages: the work-order list (status tabs, filters, late badge, budget), the work-order form (an order's
lines offered and ticked, errors next to their fields and rows, nothing saved on bad input, the edit with its
version), a work order's page (moves as forms, the chart, requirements with their issue and item forms, receiving
finished goods, entries with corrections and their history, the timeline, budget), the daily production form (many
rows at once, prefilled with the day's entries, unchanged rows not sent, errors on their row, all or nothing,
budget) and the order's Production tab; viewers read and are refused every write; another organisation's work
order is a 404."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client

from tradeloom.core.context import tenant_context
from tradeloom.inventory import services as inventory
from tradeloom.inventory.models import StockMove
from tradeloom.partners.tests.factories import SupplierFactory
from tradeloom.production import services, states
from tradeloom.production.models import ProductionEntry, WorkOrder, WorkOrderLine, WorkOrderRequirement
from tradeloom.production.tests.helpers import DAY, make_wo, row, running_wo, world
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

D = Decimal


def client_for(membership):
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def ctx(org, member):
    merch, viewer = member(Role.MERCHANDISER), member(Role.VIEWER)
    with tenant_context(org):
        w = world(org, merch)
    return {
        "w": w,
        "org": org,
        "client": client_for(merch),
        "viewer": client_for(viewer),
        "base": f"/o/{org.slug}/work-orders/",
        "daily": f"/o/{org.slug}/production/daily/",
    }


def text(response) -> str:
    return unescape(response.content.decode())


def errors(response) -> list[str]:
    """The page's form errors (next to fields, above forms) and error messages."""
    html = text(response)
    found = re.findall(r'class="field-error[^"]*"[^>]*>(.*?)</p>', html, re.S)
    found += re.findall(r'class="form-error"[^>]*>(.*?)</div>', html, re.S)
    return [re.sub(r"<[^>]+>", "", e).strip() for e in found]


def lines_of(w, *quantities):
    return [{"line": line, "quantity": D(q)} for line, q in zip(w.lines, quantities, strict=False)]


def key(wo, line=None) -> str:
    return f"r-{wo.pk.hex}-{line.pk.hex if line else 'all'}"


# --- the list ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_progress_and_late_and_costs_a_fixed_number_of_statements(ctx, django_assert_max_num_queries):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        other = SupplierFactory(organization=ctx["org"], legal_name="Zeta Knit")
        for _ in range(4):
            make_wo(w, lines=lines_of(w, "600", "400"))
        late = running_wo(w, due_date=w.today - DAY)
        services.production_report(organization=w.org, by=w.by, rows=[row(late, w.today, "250")])
        make_wo(w, supplier=other)
    with django_assert_max_num_queries(budget("web.work-orders.list")):
        response = ctx["client"].get(ctx["base"])
    assert response.status_code == 200
    html = text(response)
    assert "WO-000006" in html
    assert "25 %" in html  # 250 of 1,000 finished
    assert 'class="badge-red">Late' in html
    assert "Our own floor" not in html
    assert w.order.number in html
    # the status tabs and the filters
    drafts = text(ctx["client"].get(ctx["base"], {"status": "draft"}))
    assert 'aria-current="page">Draft' in drafts
    assert "WO-000005<" not in drafts  # in progress
    assert "WO-000001" in drafts
    lates = text(ctx["client"].get(ctx["base"], {"late": "true"}))
    assert "WO-000005" in lates
    assert "WO-000001<" not in lates
    zeta = text(ctx["client"].get(ctx["base"], {"supplier": str(other.pk)}))
    assert "WO-000006" in zeta
    assert "WO-000001<" not in zeta


# --- the form ----------------------------------------------------------------------------------------------------


def form_data(w, **extra):
    data = {
        "step": "save",
        "order": str(w.order.pk),
        "supplier": str(w.mill.pk),
        "due_date": (w.today + 30 * DAY).isoformat(),
        "priority": "high",
        f"wl-{w.lines[0].pk}-include": "on",
        f"wl-{w.lines[0].pk}-quantity": "600",
        f"wl-{w.lines[1].pk}-include": "on",
        f"wl-{w.lines[1].pk}-quantity": "150",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_a_new_work_order_from_an_orders_lines(ctx, django_assert_max_num_queries):
    w = ctx["w"]
    with django_assert_max_num_queries(budget("web.work-orders.new")):
        page = ctx["client"].get(f"{ctx['base']}new/", {"order": str(w.order.pk)})
    assert page.status_code == 200
    html = text(page)
    assert "ST-100 · NAVY" in html
    assert f'name="wl-{w.lines[0].pk}-quantity" value="600"' in html
    made = ctx["client"].post(f"{ctx['base']}new/", form_data(w))
    assert made.status_code == 302
    with tenant_context(ctx["org"]):
        wo = WorkOrder.objects.get()
        assert (wo.number, wo.status, wo.quantity, wo.unit_id, wo.priority) == (
            "WO-000001",
            states.DRAFT,
            D("750"),  # the ticked lines' sum: its quantity was left empty
            w.kg.pk,
            "high",
        )
        assert wo.order_id == w.order.pk
        assert sorted(WorkOrderLine.objects.filter(work_order=wo).values_list("quantity", flat=True)) == [
            D("150"),
            D("600"),
        ]
        assert WorkOrderRequirement.objects.filter(work_order=wo).count() == 2
    assert made["Location"].endswith(f"/work-orders/{wo.pk}/")


@pytest.mark.django_db
def test_the_orders_tab_prefills_the_chosen_lines_and_showing_lines_saves_nothing(ctx):
    w = ctx["w"]
    page = text(ctx["client"].get(f"{ctx['base']}new/", {"order": str(w.order.pk), "line": str(w.lines[1].pk)}))
    assert f'name="wl-{w.lines[1].pk}-include" id="id_wl-{w.lines[1].pk}-include" checked' in page
    assert f'name="wl-{w.lines[0].pk}-include" id="id_wl-{w.lines[0].pk}-include" checked' not in page
    # "show its lines" keeps what was typed and saves nothing
    shown = ctx["client"].post(
        f"{ctx['base']}new/", {"step": "lines", "order": str(w.order.pk), "product_name": "Jersey navy"}
    )
    assert shown.status_code == 200
    html = text(shown)
    assert 'value="Jersey navy"' in html
    assert "ST-100 · BLK" in html
    assert "field-error" not in html
    assert WorkOrder.objects.count() == 0


@pytest.mark.django_db
def test_bad_input_shows_the_errors_next_to_the_fields_and_rows_and_saves_nothing(ctx):
    w = ctx["w"]
    url = f"{ctx['base']}new/"
    # the form's own checks: a ticked line without its quantity, a percentage above 100
    bad = form_data(w, **{f"wl-{w.lines[1].pk}-quantity": "", "loss_percent": "120"})
    html = text(ctx["client"].post(url, bad))
    assert "Give the quantity to make of this line." in html
    assert "A percentage cannot be above 100." in html
    # the service's: no due date (on its field)
    html = text(ctx["client"].post(url, form_data(w, due_date="")))
    assert "Enter the due date." in html or "This field is required." in html
    # a completed line is refused on its row
    with tenant_context(ctx["org"]):
        w.lines[1].status = "completed"
        w.lines[1].save()
    refused = ctx["client"].post(url, form_data(w))
    assert refused.status_code == 200
    html = text(refused)
    assert "ST-100 BLK is completed." in html
    assert 'value="600"' in html  # what was typed is kept
    # without a line or a product
    bare = ctx["client"].post(
        url, {"step": "save", "due_date": w.today.isoformat(), "quantity": "5", "priority": "normal"}
    )
    assert "Choose an item, or say what is made." in errors(bare), errors(bare)
    assert WorkOrder.objects.count() == 0


@pytest.mark.django_db
def test_editing_a_draft_checks_its_version_and_a_running_one_is_not_edited(ctx, django_assert_max_num_queries):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        wo = make_wo(w, lines=lines_of(w, "600", "400"))
    url = f"{ctx['base']}{wo.pk}/edit/"
    with django_assert_max_num_queries(budget("web.work-orders.edit")):
        page = ctx["client"].get(url)
    html = text(page)
    assert "Save work order" in html
    assert f'name="wl-{w.lines[1].pk}-quantity" value="400"' in html
    data = form_data(
        w,
        version=wo.version,
        quantity="1000",
        unit=str(w.kg.pk),
        product_name=wo.product_name,
        item=str(w.fabric.pk),
        **{f"wl-{w.lines[1].pk}-include": ""},
    )
    assert ctx["client"].post(url, data).status_code == 302
    with tenant_context(ctx["org"]):
        wo.refresh_from_db()
        assert wo.item_id == w.fabric.pk
        assert list(WorkOrderLine.objects.filter(work_order=wo).values_list("line_id", flat=True)) == [w.lines[0].pk]
    stale = ctx["client"].post(url, {**data, "priority": "low"})
    assert stale.status_code == 200
    assert "changed" in text(stale)
    with tenant_context(ctx["org"]):
        running = running_wo(w)
    assert ctx["client"].get(f"{ctx['base']}{running.pk}/edit/").status_code == 302


# --- a work order's page ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_detail_page_shows_everything_within_its_budget(ctx, django_assert_max_num_queries):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        wo = running_wo(w, lines=lines_of(w, "600", "400"))
        for i in range(5):
            day = w.today - (5 - i) * DAY
            services.production_report(
                organization=w.org,
                by=w.by,
                rows=[
                    row(wo, day, "40", line=w.lines[0], knitted=D("60"), dyed=D("50")),
                    row(wo, day, "20", line=w.lines[1], knitted=D("30")),
                ],
            )
        entry = ProductionEntry.objects.filter(work_order=wo, line=w.lines[0], is_current=True).first()
        services.production_entry_correct(
            organization=w.org, by=w.by, entry=entry, data={"finished": D("45")}, reason="Counted again"
        )
    with django_assert_max_num_queries(budget("web.work-orders.detail")):
        response = ctx["client"].get(f"{ctx['base']}{wo.pk}/")
    assert response.status_code == 200
    html = text(response)
    assert "WO-000001 <span" in html
    assert "In progress" in html
    assert "30.50 %" in html  # 305 of 1,000 finished
    assert "data-chart=" in html
    assert "Knitted" in html
    assert "Greige fabric" in html
    assert "Corrected 1 time" in html
    assert "“Counted again”" in html
    assert "Complete" in html
    assert "Cancel" in html
    assert "reported production" in html or "production" in html  # the timeline


@pytest.mark.django_db
def test_moves_with_and_without_a_reason(ctx):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        wo = make_wo(w)
    move = f"{ctx['base']}{wo.pk}/move/"
    # a reason is needed to cancel: shown on the form, nothing moves
    refused = ctx["client"].post(move, {"action": "cancel", "version": wo.version})
    assert refused.status_code == 200
    assert "This field is required." in text(refused)
    # a move the status does not offer is refused on its form
    wrong = ctx["client"].post(move, {"action": "complete", "version": wo.version})
    assert wrong.status_code == 200
    assert "cannot complete" in text(wrong)
    assert ctx["client"].post(move, {"action": "nonsense"}).status_code == 404
    assert ctx["client"].post(move, {"action": "release", "version": wo.version}).status_code == 302
    with tenant_context(ctx["org"]):
        wo.refresh_from_db()
    assert wo.status == states.PENDING
    # a stale version is refused
    stale = ctx["client"].post(move, {"action": "start", "version": wo.version - 1})
    assert stale.status_code == 200
    assert (
        ctx["client"].post(move, {"action": "cancel", "version": wo.version, "reason": "Buyer cancelled"}).status_code
        == 302
    )
    with tenant_context(ctx["org"]):
        wo.refresh_from_db()
    assert (wo.status, wo.status_reason) == (states.CANCELLED, "Buyer cancelled")
    assert "“Buyer cancelled”" in text(ctx["client"].get(f"{ctx['base']}{wo.pk}/"))


@pytest.mark.django_db
def test_issuing_a_requirement_needs_its_item_and_the_stock(ctx):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        wo = running_wo(w, warehouse=w.warehouse)
        yarn = WorkOrderRequirement.objects.get(work_order=wo, kind="yarn")
    issue = f"{ctx['base']}{wo.pk}/issue/"
    # no item yet: the service refuses, on the form
    refused = ctx["client"].post(issue, {"requirement": str(yarn.pk), "quantity": "100"})
    assert refused.status_code == 200
    assert "field-error" in text(refused) or "form-error" in text(refused)
    # a quantity is needed
    missing = ctx["client"].post(issue, {"requirement": str(yarn.pk)})
    assert "This field is required." in text(missing)
    # another work order's requirement, or none
    assert ctx["client"].post(issue, {"requirement": "not-an-id", "quantity": "1"}).status_code == 404
    # set its item (a form too: an unknown item is refused next to it)
    setting = f"{ctx['base']}{wo.pk}/requirement/"
    bad = ctx["client"].post(setting, {"requirement": str(yarn.pk), "item": "", "quantity": "10", "unit": str(w.kg.pk)})
    assert "This field is required." in text(bad)
    done = ctx["client"].post(
        setting,
        {"requirement": str(yarn.pk), "item": str(w.yarn.pk), "quantity": str(yarn.quantity), "unit": str(w.kg.pk)},
    )
    assert done.status_code == 302
    # no stock of it yet: refused
    short = ctx["client"].post(issue, {"requirement": str(yarn.pk), "quantity": "100"})
    assert short.status_code == 200
    with tenant_context(ctx["org"]):
        assert not StockMove.objects.filter(kind=StockMove.Kind.PRODUCTION_OUT).exists()
        inventory.stock_receive(
            organization=w.org,
            by=w.by,
            warehouse=w.warehouse,
            item=w.yarn,
            quantity=D("500"),
            unit=w.kg,
            unit_cost=D("3"),
            source_type="",
            source_id=None,
            reference="opening",
        )
    assert ctx["client"].post(issue, {"requirement": str(yarn.pk), "quantity": "100"}).status_code == 302
    with tenant_context(ctx["org"]):
        yarn.refresh_from_db()
        assert yarn.issued_quantity == D("100")
        assert StockMove.objects.filter(kind=StockMove.Kind.PRODUCTION_OUT).count() == 1
    assert (
        "Production out" in text(ctx["client"].get(f"{ctx['base']}{wo.pk}/"))
        or "production out" in text(ctx["client"].get(f"{ctx['base']}{wo.pk}/")).lower()
    )


@pytest.mark.django_db
def test_receiving_finished_goods_needs_the_work_orders_item(ctx):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        wo = running_wo(w, warehouse=w.warehouse)
        with_item = running_wo(w, warehouse=w.warehouse, item=w.fabric)
    data = {"quantity": "100", "unit_cost": "4.5"}
    refused = ctx["client"].post(f"{ctx['base']}{wo.pk}/receive/", data)
    assert refused.status_code == 200
    assert "item" in text(refused).split('id="rv-')[0] or "item" in text(refused)
    missing = ctx["client"].post(f"{ctx['base']}{with_item.pk}/receive/", {"quantity": "100"})
    assert "This field is required." in text(missing)
    assert ctx["client"].post(f"{ctx['base']}{with_item.pk}/receive/", data).status_code == 302
    with tenant_context(ctx["org"]):
        assert StockMove.objects.filter(kind=StockMove.Kind.PRODUCTION_IN, item=w.fabric).count() == 1


@pytest.mark.django_db
def test_correcting_an_entry_needs_a_reason_and_keeps_the_history(ctx):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        wo = running_wo(w)
        (entry,) = services.production_report(organization=w.org, by=w.by, rows=[row(wo, w.today, "100")])
    url = f"{ctx['base']}{wo.pk}/correct/"
    data = {"entry": str(entry.pk), "knitted": "0", "dyed": "0", "finished": "120", "pieces": "0", "rejects": "0"}
    refused = ctx["client"].post(url, data)
    assert refused.status_code == 200
    assert "This field is required." in text(refused)
    negative = ctx["client"].post(url, {**data, "finished": "-1", "reason": "Recount"})
    assert "Ensure this value is greater than or equal to 0." in text(negative)
    assert ctx["client"].post(url, {**data, "entry": "nope", "reason": "x"}).status_code == 404
    assert ctx["client"].post(url, {**data, "reason": "Recount"}).status_code == 302
    with tenant_context(ctx["org"]):
        wo.refresh_from_db()
        assert wo.finished_quantity == D("120")
        assert ProductionEntry.objects.filter(work_order=wo).count() == 2
    # the old entry can no longer be corrected
    again = ctx["client"].post(url, {**data, "finished": "130", "reason": "Again"})
    assert again.status_code == 200
    assert "corrected already" in text(again)
    html = text(ctx["client"].get(f"{ctx['base']}{wo.pk}/"))
    assert "Corrected 1 time" in html
    assert "“Recount”" in html


# --- daily production -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_daily_form_reports_many_rows_at_once(ctx, django_assert_max_num_queries):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        two = running_wo(w, lines=lines_of(w, "600", "400"))
        one = running_wo(w)
        pending = services.work_order_move(organization=w.org, by=w.by, work_order=make_wo(w), action="release")
        for _ in range(5):
            running_wo(w)
        make_wo(w)  # a draft: not reported on
    with django_assert_max_num_queries(budget("web.production.daily")):
        page = ctx["client"].get(ctx["daily"])
    assert page.status_code == 200
    html = text(page)
    assert html.count("data-daily-row") == 9  # two lines, then one row each for the 7 others
    names = re.findall(r'name="(r-[^"]+-finished)"', html)
    assert len(set(names)) == len(names) == 9  # every row its own inputs
    assert 'inputmode="decimal"' in html
    data = {
        "produced_on": w.today.isoformat(),
        f"{key(two, w.lines[0])}-knitted": "80",
        f"{key(two, w.lines[0])}-finished": "50",
        f"{key(two, w.lines[1])}-finished": "30",
        f"{key(one)}-finished": "100",
        f"{key(one)}-pieces": "12",
        f"{key(pending)}-dyed": "20",
        f"{key(pending)}-note": "first day",
    }
    done = ctx["client"].post(ctx["daily"], data)
    assert done.status_code == 302
    assert done["Location"].endswith(f"?on={w.today.isoformat()}")
    with tenant_context(ctx["org"]):
        assert ProductionEntry.objects.count() == 4
        two.refresh_from_db()
        pending.refresh_from_db()
        assert two.finished_quantity == D("80")
        assert pending.status == states.IN_PROGRESS  # its first entry started it
    # the day's figures come back prefilled; sending them unchanged records nothing
    again = text(ctx["client"].get(ctx["daily"], {"on": w.today.isoformat()}))
    assert f'name="{key(one)}-finished" value="100"' in again
    assert "4 already reported" in again
    unchanged = {**data, f"{key(one)}-finished": "100"}
    nothing = ctx["client"].post(ctx["daily"], unchanged)
    assert nothing.status_code == 200
    assert "Nothing changed" in text(nothing)
    # a changed row is a correction (the earlier entry kept)
    corrected = ctx["client"].post(
        ctx["daily"], {**data, f"{key(one)}-finished": "90", f"{key(one)}-reason": "Recount"}
    )
    assert corrected.status_code == 302
    with tenant_context(ctx["org"]):
        assert ProductionEntry.objects.filter(work_order=one).count() == 2
        one.refresh_from_db()
        assert one.finished_quantity == D("90")


@pytest.mark.django_db
def test_the_daily_form_shows_errors_on_their_rows_and_records_nothing(ctx):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        a = running_wo(w)
        b = running_wo(w)
    # the form's own check (a negative figure) on its field
    html = text(ctx["client"].post(ctx["daily"], {f"{key(a)}-finished": "-5", f"{key(b)}-finished": "10"}))
    assert "Ensure this value is greater than or equal to 0." in html
    assert "nothing was recorded" in html
    # the service's (a new row of zeros: nothing reported) on its row, and the other row is not recorded either
    response = ctx["client"].post(ctx["daily"], {f"{key(a)}-finished": "0", f"{key(b)}-finished": "10"})
    assert response.status_code == 200
    html = text(response)
    assert "Report at least one figure above zero." in html
    assert 'value="10"' in html
    with tenant_context(ctx["org"]):
        assert ProductionEntry.objects.count() == 0
    # a day to come is refused, and nothing posted means nothing changed
    future = (w.today + 2 * DAY).isoformat()
    assert "This day has not come yet" in text(ctx["client"].get(ctx["daily"], {"on": future}))
    ahead = ctx["client"].post(ctx["daily"], {"produced_on": future, f"{key(b)}-finished": "10"})
    assert ahead.status_code == 200
    assert any("This day has not come yet" in e for e in errors(ahead))
    with tenant_context(ctx["org"]):
        assert ProductionEntry.objects.count() == 0
    assert "Nothing changed" in text(ctx["client"].post(ctx["daily"], {"produced_on": w.today.isoformat()}))


@pytest.mark.django_db
def test_the_daily_form_for_one_mill_and_a_past_day(ctx):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        other = SupplierFactory(organization=ctx["org"], legal_name="Zeta Knit")
        ours = running_wo(w)
        theirs = running_wo(w, supplier=other)
        own = running_wo(w, supplier=None)
        yesterday = w.today - DAY
        services.production_report(organization=w.org, by=w.by, rows=[row(theirs, yesterday, "70")])
    page = text(ctx["client"].get(ctx["daily"], {"mill": str(other.pk), "on": yesterday.isoformat()}))
    assert theirs.number in page
    assert ours.number not in page
    assert f'name="{key(theirs)}-finished" value="70"' in page
    assert "Our own floor" in page  # offered as a choice
    own_page = text(ctx["client"].get(ctx["daily"], {"mill": "own"}))
    assert own.number in own_page
    assert ours.number not in own_page
    done = ctx["client"].post(
        ctx["daily"], {"produced_on": yesterday.isoformat(), "mill": str(other.pk), f"{key(theirs)}-finished": "75"}
    )
    assert done.status_code == 302
    assert f"mill={other.pk}" in done["Location"]
    with tenant_context(ctx["org"]):
        theirs.refresh_from_db()
        assert theirs.finished_quantity == D("75")


# --- the order's tab ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_orders_production_tab(ctx, django_assert_max_num_queries):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        wo = running_wo(w, lines=lines_of(w, "600", "400"))
        for i in range(3):
            services.production_report(
                organization=w.org,
                by=w.by,
                rows=[
                    row(wo, w.today - i * DAY, "50", line=w.lines[0]),
                    row(wo, w.today - i * DAY, "10", line=w.lines[1]),
                ],
            )
    url = f"/o/{ctx['org'].slug}/orders/{w.order.pk}/production/"
    with django_assert_max_num_queries(budget("web.orders.production")):
        response = ctx["client"].get(url)
    assert response.status_code == 200
    html = text(response)
    assert wo.number in html
    assert "150" in html  # NAVY finished
    assert "data-chart=" in html
    assert "data-chart-src=" in html
    assert "Make a work order" in html
    assert "production/production.js" in html
    assert ctx["viewer"].get(url).status_code == 200
    assert "Make a work order" not in text(ctx["viewer"].get(url))


# --- who may ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_viewers_read_but_every_write_is_refused(ctx):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        wo = running_wo(w)
    viewer = ctx["viewer"]
    assert viewer.get(ctx["base"]).status_code == 200
    page = viewer.get(f"{ctx['base']}{wo.pk}/")
    assert page.status_code == 200
    assert "Correct" not in text(page).split('id="entries"')[1]
    assert 'id="actions"' not in text(page)
    assert viewer.get(f"{ctx['base']}new/").status_code == 403
    assert viewer.get(f"{ctx['base']}{wo.pk}/edit/").status_code == 403
    assert viewer.get(ctx["daily"]).status_code == 403
    for path in ("move/", "issue/", "requirement/", "receive/", "correct/"):
        assert viewer.post(f"{ctx['base']}{wo.pk}/{path}", {"action": "complete"}).status_code == 403


@pytest.mark.django_db
def test_another_organisations_work_order_is_a_404(ctx, other_org, member):
    w = ctx["w"]
    with tenant_context(ctx["org"]):
        wo = make_wo(w)
    stranger = client_for(member(Role.OWNER, organization=other_org))
    assert stranger.get(f"/o/{other_org.slug}/work-orders/{wo.pk}/").status_code == 404
    assert stranger.post(f"/o/{other_org.slug}/work-orders/{wo.pk}/move/", {"action": "release"}).status_code == 404
    with tenant_context(ctx["org"]):
        wo.refresh_from_db()
    assert wo.status == states.DRAFT


@pytest.mark.django_db
def test_the_pages_are_in_the_navigation(ctx):
    html = text(ctx["client"].get(ctx["base"]))
    assert f'href="/o/{ctx["org"].slug}/production/daily/"' in html
