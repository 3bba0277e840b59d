"""T&A pages: the order's T&A tab (the grid: planned / forecast / actual / slippage, late in red, done in green, the
dependencies, "applied from", history; applying a template, replanning with a reason, recording an actual date,
reopening — each refusal next to its field, nothing saved), the calendar (a month grid, prev / next, today, the
merchandiser filter, a list by day for phones), the templates list, the template form (milestone rows, errors on
their row) and archiving; viewers read and are refused every write; another organisation's ids are 404s; every page
costs the same whatever the number of milestones."""

from __future__ import annotations

import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from tradeloom.core.context import tenant_context
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget
from tradeloom.tna import selectors, services
from tradeloom.tna.models import Milestone, MilestoneChange, Plan, Template

D = Decimal


def client_for(membership):
    client = Client()
    client.force_login(membership.user)
    return client


def text(response) -> str:
    return unescape(response.content.decode())


def standard(org, by) -> Template:
    found = Template.objects.filter(organization=org, name=services.STANDARD_NAME).first()
    return found or services.templates_create_defaults(organization=org, by=by)


def small_template(org, by, name="Short", n=3) -> Template:
    rows = [
        {"code": f"step_{i}", "name": f"Step {i}", "anchor": "etd", "offset_days": -10 * (n - i), "depends_on": []}
        for i in range(n)
    ]
    for i in range(1, n):
        rows[i]["depends_on"] = [f"step_{i - 1}"]
    return services.template_create(organization=org, by=by, data={"name": name}, milestones=rows)


@pytest.fixture
def ctx(org, member):
    merch, manager, viewer = member(Role.MERCHANDISER), member(Role.MANAGER), member(Role.VIEWER)
    today = timezone.localdate()
    with tenant_context(org):
        order = OrderFactory(organization=org, merchandiser=merch, etd=today + datetime.timedelta(days=40))
        style = StyleFactory(organization=org, order=order, style_number="ST-100")
        lines = [
            LineFactory(organization=org, style=style, colour_code="NAVY", etd=today + datetime.timedelta(days=50)),
            LineFactory(organization=org, style=style, colour_code="WHITE"),
        ]
        template = standard(org, manager)
    return {
        "org": org,
        "merch": merch,
        "manager_member": manager,
        "client": client_for(merch),
        "manager": client_for(manager),
        "viewer": client_for(viewer),
        "order": order,
        "lines": lines,
        "template": template,
        "today": today,
        "tab": f"/o/{org.slug}/orders/{order.pk}/tna/",
    }


def applied(ctx, template=None, line=None) -> Plan:
    with tenant_context(ctx["org"]):
        return services.plan_apply(
            organization=ctx["org"],
            by=ctx["merch"],
            order=ctx["order"],
            line=line,
            template=template or ctx["template"],
        )


def milestone(plan, code) -> Milestone:
    with tenant_context(plan.organization):
        return Milestone.objects.get(plan=plan, code=code)


def fresh(org, obj):
    with tenant_context(org):
        obj.refresh_from_db()
    return obj


def rows(org, queryset):
    with tenant_context(org):
        return list(queryset)


# --- the order's tab ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_tab_without_a_plan_proposes_the_default_template(ctx):
    response = ctx["client"].get(ctx["tab"], headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = text(response)
    assert "No T&A plan yet" in html
    assert 'id="tna-apply"' in html
    assert f'<option value="{ctx["template"].pk}" selected>' in html
    assert "<html" not in html  # the partial, loaded into the order page
    # opened on its own, it is a page of its own
    page = text(ctx["client"].get(ctx["tab"]))
    assert "<html" in page
    assert "T&A of" in page


@pytest.mark.django_db
def test_applying_a_template_from_the_tab_plans_the_order(ctx):
    url = f"{ctx['tab']}apply/"
    response = ctx["client"].post(url, {"template": str(ctx["template"].pk), "line": ""})
    assert response.status_code == 302
    assert response["Location"].endswith("?tab=tna")
    (plan,) = rows(ctx["org"], Plan.objects.filter(order=ctx["order"], line=None))
    assert plan.template_name == ctx["template"].name
    ex_factory = milestone(plan, "ex_factory")
    assert ex_factory.planned_date == ctx["order"].etd
    # a line's own plan, from its own ETD
    line = ctx["lines"][0]
    assert ctx["client"].post(url, {"template": str(ctx["template"].pk), "line": str(line.pk)}).status_code == 302
    (line_plan,) = rows(ctx["org"], Plan.objects.filter(line=line))
    assert milestone(line_plan, "ex_factory").planned_date == line.etd
    html = text(ctx["client"].get(ctx["tab"], headers={"HX-Request": "true"}))
    assert "applied from" in html
    assert f"“{ctx['template'].name}”</span>" in html
    assert "Line ST-100 · NAVY" in html
    assert html.count("data-tna-grid") == 2


@pytest.mark.django_db
def test_applying_twice_or_a_bad_choice_shows_the_error_on_its_field(ctx):
    applied(ctx)
    url = f"{ctx['tab']}apply/"
    again = ctx["client"].post(url, {"template": str(ctx["template"].pk), "line": ""})
    assert again.status_code == 200
    html = text(again)
    assert "has a T&A plan already" in html
    assert 'id="apply-line_error"' in html
    assert len(rows(ctx["org"], Plan.objects.all())) == 1
    bad = ctx["client"].post(url, {"template": "not-a-template", "line": ""})
    assert bad.status_code == 200
    assert "Select a valid choice" in text(bad)
    # replacing a plan needs a reason
    (plan,) = rows(ctx["org"], Plan.objects.all())
    refused = ctx["client"].post(
        url, {"plan": str(plan.pk), "template": str(ctx["template"].pk), "version": plan.version}
    )
    assert refused.status_code == 200
    assert "Say why the plan is replaced." in text(refused)
    assert f'id="ra-{plan.pk}-reason_error"' in text(refused)
    replaced = ctx["client"].post(
        url,
        {"plan": str(plan.pk), "template": str(ctx["template"].pk), "version": plan.version, "reason": "New ETD"},
    )
    assert replaced.status_code == 302


@pytest.mark.django_db
def test_an_order_without_an_etd_cannot_be_planned_from_it(ctx):
    with tenant_context(ctx["org"]):
        ctx["order"].etd = None
        ctx["order"].save(update_fields=["etd"])
    response = ctx["client"].post(f"{ctx['tab']}apply/", {"template": str(ctx["template"].pk), "line": ""})
    assert response.status_code == 200
    assert "ETD" in text(response)
    assert rows(ctx["org"], Plan.objects.all()) == []


@pytest.mark.django_db
def test_replan_with_a_reason_moves_the_forecasts_and_keeps_the_history(ctx):
    plan = applied(ctx)
    knitting = milestone(plan, "knitting")
    url = f"{ctx['tab']}milestones/{knitting.pk}/replan/"
    later = knitting.planned_date + datetime.timedelta(days=5)
    # no reason: refused next to the field, nothing changed
    refused = ctx["client"].post(url, {"planned_date": later.isoformat(), "reason": ""})
    assert refused.status_code == 200
    html = text(refused)
    assert f'id="rp-{knitting.pk}-reason_error"' in html
    assert "This field is required." in html
    fresh(ctx["org"], knitting)
    assert knitting.planned_date != later
    bad_date = ctx["client"].post(url, {"planned_date": "31-31-2026", "reason": "x"})
    assert f'id="rp-{knitting.pk}-planned_date_error"' in text(bad_date)
    done = ctx["client"].post(url, {"planned_date": later.isoformat(), "reason": "The mill's machines are full"})
    assert done.status_code == 302
    fresh(ctx["org"], knitting)
    assert knitting.planned_date == later
    (change,) = rows(ctx["org"], MilestoneChange.objects.filter(milestone=knitting))
    assert change.reason == "The mill's machines are full"
    html = text(ctx["client"].get(ctx["tab"], headers={"HX-Request": "true"}))
    assert "“The mill's machines are full”" in html
    assert "History (1)" in html
    assert "tna-was" in html  # the first planned date, struck through


@pytest.mark.django_db
def test_record_an_actual_date_then_reopen(ctx):
    plan = applied(ctx)
    booked = milestone(plan, "yarn_booked")
    base = f"{ctx['tab']}milestones/{booked.pk}/"
    future = ctx["today"] + datetime.timedelta(days=3)
    refused = ctx["client"].post(f"{base}record/", {"actual_date": future.isoformat()})
    assert refused.status_code == 200
    assert f'id="ac-{booked.pk}-actual_date_error"' in text(refused)
    fresh(ctx["org"], booked)
    assert booked.status == Milestone.Status.PENDING
    assert (
        ctx["client"].post(f"{base}record/", {"actual_date": ctx["today"].isoformat(), "note": "PO 1"}).status_code
        == 302
    )
    fresh(ctx["org"], booked)
    assert booked.status == Milestone.Status.DONE
    html = text(ctx["client"].get(ctx["tab"], headers={"HX-Request": "true"}))
    assert 'data-milestone="yarn_booked" data-state="done"' in html
    no_reason = ctx["client"].post(f"{base}reopen/", {"reason": ""})
    assert no_reason.status_code == 200
    assert f'id="ro-{booked.pk}-reason_error"' in text(no_reason)
    assert ctx["client"].post(f"{base}reopen/", {"reason": "Booked the wrong yarn"}).status_code == 302
    fresh(ctx["org"], booked)
    assert booked.status == Milestone.Status.PENDING


@pytest.mark.django_db
def test_late_milestones_are_red_and_the_ex_factory_warning_shows(ctx):
    plan = applied(ctx)
    knitting = milestone(plan, "knitting")
    with tenant_context(ctx["org"]):
        services.milestone_replan(
            organization=ctx["org"],
            by=ctx["merch"],
            milestone=knitting,
            planned_date=ctx["today"] - datetime.timedelta(days=2),
            reason="Pulled in",
        )
        # dyeing waits for knitting: push knitting's forecast far past the ETD by its dependency
        yarn = milestone(plan, "yarn_in_house")
        services.milestone_replan(
            organization=ctx["org"],
            by=ctx["merch"],
            milestone=yarn,
            planned_date=ctx["order"].etd + datetime.timedelta(days=10),
            reason="Spinner strike",
        )
    html = text(ctx["client"].get(ctx["tab"], headers={"HX-Request": "true"}))
    assert 'data-milestone="knitting" data-state="late"' in html
    assert 'badge-red">Late' in html
    assert 'data-tna-ex-factory="late"' in html
    assert "after the ETD" in html
    assert "tna-slip-late" in html


@pytest.mark.django_db
def test_the_tab_costs_the_same_whatever_the_number_of_milestones(ctx, django_assert_max_num_queries):
    with tenant_context(ctx["org"]):
        small = small_template(ctx["org"], ctx["manager_member"], n=3)
    plan = applied(ctx, template=small)
    with tenant_context(ctx["org"]):
        services.milestone_replan(
            organization=ctx["org"],
            by=ctx["merch"],
            milestone=milestone(plan, "step_1"),
            planned_date=ctx["today"],
            reason="x",
        )
    with django_assert_max_num_queries(budget("web.orders.tna")) as few:
        assert ctx["client"].get(ctx["tab"], headers={"HX-Request": "true"}).status_code == 200
    applied(ctx, line=ctx["lines"][0])  # the standard template: 14 more milestones
    applied(ctx, line=ctx["lines"][1])
    with django_assert_max_num_queries(budget("web.orders.tna")) as many:
        assert ctx["client"].get(ctx["tab"], headers={"HX-Request": "true"}).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- the calendar ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_calendar_shows_the_month_with_today_and_late_in_red(ctx, django_assert_max_num_queries):
    plan = applied(ctx)
    knitting = milestone(plan, "knitting")
    with tenant_context(ctx["org"]):
        services.milestone_replan(
            organization=ctx["org"],
            by=ctx["merch"],
            milestone=knitting,
            planned_date=ctx["today"] - datetime.timedelta(days=1),
            reason="Pulled in",
        )
    url = f"/o/{ctx['org'].slug}/tna/calendar/"
    with django_assert_max_num_queries(budget("web.tna.calendar")):
        response = ctx["client"].get(url)
    assert response.status_code == 200
    html = text(response)
    assert ctx["today"].strftime("%B %Y") in html
    assert 'aria-current="date"' in html
    assert 'class="tna-chip tna-chip-late"' in html
    assert f'<b>Knitting</b><span class="tna-chip-order">{ctx["order"].number}' in html
    assert 'id="tna-calendar-list"' in html  # the phone's list by day
    # the merchandiser sees their own orders by default; another merchandiser's filter shows none of them
    assert "'s orders</span>" in html
    other = ctx["manager"].get(url, {"merchandiser": str(ctx["merch"].pk)})
    assert f'<span class="tna-chip-order">{ctx["order"].number}' in text(other)
    # prev and next months, a bad month falls back to this one
    nxt = (ctx["today"].replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    assert nxt.strftime("%B %Y") in text(ctx["client"].get(url, {"month": nxt.strftime("%Y-%m")}))
    assert ctx["today"].strftime("%B %Y") in text(ctx["client"].get(url, {"month": "2026-13"}))
    assert ctx["viewer"].get(url).status_code == 200


@pytest.mark.django_db
def test_the_calendar_costs_the_same_whatever_the_number_of_milestones(ctx, django_assert_max_num_queries):
    url = f"/o/{ctx['org'].slug}/tna/calendar/"
    with tenant_context(ctx["org"]):
        small = small_template(ctx["org"], ctx["manager_member"], n=2)
    applied(ctx, template=small)
    with django_assert_max_num_queries(budget("web.tna.calendar")) as few:
        ctx["manager"].get(url)
    applied(ctx, line=ctx["lines"][0])
    applied(ctx, line=ctx["lines"][1])
    with django_assert_max_num_queries(budget("web.tna.calendar")) as many:
        html = text(ctx["manager"].get(url))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "tna-chip" in html


def test_a_crowded_day_shows_its_first_milestones_and_how_many_more(ctx, monkeypatch):
    from tradeloom.tna import views

    monkeypatch.setattr(views, "CALENDAR_PER_DAY", 1)
    applied(ctx)
    applied(ctx, line=ctx["lines"][0])
    applied(ctx, line=ctx["lines"][1])  # three plans from one ETD: each day of them holds three milestones or more
    html = text(ctx["manager"].get(f"/o/{ctx['org'].slug}/tna/calendar/", {"merchandiser": "all"}))
    assert "and 2 more: choose a merchandiser" in html
    # the month's counts are of every milestone, not of those shown
    month = ctx["today"].replace(day=1)
    with tenant_context(ctx["org"]):
        counts = selectors.calendar_counts(organization=ctx["org"], month=month, today=ctx["today"])
    assert counts.due + counts.done >= 3
    assert f"{counts.due} due this month" in html


# --- templates -----------------------------------------------------------------------------------------------------


def template_data(**extra):
    data = {
        "name": "Knit programme",
        "product_type": "",
        "m-0-code": "yarn_booked",
        "m-0-name": "Yarn booked",
        "m-0-anchor": "etd",
        "m-0-offset_days": "-50",
        "m-2-code": "knitting",
        "m-2-name": "Knitting",
        "m-2-anchor": "etd",
        "m-2-offset_days": "-30",
        "m-2-depends_on": "yarn_booked",
        "m-2-production_process": "knitted",
        "m-5-code": "",  # a blank row is ignored
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_the_templates_list_and_a_new_template_from_rows(ctx, django_assert_max_num_queries):
    base = f"/o/{ctx['org'].slug}/tna/templates/"
    with django_assert_max_num_queries(budget("web.tna.templates")):
        response = ctx["manager"].get(base)
    assert response.status_code == 200
    assert ctx["template"].name in text(response)
    with django_assert_max_num_queries(budget("web.tna.template_new")):
        page = ctx["manager"].get(f"{base}new/")
    html = text(page)
    assert 'id="tna-row-template"' in html
    assert 'value="pp_sample_approved"' in html  # the rows start as the standard ones
    made = ctx["manager"].post(f"{base}new/", template_data())
    assert made.status_code == 302
    (template,) = rows(ctx["org"], Template.objects.filter(name="Knit programme"))
    assert [(m.code, m.depends_on) for m in rows(ctx["org"], template.milestones.order_by("position"))] == [
        ("yarn_booked", []),
        ("knitting", ["yarn_booked"]),
    ]


@pytest.mark.django_db
def test_template_errors_land_on_their_row_and_nothing_is_saved(ctx):
    url = f"/o/{ctx['org'].slug}/tna/templates/new/"
    # a dependency on a code the template does not have: on that row's field
    unknown = ctx["manager"].post(url, template_data(**{"m-2-depends_on": "cutting"}))
    assert unknown.status_code == 200
    html = text(unknown)
    # on the knitting row (the second one posted), next to its "depends on" input
    row = html.split('name="m-2-depends_on"')[1].split("data-tna-row")[0]
    assert "“cutting” is not a milestone of this plan." in row
    assert rows(ctx["org"], Template.objects.filter(name="Knit programme")) == []
    # a loop
    loop = ctx["manager"].post(url, template_data(**{"m-0-depends_on": "knitting"}))
    assert loop.status_code == 200
    assert "The dependencies go round in a loop (knitting, yarn_booked)." in text(loop)
    assert rows(ctx["org"], Template.objects.filter(name="Knit programme")) == []
    # a row without its offset, a header without a name
    missing = ctx["manager"].post(url, template_data(**{"m-2-offset_days": "", "name": ""}))
    html = text(missing)
    assert "Give the days from its anchor" in html
    assert "This field is required." in html
    # the typed rows are kept
    assert 'value="yarn_booked"' in html
    # a name taken
    taken = ctx["manager"].post(url, template_data(name=ctx["template"].name))
    assert "already exists" in text(taken)
    # no rows at all
    empty = ctx["manager"].post(url, {"name": "Empty"})
    assert "at least one milestone" in text(empty)


@pytest.mark.django_db
def test_editing_and_archiving_a_template(ctx, django_assert_max_num_queries):
    template = ctx["template"]
    url = f"/o/{ctx['org'].slug}/tna/templates/{template.pk}/"
    with django_assert_max_num_queries(budget("web.tna.template")):
        page = ctx["manager"].get(url)
    assert page.status_code == 200
    assert "Save template" in text(page)
    data = template_data(name="Standard, revised", version=template.version)
    assert ctx["manager"].post(url, data).status_code == 302
    fresh(ctx["org"], template)
    assert template.name == "Standard, revised"
    assert len(rows(ctx["org"], template.milestones.all())) == 2
    stale = ctx["manager"].post(url, data | {"version": template.version - 1})
    assert stale.status_code == 200
    assert "changed by someone else" in text(stale)
    # a merchandiser reads the template but does not change it
    read = text(ctx["client"].get(url))
    assert 'id="tna-template-milestones"' in read
    assert "Save template" not in read
    assert ctx["client"].post(url, data).status_code == 403
    assert ctx["client"].post(f"{url}archive/", {"version": template.version}).status_code == 403
    archived = ctx["manager"].post(f"{url}archive/", {"version": template.version})
    assert archived.status_code == 302
    fresh(ctx["org"], template)
    assert template.archived_at is not None
    assert "archived" in text(ctx["manager"].get(f"/o/{ctx['org'].slug}/tna/templates/"))


# --- who may do what, and walls ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_viewers_read_but_every_write_is_refused(ctx):
    plan = applied(ctx)
    knitting = milestone(plan, "knitting")
    assert ctx["viewer"].get(ctx["tab"]).status_code == 200
    assert "Replan" not in text(ctx["viewer"].get(ctx["tab"], headers={"HX-Request": "true"}))
    assert ctx["viewer"].get(f"/o/{ctx['org'].slug}/tna/templates/").status_code == 200
    assert ctx["viewer"].get(f"/o/{ctx['org'].slug}/tna/templates/new/").status_code == 403
    base = f"{ctx['tab']}milestones/{knitting.pk}/"
    for url in (f"{ctx['tab']}apply/", f"{base}replan/", f"{base}record/", f"{base}reopen/"):
        assert ctx["viewer"].post(url, {}).status_code == 403


@pytest.mark.django_db
def test_another_organisations_order_and_milestones_are_404s(ctx, other_org, member):
    plan = applied(ctx)
    knitting = milestone(plan, "knitting")
    stranger = client_for(member(Role.OWNER, organization=other_org))
    assert stranger.get(f"/o/{other_org.slug}/orders/{ctx['order'].pk}/tna/").status_code == 404
    assert stranger.get(f"/o/{other_org.slug}/tna/templates/{ctx['template'].pk}/").status_code == 404
    with tenant_context(other_org):
        their_order = OrderFactory(organization=other_org)
    url = f"/o/{other_org.slug}/orders/{their_order.pk}/tna/milestones/{knitting.pk}/replan/"
    assert stranger.post(url, {"planned_date": "2027-01-01", "reason": "x"}).status_code == 404


def test_a_milestones_state_on_the_pages():
    from tradeloom.tna.views import _state

    today = datetime.date(2026, 12, 10)

    def m(planned, forecast, status="pending"):
        return Milestone(
            planned_date=planned,
            forecast_date=forecast,
            status=status,
            actual_date=planned if status == "done" else None,
        )

    day = datetime.timedelta(days=1)
    assert _state(m(today - day, today), today) == "late"
    assert _state(m(today + 20 * day, today + 25 * day), today, slipped=True) == "slipped"
    assert _state(m(today + 20 * day, today + 25 * day), today) == "pending"
    assert _state(m(today + 3 * day, today + 3 * day), today) == "due"
    assert _state(m(today - day, today, status="done"), today) == "done"


def test_a_month_with_more_milestones_than_a_calendar_can_show_shows_each_days_counts(ctx, monkeypatch):
    from tradeloom.tna import views

    monkeypatch.setattr(views, "CALENDAR_MAX_LISTED", 2)
    applied(ctx)
    url = f"/o/{ctx['org'].slug}/tna/calendar/"
    html = text(ctx["manager"].get(url, {"merchandiser": "all"}))
    assert 'id="tna-summary-only"' in html
    assert "tna-chip-order" not in html  # no milestone listed, only the days' counts
    assert " due" in html
    # within the limit the milestones are listed again
    monkeypatch.setattr(views, "CALENDAR_MAX_LISTED", 10_000)
    listed = text(ctx["manager"].get(url, {"merchandiser": "all"}))
    assert 'id="tna-summary-only"' not in listed
    assert "tna-chip-order" in listed
