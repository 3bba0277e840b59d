"""The database backend: Django's PostgreSQL backend, with health checks only for connections that sat idle."""

from __future__ import annotations

import pytest
from django.db import connection, connections

from tradeloom.core.postgres.base import DatabaseWrapper


def test_every_connection_uses_the_backend():
    assert all(isinstance(connections[alias], DatabaseWrapper) for alias in connections)


@pytest.fixture
def wrapper(monkeypatch: pytest.MonkeyPatch) -> tuple[DatabaseWrapper, list[str]]:
    """A wrapper with an open connection (a stand-in: no statement reaches a server) and a clock at 1,000 s."""
    db = DatabaseWrapper({**connection.settings_dict, "HEALTH_CHECK_DELAY": 30})
    db.connection = object()
    db.health_check_enabled, db.health_check_done = True, False
    calls: list[str] = []
    monkeypatch.setattr("tradeloom.core.postgres.base.time.monotonic", lambda: 1_000.0)

    def is_usable() -> bool:
        calls.append("SELECT 1")
        return True

    monkeypatch.setattr(db, "is_usable", is_usable)
    return db, calls


def test_a_connection_used_moments_ago_is_trusted_without_a_round_trip(wrapper):
    db, calls = wrapper
    db.last_used = 1_000.0 - 29.9
    db.close_if_health_check_failed()
    assert calls == []
    assert db.health_check_done is True


def test_an_idle_connection_is_checked_and_replaced_when_the_check_fails(wrapper, monkeypatch):
    db, calls = wrapper
    db.last_used = 1_000.0 - 30.0
    db.close_if_health_check_failed()
    assert calls == ["SELECT 1"]
    assert db.connection is not None
    db.health_check_done = False
    closed: list[bool] = []
    monkeypatch.setattr(db, "is_usable", lambda: False)
    monkeypatch.setattr(db, "close", lambda: closed.append(True))
    db.close_if_health_check_failed()
    assert closed == [True]


def test_a_delay_of_zero_checks_before_every_request(wrapper):
    db, calls = wrapper
    db.settings_dict["HEALTH_CHECK_DELAY"] = 0
    db.last_used = 1_000.0
    db.close_if_health_check_failed()
    assert calls == ["SELECT 1"]


@pytest.mark.django_db
def test_opening_a_cursor_marks_the_connection_used():
    connection.last_used = 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert connection.last_used > 0.0
