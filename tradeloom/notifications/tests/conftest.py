"""Shared fixtures: an organisation with members (one of another organisation too), and a test kind registered."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.core.outbox import outbox_relay_start_afresh
from tradeloom.notifications.kinds import NOTIFICATION_KINDS, NotificationKind
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory

# A second kind for these tests (as alerts and webhooks register theirs), by default e-mailed.
SHIPMENT_LATE = NotificationKind(
    "tests.shipment_late", "Shipment running late", "A test kind.", default_channel="email"
)


@pytest.fixture(autouse=True)
def _test_kind():
    NOTIFICATION_KINDS.register(SHIPMENT_LATE.code, SHIPMENT_LATE)
    yield
    NOTIFICATION_KINDS._items.pop(SHIPMENT_LATE.code, None)


@pytest.fixture
def ctx(org, other_org, member):
    ann = member(Role.MERCHANDISER, user__full_name="Ann Smith", user__email="ann@example.com")
    bob = member(Role.STAFF, user__full_name="Bob Jones", user__email="bob@example.com")
    viewer = member(Role.VIEWER, user__full_name="Vic Viewer", user__email="vic@example.com")
    owner = member(Role.OWNER, user__full_name="Olga Owner", user__email="olga@example.com")
    rival = MembershipFactory(organization=other_org, role=Role.OWNER)
    return {
        "org": org,
        "other_org": other_org,
        "ann": ann,
        "bob": bob,
        "viewer": viewer,
        "owner": owner,
        "rival": rival,
    }


@pytest.fixture
def in_org(org):
    with tenant_context(org):
        yield org


@contextmanager
def committed(capture: Any) -> Iterator[list[Any]]:
    """Run the block's after-commit callbacks (the outbox relay) at its end, as if it were its own transaction.

    ``core.outbox`` relays one transaction's entries with one callback, kept on the connection while it is queued.
    In a test everything is one transaction that never commits, so a callback captured (and run) earlier stays
    queued and would collect this block's entries, never to run again: start this block with a callback of its own.
    """
    outbox_relay_start_afresh()
    with capture(execute=True) as callbacks:
        yield callbacks
    outbox_relay_start_afresh()
