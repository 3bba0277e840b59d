"""The bare reference: a minimal WSGI handler (psycopg + orjson, no framework) that runs the same SQL the app runs
for an endpoint, in one transaction on the same role, and returns the rows as JSON.

The statements come from a plan file (``BENCH_PLAN``) the benchmark records by serving each endpoint once through
Django with an execute wrapper: the exact SQL text and parameters, including authentication, membership and
tenant-context statements. So the throughput ratio app / bare is what the framework (routing, middleware, DRF,
serializers) costs on top of the database work, measured in the same run on the same machine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from ipaddress import IPv4Address, IPv6Address
from typing import Any
from uuid import UUID

import orjson
import psycopg
from psycopg.types import numeric

_TYPES: dict[str, Callable[[Any], Any]] = {
    "int2": numeric.Int2,
    "int4": numeric.Int4,
    "int8": numeric.Int8,
    "float8": numeric.Float8,
    "uuid": UUID,
    "date": date.fromisoformat,
    "datetime": datetime.fromisoformat,
    "decimal": Decimal,
}


def encode_param(value: Any) -> Any:
    """A parameter as plan JSON, keeping its type (psycopg adapts it exactly as it did for Django)."""
    for name, kind in (("int2", numeric.Int2), ("int4", numeric.Int4), ("int8", numeric.Int8)):
        if type(value) is kind:
            return {name: int(value)}
    if type(value) is numeric.Float8:
        return {"float8": float(value)}
    if isinstance(value, UUID):
        return {"uuid": str(value)}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, list | tuple):
        return [encode_param(v) for v in value]
    return value


def encode_params(params: Any) -> Any:
    """A statement's parameters as plan JSON: a list, or a mapping for ``%(name)s`` placeholders."""
    if params is None:
        return None
    if isinstance(params, dict):
        return {"named": {key: encode_param(value) for key, value in params.items()}}
    return [encode_param(p) for p in params]


def decode_params(params: Any) -> Any:
    if params is None:
        return None
    if isinstance(params, dict):
        return {key: decode_param(value) for key, value in params["named"].items()}
    return [decode_param(p) for p in params]


def decode_param(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((kind, raw),) = value.items()
        return _TYPES[kind](raw)
    if isinstance(value, list):
        return [decode_param(v) for v in value]
    return value


def _load_plan() -> dict[str, list[tuple[str, Any]]]:
    with open(os.environ["BENCH_PLAN"], "rb") as handle:
        raw = orjson.loads(handle.read())
    return {path: [(sql, decode_params(params)) for sql, params in steps] for path, steps in raw.items()}


_plan: dict[str, list[tuple[str, Any]]] | None = None
_conn: psycopg.Connection[Any] | None = None


def _connection() -> psycopg.Connection[Any]:
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg.connect(os.environ["BENCH_DATABASE_URL"], autocommit=False)
    return _conn


def _default(value: Any) -> Any:
    if isinstance(value, Decimal | IPv4Address | IPv6Address):  # an audit event's address (the dashboard's activity)
        return str(value)
    raise TypeError


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    global _plan
    if _plan is None:
        _plan = _load_plan()
    path = environ.get("PATH_INFO", "")
    if environ.get("QUERY_STRING"):
        path = f"{path}?{environ['QUERY_STRING']}"
    steps = _plan.get(path)
    if steps is None:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"detail":"not in the plan"}']
    conn = _connection()
    body: dict[str, Any] = {}
    with conn.transaction(), conn.cursor() as cursor, psycopg.ClientCursor(conn) as several:
        for n, (sql, params) in enumerate(steps):
            # several statements in one call (a report's ``SET LOCAL work_mem``; statement; reset) travel as the app
            # sends them, bound on the client: a server-bound statement is one statement
            current = several if ";\n" in sql else cursor
            current.execute(sql, params) if params is not None else current.execute(sql)
            while current.description is None and current.nextset():
                pass
            if current.description is not None and not sql.lstrip().upper().startswith("SELECT SET_CONFIG"):
                names = [c.name for c in current.description]
                body[f"q{n}"] = [dict(zip(names, row, strict=True)) for row in current.fetchall()]
    payload = orjson.dumps(body, default=_default)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]
