"""A real HTTP receiver on 127.0.0.1 (a thread, port 0) for the delivery tests, with private addresses allowed."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.core.outbox import outbox_relay_start_afresh
from tradeloom.tenancy.roles import Role
from tradeloom.webhooks.tests.factories import EndpointFactory


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    # what the next requests are answered with (status, body); then ``default``
    answers: list[tuple[int, bytes]] = field(default_factory=list)
    default: tuple[int, bytes] = (200, b'{"ok": true}')
    delay: float = 0.0

    def answer(self, *answers: tuple[int, bytes]) -> None:
        self.answers.extend(answers)


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            rec = state["receiver"]
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            rec.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            if rec.delay:
                threading.Event().wait(rec.delay)
            status, reply = rec.answers.pop(0) if rec.answers else rec.default
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["receiver"] = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks?src=tradeloom")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["receiver"]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def admin(member: Any) -> Any:
    return member(Role.ADMIN)


@pytest.fixture
def endpoint(org: Any, receiver: Receiver) -> Any:
    return EndpointFactory(
        organization=org,
        url=receiver.url,
        event_types=[
            "sales_order.created",
            "sales_order.stage_changed",
            "sales_line.status_changed",
            "customer.created",
        ],
    )


def reload(org: Any, instance: Any) -> Any:
    with tenant_context(org):
        return type(instance).objects.get(pk=instance.pk)


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], AbstractContextManager[Any]]:
    """``with committed():`` — run what the block queues for after commit, as a commit would. A test's transaction
    never commits, so the callbacks of an earlier block stay in the connection's list, and the outbox
    would add this block's entries to that spent relay: start afresh (``core.outbox.outbox_relay_start_afresh``)."""

    @contextmanager
    def run() -> Iterator[Any]:
        outbox_relay_start_afresh()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return run
