"""Shared set-up of the T&A tests: an organisation with its standard gates and standard template, a merchandiser, and
an order with lines made through the sales service (so the lines carry the default gates); today fixed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tradeloom.approvals import services as approvals
from tradeloom.approvals import states as gate_states
from tradeloom.approvals.models import LineGate
from tradeloom.catalog.models import UnitOfMeasure
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales import services as sales
from tradeloom.sales.models import Line, Order
from tradeloom.tna import services
from tradeloom.tna.models import Template

DAY = dt.timedelta(days=1)
ETD = dt.date(2027, 2, 1)  # a Monday
ORDER_DATE = dt.date(2026, 11, 2)
TODAY = dt.date(2026, 11, 20)  # a Friday


def fix_today(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """``timezone.localdate()`` is ``day`` (the services' and the approvals' today)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


@dataclass
class World:
    org: Any
    by: Any  # a manager
    merch: Any  # the order's merchandiser
    customer: Any
    unit: Any
    standard: Template


def world(org: Any, by: Any, merch: Any) -> World:
    approvals.gates_create_defaults(organization=org, by=by)
    standard = services.templates_create_defaults(organization=org, by=by)
    assert standard is not None
    unit = UnitOfMeasure.objects.filter(organization=org, code="m").first() or UnitOfMeasure.objects.create(
        organization=org, code="m", name="Metre", dimension="length", factor=1
    )
    return World(org=org, by=by, merch=merch, customer=CustomerFactory(organization=org), unit=unit, standard=standard)


def make_order(
    w: World, colours: tuple[str, ...] = ("NAVY", "RED"), *, etd: dt.date | None = ETD, **data: Any
) -> Order:
    created = sales.order_create(
        organization=w.org,
        by=w.by,
        data={
            "po_number": f"PO-{Order.objects.count() + 1}",
            "customer": w.customer,
            "currency": "USD",
            "order_date": ORDER_DATE,
            "etd": etd,
            "merchandiser": w.merch,
            **data,
        },
        styles=[
            {
                "style_number": "TEE",
                "lines": [{"colour_code": c, "quantity": Decimal("100"), "unit": w.unit} for c in colours],
            }
        ],
    )
    return created.order


def lines_of(order: Order) -> list[Line]:
    return list(Line.objects.filter(order=order).order_by("position", "colour_code"))


def template(w: World, rows: list[dict[str, Any]], **data: Any) -> Template:
    return services.template_create(
        organization=w.org, by=w.by, data={"name": f"T{Template.objects.count()}", **data}, milestones=rows
    )


def approve(w: World, line: Line, code: str, on: dt.date) -> Any:
    line_gate = LineGate.objects.get(line=line, gate__code=code)
    approvals.entry_record(line_gate=line_gate, by=w.by, state=gate_states.SUBMISSION, effective_date=on - DAY)
    return approvals.entry_record(line_gate=line_gate, by=w.by, state=gate_states.APPROVED, effective_date=on)
