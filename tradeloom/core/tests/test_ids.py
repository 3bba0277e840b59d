"""Record ids are time-ordered UUIDs (version 7): new rows land together at the end of every index on the id."""

from __future__ import annotations

import time

import pytest

from tradeloom.core.ids import new_id
from tradeloom.tenancy.tests.factories import OrganizationFactory


def test_ids_are_version_7_and_increase_with_time():
    first = new_id()
    time.sleep(0.002)
    second = new_id()
    assert (first.version, second.version) == (7, 7)
    assert first < second
    assert len({new_id() for _ in range(1000)}) == 1000


@pytest.mark.django_db
def test_records_get_them_by_default(member):
    membership = member()
    assert membership.pk.version == 7
    assert OrganizationFactory().pk.version == 7
