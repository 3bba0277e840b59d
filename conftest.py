"""Test-wide set-up: the test database is created and migrated as the owner role; tests run as the app role.

pytest-django would create the test database through ``default`` (the app role), which may not create tables.
Here the ``owner`` alias creates and migrates it, and ``default`` is pointed at the same database, so every
test exercises the permissions production has.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.test.utils import setup_databases, teardown_databases


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest, django_test_environment: None, django_db_blocker: Any
) -> Iterator[None]:
    with django_db_blocker.unblock():
        old_config = setup_databases(verbosity=0, interactive=False, aliases={"owner"})
        test_name = connections["owner"].settings_dict["NAME"]
        default = connections["default"]
        default.close()
        default.settings_dict["NAME"] = test_name
    yield
    with django_db_blocker.unblock():
        connections["default"].close()
        teardown_databases(old_config, verbosity=0)
