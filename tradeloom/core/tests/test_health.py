"""Liveness and readiness."""

from __future__ import annotations

import logging

import pytest
from django.db import connections
from django.test import Client


def test_liveness_touches_nothing(django_assert_num_queries):
    # no django_db mark: any database access would fail this test
    response = Client().get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_reports_each_check_with_latency():
    response = Client().get("/health/ready/")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage"}
    for check in body["checks"].values():
        assert check["status"] == "ok"
        assert check["latency_ms"] >= 0


@pytest.mark.django_db
def test_ready_checks_the_broker_when_one_is_configured(settings, monkeypatch):
    # given tasks going through a broker (not eager) at an address where nothing listens (loopback, a closed port)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from config.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:9/0")
    settings.HEALTH_CHECK_TIMEOUT = settings.HEALTH_CHECK_TIMEOUT / 10
    # when readiness is asked
    response = Client().get("/health/ready/")
    # then the broker check fails and the service is not ready
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == "error"


@pytest.fixture
def through_a_broker(settings, monkeypatch):
    """Tasks go through a broker (not eager); the broker itself answers (its own test is above)."""
    from tradeloom.core import health

    settings.CELERY_BROKER_URL = "redis://broker.invalid/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(health, "check_broker", lambda: None)
    return settings


@pytest.mark.django_db
def test_ready_reports_a_recent_worker_heartbeat(through_a_broker):
    # given a worker that ran beat's heartbeat task just now
    from tradeloom.core.tasks import heartbeat

    heartbeat()
    # when readiness is asked
    response = Client().get("/health/ready/")
    # then it is ready, and says how old the heartbeat is
    assert response.status_code == 200
    worker = response.json()["checks"]["worker"]
    assert worker["status"] == "ok"
    assert 0 <= worker["heartbeat_age_s"] < 5


@pytest.mark.django_db
def test_ready_answers_503_without_a_worker_heartbeat(through_a_broker):
    from django.core.cache import cache

    from tradeloom.core.tasks import HEARTBEAT_KEY

    cache.delete(HEARTBEAT_KEY)
    response = Client().get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {
        "status": "error",
        "error": "LookupError",
        "latency_ms": response.json()["checks"]["worker"]["latency_ms"],
    }


@pytest.mark.django_db
def test_ready_answers_503_when_the_last_heartbeat_is_too_old(through_a_broker):
    # given a heartbeat one second older than the limit
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    from tradeloom.core.tasks import HEARTBEAT_KEY

    old = timezone.now() - through_a_broker.WORKER_HEARTBEAT_MAX_AGE - timedelta(seconds=1)
    cache.set(HEARTBEAT_KEY, {"at": old.isoformat(), "worker": "w1"})
    # then the service is not ready: no worker is serving the queue
    response = Client().get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["error"] == "TimeoutError"


@pytest.mark.django_db
def test_ready_answers_503_when_the_database_is_unreachable(monkeypatch, tmp_path):
    # given the app's database settings pointing at a server that does not exist
    from django.db.utils import ConnectionHandler

    from tradeloom.core import health

    unreachable = dict(connections["default"].settings_dict, EMBEDDED=None, HOST=str(tmp_path), PORT="1")
    monkeypatch.setattr(health, "connections", ConnectionHandler({"default": unreachable}))
    # when readiness is asked
    response = Client().get("/health/ready/")
    # then 503, naming the failed check without leaking connection details
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["status"] == "error"
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert str(tmp_path) not in response.content.decode()
    assert body["checks"]["cache"]["status"] == "ok"


@pytest.mark.django_db
def test_ready_answers_503_when_media_storage_is_not_writable(settings, tmp_path):
    read_only = tmp_path / "media"
    read_only.write_text("a file where a folder should be")
    settings.MEDIA_ROOT = read_only
    response = Client().get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["status"] == "error"


def test_request_id_is_echoed_when_well_formed():
    response = Client().get("/health/", HTTP_X_REQUEST_ID="abc-123.XYZ")
    assert response["X-Request-ID"] == "abc-123.XYZ"


@pytest.mark.parametrize("bad", ["", "has spaces", "x" * 200, "inject\nheader"])
def test_request_id_is_generated_when_missing_or_malformed(bad):
    response = Client().get("/health/", HTTP_X_REQUEST_ID=bad)
    assert response["X-Request-ID"] != bad
    assert len(response["X-Request-ID"]) == 32


def test_django_request_log_lines_carry_the_request_id():
    from django.test import RequestFactory

    from tradeloom.core.request_id import RequestIdLogFilter

    request = RequestFactory().get("/")
    request.request_id = "late-line"
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found", None, None)
    record.request = request
    RequestIdLogFilter().filter(record)
    assert getattr(record, "request_id", None) == "late-line"


def test_log_lines_carry_the_request_id(caplog):
    from tradeloom.core.request_id import RequestIdLogFilter

    logger = logging.getLogger("tradeloom.test")
    handler_filter = RequestIdLogFilter()

    def view_logging(request):
        from django.http import HttpResponse

        logger.warning("inside the request")
        return HttpResponse("ok")

    from tradeloom.core.request_id import RequestIdMiddleware

    middleware = RequestIdMiddleware(view_logging)
    from django.test import RequestFactory

    with caplog.at_level(logging.WARNING, logger="tradeloom.test"):
        caplog.handler.addFilter(handler_filter)
        response = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="trace-42"))
    record = next(r for r in caplog.records if r.getMessage() == "inside the request")
    assert record.request_id == "trace-42"
    assert response["X-Request-ID"] == "trace-42"
