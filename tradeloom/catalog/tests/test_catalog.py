"""Catalog: units and conversions, exchange rates, payment terms, items, currencies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tradeloom.accounts.tests.factories import UserFactory
from tradeloom.catalog.models import UnitOfMeasure
from tradeloom.catalog.services import exchange_rate_on, unit_convert
from tradeloom.catalog.tests.factories import ExchangeRateFactory, ItemFactory, UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.services import organization_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(org, member, api_as):
    return api_as(member(Role.MANAGER))


def url(org, resource: str) -> str:
    return f"/api/v1/o/{org.slug}/{resource}/"


def test_a_new_organisation_gets_the_usual_units():
    organization, _ = organization_create(name="Fresh Co", owner=UserFactory())
    with tenant_context(organization):
        codes = set(UnitOfMeasure.objects.filter(organization=organization).values_list("code", flat=True))
    assert {"m", "yd", "kg", "lb", "pcs", "dz"} <= codes


@pytest.mark.parametrize(
    ("quantity", "source", "target", "expected"),
    [
        (Decimal("100"), "yd", "m", Decimal("91.44")),
        (Decimal("91.44"), "m", "yd", Decimal("100")),
        (Decimal("1"), "kg", "lb", Decimal("2.2046226218")),
        (Decimal("3"), "dz", "pcs", Decimal("36")),
    ],
)
def test_unit_conversions_are_consistent(quantity, source, target, expected):
    organization, _ = organization_create(name="Units Co", owner=UserFactory())
    with tenant_context(organization):
        units = {u.code: u for u in UnitOfMeasure.objects.filter(organization=organization)}
        converted = unit_convert(quantity=quantity, from_unit=units[source], to_unit=units[target])
        round_trip = unit_convert(quantity=converted, from_unit=units[target], to_unit=units[source])
    assert converted.quantize(Decimal("0.0000000001")) == expected.quantize(Decimal("0.0000000001"))
    assert round_trip.quantize(Decimal("0.000001")) == quantity.quantize(Decimal("0.000001"))


def test_converting_across_dimensions_is_refused(org):
    metres = UnitFactory(organization=org, code="mm", dimension="length", factor=Decimal("0.001"))
    kilos = UnitFactory(organization=org, code="kgx", dimension="mass", factor=Decimal("1"))
    with pytest.raises(ApplicationError) as refused:
        unit_convert(quantity=Decimal(1), from_unit=metres, to_unit=kilos)
    assert refused.value.code == "incompatible_units"


def test_unit_factor_must_be_positive(org, client):
    response = client.post(
        url(org, "units"), {"code": "z", "name": "Zero", "dimension": "length", "factor": "0"}, format="json"
    )
    assert response.status_code == 400
    assert "factor" in response.json()["errors"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"rate": "0"}, "rate"),
        ({"rate": "-1.5"}, "rate"),
        ({"from_currency": "ABC"}, "from_currency"),
        ({"to_currency": "usd"}, "to_currency"),
    ],
)
def test_exchange_rate_rules(org, client, payload, field):
    body = {"date": "2026-11-01", "from_currency": "USD", "to_currency": "EUR", "rate": "0.92", **payload}
    response = client.post(url(org, "exchange-rates"), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_one_rate_per_day_and_pair(org, client):
    body = {"date": "2026-11-01", "from_currency": "USD", "to_currency": "BDT", "rate": "121.5"}
    assert client.post(url(org, "exchange-rates"), body, format="json").status_code == 201
    assert client.post(url(org, "exchange-rates"), body, format="json").status_code == 409


def test_rate_lookup_uses_the_latest_rate_on_or_before_the_day_and_inverses(org):
    ExchangeRateFactory(
        organization=org, date=date(2026, 10, 1), from_currency="USD", to_currency="BDT", rate=Decimal("120")
    )
    ExchangeRateFactory(
        organization=org, date=date(2026, 11, 1), from_currency="USD", to_currency="BDT", rate=Decimal("122")
    )
    with tenant_context(org):
        assert exchange_rate_on(
            organization=org, day=date(2026, 10, 15), from_currency="USD", to_currency="BDT"
        ) == Decimal("120")
        assert exchange_rate_on(
            organization=org, day=date(2026, 11, 20), from_currency="USD", to_currency="BDT"
        ) == Decimal("122")
        inverse = exchange_rate_on(organization=org, day=date(2026, 11, 20), from_currency="BDT", to_currency="USD")
        assert inverse == Decimal(1) / Decimal("122")
        assert exchange_rate_on(organization=org, day=date(2026, 9, 1), from_currency="USD", to_currency="BDT") is None


@pytest.mark.parametrize(
    "schedule",
    [
        [{"percent": "30", "days": 0}, {"percent": "60", "days": 60}],
        [{"percent": "110", "days": 0}],
        [],
        [{"percent": "100", "days": -1}],
    ],
)
def test_payment_terms_must_add_up_to_100_percent(org, client, schedule):
    response = client.post(url(org, "payment-terms"), {"name": "Bad", "schedule": schedule}, format="json")
    assert response.status_code == 400
    assert any(key.startswith("schedule") for key in response.json()["errors"])


def test_payment_terms_30_70(org, client):
    response = client.post(
        url(org, "payment-terms"),
        {"name": "30/70", "schedule": [{"percent": "30", "days": 0}, {"percent": "70", "days": 60}]},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert [p["percent"] for p in response.json()["schedule"]] == ["30.00", "70.00"]


@pytest.mark.parametrize(
    ("instalment", "missing"), [({"days": 0}, "percent"), ({"percent": "100"}, "days"), ({}, "percent")]
)
def test_a_patch_with_an_incomplete_instalment_is_a_400_naming_the_field(org, client, instalment, missing):
    # given payment terms; when a PATCH replaces the schedule with an instalment that lacks a field
    # (found by the fuzz run: a PATCH makes DRF skip required fields in nested lists, and the check crashed)
    created = client.post(url(org, "payment-terms"), {"name": "Net", "schedule": [{"percent": "100", "days": 30}]})
    response = client.patch(
        f"{url(org, 'payment-terms')}{created.json()['id']}/", {"schedule": [instalment]}, format="json"
    )
    # then it is refused with the field named, and nothing changes
    assert response.status_code == 400, response.content
    assert f"schedule.0.{missing}" in response.json()["errors"]
    assert client.get(f"{url(org, 'payment-terms')}{created.json()['id']}/").json()["version"] == 1


def test_items_reference_only_our_units(org, other_org, client):
    ours = UnitFactory(organization=org, code="mtr")
    theirs = UnitFactory(organization=other_org, code="mtr")
    payload = {
        "kind": "fabric",
        "code": "SJ-160",
        "name": "Single jersey 160 GSM",
        "gsm": "160",
        "composition": "100% cotton",
    }
    assert client.post(url(org, "items"), {**payload, "unit": str(theirs.pk)}, format="json").status_code == 404
    created = client.post(url(org, "items"), {**payload, "unit": str(ours.pk)}, format="json")
    assert created.status_code == 201
    assert created.json()["unit"] == "mtr"


def test_a_unit_in_use_cannot_be_deleted(org, client):
    item = ItemFactory(organization=org)
    response = client.delete(url(org, "units") + f"{item.unit_id}/")
    assert response.status_code == 409
    assert response.json()["referenced_by"] == ["1 item"]


def test_currencies_are_iso_4217(org, client):
    body = client.get(url(org, "currencies")).json()
    codes = {c["code"] for c in body}
    assert {"USD", "EUR", "BDT", "INR"} <= codes
    assert "XYZ" not in codes


def test_payment_terms_instalments_may_count_from_a_basis(org, client):
    schedule = [
        {"percent": "30", "days": 0, "basis": "sight"},
        {"percent": "70", "days": 90, "basis": "bl_date"},
    ]
    response = client.post(
        url(org, "payment-terms"), {"name": "30 sight / 70 B/L+90", "schedule": schedule}, format="json"
    )
    assert response.status_code == 201, response.content
    assert [(p["days"], p["basis"]) for p in response.json()["schedule"]] == [(0, "sight"), (90, "bl_date")]
    # without a basis an instalment counts from the invoice date, as before
    plain = client.post(url(org, "payment-terms"), {"name": "Net 30", "schedule": [{"percent": "100", "days": 30}]})
    assert "basis" not in plain.json()["schedule"][0]


def test_an_unknown_basis_is_refused():
    from tradeloom.catalog.models import schedule_errors

    assert schedule_errors([{"percent": "100", "days": 30, "basis": "arrival"}]) == []
    assert schedule_errors([{"percent": "100", "days": 30, "basis": "delivery"}]) == [
        "Instalment 1: the basis is one of arrival, bl_date, invoice, sight (default invoice)."
    ]


def test_the_schedule_field_reads_and_writes_bases():
    from tradeloom.catalog.forms import ScheduleField

    field = ScheduleField()
    text = "30% at 0 days\n70% at 90 days from B/L date\n100% at 30 days from arrival\n100% at sight"
    parts = field.to_python(text)
    assert parts == [
        {"percent": "30", "days": 0},
        {"percent": "70", "days": 90, "basis": "bl_date"},
        {"percent": "100", "days": 30, "basis": "arrival"},
        {"percent": "100", "days": 0, "basis": "sight"},
    ]
    assert field.prepare_value(parts) == text
