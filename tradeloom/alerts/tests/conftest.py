"""The evaluation pass reads and writes as the owner role (alias ``owner``, across organisations). In a test its
rows must be the test's own, in the test's transaction: ``as_owner`` runs the test on one connection, the owner's,
under both aliases (so row-level security does not apply in it — the pass's own joins on the organisation are what
keep organisations apart there, and the cross-tenant tests prove them)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections


@pytest.fixture
def as_owner(request: pytest.FixtureRequest, django_db_blocker: Any) -> None:
    default = connections["default"]

    def restore() -> None:
        connections["default"] = default

    # on the test itself, before the database fixture is set up: so it runs after that one's teardown (which rolls
    # the test's transaction back through both aliases)
    request.node.addfinalizer(restore)
    connections["default"] = connections["owner"]
    request.node.add_marker(pytest.mark.django_db(databases=["default", "owner"]))
    request.getfixturevalue("db")
