"""Search candidates come from the query's rare trigrams; common ones (suffixes like "Mills") still count in the
share that ranks and qualifies a row."""

from __future__ import annotations

import time

import pytest

from tradeloom.core import search
from tradeloom.partners.models import Supplier
from tradeloom.partners.tests.factories import SupplierFactory
from tradeloom.tenancy.context import tenant_context

pytestmark = pytest.mark.django_db

MILLS = frozenset({"  m", " mi", "mil", "ill", "lls", "ls "})


@pytest.fixture
def mills_are_common(monkeypatch):
    monkeypatch.setitem(search._common, "partners_supplier", (time.monotonic(), MILLS))


def names(org, term):
    with tenant_context(org):
        return list(
            search.search_filter(Supplier.objects.all(), term)
            .order_by("-search_rank")
            .values_list("legal_name", flat=True)
        )


def test_a_misspelt_name_is_found_through_its_rare_trigrams(org, mills_are_common):
    for name in ("Arvind Mills", "Kaimon Mills", "Delta Mills", "Sunrise Mills"):
        SupplierFactory(organization=org, legal_name=name)
    assert names(org, "Arvnd Mils") == ["Arvind Mills"]


def test_a_query_of_common_trigrams_only_uses_them_all(org, mills_are_common):
    SupplierFactory(organization=org, legal_name="Arvind Mills")
    SupplierFactory(organization=org, legal_name="Square Textiles")
    assert names(org, "Mills") == ["Arvind Mills"]


def test_common_trigrams_come_from_the_statistics_and_are_cached(org, django_assert_num_queries):
    search._common.pop("partners_customer", None)
    with django_assert_num_queries(1):
        first = search.common_trigrams("partners_customer")
        again = search.common_trigrams("partners_customer")
    assert first == again
    assert isinstance(first, frozenset)
