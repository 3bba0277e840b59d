"""Sales factories: an order with one style and one line by default, in its organisation's tenant context."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import factory
import psycopg
from django.db import connections
from django.utils import timezone

from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.partners.tests.factories import CustomerFactory, SupplierFactory
from tradeloom.sales.models import ActivityNote, DeletionRequest, Delivery, Line, MillOffer, Order, Style, Task
from tradeloom.tenancy.tests.factories import SAME_ORG, MembershipFactory, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object


class OrderFactory(TenantFactory[Order]):
    class Meta:
        model = Order

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"SO-T{n:06d}")
    po_number = factory.Sequence(lambda n: f"PO-{n}")
    customer = factory.SubFactory(CustomerFactory, organization=SAME_ORG)
    currency = "USD"
    order_date = date(2026, 11, 1)


class StyleFactory(TenantFactory[Style]):
    class Meta:
        model = Style

    organization = factory.SubFactory(OrganizationFactory)
    order = factory.SubFactory(OrderFactory, organization=SAME_ORG)
    style_number = factory.Sequence(lambda n: f"ST-{n}")


class LineFactory(TenantFactory[Line]):
    class Meta:
        model = Line

    organization = factory.SubFactory(OrganizationFactory)
    style = factory.SubFactory(StyleFactory, organization=SAME_ORG)
    order = factory.SelfAttribute("style.order")
    colour_code = factory.Sequence(lambda n: f"COL-{n}")
    quantity = Decimal("1000")
    unit = factory.SubFactory(UnitFactory, organization=SAME_ORG)
    selling_price = Decimal("4.25")


class TaskFactory(TenantFactory[Task]):
    class Meta:
        model = Task

    organization = factory.SubFactory(OrganizationFactory)
    order = factory.SubFactory(OrderFactory, organization=SAME_ORG)
    title = "Chase lab dips"


class NoteFactory(TenantFactory[ActivityNote]):
    class Meta:
        model = ActivityNote

    organization = factory.SubFactory(OrganizationFactory)
    order = factory.SubFactory(OrderFactory, organization=SAME_ORG)
    text = "Buyer called"
    effective_date = date(2026, 11, 1)


class DeletionRequestFactory(TenantFactory[DeletionRequest]):
    class Meta:
        model = DeletionRequest

    organization = factory.SubFactory(OrganizationFactory)
    order = factory.SubFactory(OrderFactory, organization=SAME_ORG)
    requested_by = factory.SubFactory(MembershipFactory, organization=SAME_ORG)
    reason = "Duplicate"


class OfferFactory(TenantFactory[MillOffer]):
    class Meta:
        model = MillOffer

    organization = factory.SubFactory(OrganizationFactory)
    line = factory.SubFactory(LineFactory, organization=SAME_ORG)
    supplier = factory.SubFactory(SupplierFactory, organization=SAME_ORG)
    price = Decimal("3.10")
    currency = "USD"


class DeliveryFactory(TenantFactory[Delivery]):
    class Meta:
        model = Delivery

    organization = factory.SubFactory(OrganizationFactory)
    line = factory.SubFactory(LineFactory, organization=SAME_ORG)
    date = date(2026, 11, 20)
    quantity = Decimal("100")
    unit = factory.SelfAttribute("line.unit")
    quantity_in_line_unit = factory.SelfAttribute("quantity")


register_factory(Order, OrderFactory)
register_factory(Style, StyleFactory)
register_factory(Line, LineFactory)
register_factory(Task, TaskFactory)
register_factory(ActivityNote, NoteFactory)
register_factory(DeletionRequest, DeletionRequestFactory)
register_factory(MillOffer, OfferFactory)
register_factory(Delivery, DeliveryFactory)
register_url_object("order_id", lambda org: OrderFactory(organization=org))
register_url_object("line_id", lambda org: LineFactory(organization=org))
register_url_object("offer_id", lambda org: OfferFactory(organization=org))
register_url_object("delivery_id", lambda org: DeliveryFactory(organization=org))
register_url_object("task_id", lambda org: TaskFactory(organization=org))
register_url_object("note_id", lambda org: NoteFactory(organization=org))
register_url_object("request_id", lambda org: DeletionRequestFactory(organization=org))


# --- committed rows, for tests of real concurrent transactions -----------------------------------------------------
STYLE_TEXTS = ("description", "fabric_type", "specification", "composition", "finish", "construction")


@contextmanager
def committed_order(*, lines: dict[str, dict[str, Any]], order_date: date) -> Iterator[dict[str, Any]]:
    """An organisation with one order whose ``lines`` (colour → extra columns) are committed on their own
    connection — outside the test's transaction, so that threads or other connections see them — and deleted
    afterwards. Yields the ids (``org``, ``order``, ``unit``, ``lines`` by colour) and ``connect()``: a new autocommit
    connection as the database's owner (no row-level security)."""
    owner_params = connections["owner"].get_connection_params()
    admin = {k: owner_params[k] for k in ("host", "port", "user") if k in owner_params}
    database = connections["default"].settings_dict["NAME"]
    ids: dict[str, Any] = {name: uuid.uuid4() for name in ("org", "customer", "unit", "order", "style")}
    ids["lines"] = {colour: uuid.uuid4() for colour in lines}
    org = ids["org"]
    rows: list[tuple[str, dict[str, Any]]] = [
        (
            "tenancy_organization",
            {"id": org, "name": "Race Co", "slug": f"race-{org.hex[:8]}", "base_currency": "USD"}
            | {"timezone": "UTC", "settings": "{}", "seat_limit": 5, "is_active": True},
        ),
        (
            "partners_customer",
            {"id": ids["customer"], "code": "C", "legal_name": "Race Buyer", "version": 1}
            | dict.fromkeys(("trade_name", "tax_id", "email", "phone", "website", "country", "notes"), "")
            | {"default_currency": "USD", "search_document": "", "search_trigrams": "{}"},
        ),
        (
            "catalog_unitofmeasure",
            {"id": ids["unit"], "code": "m", "name": "Metre", "dimension": "length", "factor": 1, "version": 1},
        ),
        (
            "sales_order",
            {"id": ids["order"], "number": "SO-R1", "po_number": "PO-R1", "customer_id": ids["customer"]}
            | {"buyer_name": "", "order_type": "foreign", "currency": "USD", "order_date": order_date}
            | {"status": "open", "stage": "", "notes": "", "version": 1}
            | {"search_document": "", "search_trigrams": "{}", "search_codes": "{}"},
        ),
        (
            "sales_style",
            {"id": ids["style"], "order_id": ids["order"], "style_number": "S", "position": 0}
            | dict.fromkeys(STYLE_TEXTS, ""),
        ),
    ]
    for position, (colour, extra) in enumerate(lines.items()):
        line = {"id": ids["lines"][colour], "order_id": ids["order"], "style_id": ids["style"], "colour_code": colour}
        line |= dict.fromkeys(("colour_name", "cad_code", "cad_name"), "")
        line |= {"quantity": 1000, "unit_id": ids["unit"], "status": "upcoming", "delivered_quantity": 0}
        rows.append(("sales_line", line | {"position": position} | extra))

    def connect() -> psycopg.Connection[Any]:
        return psycopg.connect(dbname=database, autocommit=True, **admin)

    now = timezone.now()
    with connect() as conn:
        for table, values in rows:
            values = {**values, "created_at": now, "updated_at": now}
            if table != "tenancy_organization":
                values["organization_id"] = org
            marks = ", ".join(["%s"] * len(values))
            # only this helper's own table and column names are interpolated
            conn.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({marks})", list(values.values()))  # noqa: S608
    try:
        yield ids | {"connect": connect}
    finally:
        with connect() as conn:
            for table in ("sales_deliveryrevision", "sales_delivery", *reversed(dict.fromkeys(t for t, _ in rows[1:]))):
                conn.execute(f"DELETE FROM {table} WHERE organization_id = %s", [org])  # noqa: S608
            # the order's stage rollup row (sales.totals) outlives it: the pipeline keeps a row per stage it had
            conn.execute("DELETE FROM sales_stagetotals WHERE organization_id = %s", [org])
            conn.execute("DELETE FROM tenancy_organization WHERE id = %s", [org])


def order_with_lines(organization: Any, rows: Any) -> tuple[Order, list[Line]]:
    """An order whose lines have the figures of ``rows``, one ``Line.objects.create`` each: (quantity, selling
    price, mill price, commission per unit, the delivered share of the quantity[, status[, ETD]])."""
    from tradeloom.catalog.models import UnitOfMeasure

    order = OrderFactory(organization=organization)
    unit = UnitOfMeasure.objects.create(organization=organization, code="m", name="Metre", dimension="length", factor=1)
    style = Style.objects.create(organization=organization, order=order, style_number="S")
    lines = []
    for index, (quantity, selling, mill, commission, share, *rest) in enumerate(rows):
        lines.append(
            Line.objects.create(
                organization=organization,
                order=order,
                style=style,
                colour_code=f"C{index}",
                quantity=quantity,
                unit=unit,
                selling_price=selling,
                mill_price=mill,
                commission_per_unit=commission,
                delivered_quantity=(quantity * share).quantize(Decimal("0.001")),
                **dict(zip(("status", "etd"), rest, strict=False)),
            )
        )
    return order, lines
