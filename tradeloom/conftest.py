"""Fixtures shared by every app's tests: two organisations, a member of each role, API clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tradeloom.accounts.tokens import token_pair_issue
from tradeloom.core import outbox
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory, OrganizationFactory


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def _broker_up() -> None:
    """Each test starts with the broker taken as up: with eager tasks a task that raises counts as a relay failure,
    and the 30 s pause it starts (``core.outbox.BROKER_DOWN_PAUSE``) would hold back the next tests' jobs."""
    outbox._broker_down_until = 0.0


@pytest.fixture
def org(db: None) -> Organization:
    return OrganizationFactory(name="Acme Sourcing", slug="acme")


@pytest.fixture
def other_org(db: None) -> Organization:
    return OrganizationFactory(name="Rival Textiles", slug="rival")


@pytest.fixture
def member(org: Organization) -> Callable[..., Membership]:
    """``member("viewer")`` → a new active membership of ``org`` with that role."""

    def make(role: str = Role.MERCHANDISER, organization: Organization | None = None, **kwargs: object) -> Membership:
        return MembershipFactory(organization=organization or org, role=role, **kwargs)

    return make


@pytest.fixture
def owner(member: Callable[..., Membership]) -> Membership:
    return member(Role.OWNER)


@pytest.fixture
def api_as() -> Callable[[Membership], APIClient]:
    """An API client authenticated with a real JWT access token of the membership's user."""

    def make(membership: Membership) -> APIClient:
        client = APIClient()
        access = token_pair_issue(user=membership.user)["access"]
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
        return client

    return make
