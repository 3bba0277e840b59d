"""The client's address behind nginx on gunicorn's unix socket: taken from X-Real-IP only when the request has no
peer address (a unix socket), never over TCP, and never when the header is not an address."""

from __future__ import annotations

from typing import Any

import pytest

from tradeloom.core.proxied import UnixSocketClientAddress


def seen_address(environ: dict[str, Any]) -> str:
    seen: dict[str, str] = {}

    def app(env: dict[str, Any], start_response: Any) -> list[bytes]:
        seen["addr"] = env.get("REMOTE_ADDR", "")
        return [b""]

    UnixSocketClientAddress(app)(environ, lambda *args: None)
    return seen["addr"]


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"REMOTE_ADDR": "", "HTTP_X_REAL_IP": "203.0.113.7"}, "203.0.113.7"),  # nginx over the unix socket
        ({"REMOTE_ADDR": "", "HTTP_X_REAL_IP": " 2001:db8::1 "}, "2001:db8::1"),
        ({"HTTP_X_REAL_IP": "203.0.113.7"}, "203.0.113.7"),
        ({"REMOTE_ADDR": "198.51.100.2", "HTTP_X_REAL_IP": "203.0.113.7"}, "198.51.100.2"),  # TCP: the peer wins
        ({"REMOTE_ADDR": "", "HTTP_X_REAL_IP": "203.0.113.7, 10.0.0.1"}, ""),  # not one address: ignored
        ({"REMOTE_ADDR": "", "HTTP_X_REAL_IP": "<script>"}, ""),
        ({"REMOTE_ADDR": ""}, ""),
    ],
)
def test_the_client_address_behind_a_unix_socket(environ, expected):
    assert seen_address(environ) == expected


def test_the_wsgi_application_is_wrapped():
    from config.wsgi import application

    assert isinstance(application, UnixSocketClientAddress)
