"""How an import reads a cell: numbers, dates, yes/no, choices, currencies, countries, e-mail, look-ups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from tradeloom.catalog.models import Item
from tradeloom.catalog.tests.factories import ItemFactory, PaymentTermsFactory, UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.imports.registry import ImportContext, RowError
from tradeloom.imports.values import (
    Reader,
    parse_bool,
    parse_choice,
    parse_country,
    parse_currency,
    parse_date,
    parse_decimal,
    parse_email,
    unneutralise,
)
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.tenancy.roles import Role


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234.50", D("1234.50")),
        ("1,234.50", D("1234.50")),
        ("1 234.50", D("1234.50")),
        ("1\u00a0234,5", D("1234.5")),
        ("1.234,50", D("1234.50")),
        ("1234,5", D("1234.5")),
        ("1,234", D("1234")),
        ("1,234,567", D("1234567")),
        ("-12.5", D("-12.5")),
        ("(12.50)", D("-12.50")),
        ("+7", D("7")),
        (".5", D("0.5")),
        ("1E+3", D("1000")),
        ("$250,000.00", D("250000.00")),
        ("-€12", D("-12")),
    ],
)
def test_numbers(text, value):
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["abc", "1,23.5", "1.2.3,4", "12-", "", "NaN", "Infinity", "1,2,3"])
def test_not_numbers(text):
    with pytest.raises(ValueError, match="not a number"):
        parse_decimal(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2026-11-25", dt.date(2026, 11, 25)),
        ("2026-11-25 00:00:00", dt.date(2026, 11, 25)),
        ("2026-11-25T13:45:00Z", dt.date(2026, 11, 25)),
        ("25/11/2026", dt.date(2026, 11, 25)),
        ("25-11-2026", dt.date(2026, 11, 25)),
        ("25.11.2026", dt.date(2026, 11, 25)),
        ("05/11/2026", dt.date(2026, 11, 5)),  # ambiguous: day first by default
        ("11/25/2026 3:45 PM", dt.date(2026, 11, 25)),  # cannot be day first
        ("25-Nov-2026", dt.date(2026, 11, 25)),
        ("1 November 2026", dt.date(2026, 11, 1)),
        ("Nov 25, 2026", dt.date(2026, 11, 25)),
        ("25-Nov-26", dt.date(2026, 11, 25)),
        ("2026/11/25", dt.date(2026, 11, 25)),
    ],
)
def test_dates(text, value):
    assert parse_date(text) == value


def test_month_first_decides_only_ambiguous_dates():
    assert parse_date("05/11/2026", month_first=True) == dt.date(2026, 5, 11)
    assert parse_date("25/11/2026", month_first=True) == dt.date(2026, 11, 25)


@pytest.mark.parametrize("text", ["31/02/2026", "tomorrow", "2026-13-01", "1-Foo-2026", "32/12/2026"])
def test_not_dates(text):
    with pytest.raises(ValueError, match="not a date"):
        parse_date(text)


@pytest.mark.parametrize("text", ["Yes", "y", "TRUE", "1", "Active", "x"])
def test_yes(text):
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["No", "n", "false", "0", "Inactive"])
def test_no(text):
    assert parse_bool(text) is False


def test_not_yes_or_no():
    with pytest.raises(ValueError, match="not yes or no"):
        parse_bool("maybe")


def test_choices_by_value_label_or_alias():
    assert parse_choice("Finished goods", Item.Kind) == "finished_goods"
    assert parse_choice("FINISHED_GOODS", Item.Kind) == "finished_goods"
    assert parse_choice("finished-goods", Item.Kind) == "finished_goods"
    assert parse_choice("garment", Item.Kind, {"garment": "finished_goods"}) == "finished_goods"
    with pytest.raises(ValueError, match="is not one of: Fabric, Yarn"):
        parse_choice("leather", Item.Kind)


def test_currencies_countries_emails():
    assert parse_currency("usd") == "USD"
    assert parse_currency("Euro") == "EUR"
    with pytest.raises(ValueError, match="not a currency"):
        parse_currency("XYZ")
    assert parse_country("de") == "DE"
    assert parse_country("DEU") == "DE"
    assert parse_country("Germany") == "DE"
    assert parse_country("USA") == "US"
    with pytest.raises(ValueError, match="not a country"):
        parse_country("Atlantis")
    assert parse_email("mailto:ann@example.com") == "ann@example.com"
    with pytest.raises(ValueError, match="not an e-mail"):
        parse_email("ann at example")


def test_an_exports_neutralised_text_reads_back():
    assert unneutralise("'=SUM(A1)") == "=SUM(A1)"
    assert unneutralise("'+44 20 7946") == "+44 20 7946"
    assert unneutralise("'quoted'") == "'quoted'"


@pytest.mark.django_db
def test_reader_collects_every_field_error_and_the_lookups(org, member):
    by = member(Role.OWNER)
    CustomerFactory(organization=org, code="NORD", legal_name="Nordic Apparel AB", trade_name="Nordic")
    CustomerFactory(
        organization=org, code="ARCH", legal_name="Gone Ltd", archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    unit = UnitFactory(organization=org, code="m", name="Metre")
    ItemFactory(organization=org, code="FAB-1", unit=unit)
    PaymentTermsFactory(organization=org, name="Net 30")
    with tenant_context(org, user=by.user):
        context = ImportContext(organization=org, by=by, dry_run=False)
        reader = Reader(
            context,
            {
                "a": "nord",
                "b": "Nordic",
                "c": "Nordic Apparel AB",
                "d": "nobody",
                "e": "Gone Ltd",
                "f": "METRE",
                "g": "net 30",
                "h": "fab-1",
                "n": "12.345",
                "q": "lots",
                "z": "1E+99999",
            },
        )
        found = {reader.customer(k).code for k in "abc"}
        assert found == {"NORD"}
        assert reader.customer("d") is None
        assert reader.customer("e") is None
        assert reader.unit("f") == unit
        assert reader.payment_terms("g").name == "Net 30"
        assert reader.item("h").code == "FAB-1"
        assert reader.decimal("n", places=2) is None
        assert reader.decimal("q") is None
        assert reader.decimal("z", places=2) is None
        assert reader.customer("empty", required=True) is None
        with pytest.raises(RowError) as caught:
            reader.done()
    assert caught.value.errors == {
        "d": ["No customer with code or name “nobody”."],
        "e": ["The customer “Gone Ltd” is archived: restore it first."],
        "n": ["Give at most 2 decimals."],
        "q": ["“lots” is not a number."],
        "z": ["Give less than 100,000,000,000,000."],
        "empty": ["Give the customer."],
    }


@pytest.mark.django_db
def test_an_organisation_may_read_ambiguous_dates_month_first(org, member):
    by = member(Role.OWNER)
    org.settings = {"import_date_order": "mdy"}
    context = ImportContext(organization=org, by=by, dry_run=True)
    assert Reader(context, {"d": "05/11/2026"}).date("d") == dt.date(2026, 5, 11)
