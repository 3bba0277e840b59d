"""The client's address behind nginx on gunicorn's unix socket.

A request that comes in over a unix socket has no peer address: gunicorn leaves ``REMOTE_ADDR`` empty, and the
failed-login limits, the rate limits, the audit records and fail2ban would all see one anonymous client. Only a
process on this machine allowed to open the socket (nginx, deploy/systemd/tradeloom-web.socket: mode 0660, group
www-data) can send such a request, so its ``X-Real-IP`` is trusted — gunicorn trusts forwarded headers from unix
sockets the same way. A request over TCP keeps its peer address whatever it claims.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class UnixSocketClientAddress:
    """WSGI middleware: ``REMOTE_ADDR`` from nginx's ``X-Real-IP`` when the request came over a unix socket."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("REMOTE_ADDR"):
            claimed = environ.get("HTTP_X_REAL_IP", "").strip()
            with contextlib.suppress(ValueError):
                environ["REMOTE_ADDR"] = str(ipaddress.ip_address(claimed))
        return self.app(environ, start_response)
