"""The shared test support itself: the budgets table, the walls registry, the record API comparisons."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tradeloom.testing import walls
from tradeloom.testing.budgets import BUDGETS, budget
from tradeloom.testing.record_api import same


def test_every_budget_is_a_positive_number_of_queries():
    assert BUDGETS
    assert all(isinstance(limit, int) and limit > 0 for limit in BUDGETS.values())
    assert budget("api.orders.list") == BUDGETS["api.orders.list"]


def test_an_unknown_budget_names_the_table():
    with pytest.raises(KeyError, match=r"tradeloom/testing/budgets\.py"):
        budget("api.nothing.list")


def test_load_all_imports_every_apps_factories():
    loaded = walls.load_all()
    assert {"tradeloom.tenancy.tests.factories", "tradeloom.partners.tests.factories"} <= set(loaded)
    assert "tradeloom.records.tests.factories" not in loaded  # records has no tests package
    assert {"order_id", "membership_id", "invitation_id", "job_id"} <= walls.url_kwargs()


def test_two_apps_cannot_declare_the_same_url_kwarg(monkeypatch):
    walls.load_all()
    intruder = SimpleNamespace(__module__="tradeloom.elsewhere.tests.factories", __qualname__="make")
    monkeypatch.setattr(walls, "_URL_OBJECTS", dict(walls._URL_OBJECTS))
    with pytest.raises(ValueError, match="order_id"):
        walls.register_url_object("order_id", intruder)


def test_an_undeclared_kwarg_is_a_lookup_error_naming_it(org):
    with pytest.raises(LookupError, match="no_such_id"):
        walls.other_org_object("no_such_id", org)


@pytest.mark.parametrize(
    ("actual", "expected", "result"),
    [
        ("2.500000000000", "2.5", True),
        ("2.5", "2.6", False),
        ("Carton", "Carton", True),
        ("Carton", "carton", False),
        ({"a": "1.00", "b": 2}, {"a": "1"}, True),
        ({"a": "1.00"}, {"a": "1", "b": 2}, False),
        ([{"percent": "30.00"}], [{"percent": "30"}], True),
        ([{"percent": "30.00"}], [{"percent": "30"}, {"percent": "70"}], False),
        (None, "", False),
    ],
)
def test_responses_are_compared_loosely_only_where_the_api_normalises(actual, expected, result):
    assert same(actual, expected) is result
