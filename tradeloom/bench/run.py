"""``make bench``: serve the app with gunicorn (production settings, 2 workers) and the bare reference next to it,
drive each endpoint with wrk at a fixed concurrency for a fixed time, and write the results.

Per endpoint: requests/s, p50 and p99 latency, SQL statements per request (counted by serving it once in-process
with an execute wrapper), and throughput as a ratio to the bare reference measured in the same run — in
alternating slices (app, bare, bare, app …), so a machine that slows for a minute slows both sides of a round.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tradeloom.accounts.tokens import token_pair_issue
from tradeloom.bench import alerts as alerts_bench
from tradeloom.bench.bare import encode_params
from tradeloom.bench.generate import SLUGS, generate, superuser_conn
from tradeloom.catalog.models import UnitOfMeasure
from tradeloom.core.context import tenant_context
from tradeloom.core.pagination import cursor_after
from tradeloom.lcs.models import LetterOfCredit
from tradeloom.logistics import states
from tradeloom.logistics.models import Container, EtaRevision, Shipment
from tradeloom.partners.models import Customer
from tradeloom.purchasing.models import PurchaseOrder
from tradeloom.sales import totals
from tradeloom.sales.models import Order
from tradeloom.tna.models import Plan

ROOT = Path(settings.BASE_DIR)
RESULTS = ROOT / "bench" / "results"
DETAIL_PO = "BENCH-DETAIL-20"
CREATE_PO = "BENCH-CREATE"


@dataclass
class Endpoint:
    name: str
    path: str
    method: str = "GET"
    body: dict[str, Any] | None = None
    org: str = "big"
    bare: bool = True
    target: str = ""
    page: bool = False  # a web page: requested with a logged-in session's cookie, not a token


@dataclass
class Result:
    name: str
    path: str
    queries: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    bare_rps: float | None = None
    bare_p50_ms: float | None = None
    ratio: float | None = None
    single_p50_ms: float = 0.0  # one connection: the request's own time, without queueing
    single_p99_ms: float = 0.0
    target: str = ""
    verdict: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _line_payload(unit_id: Any, customer_id: Any, po: str, lines: int) -> dict[str, Any]:
    colours = [f"C{n:02d}" for n in range(lines)]
    return {
        "po_number": po,
        "customer": str(customer_id),
        "currency": "USD",
        "order_date": timezone.localdate().isoformat(),
        "styles": [
            {
                "style_number": f"{po}-A",
                "lines": [
                    {
                        "colour_code": c,
                        "quantity": "1000",
                        "unit": str(unit_id),
                        "selling_price": "4.25",
                        "mill_price": "3.10",
                        "commission_per_unit": "0.05",
                    }
                    for c in colours[: lines // 2]
                ],
            },
            {
                "style_number": f"{po}-B",
                "lines": [
                    {"colour_code": c, "quantity": "500", "unit": str(unit_id), "selling_price": "5.10"}
                    for c in colours[lines // 2 :]
                ],
            },
        ],
    }


def _endpoints(info: dict[str, Any], size: str) -> list[Endpoint]:
    big = info["big"]
    with tenant_context(big):
        unit = UnitOfMeasure.objects.get(organization=big, code="m")
        customer = Customer.objects.filter(organization=big).order_by("code").first()
        assert customer is not None
        orders = Order.objects.filter(organization=big).order_by("-created_at", "-id")
        total = orders.count()
        limit = 50
        deep_page = max(1, min(20_000, total // limit - 1))
        row = orders.values_list("created_at", "id")[deep_page * limit - 1]
        cursor = cursor_after(row)
        etd_from = (timezone.localdate() - timedelta(days=200)).isoformat()
    detail = _detail_order(info, unit.pk, customer.pk)
    with tenant_context(big):
        # an order from the middle of the three years, found by its number, and by its PO with a typo
        middle = orders.values("number", "po_number")[total // 2]
    po_typo = middle["po_number"][:-2] + middle["po_number"][-1] + middle["po_number"][-2]  # last two digits swapped
    with tenant_context(info["search"]):
        # a real partner's name, misspelt: a letter dropped from its first word, the suffix cut short
        target = Customer.objects.filter(organization=info["search"]).order_by("code")[7].legal_name.split()
    word = target[0][:2] + target[0][3:]
    term = f"{word} {target[-2][:4]}"
    base = f"/api/v1/o/{SLUGS['big']}/"
    shipment = _shipment_targets(info)
    purchase = _po_target(info)
    return [
        Endpoint("orders list", f"{base}orders/?limit={limit}", target="≥ 40 % of bare; ≤ 5 queries"),
        Endpoint(
            "orders list, filtered",
            f"{base}orders/?limit={limit}&status=open&line_status=running&etd_from={etd_from}&order_type=foreign",
            target="≥ 40 % of bare",
        ),
        Endpoint(
            f"orders list, page {deep_page:,}",
            f"{base}orders/?limit={limit}&cursor={cursor}",
            target="≥ 40 % of bare; same queries as page 1",
        ),
        Endpoint("order detail (20 lines)", f"{base}orders/{detail}/", target="≥ 40 % of bare"),
        Endpoint(
            "partner search",
            f"/api/v1/o/{SLUGS['search']}/customers/?search={quote(term)}",
            org="search",
            target="p99 < 50 ms at 100,000 partners" if size == "full" else "p99 < 50 ms",
        ),
        Endpoint(
            "order search, number",
            f"{base}orders/?limit=25&search={quote(middle['number'])}",
            target="p99 < 50 ms alone; ≥ 40 % of bare",
        ),
        Endpoint(
            "order search, PO with a typo",
            f"{base}orders/?limit=25&search={quote(po_typo)}",
            target="p99 < 50 ms alone; ≥ 40 % of bare",
        ),
        Endpoint("approvals board", f"{base}approvals/board/?gate=lab_dip&state=submission&limit={limit}"),
        Endpoint("shipments list", f"{base}shipments/?limit={limit}", target="≥ 40 % of bare; ≤ 5 queries"),
        Endpoint(
            "shipments list, in transit",
            f"{base}shipments/?limit={limit}&status={states.IN_TRANSIT}",
            target="≥ 40 % of bare; ≤ 5 queries",
        ),
        Endpoint(
            "shipment search, container",
            f"{base}shipments/?limit=25&q={quote(shipment['container'])}",
            target="≥ 40 % of bare; p99 < 50 ms alone",
        ),
        Endpoint(
            "shipment search, B/L",
            f"{base}shipments/?limit=25&q={quote(shipment['document'])}",
            target="≥ 40 % of bare; p99 < 50 ms alone",
        ),
        Endpoint(
            f"shipment detail ({shipment['lines']} lines)",
            f"{base}shipments/{shipment['id']}/",
            target="≥ 40 % of bare",
        ),
        Endpoint("invoices list", f"{base}invoices/?limit={limit}", target="≥ 40 % of bare; ≤ 5 queries"),
        Endpoint("LC detail (amended, drawn)", f"{base}lcs/{_lc_target(info)}/", target="≥ 40 % of bare"),
        # every open invoice of the big organisation, bucketed by days past due, LC-backed and open account apart
        Endpoint("ageing report", f"{base}receivables/ageing/", target="p99 < 1 s alone"),
        # the manager's reports (reports app), each over all of the big organisation's data with its default filters,
        # as its owner (reports.view is not a merchandiser's); the four that read lines do it through the summaries
        # kept by triggers (sales_openlinetotals, sales_suppliertotals, logistics_linedepartures,
        # approvals_waitinggates: docs/reports.md)
        *(
            Endpoint(f"report: {name}", f"{base}reports/{key}/{query}", org="big-owner", target="p99 < 1 s alone")
            for name, key, query in (
                ("pipeline", "pipeline", ""),
                ("profit by customer", "profit", "?by=customer"),
                ("profit by mill", "profit", "?by=mill"),
                ("otif", "otif", ""),
                ("late orders", "late", ""),
                ("workload", "workload", ""),
                ("lc-exposure", "lc-exposure", ""),
                ("ageing", "ageing", ""),
            )
        ),
        Endpoint("purchase orders list", f"{base}purchase-orders/?limit={limit}", target="≥ 40 % of bare; ≤ 5 queries"),
        Endpoint(
            f"PO detail ({purchase['lines']} lines, received, amended)",
            f"{base}purchase-orders/{purchase['id']}/",
            target="≥ 40 % of bare",
        ),
        Endpoint("stock on hand", f"{base}stock/balances/?limit={limit}", target="≥ 40 % of bare"),
        Endpoint(
            "stock on hand page", f"/o/{SLUGS['big']}/stock/", org="big-owner", page=True, target="p99 < 300 ms alone"
        ),
        Endpoint("work orders list", f"{base}work-orders/?limit={limit}", target="≥ 40 % of bare; ≤ 5 queries"),
        # an order's T&A grid (its plan's 14 milestones, their changes) and this month's calendar of the whole big
        # organisation's milestones (HTML)
        Endpoint("T&A grid (order)", f"{base}orders/{_tna_target(info)}/tna/", target="≥ 40 % of bare"),
        Endpoint(
            "T&A calendar page",
            f"/o/{SLUGS['big']}/tna/calendar/?month={timezone.localdate():%Y-%m}",
            org="big-owner",
            page=True,
            target="p99 < 300 ms alone",
        ),
        # the first screen (HTML): every panel an owner sees, over all of the big organisation's orders
        Endpoint("dashboard", f"/o/{SLUGS['big']}/", org="big-owner", page=True, target="p99 < 300 ms alone"),
        Endpoint(
            "order create (20 lines)",
            f"{base}orders/",
            method="POST",
            body=_line_payload(unit.pk, customer.pk, CREATE_PO, 20),
            bare=False,
            target="p50 < 50 ms",
        ),
    ]


def _tna_target(info: dict[str, Any]) -> Any:
    """The order whose T&A grid the benchmark reads: a planned one from the middle of the data set."""
    with tenant_context(info["big"]):
        orders = Plan.objects.filter(organization=info["big"]).order_by("created_at", "id")
        ids = list(orders.values_list("order_id", flat=True))
    assert ids, "the data set has no T&A plan"
    return ids[len(ids) // 2]


def _lc_target(info: dict[str, Any]) -> Any:
    """The LC the detail asks for: one from the middle of the data set, amended and drawn (its amendment, order
    links and utilisation all on the page)."""
    with tenant_context(info["big"]):
        amended = LetterOfCredit.objects.filter(organization=info["big"], revision__gte=1).order_by("created_at", "id")
        ids = list(amended.values_list("id", flat=True))
    assert ids, "the data set has no amended letter of credit"
    return ids[len(ids) // 2]


def _po_target(info: dict[str, Any]) -> dict[str, Any]:
    """The PO the detail asks for: the amended PO with the most lines that has goods received (its approval,
    amendment and receipts all on the page), from the middle of the data set among those."""
    with tenant_context(info["big"]):
        pos = PurchaseOrder.objects.filter(organization=info["big"], revision__gte=1).exclude(
            pk__in=PurchaseOrder.objects.filter(organization=info["big"], receipts__isnull=True).values("pk")
        )
        rows = list(pos.order_by("-line_count", "created_at", "id").values("id", "line_count")[:1])
    assert rows, "the data set has no amended purchase order with goods received"
    return {"id": rows[0]["id"], "lines": rows[0]["line_count"]}


def _shipment_targets(info: dict[str, Any]) -> dict[str, Any]:
    """What the shipment endpoints ask for: the detail of the sea shipment in transit with the most lines (with
    containers and an ETA revision: everything its page shows), and a container and a B/L of a departed sea shipment
    from the middle of the three years, as a clerk types them (the container with spaces, the B/L without)."""
    big = info["big"]
    with tenant_context(big):
        shipments = Shipment.objects.filter(organization=big, mode=Shipment.Mode.SEA)
        detail = (
            shipments.filter(status=states.IN_TRANSIT)
            .filter(pk__in=EtaRevision.objects.filter(organization=big).values("shipment_id"))
            .order_by("-line_count", "-created_at", "-id")
            .values("id", "line_count")
            .first()
        )
        departed = shipments.exclude(transport_document_key="").order_by("created_at", "id")
        middle = departed.values("id", "transport_document_number")[departed.count() // 2]
        container = (
            Container.objects.filter(shipment_id=middle["id"]).order_by("position").values_list("number", flat=True)[0]
        )
    assert detail is not None, "the data set has no sea shipment in transit with a revision"
    return {
        "id": detail["id"],
        "lines": detail["line_count"],
        "container": f"{container[:4]} {container[4:10]} {container[10]}",
        "document": middle["transport_document_number"],
    }


def _detail_order(info: dict[str, Any], unit_id: Any, customer_id: Any) -> Any:
    big, member = info["big"], info["members"][1]
    with tenant_context(big):
        existing = Order.objects.filter(organization=big, po_number=DETAIL_PO).first()
        if existing is not None:
            return existing.pk
    client = _client(member)
    response = client.post(
        f"/api/v1/o/{SLUGS['big']}/orders/", _line_payload(unit_id, customer_id, DETAIL_PO, 20), format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def created_remove(organization_id: Any) -> int:
    """Delete the orders the create benchmark inserted (with their styles, lines, line gates and totals), so every run
    measures the data set as generated instead of one grown by earlier runs. Their audit events stay: the audit
    trail is append-only. Returns how many orders went."""
    created = "SELECT id FROM sales_order WHERE organization_id = %(org)s AND po_number = %(po)s"
    steps = [
        "DELETE FROM approvals_linegate WHERE line_id IN (SELECT id FROM sales_line WHERE order_id IN ({created}))",
        "DELETE FROM sales_line WHERE order_id IN ({created})",
        "DELETE FROM sales_style WHERE order_id IN ({created})",
        # the orders' totals and what is kept with them (sales.totals, approvals.waiting, logistics.departures): no
        # trigger fires under the replica role, so they go by hand
        "DELETE FROM sales_openlinetotals WHERE order_id IN ({created})",
        "DELETE FROM sales_suppliertotals WHERE order_id IN ({created})",
        "DELETE FROM approvals_waitinggates WHERE order_id IN ({created})",
        "DELETE FROM logistics_linedepartures WHERE order_id IN ({created})",
        "DELETE FROM sales_ordertotals WHERE order_id IN ({created})",
    ]
    with superuser_conn() as conn:
        params = {"org": organization_id, "po": CREATE_PO}
        for step in steps:
            conn.execute(step.format(created=created), params)
        removed = conn.execute(
            "DELETE FROM sales_order WHERE organization_id = %(org)s AND po_number = %(po)s", params
        ).rowcount
        if removed:
            conn.execute(totals.REBUILD_STAGES_SQL)  # the open orders by stage, without them
        conn.commit()
        conn.autocommit = True
        if removed:
            conn.execute(
                "VACUUM ANALYZE sales_order, sales_style, sales_line, approvals_linegate, sales_ordertotals,"
                " sales_stagetotals"
            )
    return removed


def settle() -> None:
    """Start from a quiet database: the visibility map current (index-only scans as autovacuum keeps them) and no
    dirty pages left to write — after a generation or a migration of a million rows, the checkpointer would
    otherwise be writing them out during the first endpoints' measurements."""
    with superuser_conn() as conn:
        conn.commit()  # the connection's set-up opened a transaction
        conn.autocommit = True
        conn.execute("VACUUM (ANALYZE)")
        conn.execute("CHECKPOINT")


def _client(member: Any) -> APIClient:
    client = APIClient(HTTP_HOST="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_pair_issue(user=member.user)['access']}")
    return client


def _browser(member: Any) -> tuple[Client, str]:
    """A logged-in browser for a page, and its session cookie (the session is a row in the benchmark's database,
    signed with this process's secret key, which the servers are given too)."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(member.user)
    return client, f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _record(endpoint: Endpoint, member: Any, browser: Client | None = None) -> tuple[int, list[tuple[str, Any]]]:
    """Serve the endpoint once in-process: the statements it runs (SQL text and parameters, in order)."""
    statements: list[tuple[str, Any]] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, encode_params(params)))
        return execute(sql, params, many, context)

    client = browser if browser is not None else _client(member)
    with connection.execute_wrapper(wrapper):
        if endpoint.method == "GET":
            response = client.get(endpoint.path)
        else:
            response = client.post(endpoint.path, endpoint.body, format="json")
    assert response.status_code in (200, 201), (endpoint.path, response.status_code, response.content[:500])
    return len(statements), statements


WRK_LATENCY = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)|Socket errors:.*?timeout (\d+)")


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _credentials(token: str) -> tuple[str, str]:
    """The header that authenticates a request: a session cookie ("sessionid=…") or an access token."""
    session = f"{settings.SESSION_COOKIE_NAME}="
    return ("Cookie", token) if token.startswith(session) else ("Authorization", f"Bearer {token}")


def _wrk(
    url: str, *, token: str, seconds: int, concurrency: int, method: str = "GET", body: Any = None
) -> dict[str, Any]:
    """Drive ``url`` with wrk (2 threads, ``concurrency`` connections) for ``seconds``; ``token`` is an access token
    or, for a page, a session cookie."""
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
    lua_body = json.dumps(orjson.dumps(body).decode()) if body is not None else "nil"
    header, value = _credentials(token)
    script.write(
        f'wrk.method = "{method}"\n'
        f"wrk.body = {lua_body}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["{header}"] = "{value}"\n'
        'wrk.headers["X-Forwarded-Proto"] = "https"\n'
    )
    script.close()
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{min(2, concurrency)}",
                f"-c{concurrency}",
                f"-d{seconds}s",
                # wrk's default (2 s) counts a slower answer as a failure and leaves it out of the latencies: under
                # 8 connections a queue of dashboard requests passes it, and an answer is not an error
                "--timeout",
                "10s",
                "--latency",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(script.name)
    return wrk_parse(out)


def wrk_parse(out: str) -> dict[str, Any]:
    """Requests/s, p50 and p99 (ms) and the failed responses from ``wrk --latency``'s report."""
    latencies = {p: _ms(v, u) for p, v, u in WRK_LATENCY.findall(out)}
    errors = sum(int(a or b or 0) for a, b in WRK_ERRORS.findall(out))
    rps = WRK_RPS.search(out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": latencies.get("50", 0.0),
        "p99": latencies.get("99", 0.0),
        "errors": errors,
        "raw": out,
    }


def _database_urls() -> tuple[str, str]:
    """URLs of the embedded benchmark server for the app and owner roles (over its unix socket)."""
    from tradeloom.core.embedded_postgres import APP_ROLE, OWNER_ROLE, ensure_server

    db = connections["default"].settings_dict
    address = ensure_server(db["EMBEDDED"]["data_dir"], ephemeral=db["EMBEDDED"]["ephemeral"])
    url = "postgres://{role}@/{name}?host={host}&port={port}"
    return (
        url.format(role=APP_ROLE, name=db["NAME"], host=address.socket_dir, port=address.port),
        url.format(role=OWNER_ROLE, name=db["NAME"], host=address.socket_dir, port=address.port),
    )


def _serve(app: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """``app`` under gunicorn; the app itself with the deployment's settings (``config/gunicorn.py``)."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    settings_file = ["-c", "config/gunicorn.py"] if app.startswith("config.wsgi") else []
    process = subprocess.Popen(
        [
            gunicorn,
            app,
            *settings_file,
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=1)
            return process
        except OSError as exc:
            if getattr(exc, "code", None):  # an HTTP error still means it is up
                return process
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{app} did not start: {process.stderr.read().decode() if process.stderr else ''}")


def _check(url: str, token: str, method: str, body: Any) -> None:
    """One request before the load: a benchmark of error pages would measure nothing."""
    data = orjson.dumps(body) if body is not None else None
    header, value = _credentials(token)
    request = urllib.request.Request(  # noqa: S310 - loopback
        url,
        data=data,
        method=method,
        headers={header: value, "X-Forwarded-Proto": "https", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{method} {url} answered {error.code}: {error.read()[:500]!r}") from error


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def run(
    *, size: str, seconds: int, concurrency: int, seed: int = 42, only: list[str] | None = None
) -> tuple[list[Result], Path | None]:
    """Benchmark every endpoint (or those whose name contains one of ``only``: a quick look while profiling,
    written nowhere) and write the results."""
    info = generate(size=size, seed=seed)
    created_remove(info["big"].pk)
    settle()
    endpoints = _endpoints(info, size)
    if only:
        endpoints = [e for e in endpoints if any(word in e.name for word in only)]
        if not endpoints and not any(word in alerts_bench.NAME for word in only):
            raise ValueError(f"No endpoint matches {only}.")
    members = {"big": info["members"][1], "search": info["search_members"][1], "big-owner": info["members"][0]}
    plan: dict[str, Any] = {}
    counts: dict[str, int] = {}
    cookies: dict[str, str] = {}  # a page's session cookie, by endpoint
    for endpoint in endpoints:
        browser = None
        if endpoint.page:
            browser, cookies[endpoint.name] = _browser(members[endpoint.org])
        counts[endpoint.name], statements = _record(endpoint, members[endpoint.org], browser)
        if endpoint.bare:
            plan[endpoint.path] = statements
    app_url, owner_url = _database_urls()
    plan_file = Path(tempfile.mkdtemp()) / "plan.json"
    plan_file.write_bytes(orjson.dumps(plan))
    env: dict[str, str] = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        # the servers sign and check sessions (a page's cookie, made here) with this process's key
        "DJANGO_SECRET_KEY": str(settings.SECRET_KEY),
        # tokens are issued here, in this process: the servers check them with the same key
        "JWT_SIGNING_KEY": str(settings.SIMPLE_JWT["SIGNING_KEY"]),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": app_url,
        "DATABASE_OWNER_URL": owner_url,
        "DJANGO_LOG_LEVEL": "WARNING",
        # the rate limiter stays in the path (its cost is real) but does not refuse the load generator
        "THROTTLE_USER_RATE": "10000000/min",
        # one machine, no Redis: each worker counts its own rate limits (production refuses this without the flag)
        "TRADELOOM_PER_PROCESS_CACHE": "1",
        "BENCH_PLAN": str(plan_file),
        "BENCH_DATABASE_URL": app_url,
    }
    env.pop("DJANGO_DEBUG", None)
    app_port, bare_port = _free_port(), _free_port()
    app_server = _serve("config.wsgi:application", app_port, env)
    bare_server = _serve("tradeloom.bench.bare:app", bare_port, env)
    results: list[Result] = []
    try:
        for endpoint in endpoints:
            token = cookies.get(endpoint.name) or token_pair_issue(user=members[endpoint.org].user)["access"]
            url = f"http://127.0.0.1:{app_port}{endpoint.path}"
            drive: dict[str, Any] = {
                "token": token,
                "concurrency": concurrency,
                "method": endpoint.method,
                "body": endpoint.body,
            }
            _check(url, token, endpoint.method, endpoint.body)
            _wrk(url, seconds=2, **drive)
            if endpoint.bare:
                bare_url = f"http://127.0.0.1:{bare_port}{endpoint.path}"
                _check(bare_url, token, "GET", None)
                _wrk(bare_url, seconds=2, **{**drive, "method": "GET", "body": None})
                app_slices, bare_slices = _interleaved(url, bare_url, seconds=seconds, drive=drive)
            else:
                app_slices, bare_slices = [_wrk(url, seconds=seconds, **drive)], []
            measured = slices_combine(app_slices, bare_slices)
            result = Result(
                endpoint.name,
                endpoint.path.split("?")[0],
                counts[endpoint.name],
                measured["rps"],
                measured["p50"],
                measured["p99"],
                measured["errors"],
                bare_rps=measured["bare_rps"],
                bare_p50_ms=measured["bare_p50"],
                ratio=measured["ratio"],
                target=endpoint.target,
            )
            # one connection: the request's own latency. First 2 s unmeasured — or as long as a request waited
            # under load, plus 2 s (at most 15), for the slow reports — so that the requests the loaded phase left
            # queued in the workers (8 connections' worth: a second for the dashboard, several for a report of half
            # a second) are served before the measured ones, which would otherwise wait behind them
            drain = max(2, min(15, math.ceil(measured["p50"] / 1000) + 2))
            _wrk(url, seconds=drain, **{**drive, "concurrency": 1})
            single = _wrk(url, seconds=max(5, seconds // 2), **{**drive, "concurrency": 1})
            result.single_p50_ms, result.single_p99_ms = single["p50"], single["p99"]
            result.errors += single["errors"]
            result.verdict = _verdict(endpoint, result, counts)
            results.append(result)
    finally:
        _stop(app_server)
        _stop(bare_server)
        created_remove(info["big"].pk)
    if not only or any(word in alerts_bench.NAME for word in only):
        results.append(_alerts_pass(info))
    if only:
        return results, None
    return results, _write(results, size=size, seconds=seconds, concurrency=concurrency)


def _alerts_pass(info: dict[str, Any]) -> Result:
    """The alert evaluation pass, in-process with the servers stopped (``bench/alerts.py``): its row's p50 is a
    steady pass, its p99 the first one (everything fires), in ms; no req/s."""
    figures = alerts_bench.measure([info["big"], info["search"], info["small"]])
    first, steady = figures["first"]["seconds"] * 1000, figures["steady"]["seconds"] * 1000
    return Result(
        alerts_bench.NAME, "alerts.evaluate", figures["statements"], 0.0, steady, first, 0,
        single_p50_ms=steady, single_p99_ms=first, target=alerts_bench.TARGET,
        verdict="met" if figures["met"] else "MISSED", extra=figures,
    )  # fmt: skip


ROUNDS = 4


def _interleaved(
    url: str, bare_url: str, *, seconds: int, drive: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The app and the bare reference in alternating slices (app, bare, bare, app, app, bare …), ``seconds`` each
    in all: a machine whose speed drifts from one minute to the next slows both sides of a round alike."""
    slice_seconds = max(1, seconds // ROUNDS)
    bare_drive = {**drive, "method": "GET", "body": None}
    app_slices: list[dict[str, Any]] = []
    bare_slices: list[dict[str, Any]] = []
    for round_ in range(ROUNDS):
        order = ((url, drive, app_slices), (bare_url, bare_drive, bare_slices))
        for target, how, into in order if round_ % 2 == 0 else reversed(order):
            into.append(_wrk(target, seconds=slice_seconds, **how))
    return app_slices, bare_slices


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def slices_combine(app: list[dict[str, Any]], bare: list[dict[str, Any]]) -> dict[str, Any]:
    """One endpoint's figures from its slices: requests/s the mean, p50 the median of the slices', p99 the worst
    (a tail confined to one slice stays visible); the ratio to the bare reference is the median of each round's
    ratio (robust to one slice on a slow minute), so it need not equal the two means' quotient."""
    combined: dict[str, Any] = {
        "rps": round(sum(s["rps"] for s in app) / len(app), 2),
        "p50": round(_median([s["p50"] for s in app]), 2),
        "p99": round(max(s["p99"] for s in app), 2),
        "errors": sum(s["errors"] for s in app),
        "bare_rps": None,
        "bare_p50": None,
        "ratio": None,
    }
    if bare:
        combined["bare_rps"] = round(sum(s["rps"] for s in bare) / len(bare), 2)
        combined["bare_p50"] = round(_median([s["p50"] for s in bare]), 2)
        ratios = [a["rps"] / b["rps"] for a, b in zip(app, bare, strict=True) if b["rps"]]
        combined["ratio"] = round(_median(ratios), 3) if ratios else None
    return combined


FRAMEWORK_QUERIES = 2  # the token's user; the tenant (membership and row-level-security context, one function)


def _verdict(endpoint: Endpoint, result: Result, counts: dict[str, int]) -> str:
    checks: list[bool] = []
    if "≥ 40 %" in endpoint.target and result.ratio is not None:
        checks.append(result.ratio >= 0.40)
    if "≤ 5 queries" in endpoint.target:
        checks.append(result.queries - FRAMEWORK_QUERIES <= 5)
    if "same queries" in endpoint.target and "orders list" in counts:
        checks.append(result.queries == counts["orders list"])
    # latency targets are the request's own time: one connection, no queue behind the two workers
    if "p99 < 50 ms" in endpoint.target:
        checks.append(result.single_p99_ms < 50)
    if "p50 < 50 ms" in endpoint.target:
        checks.append(result.single_p50_ms < 50)
    if "p99 < 300 ms" in endpoint.target:
        checks.append(result.single_p99_ms < 300)
    if "p99 < 1 s" in endpoint.target:
        checks.append(result.single_p99_ms < 1000)
    if result.errors:
        checks.append(False)
    if not checks:
        return ""
    return "met" if all(checks) else "MISSED"


def markdown(results: list[Result], *, size: str, seconds: int, concurrency: int) -> str:
    lines = [
        f"Size `{size}`, {seconds} s per endpoint, {concurrency} connections, gunicorn 2 workers (production "
        "settings), wrk; bare = psycopg + orjson WSGI running the same SQL, measured in slices alternating with the "
        f"app's ({ROUNDS} rounds); app / bare is the median of the rounds' ratios (not req/s ÷ bare req/s), p99 the "
        "worst slice's.",
        "",
        "| Endpoint | req/s | p50 / p99 ms | alone: p50 / p99 ms | SQL / request | bare req/s | app / bare | target "
        "| |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        bare = f"{r.bare_rps:.0f}" if r.bare_rps else "n/a"
        ratio = f"{r.ratio:.0%}" if r.ratio is not None else "n/a"
        lines.append(
            f"| {r.name} | {r.rps:.0f} | {r.p50_ms:.1f} / {r.p99_ms:.1f} | {r.single_p50_ms:.1f} / "
            f"{r.single_p99_ms:.1f} | {r.queries} | {bare} | {ratio} | "
            f"{r.target} | {r.verdict} |"
        )
    lines.append("")
    lines.append(
        f"SQL / request includes the {FRAMEWORK_QUERIES} statements every API request runs (the token's user; the "
        "membership with the tenant context, one function); the rest is the endpoint's own work."
    )
    return "\n".join(lines) + "\n"


def _write(results: list[Result], *, size: str, seconds: int, concurrency: int) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y-%m-%d")
    data = {
        "date": timezone.now().isoformat(),
        "size": size,
        "seconds": seconds,
        "concurrency": concurrency,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "results": [asdict(r) for r in results],
    }
    path = RESULTS / f"{stamp}-{size}.json"
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    table = markdown(results, size=size, seconds=seconds, concurrency=concurrency)
    (RESULTS / f"{stamp}-{size}.md").write_text(table)
    if size == "full":
        readme_update(table, stamp)
    return path


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def readme_update(table: str, stamp: str) -> None:
    """Put the latest full-size table into the README, between its bench markers."""
    readme = ROOT / "README.md"
    text = readme.read_text()
    if README_START not in text or README_END not in text:
        return
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    body = f"\nLatest full-size run ({stamp}, `bench/results/{stamp}-full.json`):\n\n{table}"
    readme.write_text(f"{head}{README_START}{body}{README_END}{tail}")
