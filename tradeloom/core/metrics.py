"""Prometheus metrics at ``/metrics`` (docs/operations.md, "Metrics").

What is counted where:

* ``MetricsMiddleware`` (outermost): every request but the scrape itself — requests by method, route name and status
  class, latency by route, requests in progress, and the database queries each request ran and the time they took
  (every alias: each new connection gets an execute wrapper that counts into the current request's tally). The
  route is the URL pattern's name (``api:tenant-api:order``), never the path: ids and organisation
  slugs stay out of the labels.
* ``config/celery.py`` (the worker): tasks by name and outcome (succeeded, failed, retried) and their duration.
* ``Readings`` (at scrape time, nothing kept): the depth of the broker's queues in Redis and the outbox's backlog
  (entries not done and the age of the oldest), read as the owner role across organisations as the outbox's sweep
  does, aggregated — no organisation in any label; and what apps register in ``READINGS``.

gunicorn runs several worker processes and Celery its own: with ``PROMETHEUS_MULTIPROC_DIR`` set (a directory every
process of the host can write, the same for web and worker), each process writes its values to files there and a
scrape adds them up (prometheus-client's multiprocess mode; ``config/gunicorn.py`` clears stale files at start and
marks exited workers). Without it, each process has its own registry and a scrape sees the process that answered.

Access (``metrics_view``): from an address in ``METRICS_ALLOWED_NETWORKS`` (default loopback) without credentials,
or from anywhere with ``Authorization: Bearer <METRICS_TOKEN>`` (compared in constant time). A wrong token is refused
wherever it comes from. A refusal is the site's ordinary 404, so the endpoint does not advertise itself.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.db.models import Count, Min, Q
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric

from tradeloom.core.registry import Registry

logger = logging.getLogger(__name__)

PATH = "/metrics"
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
REDIS_SCHEMES = frozenset({"redis", "rediss", "redis+socket", "sentinel"})  # kombu's Redis transports
UNMATCHED = "unmatched"  # the route of a request no URL pattern matched (a 404 before any view)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_QUERY_BUCKETS = (0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144)
_TASK_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

if os.environ.get(MULTIPROCESS_ENV):  # every process writes there from its first metric on (manage.py commands too)
    os.makedirs(os.environ[MULTIPROCESS_ENV], exist_ok=True)

HTTP_REQUESTS = Counter(
    "tradeloom_http_requests",
    "HTTP requests answered, by method, route name and status class.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "tradeloom_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by route name.",
    ["route"],
    buckets=_LATENCY_BUCKETS,
)
HTTP_IN_PROGRESS = Gauge(
    "tradeloom_http_requests_in_progress", "Requests being served now.", multiprocess_mode="livesum"
)
DB_QUERIES_PER_REQUEST = Histogram(
    "tradeloom_db_queries_per_request", "Database queries one request ran (every alias).", buckets=_QUERY_BUCKETS
)
DB_QUERIES = Counter("tradeloom_db_queries", "Database queries run by requests, by route name.", ["route"])
DB_SECONDS = Counter("tradeloom_db_query_seconds", "Time requests spent in database queries, by route name.", ["route"])
CELERY_TASKS = Counter(
    "tradeloom_celery_tasks",
    "Celery tasks finished, by task name and outcome (succeeded, failed, retried).",
    ["task", "outcome"],
)
CELERY_TASK_DURATION = Histogram(
    "tradeloom_celery_task_duration_seconds",
    "How long a task ran in the worker, by task name.",
    ["task"],
    buckets=_TASK_BUCKETS,
)

# A reading: a function called at scrape time that returns metric families (read from the database or the broker,
# aggregated across organisations). Apps register theirs in ``AppConfig.ready()``; a reading that fails is logged
# and reported as ``tradeloom_metrics_reading_ok{reading=…} 0``, the others still answer.
READINGS: Registry[Callable[[], Iterable[Metric]]] = Registry("metrics.readings")


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROCESS_ENV))


# --- requests ---------------------------------------------------------------------------------------------------


def route_name(request: HttpRequest) -> str:
    """The resolved URL pattern's name (namespaced), else its route; ``unmatched`` when nothing matched."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return match.view_name or match.route or UNMATCHED


class _QueryTally:
    __slots__ = ("count", "seconds")

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0


_tally: ContextVar[_QueryTally | None] = ContextVar("metrics_query_tally", default=None)


def _count_query(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    """The execute wrapper of every connection: counts and times a query into the request's tally, if any.

    Installed once per connection (``connection_created``) rather than around each request: entering Django's
    ``execute_wrapper`` for every alias on every request cost more than the rest of the middleware."""
    tally = _tally.get()
    if tally is None:
        return execute(sql, params, many, context)
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        tally.seconds += time.perf_counter() - started
        tally.count += 1


@receiver(connection_created, dispatch_uid="tradeloom.core.metrics.count_queries")
def _install_query_counter(sender: Any, connection: Any, **kwargs: Any) -> None:
    if _count_query not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _count_query)


@functools.lru_cache(maxsize=4096)
def _request_children(method: str, route: str, status: str) -> tuple[Any, Any, Any, Any]:
    """The labelled children a request updates, looked up once per (method, route, status)."""
    return (
        HTTP_REQUESTS.labels(method=method, route=route, status=status),
        HTTP_DURATION.labels(route=route),
        DB_QUERIES.labels(route=route),
        DB_SECONDS.labels(route=route),
    )


class MetricsMiddleware:
    """Outermost middleware: counts and times every request but the scrape of ``/metrics`` itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == PATH:
            return self.get_response(request)
        tally = _QueryTally()
        token = _tally.set(tally)
        status = 500
        HTTP_IN_PROGRESS.inc()
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            elapsed = time.perf_counter() - started
            _tally.reset(token)
            HTTP_IN_PROGRESS.dec()
            method = request.method if request.method in METHODS else "other"
            requests, duration, queries, seconds = _request_children(method, route_name(request), f"{status // 100}xx")
            requests.inc()
            duration.observe(elapsed)
            queries.inc(tally.count)
            seconds.inc(tally.seconds)
            DB_QUERIES_PER_REQUEST.observe(tally.count)


# --- Celery (called from config/celery.py's signal handlers in the worker) ---------------------------------------

_task_started: dict[str, float] = {}


def task_started(task_id: str) -> None:
    _task_started[task_id] = time.perf_counter()


def task_finished(task_id: str, task_name: str) -> None:
    started = _task_started.pop(task_id, None)
    if started is not None:
        CELERY_TASK_DURATION.labels(task=task_name).observe(time.perf_counter() - started)


def task_outcome(task_name: str, outcome: str) -> None:
    CELERY_TASKS.labels(task=task_name, outcome=outcome).inc()


# --- readings at scrape time --------------------------------------------------------------------------------------


def celery_queue_reading() -> Iterable[Metric]:
    """Messages waiting in each of the broker's queues (every priority), and messages taken but not acknowledged:
    ``LLEN`` / ``HLEN`` on the broker's Redis. Nothing with an in-process broker (``memory://``) or eager tasks."""
    from config.celery import app

    if app.conf.task_always_eager or str(app.conf.broker_url or "").split(":", 1)[0] not in REDIS_SCHEMES:
        return []
    names = {app.conf.task_default_queue, *(queue.name for queue in app.conf.task_queues or ())}
    with app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        channel: Any = conn.default_channel
        client = channel.client
        pipe = client.pipeline(transaction=False)
        order = sorted(names)
        for name in order:
            for priority in channel.priority_steps:
                pipe.llen(channel._q_for_pri(name, priority))
        pipe.hlen(channel.unacked_key)
        counts = pipe.execute()
    depth = GaugeMetricFamily(
        "tradeloom_celery_queue_length",
        "Messages waiting in the broker's queue (LLEN, all priorities).",
        labels=["queue"],
    )
    steps = len(channel.priority_steps)
    for index, name in enumerate(order):
        depth.add_metric([name], sum(counts[index * steps : (index + 1) * steps]))
    unacked = GaugeMetricFamily(
        "tradeloom_celery_unacked",
        "Messages a worker has taken and not yet acknowledged (running or lost).",
        value=counts[-1],
    )
    return [depth, unacked]


def outbox_reading() -> Iterable[Metric]:
    """The outbox entries not done yet (relayed to the broker or not) and the age of the oldest, across
    organisations as the owner role (the sweep's partial index on ``created_at WHERE done_at IS NULL``)."""
    from tradeloom.core.models import OutboxEntry
    from tradeloom.core.outbox import OWNER_DB

    with transaction.atomic(using=OWNER_DB):
        with connections[OWNER_DB].cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = '2s'")
        row = (
            OutboxEntry.objects.using(OWNER_DB)
            .filter(done_at__isnull=True)
            .aggregate(
                pending=Count("pk"), unrelayed=Count("pk", filter=Q(relayed_at__isnull=True)), oldest=Min("created_at")
            )
        )
    pending = GaugeMetricFamily(
        "tradeloom_outbox_pending",
        "Outbox entries not done, by state (unrelayed: the broker never took them).",
        labels=["state"],
    )
    pending.add_metric(["unrelayed"], row["unrelayed"])
    pending.add_metric(["relayed"], row["pending"] - row["unrelayed"])
    age = (timezone.now() - row["oldest"]).total_seconds() if row["oldest"] else 0.0
    oldest = GaugeMetricFamily(
        "tradeloom_outbox_oldest_pending_age_seconds",
        "Age of the oldest outbox entry not done (0 when none).",
        value=max(age, 0.0),
    )
    return [pending, oldest]


READINGS.register("celery_queue", celery_queue_reading)
READINGS.register("outbox", outbox_reading)


class Readings:
    """A collector that takes every registered reading at scrape time."""

    def collect(self) -> Iterator[Metric]:
        ok = GaugeMetricFamily(
            "tradeloom_metrics_reading_ok",
            "1 when the reading answered at this scrape, 0 when it failed.",
            labels=["reading"],
        )
        for name, reading in READINGS.items():
            try:
                families = list(reading())
            except Exception as exc:
                logger.warning("metrics reading failed", extra={"reading": name, "error": type(exc).__name__})
                ok.add_metric([name], 0)
                continue
            ok.add_metric([name], 1)
            yield from families
        yield ok


class _Scrape:
    """What one scrape exposes: the processes' metrics and the readings."""

    def __init__(self, *collectors: Any) -> None:
        self.collectors = collectors

    def collect(self) -> Iterator[Metric]:
        for collector in self.collectors:
            yield from collector.collect()


def scrape() -> bytes:
    """The exposition (text format 0.0.4) of everything: every process's values in multiprocess mode, else this
    process's registry; then the readings."""
    if multiprocess_mode():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(_Scrape(registry, Readings()))
    return generate_latest(_Scrape(REGISTRY, Readings()))


# --- access -------------------------------------------------------------------------------------------------------

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {exc}") from exc


def address_allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # empty (a unix socket without PROXY protocol) or not an address
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    try:
        networks = _networks(tuple(settings.METRICS_ALLOWED_NETWORKS))
    except ImproperlyConfigured:  # refused like anyone else; `manage.py check` names the mistake (tradeloom.E003)
        logger.error("METRICS_ALLOWED_NETWORKS is not a list of networks; /metrics is refused by address")
        return False
    return any(ip in network for network in networks)


def check_metrics_networks(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """System check ``tradeloom.E003``: ``METRICS_ALLOWED_NETWORKS`` is a list of addresses or CIDR networks."""
    from django.core import checks

    try:
        _networks(tuple(settings.METRICS_ALLOWED_NETWORKS))
    except ImproperlyConfigured as exc:
        return [
            checks.Error(str(exc), hint="Comma-separated CIDRs, e.g. 127.0.0.1/32,10.0.0.0/8.", id="tradeloom.E003")
        ]
    return []


def access_allowed(request: HttpRequest) -> bool:
    """A bearer token decides when one is presented (it must be ``METRICS_TOKEN``); else the client's address."""
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        expected = settings.METRICS_TOKEN
        return bool(expected) and hmac.compare_digest(presented.strip().encode(), expected.encode())
    return address_allowed(request.META.get("REMOTE_ADDR", ""))


@transaction.non_atomic_requests
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not access_allowed(request):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return HttpResponse(scrape(), content_type=CONTENT_TYPE_PLAIN_0_0_4)
