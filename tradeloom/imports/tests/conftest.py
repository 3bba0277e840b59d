from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tradeloom.imports.tests import worker_entities  # noqa: F401 - registers the test entities
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import Role


def browser(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def manager(member: Any) -> Membership:
    return member(Role.MANAGER)
