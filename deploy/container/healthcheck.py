"""The image's HEALTHCHECK: GET /health/ on gunicorn's socket (``GUNICORN_BIND=unix:…``) or ``host:port``, with a
host the app serves (the first of ``DJANGO_ALLOWED_HOSTS``). Exit 0 when it answers 200, else 1."""

from __future__ import annotations

import http.client
import os
import socket
import sys


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=4)
        self.unix_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(4)
        self.sock.connect(self.unix_path)


def main() -> int:
    bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
    host = (os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0].strip() or "localhost").lstrip(".")
    if bind.startswith("unix:"):
        connection: http.client.HTTPConnection = UnixConnection(bind.removeprefix("unix:"))
    else:
        address, _, port = bind.rpartition(":")
        connection = http.client.HTTPConnection(
            "127.0.0.1" if address in ("", "0.0.0.0") else address,  # noqa: S104 - the wildcard bind, not a bind
            int(port or 8000),
            timeout=4,
        )
    try:
        connection.request("GET", "/health/", headers={"Host": host})
        status = connection.getresponse().status
    except OSError as exc:
        sys.stderr.write(f"unhealthy: {exc}\n")
        return 1
    finally:
        connection.close()
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
