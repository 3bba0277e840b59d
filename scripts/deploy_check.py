"""The client half of ``make deploy-check`` (scripts/deploy-check.sh starts the servers and calls this).

Through nginx over HTTPS, as a user would: HTTP goes to HTTPS (the ACME challenge excepted), TLS 1.2/1.3 only, the
security headers, static files from nginx, media never directly; sign up, a refused and an accepted log-in (API and
browser form), an order with lines created and listed, an attachment uploaded and downloaded through nginx's
internal location (the app itself answered with ``X-Accel-Redirect`` and no bytes: asked straight on its socket),
an export job run by a Celery worker to completion, ``/metrics`` from the loopback, and ``/health/ready/`` with
every check ok; both gunicorn instances served requests. Exits non-zero at the first failed expectation.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import secrets
import socket
import ssl
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from fpdf import FPDF

# the order of the checks and what each took, printed at the end
RESULTS: list[tuple[str, float]] = []


class CheckFailed(AssertionError):
    pass


def expect(condition: object, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def say(line: str, *, error: bool = False) -> None:
    stream = sys.stderr if error else sys.stdout
    stream.write(line + "\n")
    stream.flush()


def check(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def wrap(function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            start = time.monotonic()
            result = function(*args, **kwargs)
            elapsed = time.monotonic() - start
            RESULTS.append((name, elapsed))
            say(f"  ok  {name} ({elapsed:.2f}s)")
            return result

        return run

    return wrap


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP to gunicorn's unix socket, as nginx talks to it."""

    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=30)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(self.path)


def socket_get(path: str, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    connection = UnixHTTPConnection(path)
    try:
        connection.request("GET", url, headers={"Host": "localhost", **headers})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


class Checker:
    def __init__(self, args: argparse.Namespace) -> None:
        self.base = args.base.rstrip("/")
        self.http = args.http.rstrip("/")
        self.cacert = args.cacert
        self.sockets = args.sockets
        self.media_root = Path(args.media_root)
        self.logs = Path(args.logs)
        self.session = requests.Session()
        self.session.verify = self.cacert
        self.session.trust_env = False  # loopback only, never a proxy from the environment
        self.email = f"deploy-check-{secrets.token_hex(4)}@example.com"
        self.password = secrets.token_urlsafe(16)
        self.token = ""
        self.slug = ""

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.session.request(method, f"{self.base}{path}", headers=headers, timeout=30, **kwargs)

    # --- nginx: transport, redirects, headers, static and media ------------------------------------------------------
    @check("http redirects to https; the ACME challenge is served over http")
    def http_to_https(self, acme_token: str, acme_body: str) -> None:
        response = requests.get(f"{self.http}/orders/?x=1", allow_redirects=False, timeout=10)
        expect(response.status_code == 301, f"http: {response.status_code}")
        location = response.headers.get("Location", "")
        expect(location == f"{self.base}/orders/?x=1", f"redirect to {location}")
        challenge = requests.get(f"{self.http}/.well-known/acme-challenge/{acme_token}", timeout=10)
        expect(challenge.status_code == 200 and challenge.text == acme_body, f"acme: {challenge.status_code}")

    @check("TLS 1.3 by default, TLS 1.2 with an ECDHE AEAD cipher, nothing older")
    def tls(self) -> None:
        host, port = urlsplit(self.base).hostname or "localhost", urlsplit(self.base).port or 443

        def handshake(maximum: ssl.TLSVersion, minimum: ssl.TLSVersion) -> tuple[str | None, str]:
            context = ssl.create_default_context(cafile=self.cacert)
            context.minimum_version, context.maximum_version = minimum, maximum
            with (
                socket.create_connection((host, port), timeout=10) as raw,
                context.wrap_socket(raw, server_hostname=host) as tls,
            ):
                cipher = tls.cipher()
                return tls.version(), cipher[0] if cipher else ""

        version, _ = handshake(ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2)
        expect(version == "TLSv1.3", f"negotiated {version}")
        version, cipher = handshake(ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_2)
        expect(version == "TLSv1.2" and cipher.startswith("ECDHE-") and ("GCM" in cipher or "CHACHA" in cipher), cipher)

    @check("security headers: HSTS once, the app's CSP, nosniff, frame and referrer policies")
    def headers(self) -> None:
        response = self.session.get(f"{self.base}/login/", timeout=10)
        expect(response.status_code == 200, f"/login/: {response.status_code}")
        raw = response.raw.headers
        hsts = raw.getlist("Strict-Transport-Security")
        expect(len(hsts) == 1 and "max-age=31536000" in hsts[0], f"HSTS: {hsts}")
        expect("default-src 'self'" in response.headers.get("Content-Security-Policy", ""), "CSP")
        expect(response.headers.get("X-Content-Type-Options") == "nosniff", "nosniff")
        expect(response.headers.get("X-Frame-Options") == "DENY", "X-Frame-Options")
        expect(response.headers.get("Referrer-Policy") == "same-origin", "Referrer-Policy")
        expect("X-Request-ID" in response.headers, "X-Request-ID")
        expect(response.headers.get("Server") == "nginx", f"server_tokens: {response.headers.get('Server')}")

    @check("static files from nginx (gzip), media and the internal location never directly")
    def static_and_media(self) -> None:
        response = self.session.get(f"{self.base}/static/admin/css/base.css", headers={"Accept-Encoding": "gzip"})
        expect(response.status_code == 200, f"static: {response.status_code}")
        expect(response.headers.get("Content-Encoding") == "gzip", "static gzip")
        expect("X-Request-ID" not in response.headers, "a static file went to the app")
        expect("Strict-Transport-Security" in response.headers, "HSTS on static")
        for path in ("/media/attachments/x.pdf", "/_protected_media/attachments/x.pdf"):
            refused = self.session.get(f"{self.base}{path}", timeout=10)
            expect(refused.status_code == 404, f"{path}: {refused.status_code}")

    @check("/metrics from the loopback: Prometheus text")
    def metrics(self) -> None:
        response = self.session.get(f"{self.base}/metrics", timeout=10)
        expect(response.status_code == 200, f"/metrics: {response.status_code}")
        expect("# TYPE" in response.text, "not Prometheus text")

    # --- the app through nginx -------------------------------------------------------------------------------------
    @check("sign up; a wrong password is refused (logged for fail2ban); log in with the API and the web form")
    def log_in(self) -> None:
        created = self.api(
            "POST",
            "/api/v1/auth/register/",
            json={
                "email": self.email,
                "password": self.password,
                "full_name": "Deploy Check",
                "organization_name": "Deploy Check Trading",
            },
        )
        expect(created.status_code == 201, f"register: {created.status_code} {created.text[:300]}")
        self.slug = created.json()["membership"]["organization"]["slug"]
        for _ in range(2):
            wrong = self.api("POST", "/api/v1/auth/token/", json={"email": self.email, "password": "wrong-password"})
            expect(wrong.status_code == 401, f"wrong password: {wrong.status_code}")
        tokens = self.api("POST", "/api/v1/auth/token/", json={"email": self.email, "password": self.password})
        expect(tokens.status_code == 200, f"token: {tokens.status_code} {tokens.text[:300]}")
        self.token = tokens.json()["access"]
        me = self.api("GET", "/api/v1/me/")
        expect(me.status_code == 200 and me.json()["email"] == self.email, f"me: {me.status_code}")

        browser = requests.Session()
        browser.verify, browser.trust_env = self.cacert, False
        page = browser.get(f"{self.base}/login/", timeout=10)
        csrf = browser.cookies.get("csrftoken")
        expect(csrf, "no CSRF cookie")
        expect(any(c.name == "csrftoken" and c.secure for c in browser.cookies), "CSRF cookie not Secure")
        done = browser.post(
            f"{self.base}/login/",
            data={"csrfmiddlewaretoken": csrf, "username": self.email, "password": self.password},
            headers={"Referer": page.url},
            allow_redirects=False,
            timeout=30,
        )
        expect(done.status_code == 302, f"web log-in: {done.status_code} {done.text[:200]}")
        session = [c for c in browser.cookies if c.name == "sessionid"]
        expect(session and session[0].secure and session[0].has_nonstandard_attr("HttpOnly"), "session cookie")

    def org(self, path: str) -> str:
        return f"/api/v1/o/{self.slug}/{path}"

    @check("an order with lines created through the API and found in the list")
    def order(self) -> dict[str, Any]:
        units = self.api("GET", self.org("units/")).json()["results"]
        if units:
            unit = units[0]["id"]
        else:
            made = self.api("POST", self.org("units/"), json={"code": "pcs", "name": "Pieces", "factor": "1"})
            expect(made.status_code == 201, f"unit: {made.status_code} {made.text[:300]}")
            unit = made.json()["id"]
        customer = self.api("POST", self.org("customers/"), json={"legal_name": "Nordic Apparel AB"})
        expect(customer.status_code == 201, f"customer: {customer.status_code} {customer.text[:300]}")
        payload = {
            "po_number": "PO-DEPLOY-1",
            "customer": customer.json()["id"],
            "currency": "USD",
            "order_date": "2026-12-01",
            "styles": [
                {
                    "style_number": "TEE",
                    "lines": [
                        {"colour_code": "NAVY", "quantity": "1000", "unit": unit, "selling_price": "4.25"},
                        {"colour_code": "WHITE", "quantity": "500", "unit": unit, "selling_price": "4.00"},
                    ],
                }
            ],
        }
        created = self.api("POST", self.org("orders/"), json=payload, headers={"Idempotency-Key": secrets.token_hex(8)})
        expect(created.status_code == 201, f"order: {created.status_code} {created.text[:400]}")
        order = created.json()
        expect([line["colour_code"] for line in order["lines"]] == ["NAVY", "WHITE"], "lines")
        listed = self.api("GET", self.org("orders/"), params={"limit": 50})
        expect(listed.status_code == 200, f"list: {listed.status_code}")
        expect(order["id"] in [row["id"] for row in listed.json()["results"]], "the order is not in the list")
        return order

    @check("an attachment uploaded, then downloaded through nginx's internal location (X-Accel-Redirect)")
    def attachment(self, order: dict[str, Any]) -> None:
        pdf = FPDF()
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        pdf.cell(text=f"Tech pack {secrets.token_hex(8)}")
        data = bytes(pdf.output())
        uploaded = self.api(
            "POST",
            self.org("attachments/"),
            data={"target_type": "sales.order", "target_id": order["id"]},
            files={"file": ("Tech pack.pdf", data, "application/pdf")},
        )
        expect(uploaded.status_code == 201, f"upload: {uploaded.status_code} {uploaded.text[:300]}")
        body = uploaded.json()
        expect(body["sha256"] == hashlib.sha256(data).hexdigest(), "sha256")
        download_path = urlsplit(body["download_url"]).path

        # the app, asked on its own socket as nginx asks it: headers and the internal address, no bytes
        status, headers, content = socket_get(
            self.sockets[0],
            download_path,
            {"Authorization": f"Bearer {self.token}", "X-Forwarded-Proto": "https", "X-Real-IP": "127.0.0.1"},
        )
        expect(status == 200, f"app download: {status} {content[:200]!r}")
        accel = headers.get("x-accel-redirect", "")
        expect(accel.startswith("/_protected_media/attachments/"), f"X-Accel-Redirect: {accel!r}")
        expect(content == b"", "the app sent the bytes itself")
        on_disk = self.media_root / accel.removeprefix("/_protected_media/")
        expect(on_disk.read_bytes() == data, f"{on_disk} holds other bytes")

        # through nginx: the bytes, with the app's type and disposition and the internal location's headers
        response = self.api("GET", download_path)
        expect(response.status_code == 200, f"download: {response.status_code}")
        expect(response.content == data, "the downloaded bytes differ from the upload")
        expect(response.headers["Content-Type"] == "application/pdf", response.headers["Content-Type"])
        expect(response.headers["Content-Disposition"].startswith("attachment;"), "Content-Disposition")
        expect(response.headers.get("X-Content-Type-Options") == "nosniff", "nosniff")
        expect(response.headers.get("Content-Security-Policy") == "sandbox; default-src 'none'", "sandbox CSP")
        cache_control = response.headers.get("Cache-Control", "")
        expect(cache_control == "private, no-store", f"Cache-Control: {cache_control}")
        expect("X-Accel-Redirect" not in response.headers, "nginx leaked X-Accel-Redirect")
        expect(response.headers.get("Content-Length") == str(len(data)), "nginx's Content-Length")
        # without a login the app refuses before nginx sends anything
        anonymous = requests.get(f"{self.base}{download_path}", verify=self.cacert, timeout=10)
        expect(anonymous.status_code == 401 and anonymous.content != data, f"anonymous: {anonymous.status_code}")

    @check("a background job (the orders export) run by a Celery worker to completion")
    def export_job(self, order: dict[str, Any]) -> None:
        started = self.api("POST", self.org("exports/orders/"), json={"format": "csv", "filters": {}})
        expect(started.status_code == 202, f"export: {started.status_code} {started.text[:300]}")
        job = started.json()
        deadline = time.monotonic() + 90
        while job["status"] not in ("succeeded", "failed") and time.monotonic() < deadline:
            time.sleep(0.5)
            polled = self.api("GET", self.org(f"exports/jobs/{job['id']}/"))
            expect(polled.status_code == 200, f"job: {polled.status_code}")
            job = polled.json()
        expect(job["status"] == "succeeded", f"job ended {job['status']}: {json.dumps(job)[:300]}")
        download = self.api("GET", urlsplit(job["download"]).path)
        expect(download.status_code == 200, f"job file: {download.status_code}")
        expect(order["number"] in download.content.decode("utf-8-sig"), "the order is not in the export")

    @check("/health/ready/: database, cache, broker, worker and storage ok")
    def readiness(self) -> None:
        response = self.session.get(f"{self.base}/health/ready/", timeout=10)
        body = response.json()
        expect(response.status_code == 200 and body["status"] == "ok", json.dumps(body))
        checks = body["checks"]
        expect(set(checks) >= {"database", "cache", "broker", "worker", "storage"}, f"checks: {sorted(checks)}")
        bad = {name: c for name, c in checks.items() if c.get("status") != "ok"}
        expect(not bad, f"failing: {bad}")
        latencies = ", ".join(f"{name} {c.get('latency_ms', '-')} ms" for name, c in checks.items())
        say(f"      {latencies}")

    @check("both gunicorn instances served requests behind nginx's upstream")
    def both_instances(self) -> None:
        for _ in range(10):
            self.session.get(f"{self.base}/health/", timeout=10)
        counts = {}
        for name in ("web1", "web2"):
            text = (self.logs / f"{name}.log").read_text(errors="replace")
            counts[name] = text.count('"GET /health/ HTTP/1.1" 200')
        expect(all(counts.values()), f"requests per instance: {counts}")
        say(f"      /health/ requests per instance: {counts}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="https://host:port through nginx")
    parser.add_argument("--http", required=True, help="http://host:port of nginx's plain listener")
    parser.add_argument("--cacert", required=True)
    parser.add_argument("--sockets", nargs="+", required=True, help="gunicorn's unix sockets")
    parser.add_argument("--media-root", required=True)
    parser.add_argument("--logs", required=True)
    parser.add_argument("--acme-token", default="deploy-check-token")
    parser.add_argument("--acme-body", default="deploy-check")
    args = parser.parse_args()
    checker = Checker(args)
    try:
        checker.http_to_https(args.acme_token, args.acme_body)
        checker.tls()
        checker.headers()
        checker.static_and_media()
        checker.metrics()
        checker.log_in()
        order = checker.order()
        checker.attachment(order)
        checker.export_job(order)
        checker.readiness()
        checker.both_instances()
    except (CheckFailed, requests.RequestException, OSError, KeyError, ValueError) as exc:
        say(f"  FAILED after {len(RESULTS)} checks: {type(exc).__name__}: {exc}", error=True)
        return 1
    say(f"  {len(RESULTS)} checks passed in {sum(t for _, t in RESULTS):.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
