"""The failed-login counters are shared by every worker (they live in PostgreSQL, not in a process's memory), limit
password spraying across accounts, and forget an attempt once its window has passed."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from tradeloom.accounts.login_guard import LoginGuard
from tradeloom.accounts.models import LoginThrottle
from tradeloom.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"


def login(email: str, password: str = PASSWORD, ip: str = "10.0.0.1") -> object:
    return APIClient(REMOTE_ADDR=ip).post(TOKEN, {"email": email, "password": password}, format="json")


def test_the_count_holds_across_workers_whose_memory_is_empty():
    # given five wrong passwords, and a cache emptied as another gunicorn worker's memory would be
    user = UserFactory()
    for _ in range(5):
        assert login(user.email, "wrong").status_code == 401
    cache.clear()
    # when the sixth attempt comes (with the right password)
    blocked = login(user.email)
    # then it is refused: the counters are the database's, not a process's
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "rate_limited"


def test_spraying_one_password_over_many_accounts_from_one_network_is_throttled(settings):
    # given one wrong guess for each of many accounts, all from one address
    settings.LOGIN_NETWORK_FAILURE_LIMIT = 6
    users = UserFactory.create_batch(7)
    statuses = [login(user.email, "Summer2026!").status_code for user in users]
    # then the guesses beyond the network's limit are refused, whichever account they try
    assert statuses == [401] * 6 + [429]
    # and another network is not held back by this one
    assert login(users[-1].email, ip="192.0.2.9").status_code == 200


def test_an_ipv6_spray_counts_per_64_network(settings):
    settings.LOGIN_NETWORK_FAILURE_LIMIT = 2
    users = UserFactory.create_batch(3)
    addresses = ["2001:db8:1:2::10", "2001:db8:1:2::11", "2001:db8:1:2:ffff::1"]
    statuses = [login(user.email, "wrong", ip=ip).status_code for user, ip in zip(users, addresses, strict=True)]
    assert statuses == [401, 401, 429]


def test_a_counter_restarts_after_its_window_and_expired_counters_are_pruned(settings):
    # given an account locked out by five failures
    user = UserFactory()
    for _ in range(5):
        login(user.email, "wrong")
    assert login(user.email).status_code == 429
    # when its window has passed (moved back in the database)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_loginthrottle SET window_start = now() - %s * interval '1 second'",
            [settings.LOGIN_FAILURE_WINDOW + 1],
        )
    # then the next attempt is counted afresh and goes ahead
    assert login(user.email).status_code == 200
    # and any attempt prunes the counters that expired, others' included
    stale = LoginThrottle.objects.create(key="f" * 64, attempts=9, window_start="2020-01-01T00:00:00Z")
    LoginGuard(email="someone@example.com", ip="198.51.100.1").reserve()
    assert not LoginThrottle.objects.filter(pk=stale.pk).exists()


def test_parallel_reservations_are_counted_one_by_one():
    # given five attempts reserved before any password is checked (a burst in flight)
    guard = LoginGuard(email="target@example.com", ip="10.0.0.7")
    waits = [guard.reserve() for _ in range(6)]
    # then the sixth has to wait, and no counter stores more than the attempts made
    assert waits[:5] == [None] * 5
    assert waits[5] is not None
    assert max(LoginThrottle.objects.values_list("attempts", flat=True)) == 6


def test_nothing_personal_is_stored():
    LoginGuard(email="Person@Example.com", ip="10.0.0.8").reserve()
    keys = list(LoginThrottle.objects.values_list("key", flat=True))
    assert len(keys) == 3
    assert all(len(key) == 64 and "@" not in key and "10.0.0.8" not in key for key in keys)
