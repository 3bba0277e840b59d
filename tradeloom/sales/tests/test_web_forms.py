"""The order form (create, merge, edit, add styles) and the tab actions: offers, tasks, notes, stage, the
deletion-request flow and bulk line moves. Refusals show a message or form error and change nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.test import Client
from django.utils import timezone

from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.partners.tests.factories import CustomerFactory, SupplierFactory
from tradeloom.sales.models import ActivityNote, DeletionRequest, Line, MillOffer, Order, Style, Task
from tradeloom.sales.tests.factories import LineFactory, OfferFactory, OrderFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchandiser(member):
    return member(Role.MERCHANDISER)


@pytest.fixture
def browser(merchandiser):
    client = Client()
    client.force_login(merchandiser.user)
    return client


def as_user(membership):
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def refs(org):
    return {
        "customer": CustomerFactory(organization=org),
        "mill": SupplierFactory(organization=org),
        "metre": UnitFactory(organization=org, code="m", dimension="length", factor=D("1")),
    }


def order_post(refs, **extra):
    data = {
        "po_number": "PO-77",
        "customer": str(refs["customer"].pk),
        "order_type": "foreign",
        "currency": "USD",
        "order_date": "2026-11-20",
        "s0-style_number": "",
        "s0-description": "Poplin",
        "s0-l0-colour_code": "NAVY",
        "s0-l0-quantity": "1000",
        "s0-l0-unit": str(refs["metre"].pk),
        "s0-l0-selling_price": "4.25",
        "s0-l0-supplier": str(refs["mill"].pk),
        "s0-l0-mill_price": "3.10",
        "s0-l1-colour_code": "WHITE",
        "s0-l1-quantity": "500",
        "s0-l1-unit": str(refs["metre"].pk),
        "s3-style_number": "TWILL",  # a gap in numbering (the browser removed a style)
        "s3-l2-colour_code": "KHAKI",
        "s3-l2-cad_code": "C1",
        "s3-l2-quantity": "300",
        "s3-l2-unit": str(refs["metre"].pk),
        "s3-l5-colour_code": "",  # a blank row is ignored
    }
    data.update(extra)
    return data


def test_the_new_order_page_offers_the_organisations_records_and_templates(org, browser, refs):
    html = browser.get(f"/o/{org.slug}/orders/new/").content.decode()
    assert 'id="style-template"' in html
    assert 'id="line-template"' in html
    assert str(refs["customer"].pk) in html
    assert str(refs["mill"].pk) in html
    assert 'data-copy-column="etd"' in html
    assert 'data-copy-column="selling_price"' in html
    assert 'name="s0-l0-colour_code"' in html


def test_creating_an_order_with_two_styles_and_three_lines(org, browser, refs):
    response = browser.post(f"/o/{org.slug}/orders/new/", order_post(refs))
    assert response.status_code == 302
    with tenant_context(org):
        order = Order.objects.get(po_number="PO-77")
        styles = list(Style.objects.filter(order=order).order_by("position"))
        lines = list(Line.objects.filter(order=order).order_by("position"))
    assert response["Location"] == f"/o/{org.slug}/orders/{order.pk}/"
    assert [s.style_number for s in styles] == ["PO-77-01", "TWILL"]
    assert [(line.colour_code, line.cad_code, line.quantity) for line in lines] == [
        ("NAVY", "", D("1000")),
        ("WHITE", "", D("500")),
        ("KHAKI", "C1", D("300")),
    ]
    assert lines[0].supplier_id == refs["mill"].pk
    assert lines[0].mill_price == D("3.10")


def test_the_form_keeps_input_and_shows_errors_on_the_rows(org, browser, refs):
    data = order_post(refs, **{"s0-l1-quantity": "-5", "s3-l2-colour_code": "", "po_number": ""})
    response = browser.post(f"/o/{org.slug}/orders/new/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "greater than or equal to 0" in html
    assert 'value="NAVY"' in html  # what was typed stays
    assert 'name="s3-l2-cad_code"' in html
    with tenant_context(org):
        assert not Order.objects.exists()


def test_a_colour_twice_in_a_style_is_refused_on_its_row(org, browser, refs):
    data = order_post(refs, **{"s0-l1-colour_code": "navy"})
    html = browser.post(f"/o/{org.slug}/orders/new/", data).content.decode()
    assert "This colour and CAD appear twice." in html
    with tenant_context(org):
        assert not Order.objects.exists()


def test_a_style_number_twice_is_refused(org, browser, refs):
    data = order_post(refs, **{"s0-style_number": "TWILL"})
    html = browser.post(f"/o/{org.slug}/orders/new/", data).content.decode()
    assert "This style number appears twice." in html
    with tenant_context(org):
        assert not Order.objects.exists()


def test_an_order_without_lines_and_a_style_without_lines_are_refused(org, browser, refs):
    header = {k: v for k, v in order_post(refs).items() if not k.startswith("s")}
    assert "Add at least one style with a line." in browser.post(f"/o/{org.slug}/orders/new/", header).content.decode()
    lonely = {**header, "s0-style_number": "LONELY"}
    html = browser.post(f"/o/{org.slug}/orders/new/", lonely).content.decode()
    assert "Add at least one line to this style." in html
    with tenant_context(org):
        assert not Order.objects.exists()


def test_another_organisations_customer_or_unit_is_not_a_choice(org, other_org, browser, refs):
    foreign = CustomerFactory(organization=other_org)
    foreign_unit = UnitFactory(organization=other_org)
    data = order_post(refs, customer=str(foreign.pk), **{"s0-l0-unit": str(foreign_unit.pk)})
    html = browser.post(f"/o/{org.slug}/orders/new/", data).content.decode()
    assert "Select a valid choice" in html
    with tenant_context(org):
        assert not Order.objects.exists()


def test_too_many_styles_are_refused_without_building_forms(org, browser, refs):
    data = {**order_post(refs), **{f"s{i}-style_number": f"S{i}" for i in range(201)}}
    html = browser.post(f"/o/{org.slug}/orders/new/", data).content.decode()
    assert "at most 200 styles" in html


def test_merging_a_repeated_po_from_the_form(org, browser, refs):
    browser.post(f"/o/{org.slug}/orders/new/", order_post(refs))
    again = order_post(refs, merge="on", **{"s0-style_number": "PO-77-01"})
    response = browser.post(f"/o/{org.slug}/orders/new/", again, follow=True)
    assert "Merged into" in response.content.decode()
    with tenant_context(org):
        assert Order.objects.filter(po_number="PO-77").count() == 1
        navy = Line.objects.get(colour_code="NAVY")
    assert navy.quantity == D("2000")


def test_a_merchandiser_starts_as_the_orders_merchandiser(org, browser, merchandiser):
    html = browser.get(f"/o/{org.slug}/orders/new/").content.decode()
    assert f'<option value="{merchandiser.pk}" selected>' in html


def test_the_form_costs_the_same_queries_for_many_lines(org, browser, refs, django_assert_max_num_queries):
    many = order_post(refs)
    for n in range(6, 46):
        many |= {f"s0-l{n}-colour_code": f"C{n}", f"s0-l{n}-quantity": "10", f"s0-l{n}-unit": str(refs["metre"].pk)}
    with django_assert_max_num_queries(budget("web.orders.new.post")):
        assert browser.post(f"/o/{org.slug}/orders/new/", many).status_code == 302
    with tenant_context(org):
        assert Line.objects.count() == 43


EDIT_LINE_FIELDS = ("colour_name", "cad_name", "quantity", "selling_price", "mill_price", "commission_per_unit")


def edit_post(order, **changes):
    """What the edit page posts: the header and every line's fields as shown, with ``changes`` applied."""
    data = {"version": str(order.version), "po_number": order.po_number, "order_type": order.order_type}
    data["order_date"] = order.order_date.isoformat()
    for line in Line.objects.filter(order=order):
        for name in EDIT_LINE_FIELDS:
            value = getattr(line, name)
            data[f"line-{line.pk}-{name}"] = "" if value is None else str(value)
    data.update(changes)
    return data


def test_editing_the_header_lines_and_adding_a_style(org, browser, refs):
    browser.post(f"/o/{org.slug}/orders/new/", order_post(refs))
    with tenant_context(org):
        order = Order.objects.get()
        navy = Line.objects.get(colour_code="NAVY")
    url = f"/o/{org.slug}/orders/{order.pk}/edit/"
    page = browser.get(url).content.decode()
    assert f'name="line-{navy.pk}-selling_price"' in page
    changes = {
        "po_number": "PO-77B",
        f"line-{navy.pk}-quantity": "1200",
        f"line-{navy.pk}-selling_price": "4.50",
        "s9-style_number": "TWILL",  # an existing style: its line is appended there
        "s9-l0-colour_code": "OLIVE",
        "s9-l0-quantity": "100",
        "s9-l0-unit": str(refs["metre"].pk),
    }
    with tenant_context(org):
        data = edit_post(order, **changes)
        white_before = Line.objects.get(colour_code="WHITE")
    response = browser.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(org):
        order.refresh_from_db()
        navy.refresh_from_db()
        olive = Line.objects.get(colour_code="OLIVE")
        actions = set(
            AuditEvent.objects.filter(target_id__in=[str(order.pk), str(navy.pk)]).values_list("action", flat=True)
        )
    assert order.po_number == "PO-77B"
    assert (navy.quantity, navy.selling_price) == (D("1200"), D("4.50"))
    assert olive.style.style_number == "TWILL"
    with tenant_context(org):
        white = Line.objects.get(colour_code="WHITE")
    assert (white.quantity, white.selling_price) == (white_before.quantity, white_before.selling_price)
    assert {"sales_order.updated", "sales_line.updated", "sales_order.merged"} <= actions


def test_the_edit_page_shows_figures_as_written_not_at_the_columns_scale(org, browser, refs):
    browser.post(f"/o/{org.slug}/orders/new/", order_post(refs, **{"s0-l0-quantity": "12000"}))
    with tenant_context(org):
        order = Order.objects.get()
        navy = Line.objects.get(colour_code="NAVY")
    page = browser.get(f"/o/{org.slug}/orders/{order.pk}/edit/").content.decode()
    quantity = page.split(f'name="line-{navy.pk}-quantity"')[1].split(">")[0]
    price = page.split(f'name="line-{navy.pk}-selling_price"')[1].split(">")[0]
    assert 'value="12000"' in quantity  # stored as 12000.000
    assert 'value="4.25"' in price  # stored as 4.2500
    assert "required" in quantity


def test_a_stale_edit_is_refused_and_changes_nothing(org, browser, refs):
    browser.post(f"/o/{org.slug}/orders/new/", order_post(refs))
    with tenant_context(org):
        order = Order.objects.get()
    with tenant_context(org):
        data = edit_post(order, version=str(order.version - 1), po_number="CHANGED")
    html = browser.post(f"/o/{org.slug}/orders/{order.pk}/edit/", data).content.decode()
    assert "The record was changed by someone else." in html
    with tenant_context(org):
        order.refresh_from_db()
    assert order.po_number == "PO-77"


def test_an_eta_before_the_etd_is_a_form_error(org, browser, refs):
    browser.post(f"/o/{org.slug}/orders/new/", order_post(refs))
    with tenant_context(org):
        order = Order.objects.get()
    with tenant_context(org):
        data = edit_post(order, etd="2026-12-10", eta="2026-12-01")
    html = browser.post(f"/o/{org.slug}/orders/{order.pk}/edit/", data).content.decode()
    assert "The ETA cannot be before the ETD." in html


def test_a_viewer_cannot_open_the_form(org, member):
    viewer = as_user(member(Role.VIEWER))
    assert viewer.get(f"/o/{org.slug}/orders/new/").status_code == 403


# --- tab actions -------------------------------------------------------------------------------------------------


@pytest.fixture
def order(org):
    order = OrderFactory(organization=org)
    LineFactory(organization=org, style__order=order, quantity=D("1000"), selling_price=D("4.25"))
    return order


def test_adding_and_accepting_a_mill_offer(org, browser, order):
    mill = SupplierFactory(organization=org)
    with tenant_context(org):
        line = Line.objects.get(order=order)
    base = f"/o/{org.slug}/orders/{order.pk}/"
    data = {"line": str(line.pk), "supplier": str(mill.pk), "price": "3.05", "currency": "USD"}
    html = browser.post(f"{base}offers/", data, follow=True).content.decode()
    assert "recorded for" in html
    assert "Accept" in html
    with tenant_context(org):
        offer = MillOffer.objects.get()
    browser.post(f"{base}offers/{offer.pk}/accept/")
    with tenant_context(org):
        line.refresh_from_db()
    assert (line.supplier_id, line.mill_price) == (mill.pk, D("3.05"))


def test_an_offer_in_another_currency_is_refused_with_a_message(org, browser, order):
    with tenant_context(org):
        line = Line.objects.get(order=order)
    offer = OfferFactory(organization=org, line=line, currency="EUR")
    html = browser.post(f"/o/{org.slug}/orders/{order.pk}/offers/{offer.pk}/accept/", follow=True).content.decode()
    assert "the order is in USD" in html
    with tenant_context(org):
        line.refresh_from_db()
    assert line.mill_price is None


def test_an_offer_for_no_line_or_a_malformed_line_is_refused(org, browser, order):
    for line in ("", "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        html = browser.post(f"/o/{org.slug}/orders/{order.pk}/offers/", {"line": line}, follow=True).content.decode()
        assert "Choose the line the offer is for." in html


def test_an_offer_without_a_price_is_refused(org, browser, order):
    with tenant_context(org):
        line = Line.objects.get(order=order)
    mill = SupplierFactory(organization=org)
    data = {"line": str(line.pk), "supplier": str(mill.pk), "currency": "USD"}
    html = browser.post(f"/o/{org.slug}/orders/{order.pk}/offers/", data, follow=True).content.decode()
    assert '<p class="field-error" id="id_price_error">This field is required.</p>' in html  # on its field
    with tenant_context(org):
        assert not MillOffer.objects.exists()


def test_tasks_are_added_assigned_and_closed(org, browser, order, member):
    colleague = member(Role.MERCHANDISER)
    base = f"/o/{org.slug}/orders/{order.pk}/tasks/"
    browser.post(base, {"title": "Chase lab dip", "priority": "high", "status": "open"})
    with tenant_context(org):
        task = Task.objects.get()
    browser.post(f"{base}{task.pk}/", {"assignee": str(colleague.pk), "status": "done"})
    with tenant_context(org):
        task.refresh_from_db()
        order.refresh_from_db()
    assert (task.assignee_id, task.status, task.priority) == (colleague.pk, "done", "high")
    assert order.merchandiser_id is None  # assigning never changes who owns the order


def test_notes_backdated_and_edited_keep_their_history(org, browser, order):
    base = f"/o/{org.slug}/orders/{order.pk}/notes/"
    html = browser.post(
        base, {"category": "buyer", "effective_date": "2026-01-05", "text": "Buyer called"}, follow=True
    )
    assert "Note added (backdated)." in html.content.decode()
    with tenant_context(org):
        note = ActivityNote.objects.get()
    browser.post(f"{base}{note.pk}/", {"category": "buyer", "effective_date": "2026-01-05", "text": "Buyer emailed"})
    html = browser.get(f"/o/{org.slug}/orders/{order.pk}/?tab=notes").content.decode()
    assert "Buyer emailed" in html
    assert "Earlier versions (1)" in html
    assert "Buyer called" in html


def test_a_stage_change_and_an_unknown_stage(org, browser, order):
    url = f"/o/{org.slug}/orders/{order.pk}/stage/"
    assert "moved to sampling" in browser.post(url, {"stage": "sampling"}, follow=True).content.decode()
    refused = browser.post(url, {"stage": "partying"}, follow=True).content.decode()
    assert "Select a valid choice" in refused
    with tenant_context(org):
        order.refresh_from_db()
    assert order.stage == "sampling"


def test_the_deletion_request_flow(org, browser, order, member):
    base = f"/o/{org.slug}/orders/{order.pk}/"
    html = browser.post(f"{base}deletion-requests/", {"reason": "Duplicate of SO-9"}, follow=True).content.decode()
    assert "Deletion requested" in html
    assert "Waiting for the order's owner" in html
    again = browser.post(f"{base}deletion-requests/", {"reason": "again"}, follow=True).content.decode()
    assert "waiting for a decision" in again
    with tenant_context(org):
        request = DeletionRequest.objects.get()
    refused = browser.post(f"{base}deletion-requests/{request.pk}/decide/", {"decision": "approve"}, follow=True)
    assert "Only the order&#x27;s owner" in refused.content.decode()
    admin = as_user(member(Role.ADMIN))
    assert "Approve and delete" in admin.get(base).content.decode()
    admin.post(f"{base}deletion-requests/{request.pk}/decide/", {"decision": "approve", "note": "ok"})
    with tenant_context(org):
        order.refresh_from_db()
    assert order.archived_at is not None
    assert f">{order.number}</a>" not in admin.get(f"/o/{org.slug}/orders/").content.decode()
    assert "Restore order" in admin.get(base).content.decode()
    admin.post(f"{base}restore/")
    with tenant_context(org):
        order.refresh_from_db()
    assert order.archived_at is None


def test_declining_keeps_the_order(org, order, member):
    admin = as_user(member(Role.ADMIN))
    base = f"/o/{org.slug}/orders/{order.pk}/"
    admin.post(f"{base}deletion-requests/", {"reason": "typo"})
    with tenant_context(org):
        request = DeletionRequest.objects.get()
    html = admin.post(f"{base}deletion-requests/{request.pk}/decide/", {"decision": "decline"}, follow=True)
    assert "declined" in html.content.decode()
    with tenant_context(org):
        order.refresh_from_db()
        request.refresh_from_db()
    assert order.archived_at is None
    assert request.status == "declined"


def test_bulk_line_moves_are_all_or_nothing(org, browser, order):
    other = OrderFactory(organization=org)
    LineFactory(organization=org, style__order=other, status=Line.Status.COMPLETED)
    with tenant_context(org):
        lines = list(Line.objects.order_by("created_at"))
    url = f"/o/{org.slug}/orders/lines/transition/"
    ids = [str(line.pk) for line in lines]
    refused = browser.post(url, {"status": "in_development", "lines": ids}, follow=True).content.decode()
    assert "1 of the chosen lines cannot become in development" in refused
    assert "Nothing was changed" in refused
    with tenant_context(org):
        assert sorted(Line.objects.values_list("status", flat=True)) == ["completed", "upcoming"]
    done = browser.post(url, {"status": "in_development", "lines": ids[:1]}, follow=True).content.decode()
    assert "1 line now in development" in done
    with tenant_context(org):
        assert Line.objects.get(pk=lines[0].pk).status == "in_development"
        assert AuditEvent.objects.filter(action="sales_line.status_changed", target_id=ids[0]).exists()


def test_bulk_moves_refuse_lines_of_another_organisation_and_bad_ids(org, other_org, browser, order):
    foreign = LineFactory(organization=other_org)
    url = f"/o/{org.slug}/orders/lines/transition/"
    html = browser.post(url, {"status": "in_development", "lines": [str(foreign.pk)]}, follow=True).content.decode()
    assert "no longer exist" in html
    with tenant_context(other_org):
        assert Line.objects.get(pk=foreign.pk).status == "upcoming"
    assert (
        "Choose lines from the list."
        in browser.post(url, {"status": "bulk", "lines": ["x"]}, follow=True).content.decode()
    )
    assert "Tick the lines" in browser.post(url, {"status": "bulk"}, follow=True).content.decode()


def test_bulk_moves_return_only_to_a_page_of_this_site(org, browser, order):
    with tenant_context(org):
        line = Line.objects.get(order=order)
    url = f"/o/{org.slug}/orders/lines/transition/"
    response = browser.post(url, {"status": "in_development", "lines": [str(line.pk)], "next": "https://evil.example/"})
    assert response["Location"] == f"/o/{org.slug}/orders/"


def test_huge_figures_are_form_errors(org, browser, refs):
    data = order_post(refs, **{"s0-l0-quantity": "999999999999999", "s0-l0-selling_price": "99999999999999"})
    html = browser.post(f"/o/{org.slug}/orders/new/", data).content.decode()
    assert "less than or equal to" in html
    with tenant_context(org):
        assert not Order.objects.exists()


def test_editing_keeps_a_merchandiser_who_was_deactivated(org, browser, refs, member):
    gone = member(Role.MERCHANDISER)
    browser.post(f"/o/{org.slug}/orders/new/", order_post(refs, merchandiser=str(gone.pk)))
    gone.is_active = False
    gone.save()
    with tenant_context(org):
        order = Order.objects.get()
        data = edit_post(order, merchandiser=str(gone.pk), buyer_name="Anna")
    page = browser.get(f"/o/{org.slug}/orders/{order.pk}/edit/").content.decode()
    assert f'<option value="{gone.pk}" selected>' in page
    assert browser.post(f"/o/{org.slug}/orders/{order.pk}/edit/", data).status_code == 302
    with tenant_context(org):
        order.refresh_from_db()
    assert order.merchandiser_id == gone.pk
    assert order.buyer_name == "Anna"


def test_a_future_note_and_an_empty_task_change_are_refused(org, browser, order):
    base = f"/o/{org.slug}/orders/{order.pk}/"
    html = browser.post(
        f"{base}notes/", {"category": "buyer", "effective_date": "2999-12-31", "text": "x"}, follow=True
    )
    assert "cannot be in the future" in html.content.decode()
    with tenant_context(org):
        assert not ActivityNote.objects.exists()
    browser.post(f"{base}tasks/", {"title": "Chase", "priority": "normal", "status": "open"})
    with tenant_context(org):
        task = Task.objects.get()
    assert "Nothing to change" in browser.post(f"{base}tasks/{task.pk}/", {}, follow=True).content.decode()


# --- cross-field rules on the forms ---------------------------------------------------------------------------------


def test_an_etd_before_the_order_date_is_an_error_on_the_etd_when_creating_and_editing(org, browser, refs):
    html = browser.post(f"/o/{org.slug}/orders/new/", order_post(refs, etd="2026-11-19")).content.decode()
    assert '<p class="field-error" id="id_etd_error">The ETD cannot be before the order date.</p>' in html
    with tenant_context(org):
        assert not Order.objects.exists()
    browser.post(f"/o/{org.slug}/orders/new/", order_post(refs, etd="2026-11-25"))
    with tenant_context(org):
        order = Order.objects.get()
        data = edit_post(order, order_date="2026-11-30", etd="2026-11-25")
    html = browser.post(f"/o/{org.slug}/orders/{order.pk}/edit/", data).content.decode()
    assert '<p class="field-error" id="id_etd_error">The ETD cannot be before the order date.</p>' in html


def test_an_expired_offer_is_refused_on_its_valid_until_field(org, browser, order):
    with tenant_context(org):
        line = Line.objects.get(order=order)
    mill = SupplierFactory(organization=org)
    yesterday = timezone.localdate() - timedelta(days=1)
    data = {"line": str(line.pk), "supplier": str(mill.pk), "currency": "USD", "price": "3.20"}
    response = browser.post(f"/o/{org.slug}/orders/{order.pk}/offers/", {**data, "valid_until": str(yesterday)})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_valid_until_error">This date has passed: the offer has already expired.</p>' in html
    assert 'value="3.20"' in html  # what was typed is kept
    with tenant_context(org):
        assert not MillOffer.objects.exists()


def test_pickers_name_each_record_with_its_code(org, browser, refs):
    twin = SupplierFactory(organization=org, legal_name=refs["mill"].legal_name, code="TWIN-2")
    html = browser.get(f"/o/{org.slug}/orders/new/").content.decode()
    assert f">{refs['mill']} · {refs['mill'].code}</option>" in html
    assert f">{twin} · TWIN-2</option>" in html
    assert f">{refs['customer']} · {refs['customer'].code}</option>" in html
