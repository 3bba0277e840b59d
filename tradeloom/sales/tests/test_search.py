"""Order search (``sales.search``): an order is found by its number, PO, buyer, styles, colours, CADs and its
customer's name, with typos; exact matches first; only the orders the member may see; kept current by the
services that change what it is found by."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client

from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.core.search import code_variants
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.records.services import record_update
from tradeloom.sales import search, services
from tradeloom.sales.models import Line, Order
from tradeloom.sales.tests.factories import OrderFactory
from tradeloom.tenancy.models import Organization
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(org, member):
    merch = member(Role.MERCHANDISER)
    metre = UnitFactory(organization=org, code="m", dimension="length", factor=D("1"))
    bayside = CustomerFactory(organization=org, legal_name="Bayside Clothing")
    nordic = CustomerFactory(organization=org, legal_name="Nordic Apparel")
    with tenant_context(org, user=merch.user):
        yield {"org": org, "by": merch, "metre": metre, "bayside": bayside, "nordic": nordic}


def line(ctx, colour, **extra):
    return {"colour_code": colour, "quantity": D("1000"), "unit": ctx["metre"], "selling_price": D("4.25"), **extra}


def create(ctx, po, *, customer="nordic", buyer="", style="", lines=None, by=None):
    styles = [{"style_number": style, "lines": lines or [line(ctx, "NAVY")]}]
    data = {"po_number": po, "customer": ctx[customer], "currency": "USD", "order_date": date(2026, 11, 1)}
    if buyer:
        data["buyer_name"] = buyer
    created = services.order_create(organization=ctx["org"], by=by or ctx["by"], data=data, styles=styles)
    return created.order


def found(term, **kwargs):
    qs = search.order_search_filter(Order.objects.all(), term, **kwargs).order_by("-search_rank", "-created_at")
    return list(qs.values_list("po_number", flat=True))


def test_an_order_is_found_by_its_number_first_among_orders_mentioning_it(ctx):
    wanted = create(ctx, "PO-100")
    create(ctx, f"PO-{wanted.number}-B")  # a PO that contains the number ranks after the number itself
    assert found(wanted.number)[0] == "PO-100"


@pytest.mark.parametrize(
    ("term", "why"),
    [
        ("PO-4711", "the buyer's PO"),
        ("PO-4171", "the PO with two digits swapped"),
        ("PO-47111", "the PO with a digit too many"),
        ("PO-471", "the PO with a digit missing"),
        ("4712", "the PO with a digit wrong"),
        ("Helena", "the buyer"),
        ("Helna", "the buyer, misspelt"),
        ("FW26-TEE-01", "a style number"),
        ("OXBLOOD", "a colour code"),
        ("Burgundy Night", "a colour name"),
        ("CAD-9931", "a CAD code"),
        ("Paisley", "a CAD name"),
        ("Bayside", "the customer's name"),
        ("Baysde Clothng", "the customer's name, misspelt"),
    ],
)
def test_an_order_is_found_by_what_it_holds(ctx, term, why):
    create(
        ctx,
        "PO-4711",
        customer="bayside",
        buyer="Helena Berg",
        style="FW26-TEE-01",
        lines=[line(ctx, "OXBLOOD", colour_name="Burgundy Night", cad_code="CAD-9931", cad_name="Paisley")],
    )
    create(ctx, "PO-0001", buyer="Jonas Lind", style="SS27-POLO", lines=[line(ctx, "WHITE")])
    assert found(term) == ["PO-4711"], why


def test_a_renamed_customer_is_found_by_its_new_name_without_touching_its_orders(ctx):
    create(ctx, "PO-1", customer="bayside")
    record_update(instance=ctx["bayside"], by=ctx["by"], data={"legal_name": "Harbour Outfitters"})
    assert found("Harbour Outfitters") == ["PO-1"]
    assert found("Bayside") == []


def test_a_customer_match_and_an_exact_number_rank_above_a_loose_match(ctx):
    create(ctx, "PO-BAYSID-7")  # shares most of the customer's trigrams in its own text
    create(ctx, "PO-2", customer="bayside")
    assert found("Bayside")[0] == "PO-2"


def test_a_po_number_matches_no_customer_by_its_digits(ctx):
    CustomerFactory(organization=ctx["org"], legal_name="Sourcing 4711 Ltd")
    create(ctx, "PO-4711")
    with tenant_context(ctx["org"]):
        hits = list(search.order_search_filter(Order.objects.all(), "SO-4711").values_list("po_number", "search_rank"))
    assert [po for po, _ in hits] == ["PO-4711"]


def test_a_lone_letter_does_not_pull_in_every_customer_whose_name_starts_with_it(ctx):
    """ "b" is a prefix of "Bayside": as a customer match it would bring all of Bayside's orders (and the bonus)."""
    create(ctx, "PO-1", customer="bayside")
    with tenant_context(ctx["org"]):
        ranks = dict(search.order_search_filter(Order.objects.all(), "b").values_list("po_number", "search_rank"))
    assert "PO-1" not in ranks
    assert found("Bayside") == ["PO-1"]  # the whole name does


def test_a_term_without_letters_or_digits_finds_nothing(ctx):
    create(ctx, "PO-1")
    assert found("-- / ··") == []
    assert found("   ") == []


def test_archived_orders_and_other_organisations_are_not_found(ctx, other_org):
    kept = create(ctx, "PO-TWIN-1")
    gone = create(ctx, "PO-TWIN-2")
    Order.objects.filter(pk=gone.pk).update(archived_at=kept.created_at)
    with tenant_context(other_org):
        OrderFactory(organization=other_org, po_number="PO-TWIN-3")
    assert found("PO-TWIN") == ["PO-TWIN-1"]
    with tenant_context(other_org):  # and the other way round: the function runs as its owner, yet sees one org
        other = Order.objects.get()
        other.reindex()
        assert found("PO-TWIN") == ["PO-TWIN-3"]


def test_a_restricted_merchandiser_finds_only_their_own_orders(ctx, member):
    other = member(Role.MERCHANDISER)
    create(ctx, "PO-SHARED-1")
    create(ctx, "PO-SHARED-2", by=other)
    Order.objects.filter(po_number="PO-SHARED-1").update(merchandiser=ctx["by"])
    Order.objects.filter(po_number="PO-SHARED-2").update(merchandiser=other)
    assert found("PO-SHARED", merchandiser=ctx["by"]) == ["PO-SHARED-1"]
    assert sorted(found("PO-SHARED")) == ["PO-SHARED-1", "PO-SHARED-2"]


def test_each_way_of_matching_keeps_the_newest_orders_when_a_term_matches_too_many(ctx, monkeypatch):
    for n in range(5):
        create(ctx, f"PO-{n}", buyer="Zelda" if n == 0 else "", lines=[line(ctx, "ECRU")])
    monkeypatch.setattr(search, "CANDIDATES", 3)
    assert sorted(found("ECRU")) == ["PO-2", "PO-3", "PO-4"]
    assert found("Zelda") == ["PO-0"]  # a more precise term finds an older one


def test_the_lists_filters_choose_the_candidates_too(ctx, monkeypatch):
    """Each way keeps its newest ``CANDIDATES``: filtered only afterwards, "ECRU" with status closed would find
    nothing when the newest ECRU orders are open, though an older closed one matches."""
    closed = create(ctx, "PO-OLD", lines=[line(ctx, "ECRU")])
    Order.objects.filter(pk=closed.pk).update(status="closed")
    for n in range(4):
        create(ctx, f"PO-{n}", lines=[line(ctx, "ECRU")])
    monkeypatch.setattr(search, "CANDIDATES", 3)
    assert found("ECRU", filters={"status": "closed"}) == ["PO-OLD"]
    assert found("ECRU", filters={"customer": ctx["bayside"]}) == []
    assert len(found("ECRU", filters={"status": "open", "etd_from": None})) == 3


def test_the_orders_page_passes_its_filters_to_the_search(ctx, monkeypatch):
    closed = create(ctx, "PO-OLD", lines=[line(ctx, "ECRU")])
    Order.objects.filter(pk=closed.pk).update(status="closed")
    for n in range(4):
        create(ctx, f"PO-{n}", lines=[line(ctx, "ECRU")])
    monkeypatch.setattr(search, "CANDIDATES", 3)
    client = Client()
    client.force_login(ctx["by"].user)
    page = client.get(f"/o/{ctx['org'].slug}/orders/", {"search": "ECRU", "status": "closed"}).content.decode()
    assert "PO-OLD" in page


def test_a_term_with_nothing_rare_in_it_is_answered_from_the_newest_orders(ctx, monkeypatch):
    """ "56" is too short to look up as a word or a code and its trigrams hold digits: only the newest ``PROBE``
    orders are tested (a term that is common by PostgreSQL's statistics goes the same way)."""
    for n in range(30):
        create(ctx, f"PO-56-{n}")
    monkeypatch.setattr(search, "PROBE", 10)
    assert sorted(found("56")) == [f"PO-56-{n}" for n in range(20, 30)]
    monkeypatch.setattr(search, "PROBE", 100)
    assert len(found("56")) == 30


def test_a_typo_in_a_common_word_is_answered_from_the_newest_orders(ctx):
    """Once "navy" is in most orders (by PostgreSQL's statistics) its trigrams are not looked up, and the typo's
    own ("avv", "vvy") are in no order: the lookups find nothing, so the newest orders are tested in full."""
    for n in range(40):
        create(ctx, f"PO-{n}", lines=[line(ctx, "NAVY")])
    create(ctx, "PO-ECRU", lines=[line(ctx, "ECRU")])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sales_order")
    assert len(found("navvy")) == 40
    assert "PO-ECRU" not in found("navvy")
    assert found("zzqx") == []


def test_the_closer_customer_name_ranks_first_when_two_pass_the_threshold(ctx):
    """ "Shannaka Sourcing Ltd" shares 70 % of "Lumonna Sourcing Ltd"'s trigrams: both customers match, and
    Lumonna's orders (a full match) come first, though Shannaka's order is newer."""
    ctx["lumonna"] = CustomerFactory(organization=ctx["org"], legal_name="Lumonna Sourcing Ltd")
    ctx["shannaka"] = CustomerFactory(organization=ctx["org"], legal_name="Shannaka Sourcing Ltd")
    create(ctx, "PO-L", customer="lumonna")
    create(ctx, "PO-S", customer="shannaka")
    assert found("Lumonna Sourcing Ltd") == ["PO-L", "PO-S"]


def test_merged_lines_and_renamed_lines_are_found(ctx):
    order = create(ctx, "PO-9")
    services.order_create(
        organization=ctx["org"],
        by=ctx["by"],
        data={"po_number": "PO-9", "customer": ctx["nordic"], "currency": "USD", "order_date": date(2026, 11, 2)},
        styles=[{"style_number": "", "lines": [line(ctx, "SAFFRON")]}],
        merge=True,
    )
    assert found("SAFFRON") == ["PO-9"]
    navy = Line.objects.get(order=order, colour_code="NAVY")
    services.line_update(line=navy, by=ctx["by"], data={"colour_name": "Midnight", "cad_name": "Chevron"})
    assert found("Midnight") == ["PO-9"]
    assert found("Chevron") == ["PO-9"]


def test_a_header_edit_changes_what_the_order_is_found_by(ctx):
    order = create(ctx, "PO-OLD", buyer="Ann", style="TEE-1")  # (a style numbered after the PO would keep it)
    record_update(instance=order, by=ctx["by"], data={"po_number": "PO-NEW", "buyer_name": "Mikkel"})
    assert found("PO-NEW") == ["PO-NEW"]
    assert found("Mikkel") == ["PO-NEW"]
    assert found("PO-OLD") == []


def test_an_edit_that_does_not_touch_the_document_does_not_reindex(ctx, monkeypatch):
    order = create(ctx, "PO-1")
    calls = []
    monkeypatch.setattr(Order, "reindex", lambda self: calls.append(self.pk))
    record_update(instance=order, by=ctx["by"], data={"notes": "Rush"})
    services.line_update(line=Line.objects.get(order=order), by=ctx["by"], data={"quantity": D("900")})
    assert calls == []
    record_update(instance=order, by=ctx["by"], data={"buyer_name": "Ida"})
    assert calls == [order.pk]


def test_the_migration_fills_the_columns_of_existing_orders(ctx):
    from importlib import import_module

    migration = import_module("tradeloom.sales.migrations.0008_order_search")
    order = create(
        ctx, "PO-77", buyer="Helena", style="ST-1", lines=[line(ctx, "NAVY", cad_code="CAD-1", cad_name="Ikat")]
    )
    expected = Order.objects.values_list("search_document", "search_trigrams").get(pk=order.pk)
    Order.objects.update(search_document="", search_trigrams=[], search_codes=[])
    migration.BATCH = 1  # every batch boundary
    migration.fill_search_columns(None, SimpleNamespace(connection=connection))
    assert Order.objects.values_list("search_document", "search_trigrams").get(pk=order.pk) == expected
    assert "ikat" in expected[0].split()
    assert Order.objects.values_list("search_codes", flat=True).get(pk=order.pk) == order.search_codes
    assert set(code_variants(order.number)) <= set(order.search_codes)


def test_the_function_runs_as_its_owner_and_tells_the_planner_how_many_rows_it_returns():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prorows, prosecdef, pg_get_functiondef(oid) FROM pg_proc WHERE proname = %s",
            [search.ORDER_SEARCH_FUNCTION],
        )
        rows, definer, definition = cursor.fetchone()
    assert definer
    assert rows == 4 * search.CANDIDATES
    assert "tradeloom_current_organization()" in definition  # it keeps to the caller's organisation
    assert "pg_stats" in definition  # common words and trigrams are left out of the lookups
    assert "created_at + interval" in definition  # the lookups do not walk the created_at index


# The list endpoints


def test_the_api_lists_the_best_match_first(ctx, api_as):
    order = create(ctx, "PO-5000")
    create(ctx, f"PO-{order.number}-COPY")
    client = api_as(ctx["by"])
    rows = client.get(f"/api/v1/o/{ctx['org'].slug}/orders/", {"search": order.number}).json()["results"]
    assert rows[0]["po_number"] == "PO-5000"
    assert len(rows) == 2


def test_the_api_respects_the_merchandiser_restriction_when_searching(ctx, member, api_as):
    other = member(Role.MERCHANDISER)
    create(ctx, "PO-SEEN")
    Order.objects.update(merchandiser=other)
    Organization.objects.filter(pk=ctx["org"].pk).update(settings={"merchandisers_see_all_orders": False})
    url = f"/api/v1/o/{ctx['org'].slug}/orders/"
    assert api_as(ctx["by"]).get(url, {"search": "PO-SEEN"}).json()["results"] == []
    assert len(api_as(other).get(url, {"search": "PO-SEEN"}).json()["results"]) == 1


def test_the_orders_page_searches_offers_best_match_and_keeps_its_budget(ctx, django_assert_max_num_queries):
    for n in range(6):
        create(ctx, f"PO-{n}", customer="bayside")
    browser = Client()
    browser.force_login(ctx["by"].user)
    url = f"/o/{ctx['org'].slug}/orders/?search=Baysde"
    browser.get(url)
    with django_assert_max_num_queries(budget("web.orders.list")):
        html = browser.get(url).content.decode()
    assert html.count("PO-") >= 6
    assert "Best match" in html
