"""The search function: typo-tolerant candidates in the caller's organisation, the planner told they are few,
common trigrams left out of the candidate step by PostgreSQL's statistics."""

from __future__ import annotations

import pytest
from django.db import connection

from tradeloom.core import search
from tradeloom.core.context import tenant_context
from tradeloom.partners.models import Supplier
from tradeloom.partners.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def names(org, term):
    with tenant_context(org):
        qs = search.search_filter(Supplier.objects.all(), term).order_by("-search_rank")
        return list(qs.values_list("legal_name", flat=True))


def test_a_misspelt_name_is_found_among_names_sharing_a_suffix(org):
    for name in ("Arvind Mills", "Kaimon Mills", "Delta Mills", "Sunrise Mills"):
        SupplierFactory(organization=org, legal_name=name)
    assert names(org, "Arvnd Mils") == ["Arvind Mills"]


def test_a_query_of_suffix_words_only_still_finds_them(org):
    SupplierFactory(organization=org, legal_name="Arvind Mills")
    SupplierFactory(organization=org, legal_name="Square Textiles")
    assert names(org, "Mills") == ["Arvind Mills"]


def test_the_function_reads_the_statistics_and_tells_the_planner_it_returns_few_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prorows, prosecdef, pg_get_functiondef(oid) FROM pg_proc WHERE proname = %s",
            [search.search_function_name("partners_supplier")],
        )
        rows, definer, definition = cursor.fetchone()
    assert rows == search.SEARCH_FUNCTION_ROWS
    assert definer
    assert "pg_stats" in definition
    assert "most_common_elems" in definition
