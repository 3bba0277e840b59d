"""The API filter backend builds only the filters a request uses, with django-filter's validation unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tradeloom.accounts.models import User
from tradeloom.core.tests.urls import UserFilter

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tradeloom.core.tests.urls")]
URL = "/api/v1/test/users-filtered/"


@pytest.fixture
def users() -> list[User]:
    old = User.objects.create_user("old@example.com", "x")
    User.objects.filter(pk=old.pk).update(date_joined=timezone.now() - timedelta(days=400))
    return [old, User.objects.create_user("new@example.com", "x", is_active=False)]


def emails(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["email"] for row in response.json()["results"])


@pytest.fixture
def built(monkeypatch) -> list[list[str]]:
    """The filters of every FilterSet the request built."""
    seen: list[list[str]] = []
    original = UserFilter.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        seen.append(sorted(self.filters))

    monkeypatch.setattr(UserFilter, "__init__", spy)
    return seen


def test_without_filter_parameters_no_filterset_is_built(users, built):
    assert emails(APIClient().get(URL + "?limit=10&unknown=1")) == ["new@example.com", "old@example.com"]
    assert built == []


def test_only_the_given_filters_are_built_and_applied(users, built):
    assert emails(APIClient().get(URL + "?email=OLD")) == ["old@example.com"]
    assert emails(APIClient().get(URL + "?is_active=false&email=example")) == ["new@example.com"]
    assert built == [["email"], ["email", "is_active"]]


def test_a_widgets_suffixed_parameters_count_as_its_filter(users, built):
    since = (timezone.now() - timedelta(days=30)).date().isoformat()
    assert emails(APIClient().get(f"{URL}?joined_after={since}")) == ["new@example.com"]
    assert built == [["joined"]]


def test_a_bad_value_is_still_a_problem_naming_the_filter(users):
    response = APIClient().get(URL + "?joined_after=not-a-date&email=x")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert "joined" in body["errors"]
