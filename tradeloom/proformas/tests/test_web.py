"""Proforma pages: the list (filters, search, budget), a PI's page (moves as forms with errors next to their
fields, lines, totals, revisions and the diff, timeline, budget), making a PI from an order (lines ticked, by
quantity or by amount, refusals on the row's field), editing a draft with a stale version, revising; viewers read
and are refused every write; another organisation's PI is a 404."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.proformas import services
from tradeloom.proformas.models import ProformaInvoice
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = timezone.localdate()


def client_for(membership):
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def ctx(org, member):
    owner, merch, viewer = member(Role.OWNER), member(Role.MERCHANDISER), member(Role.VIEWER)
    with tenant_context(org):
        unit = UnitFactory(organization=org, code="m")
        order = OrderFactory(organization=org, tax_rate=D("5"))
        style = StyleFactory(organization=org, order=order, style_number="TEE")
        navy = LineFactory(organization=org, style=style, colour_code="NAVY", quantity=D(1000), unit=unit)
        bare = LineFactory(
            organization=org, style=style, colour_code="BARE", quantity=D(10), unit=unit, selling_price=None, position=1
        )
        yield {
            "org": org,
            "owner": owner,
            "merch": merch,
            "client": client_for(merch),
            "viewer": client_for(viewer),
            "order": order,
            "navy": navy,
            "bare": bare,
            "base": f"/o/{org.slug}/",
        }


def make(ctx, lines=None, **data):
    with tenant_context(ctx["org"]):
        return services.proforma_create(
            organization=ctx["org"],
            by=ctx["merch"],
            order=ctx["order"],
            data=data,
            lines=lines or [{"line": ctx["navy"].pk, "quantity": D(100)}],
        )


def row(line, **fields):
    prefix = f"l-{line.pk}-"
    return {prefix + key: value for key, value in fields.items()}


def test_making_a_pi_from_the_order_page(ctx):
    url = f"{ctx['base']}orders/{ctx['order'].pk}/proformas/new/"
    page = ctx["client"].get(url)
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert "no selling price" in html
    assert "NAVY" in html
    response = ctx["client"].post(
        url, {**row(ctx["navy"], include="on", basis="amount", percent="30"), "bank_details": "HSBC"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(ctx["org"]):
        pi = ProformaInvoice.objects.get()
    assert (pi.total, pi.bank_details) == (D("1338.75"), "HSBC")
    detail = unescape(ctx["client"].get(response["Location"]).content.decode())
    assert pi.number in detail
    assert "30 % of value" in detail
    assert "1,338.75" in detail


def test_refusals_land_next_to_the_row_field(ctx):
    url = f"{ctx['base']}orders/{ctx['order'].pk}/proformas/new/"
    html = unescape(ctx["client"].post(url, row(ctx["navy"], include="on", quantity="1000.5")).content.decode())
    assert "more than what is not yet on sent or accepted" in html
    html = unescape(ctx["client"].post(url, row(ctx["bare"], include="on")).content.decode())
    assert "has no selling price" in html
    html = unescape(
        ctx["client"]
        .post(url, {"pi_date": "2026-05-02", "valid_until": "2026-05-01", **row(ctx["navy"], include="on")})
        .content.decode()
    )
    assert "The validity date cannot be before the PI date." in html
    html = unescape(ctx["client"].post(url, {}).content.decode())
    assert "Tick at least one line" in html
    with tenant_context(ctx["org"]):
        assert not ProformaInvoice.objects.exists()


def test_moves_as_buttons_with_forms(ctx):
    pi = make(ctx)
    move = f"{ctx['base']}proformas/{pi.pk}/move/"
    page = unescape(ctx["client"].get(f"{ctx['base']}proformas/{pi.pk}/").content.decode())
    assert "Mark sent" in page
    assert "Edit draft" in page
    assert ctx["client"].post(move, {"action": "send", "version": pi.version}).status_code == 302
    html = unescape(ctx["client"].post(move, {"action": "cancel", "version": pi.version + 1}).content.decode())
    assert "This field is required." in html
    stale = unescape(ctx["client"].post(move, {"action": "accept", "version": 1}).content.decode())
    assert "changed by someone else" in stale
    assert (
        ctx["client"].post(move, {"action": "accept", "version": pi.version + 1, "reference": "B-7"}).status_code == 302
    )
    with tenant_context(ctx["org"]):
        pi.refresh_from_db()
    assert (pi.status, pi.accepted_reference) == ("accepted", "B-7")


def test_edit_a_draft_and_revise_a_sent_pi_with_its_diff(ctx):
    pi = make(ctx)
    edit = f"{ctx['base']}proformas/{pi.pk}/edit/"
    assert ctx["client"].get(edit).status_code == 200
    response = ctx["client"].post(
        edit,
        {
            "version": pi.version,
            "pi_date": pi.pi_date.isoformat(),
            "notes": "Lot 1",
            **row(ctx["navy"], include="on", quantity="200"),
        },
    )
    assert response.status_code == 302, unescape(response.content.decode())[:3000]
    stale = ctx["client"].post(
        edit, {"version": 1, "pi_date": pi.pi_date.isoformat(), **row(ctx["navy"], include="on", quantity="300")}
    )
    assert "changed by someone else" in unescape(stale.content.decode())
    with tenant_context(ctx["org"]):
        pi.refresh_from_db()
        services.proforma_move(proforma=pi, action="send", by=ctx["merch"])
        pi.refresh_from_db()
    assert ctx["client"].get(edit).status_code == 302  # a sent PI is revised, not edited
    revise = f"{ctx['base']}proformas/{pi.pk}/revise/"
    response = ctx["client"].post(
        revise,
        {
            "version": pi.version,
            "pi_date": pi.pi_date.isoformat(),
            "notes": "Lot 1",
            **row(ctx["navy"], include="on", quantity="250"),
        },
    )
    assert response.status_code == 302, unescape(response.content.decode())[:3000]
    html = unescape(ctx["client"].get(response["Location"]).content.decode())
    assert "rev. 2" in html
    assert "Changes from revision 1" in html
    assert "200" in html
    assert "250" in html
    old = unescape(ctx["client"].get(f"{ctx['base']}proformas/{pi.pk}/").content.decode())
    assert "This revision is superseded" in old
    assert "Mark sent" not in old


def test_list_filters_and_sidebar(ctx):
    a, b = make(ctx), make(ctx)
    with tenant_context(ctx["org"]):
        services.proforma_move(proforma=b, action="send", by=ctx["merch"])
    page = unescape(ctx["viewer"].get(f"{ctx['base']}proformas/").content.decode())
    assert a.number in page
    assert b.number in page
    assert "Proforma invoices" in page
    sent = unescape(ctx["viewer"].get(f"{ctx['base']}proformas/", {"status": "sent"}).content.decode())
    assert b.number in sent
    assert a.number not in sent
    found = unescape(ctx["viewer"].get(f"{ctx['base']}proformas/", {"q": a.number}).content.decode())
    assert a.number in found
    assert b.number not in found
    assert ctx["viewer"].get(f"{ctx['base']}proformas/", {"date_from": "not a date"}).status_code == 200


def test_viewers_read_and_are_refused_writes_and_other_organisations_get_404(ctx, other_org, member):
    pi = make(ctx)
    assert ctx["viewer"].get(f"{ctx['base']}proformas/{pi.pk}/").status_code == 200
    assert ctx["viewer"].post(f"{ctx['base']}proformas/{pi.pk}/move/", {"action": "send"}).status_code == 403
    assert ctx["viewer"].get(f"{ctx['base']}orders/{ctx['order'].pk}/proformas/new/").status_code == 403
    rival = client_for(member(Role.OWNER, organization=other_org))
    assert rival.get(f"/o/{other_org.slug}/proformas/{pi.pk}/").status_code == 404
    assert rival.get(f"/o/{other_org.slug}/orders/{ctx['order'].pk}/proformas/new/").status_code == 404


def test_pages_cost_the_same_whatever_the_size(ctx, django_assert_max_num_queries):
    for _ in range(6):
        make(ctx, [{"line": ctx["navy"].pk, "quantity": D(1)}])
    pi = make(ctx)
    with tenant_context(ctx["org"]):
        services.proforma_move(proforma=pi, action="send", by=ctx["merch"])
        rev = services.proforma_revise(proforma=pi, by=ctx["merch"])
    with django_assert_max_num_queries(budget("web.proformas.list")):
        assert ctx["client"].get(f"{ctx['base']}proformas/").status_code == 200
    with django_assert_max_num_queries(budget("web.proformas.detail")):
        assert ctx["client"].get(f"{ctx['base']}proformas/{rev.pk}/").status_code == 200
    with django_assert_max_num_queries(budget("web.proformas.new")):
        assert ctx["client"].get(f"{ctx['base']}orders/{ctx['order'].pk}/proformas/new/").status_code == 200


def test_make_from_an_order_by_its_number(ctx):
    response = ctx["client"].get(f"{ctx['base']}proformas/new/", {"order": ctx["order"].number})
    assert response["Location"] == f"{ctx['base']}orders/{ctx['order'].pk}/proformas/new/"
    missing = ctx["client"].get(f"{ctx['base']}proformas/new/", {"order": "SO-NOPE"}, follow=True)
    assert "No order numbered" in unescape(missing.content.decode())
