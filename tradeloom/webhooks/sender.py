"""One webhook request, signed as Standard Webhooks says, through the SSRF guard, with the standard library's HTTP
client (no dependency: ``http.client`` with the connection pinned to the checked address).

* Signature: ``webhook-signature: v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">``, keyed with
  the base64-decoded part of the ``whsec_`` secret; one ``v1,…`` per secret, space-separated, while a rotated secret
  still signs. The timestamp is the attempt's (receivers refuse ones more than about five minutes off); the id is the
  message's, the same on every attempt.
* Limits: 5 s to connect (TLS included), 15 s for the whole request; redirects are not followed (a 3xx is a failure);
  only the first 2 KB of the answer are read and kept.
* Success is a 2xx answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tradeloom.webhooks import guard

CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 15.0
EXCERPT_BYTES = 2048
USER_AGENT = "Tradeloom-Webhooks/1.0"


def signature(*, secrets: list[str], webhook_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header: ``v1,<base64>`` for each secret, space-separated."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    parts = []
    for secret in secrets:
        key = base64.b64decode(secret.removeprefix("whsec_"))
        digest = hmac.new(key, signed, hashlib.sha256).digest()
        parts.append("v1," + base64.b64encode(digest).decode())
    return " ".join(parts)


@dataclass
class Outcome:
    """What one attempt did: what it sent and what came back (or why nothing did)."""

    url: str
    request_headers: dict[str, str]
    address: str = ""
    status_code: int | None = None
    response_body: str = ""
    duration_ms: int | None = None
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _Pinned:
    """Connect to the checked address, not to whatever the name resolves to now."""

    resolved: guard.Resolved

    def connect(self) -> None:
        conn: Any = self
        sock = socket.socket(self.resolved.family, socket.SOCK_STREAM)
        sock.settimeout(CONNECT_TIMEOUT)
        try:
            sock.connect(self.resolved.sockaddr)
            if isinstance(self, http.client.HTTPSConnection):
                sock = conn._context.wrap_socket(sock, server_hostname=conn.host)
        except BaseException:
            sock.close()
            raise
        conn.sock = sock


class _PinnedHTTP(_Pinned, http.client.HTTPConnection):
    pass


class _PinnedHTTPS(_Pinned, http.client.HTTPSConnection):
    pass


def _describe(error: BaseException) -> str:
    if isinstance(error, socket.timeout | TimeoutError):
        return "Timed out."
    if isinstance(error, ConnectionRefusedError):
        return "Connection refused."
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate not accepted: {error.verify_message}."
    if isinstance(error, ssl.SSLError):
        return f"TLS error: {error.reason or error}."
    if isinstance(error, http.client.HTTPException):
        return f"Not an HTTP answer ({type(error).__name__})."
    return f"{type(error).__name__}: {error}"[:300]


def send(*, url: str, webhook_id: str, body: bytes, secrets: list[str], timestamp: int | None = None) -> Outcome:
    """POST ``body`` to ``url`` signed with ``secrets``; never raises for what the network or the receiver does."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secrets=secrets, webhook_id=webhook_id, timestamp=timestamp, body=body),
    }
    outcome = Outcome(url=url, request_headers=dict(headers))
    started = time.monotonic()
    try:
        if parts.scheme not in ("http", "https") or not host:
            raise guard.AddressRefused(f"{url} is not an http(s) address.")
        resolved = guard.resolve(host, port)
    except guard.AddressRefused as refused:
        outcome.error = f"Refused: {refused}"[:300]
        return outcome
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    last_error: BaseException | None = None
    for candidate in resolved:  # the checked addresses, in the resolver's order, until one connects
        conn: Any = (
            _PinnedHTTPS(host, port, context=ssl.create_default_context())
            if parts.scheme == "https"
            else _PinnedHTTP(host, port)
        )
        conn.resolved = candidate
        outcome.address = candidate.address
        try:
            conn.connect()
        except OSError as error:
            last_error = error
            conn.close()
            continue
        timer = threading.Timer(max(0.1, TOTAL_TIMEOUT - (time.monotonic() - started)), _abort, args=(conn,))
        try:
            conn.sock.settimeout(max(0.1, TOTAL_TIMEOUT - (time.monotonic() - started)))
            timer.start()
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            outcome.status_code = response.status
            outcome.response_body = response.read(EXCERPT_BYTES).decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException) as error:
            outcome.error = "Timed out." if time.monotonic() - started >= TOTAL_TIMEOUT else _describe(error)
        finally:
            timer.cancel()
            conn.close()
            outcome.duration_ms = int((time.monotonic() - started) * 1000)
        return outcome
    outcome.error = _describe(last_error) if last_error else "Could not connect."
    outcome.duration_ms = int((time.monotonic() - started) * 1000)
    return outcome


def _abort(conn: Any) -> None:
    """The whole request took too long: cut the connection (a blocked read then fails at once)."""
    sock = getattr(conn, "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            return
