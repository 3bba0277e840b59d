"""/metrics: what it exposes after requests, tasks and outbox entries, who may read it, and multiprocess mode."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery import shared_task
from celery.exceptions import Retry
from django.urls import resolve
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from tradeloom.core import embedded_redis, metrics
from tradeloom.core.context import tenant_context
from tradeloom.core.models import OutboxEntry

ROOT = Path(__file__).resolve().parents[3]
ORDER_PATH = "/api/v1/o/acme/orders/01234567-89ab-7def-8123-456789abcdef/"


@shared_task(name="tests.metrics_fails")
def _fails() -> None:
    raise ValueError("a task that fails")


@shared_task(name="tests.metrics_retries_once", bind=True, max_retries=1, default_retry_delay=0)
def _retries_once(self: Any) -> str:
    if self.request.retries == 0:
        raise self.retry()
    return "done"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition: (name, sorted labels) → value."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def families(text: str) -> set[str]:
    return {family.name for family in text_string_to_metric_families(text)}


def scrape(client: Any, **extra: Any) -> str:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return response.content.decode()


@pytest.mark.django_db
def test_a_request_shows_in_the_request_latency_and_database_families_under_its_route_name(client):
    # given the counters before
    key = ("tradeloom_http_requests_total", (("method", "GET"), ("route", "health"), ("status", "2xx")))
    before = samples(scrape(client)).get(key, 0.0)
    # when a request is served, and one whose path carries an organisation and an id
    assert client.get("/health/").status_code == 200
    client.get(ORDER_PATH)
    text = scrape(client)
    # then it was counted once, under the route's name
    found = samples(text)
    assert found[key] == before + 1
    order_route = resolve(ORDER_PATH).view_name
    assert order_route.startswith("api:tenant-api:")
    routes = {dict(labels).get("route") for name, labels in found if name == "tradeloom_http_requests_total"}
    assert order_route in routes
    assert not [route for route in routes if route and ("acme" in route or "0123" in route or "/" in route)]
    # and every request family is there
    assert {
        "tradeloom_http_requests",
        "tradeloom_http_request_duration_seconds",
        "tradeloom_http_requests_in_progress",
        "tradeloom_db_queries_per_request",
        "tradeloom_db_queries",
        "tradeloom_db_query_seconds",
    } <= families(text)
    assert found[("tradeloom_http_request_duration_seconds_count", (("route", "health"),))] >= 1


@pytest.mark.django_db
def test_queries_a_request_runs_are_counted_for_its_route(client, django_assert_num_queries):
    route = (("route", "health-ready"),)
    before = samples(scrape(client)).get(("tradeloom_db_queries_total", route), 0.0)
    # when the readiness check runs its one SELECT 1
    client.get("/health/ready/")
    # then its route counts at least that query
    assert samples(scrape(client))[("tradeloom_db_queries_total", route)] >= before + 1


@pytest.mark.django_db
def test_an_unmatched_path_is_one_route_and_the_scrape_counts_nothing(client):
    # given
    client.get("/no-such-page/12345/")
    scrape(client)
    # when
    text = scrape(client)
    # then the unknown path is "unmatched", and /metrics is not counted in its own request metrics
    routes = {dict(labels)["route"] for name, labels in samples(text) if name == "tradeloom_http_requests_total"}
    assert metrics.UNMATCHED in routes
    assert not [route for route in routes if "metrics" in route or "12345" in route]


def test_task_outcomes_and_durations_are_counted_by_task_name():
    from tradeloom.core.tasks import heartbeat

    def count(task: str, outcome: str) -> float:
        key = ("tradeloom_celery_tasks_total", (("outcome", outcome), ("task", task)))
        return samples(metrics.scrape().decode()).get(key, 0.0)

    succeeded, failed = count("core.heartbeat", "succeeded"), count("tests.metrics_fails", "failed")
    retried = count("tests.metrics_retries_once", "retried")
    # when tasks succeed, fail and retry (in this process, as a worker runs them: without propagating the error)
    heartbeat.apply()
    assert isinstance(_fails.apply(throw=False).result, ValueError)
    with contextlib.suppress(Retry):  # an eager retry runs the task again, then raises Retry
        _retries_once.apply(throw=False)
    # then each outcome is counted under the task's name, with its duration
    assert count("core.heartbeat", "succeeded") == succeeded + 1
    assert count("tests.metrics_fails", "failed") == failed + 1
    assert count("tests.metrics_retries_once", "retried") == retried + 1
    text = metrics.scrape().decode()
    assert samples(text)[("tradeloom_celery_task_duration_seconds_count", (("task", "core.heartbeat"),))] >= 1


@pytest.fixture
def committed_org(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    """The outbox reading is taken as the owner role, across organisations: the entry must really commit."""
    from tradeloom.tenancy.models import Organization

    with django_db_blocker.unblock():
        organization = Organization.objects.create(name="Metrics Co", slug=f"metrics-{time.time_ns()}")
        yield organization
        OutboxEntry.objects.using("owner").filter(organization=organization).delete()
        Organization.objects.using("owner").filter(pk=organization.pk).delete()


def test_the_outbox_backlog_and_its_oldest_entry_are_read_at_scrape_time_across_organisations(committed_org):
    # given an entry the broker never took, five minutes old, and one relayed not done, in an organisation
    with tenant_context(committed_org):
        old = OutboxEntry.objects.create(organization=committed_org, task="tests.metrics", kwargs={})
        OutboxEntry.objects.create(
            organization=committed_org, task="tests.metrics", kwargs={}, relayed_at=timezone.now()
        )
        OutboxEntry.objects.create(organization=committed_org, task="tests.metrics", kwargs={}, done_at=timezone.now())
        OutboxEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    # when Prometheus scrapes (no tenant context: the reading goes through the owner role)
    found = samples(metrics.scrape().decode())
    # then the backlog counts both, by state, and the oldest is five minutes old; no organisation in any label
    assert found[("tradeloom_outbox_pending", (("state", "unrelayed"),))] >= 1
    assert found[("tradeloom_outbox_pending", (("state", "relayed"),))] >= 1
    assert found[("tradeloom_outbox_oldest_pending_age_seconds", ())] >= 300
    assert found[("tradeloom_metrics_reading_ok", (("reading", "outbox"),))] == 1
    assert not [labels for _, labels in found if str(committed_org.pk) in str(labels)]


@pytest.mark.django_db
def test_a_reading_that_fails_is_reported_and_the_others_still_answer(client, monkeypatch):
    # given a broker reading that raises (Redis down)
    def broken() -> list[Any]:
        raise ConnectionError("redis down")

    monkeypatch.setitem(metrics.READINGS._items, "celery_queue", broken)
    # when
    found = samples(scrape(client))
    # then it reads 0 and the request families are still there
    assert found[("tradeloom_metrics_reading_ok", (("reading", "celery_queue"),))] == 0
    assert any(name == "tradeloom_http_requests_total" for name, _ in found)


@pytest.fixture
def redis_broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The Celery app publishing to an embedded Redis of its own (no worker consumes)."""
    from kombu import pools

    from config.celery import app

    path = Path(tempfile.mkdtemp(prefix="tl-redis-"))
    embedded_redis.ensure_server(path, attach=False)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.broker_url, app.conf.task_always_eager = embedded_redis.broker_url(path), False

    def reset() -> None:
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        pools.reset()

    reset()
    yield app
    reset()
    for key, value in saved.items():
        app.conf[key] = value
    embedded_redis.stop_server(path)
    shutil.rmtree(path, ignore_errors=True)


def test_the_queue_depth_is_the_length_of_the_brokers_queue_in_redis(redis_broker):
    # given three tasks waiting in the broker, one of them with a priority, and no worker
    for priority in (None, None, 9):
        redis_broker.send_task("core.heartbeat", priority=priority)
    # when
    found = samples(metrics.scrape().decode())
    # then the queue's length counts all three
    assert found[("tradeloom_celery_queue_length", (("queue", "tradeloom"),))] == 3
    assert found[("tradeloom_celery_unacked", ())] == 0
    assert found[("tradeloom_metrics_reading_ok", (("reading", "celery_queue"),))] == 1


def test_an_in_process_broker_has_no_queue_to_read(monkeypatch):
    from config.celery import app

    monkeypatch.setitem(app.conf, "broker_url", "memory://")
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    found = samples(metrics.scrape().decode())
    assert not [name for name, _ in found if name == "tradeloom_celery_queue_length"]
    assert found[("tradeloom_metrics_reading_ok", (("reading", "celery_queue"),))] == 1


# --- access ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_client_outside_the_allowed_networks_without_a_token_gets_the_ordinary_404(client, settings):
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"
    outside = {"REMOTE_ADDR": "203.0.113.7"}
    refused = client.get("/metrics", **outside)
    unknown = client.get("/no-such-page/", **outside)
    assert refused.status_code == 404
    token = re.compile(rb'"X-CSRFToken": "[^"]*"')  # masked afresh in every page
    assert token.sub(b"", refused.content) == token.sub(b"", unknown.content)
    assert client.post("/metrics", **outside).status_code == 404  # not 405: nothing to learn
    assert client.get("/metrics", REMOTE_ADDR="").status_code == 404  # a unix socket without nginx's address


@pytest.mark.django_db
def test_the_right_token_is_accepted_from_anywhere_and_a_wrong_one_from_nowhere(client, settings):
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"
    outside = {"REMOTE_ADDR": "203.0.113.7"}
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus", **outside).status_code == 200
    assert (
        client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus-", **outside).status_code == 404
    )
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", REMOTE_ADDR="127.0.0.1").status_code == 404
    settings.METRICS_TOKEN = ""  # no token configured: no bearer token is right
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ", **outside).status_code == 404


@pytest.mark.django_db
def test_allowed_networks_are_cidr_lists_and_loopback_by_default(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 404
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "2001:db8::/32"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::ffff:10.9.9.9").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="2001:db8::5").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


@pytest.mark.django_db
def test_a_mistyped_network_list_refuses_by_address_and_fails_the_system_check(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.1/33"]
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    assert [error.id for error in metrics.check_metrics_networks()] == ["tradeloom.E003"]
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert metrics.check_metrics_networks() == []


@pytest.mark.django_db
def test_metrics_is_outside_the_ssl_redirect_like_health_and_outside_the_api_schema(client, settings):
    from drf_spectacular.generators import SchemaGenerator

    from tradeloom.core.tests.test_startup_checks import production_settings

    # given production's redirect to https and its exemptions
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = production_settings({"REDIS_URL": "redis://cache.invalid:6379/0"})["exempt"]
    # then a plain-http scrape is answered, where any other page is redirected
    assert client.get("/metrics").status_code == 200
    assert client.get("/health/").status_code == 200
    assert client.get("/login/").status_code == 301
    # and the API schema does not list it
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not [path for path in schema["paths"] if "metrics" in path]


# --- multiprocess mode ----------------------------------------------------------------------------------------------

_CHILD = """
import os, sys
from tradeloom.core import metrics
metrics.task_outcome("tests.multiprocess", "succeeded")
metrics.HTTP_IN_PROGRESS.inc()
print(os.getpid())
"""


def test_multiprocess_mode_adds_up_the_files_of_every_process(tmp_path, monkeypatch):
    # given two processes that each counted a task in the shared directory and exited
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    pids = [
        int(
            subprocess.run(
                [sys.executable, "-c", _CHILD],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
                timeout=60,
            ).stdout
        )
        for _ in range(2)
    ]
    assert {path.name for path in tmp_path.iterdir()} >= {f"counter_{pid}.db" for pid in pids}
    # when this process scrapes in multiprocess mode
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    found = samples(metrics.scrape().decode())
    # then it sees both processes' counts added up
    assert found[("tradeloom_celery_tasks_total", (("outcome", "succeeded"), ("task", "tests.multiprocess")))] == 2
    assert found[("tradeloom_http_requests_in_progress", ())] == 2
    # and once gunicorn marks them dead, their requests in progress leave the sum (their counters stay)
    from config import gunicorn

    for pid in pids:
        gunicorn.child_exit(None, type("Worker", (), {"pid": pid})())
    found = samples(metrics.scrape().decode())
    assert found.get(("tradeloom_http_requests_in_progress", ()), 0.0) == 0
    assert found[("tradeloom_celery_tasks_total", (("outcome", "succeeded"), ("task", "tests.multiprocess")))] == 2


def test_gunicorn_clears_the_files_of_dead_processes_at_start_and_keeps_live_ones(tmp_path, monkeypatch):
    # given a previous run's file and a live process's file
    directory = tmp_path / "metrics"
    directory.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    (directory / f"counter_{int(dead.stdout)}.db").write_bytes(b"")
    (directory / f"histogram_{os.getpid()}.db").write_bytes(b"")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    from config import gunicorn

    # when gunicorn starts
    gunicorn.on_starting(None)
    # then only the live process's file is left
    assert [path.name for path in directory.iterdir()] == [f"histogram_{os.getpid()}.db"]
