"""How the benchmark data set is written: increasing ids, COPY streams into a model's table, and the superuser
connection they run on (``session_replication_role = replica``: no per-row foreign-key or totals triggers)."""

from __future__ import annotations

import random
import uuid
from contextlib import ExitStack
from typing import Any

from django.db import connections, models
from django.utils import timezone


class Ids:
    """Deterministic, increasing UUIDs (a counter in the high bits, like UUIDv7's time prefix): inserts land at
    the right edge of every index instead of splitting pages all over it, which makes COPY several times faster."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.counter = rng.getrandbits(16) << 30

    def __call__(self) -> uuid.UUID:
        self.counter += 1  # the top 48 bits; version and variant bits fall in the random low 80
        return uuid.UUID(int=(self.counter << 80) | self.rng.getrandbits(80), version=4)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


class Copy:
    """A COPY stream into one model's table; rows are dicts of attname → value, the rest takes the field's
    default (or NULL)."""

    def __init__(self, stack: ExitStack, conn: Any, model: type[models.Model]) -> None:
        self.fields = _columns(model)
        now = timezone.now()
        self.defaults: list[Any] = []
        for f in self.fields:
            if f.attname in ("created_at", "updated_at"):
                self.defaults.append(now)
            elif f.has_default() and callable(f.default) and f.default is not list:
                self.defaults.append(None)  # ids and the like: the rows give them
            else:
                self.defaults.append(f.get_default())  # the declared default, "" for text, else NULL
        self.names = [f.attname for f in self.fields]
        cols = ", ".join(f'"{f.column}"' for f in self.fields)
        cursor = stack.enter_context(conn.cursor())
        self.copy = stack.enter_context(cursor.copy(f'COPY "{model._meta.db_table}" ({cols}) FROM STDIN'))
        self.count = 0

    def write(self, row: dict[str, Any]) -> None:
        self.copy.write_row([row.get(n, d) if n in row else d for n, d in zip(self.names, self.defaults, strict=True)])
        self.count += 1


def superuser_conn() -> Any:
    """A superuser connection to the benchmark database (COPY without per-row FK triggers)."""
    import psycopg

    from tradeloom.core.embedded_postgres import SUPERUSER, ensure_server

    settings = connections["owner"].settings_dict
    embedded = settings.get("EMBEDDED")
    if not embedded:
        raise RuntimeError("The benchmark data set is generated on the embedded server (leave DATABASE_URL unset).")
    address = ensure_server(embedded["data_dir"], ephemeral=embedded["ephemeral"])
    conn = psycopg.connect(
        host=address.socket_dir, port=address.port, user=SUPERUSER, dbname=settings["NAME"], autocommit=False
    )
    conn.execute("SET session_replication_role = replica")
    conn.execute("SET synchronous_commit = off")
    return conn
