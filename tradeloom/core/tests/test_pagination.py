"""Keyset cursor pagination: each row exactly once, at any depth, while rows come and go."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tradeloom.accounts.models import User
from tradeloom.core.pagination import keyset_page
from tradeloom.testing.budgets import budget

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tradeloom.core.tests.urls")]


def make_users(count: int, prefix: str = "u") -> list[User]:
    return User.objects.bulk_create(
        [User(email=f"{prefix}{i}@example.com", full_name=f"Name {i % 7}") for i in range(count)]
    )


def walk(api: APIClient, url: str, *, between_pages=None, max_pages: int = 100) -> list[str]:
    seen: list[str] = []
    pages = 0
    while url and pages < max_pages:
        body = api.get(url).json()
        seen.extend(row["email"] for row in body["results"])
        url = body["next"]
        pages += 1
        if between_pages:
            between_pages(pages)
    return seen


def test_default_limit_is_25_and_count_only_when_asked():
    make_users(30)
    api = APIClient()
    body = api.get("/api/v1/test/users/").json()
    assert len(body["results"]) == 25
    assert "count" not in body
    assert body["previous"] is None
    assert body["next"]
    assert api.get("/api/v1/test/users/?with_count=1").json()["count"] == 30


def test_limit_from_1_to_200_gives_that_many_rows():
    make_users(205)
    api = APIClient()
    assert len(api.get("/api/v1/test/users/?limit=200").json()["results"]) == 200
    assert len(api.get("/api/v1/test/users/?limit=1").json()["results"]) == 1
    assert len(api.get("/api/v1/test/users/?limit=007").json()["results"]) == 7


@pytest.mark.parametrize(
    "limit", ["-1", "0", "201", "1000", "1" + "0" * 30, "10^30", "1e3", "ten", "2.5", "+5", "٣", "1" * 5000]
)
def test_a_limit_outside_1_to_200_is_a_400_naming_limit_not_another_page_size(limit: str):
    # given rows enough for any page; when a list is asked for a page size it does not give
    make_users(3)
    response = APIClient().get("/api/v1/test/users/", {"limit": limit})
    # then it says so (a clamped or default page would look like an answer to the question asked)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"] == {"limit": ["Must be a whole number between 1 and 200."]}


def test_every_row_exactly_once_while_rows_are_inserted_between_pages():
    # given 53 users that all share one timestamp (one transaction), so the id alone breaks the ties
    original = {u.email for u in make_users(53)}
    api = APIClient()

    # when new users arrive after every page
    def insert(page: int) -> None:
        make_users(3, prefix=f"late{page}-")

    seen = walk(api, "/api/v1/test/users/?limit=10", between_pages=insert)

    # then every original row appears exactly once, and nothing appears twice
    assert len(seen) == len(set(seen))
    assert original <= set(seen)


def test_every_row_exactly_once_while_rows_are_deleted_between_pages():
    users = make_users(40)
    api = APIClient()
    deleted: set[str] = set()

    def delete(page: int) -> None:
        victim = User.objects.exclude(email__in=deleted).order_by("?").first()
        assert victim is not None
        deleted.add(victim.email)
        victim.delete()

    seen = walk(api, "/api/v1/test/users/?limit=7", between_pages=delete)
    assert len(seen) == len(set(seen))
    assert {u.email for u in users} - deleted <= set(seen)


def test_mixed_direction_ordering_walks_every_row_once():
    make_users(45)
    seen = walk(APIClient(), "/api/v1/test/users-by-name/?limit=4")
    assert len(seen) == 45 == len(set(seen))
    names = list(User.objects.filter(email__in=seen).order_by("full_name", "-id").values_list("email", flat=True))
    assert seen == names


def test_projection_lists_paginate_in_ascending_order():
    make_users(12)
    seen = walk(APIClient(), "/api/v1/test/users-projection/?limit=5")
    assert seen == list(User.objects.order_by("date_joined", "id").values_list("email", flat=True))


def test_previous_cursor_returns_the_page_before():
    make_users(30)
    api = APIClient()
    first = api.get("/api/v1/test/users/?limit=10").json()
    second = api.get(first["next"]).json()
    back = api.get(second["previous"]).json()
    assert [r["email"] for r in back["results"]] == [r["email"] for r in first["results"]]
    assert back["next"]


@pytest.mark.parametrize("cursor", ["garbage", "eyJkIjoibiJ9", "eyJkIjoibiIsInYiOlsibm90LWEtZGF0ZSIsIngiXX0"])
def test_tampered_cursor_is_a_400_problem(cursor: str):
    make_users(2)
    response = APIClient().get(f"/api/v1/test/users/?cursor={cursor}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_a_page_costs_the_same_queries_at_any_depth(django_assert_max_num_queries):
    make_users(120)
    api = APIClient()
    deep = api.get("/api/v1/test/users/?limit=10").json()
    for _ in range(8):
        deep = api.get(deep["next"]).json()
    # ATOMIC_REQUESTS adds a savepoint and its release; the page itself is one SELECT.
    with django_assert_max_num_queries(budget("api.keyset_page.any_depth")):
        api.get(deep["next"])


def _walk_pages(queryset, ordering, limit):
    pages, cursor = [], None
    while True:
        page = keyset_page(queryset, ordering=ordering, cursor=cursor, limit=limit)
        pages.append(page)
        if not page.next_cursor:
            return pages
        cursor = page.next_cursor


@pytest.mark.parametrize("ordering", [("last_login", "id"), ("-last_login", "id"), ("-last_login", "-id")])
def test_a_nullable_sort_column_walks_every_row_once_nulls_last_both_ways(ordering):
    """An invoice list sorted by due date, half the invoices without one: every row once, NULLs last, and the
    previous cursor of each page gives back the page before it."""
    users = make_users(23, prefix="n")
    now = timezone.now()
    for i, user in enumerate(users):
        if i % 2:
            user.last_login = now - timedelta(days=i % 5)  # ties among the dated ones too
    User.objects.bulk_update(users, ["last_login"])
    queryset = User.objects.filter(email__startswith="n")
    pages = _walk_pages(queryset, ordering, limit=4)
    seen = [row.email for page in pages for row in page.rows]
    assert len(seen) == 23 == len(set(seen))
    dated = [u.email for u in queryset.exclude(last_login=None).order_by(*ordering)]
    undated = [u.email for u in queryset.filter(last_login=None).order_by(*ordering[1:])]
    assert seen == dated + undated  # NULLs last, whichever the direction
    for before, page in pairwise(pages):
        back = keyset_page(queryset, ordering=ordering, cursor=page.previous_cursor, limit=4)
        assert [r.email for r in back.rows] == [r.email for r in before.rows]
