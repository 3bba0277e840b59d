"""Browser tests: Playwright driving Debian's Chromium against a real server process.

The server runs `manage.py runserver` with config.settings.e2e on a throw-away database created on the test
suite's PostgreSQL, so requests commit for real (no test transaction) and nothing needs flushing. Screenshots of
every main page, at 1280 and 390 px wide, are written to test-artifacts/screenshots/.

Without Chromium the tests are skipped with a message, except under CI (CI=true), where that is a failure:
.ci/run installs Chromium with apt when it is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if chromium_path():
        return
    if os.environ.get("CI"):
        return  # the browser fixture fails loudly instead
    skip = pytest.mark.skip(reason="Chromium not found (apt-get install chromium); browser tests skipped")
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_urls(database: str, params: dict[str, Any]) -> dict[str, str]:
    host, port = params["host"], params.get("port", 5432)

    def url(user: str) -> str:
        return f"postgres://{user}@/{database}?host={host}&port={port}"

    return {"DATABASE_URL": url("tradeloom_app"), "DATABASE_OWNER_URL": url("tradeloom_owner")}


@pytest.fixture(scope="session")
def live_server_url(django_db_blocker: Any) -> Iterator[str]:
    from django.db import connections

    with django_db_blocker.unblock():
        params = connections["owner"].get_connection_params()
    database = f"tradeloom_e2e_{uuid.uuid4().hex[:8]}"
    admin = {k: params[k] for k in ("host", "port", "user") if k in params}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    env = {
        **os.environ,
        **_database_urls(database, params),
        "DJANGO_SETTINGS_MODULE": "config.settings.e2e",
        "PYTHONUNBUFFERED": "1",
    }
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    log = open(ROOT / "test-artifacts" / "e2e-server.log", "w")  # noqa: SIM115 - closed at teardown
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=log,
        stderr=subprocess.STDOUT,
        timeout=300,
    )
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/health/", timeout=2):  # noqa: S310 - our own loopback server
                break
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the e2e server did not start; see test-artifacts/e2e-server.log") from None
            time.sleep(0.3)
    yield base
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()
    _drop_database(database, admin)


def _drop_database(database: str, admin: dict[Any, Any]) -> None:
    """Drop the server's database once its last connection is gone. The owner role may not end the app role's
    sessions (``WITH (FORCE)`` is refused), and on a busy machine a closed session's backend can outlive the
    server process by a moment: wait for it."""
    drop = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(database))
    deadline = time.time() + 30
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        while True:
            try:
                conn.execute(drop)
                return
            except psycopg.errors.ObjectInUse:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        pytest.fail("Chromium is required for the browser tests under CI (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Session:
    """One person's browser: a page plus helpers to log in and take screenshots at both widths."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def goto(self, path: str) -> Any:
        return self.page.goto(path)

    def sign_up(self, *, name: str, email: str, organisation: str, password: str = "e2e-long-password") -> None:
        page = self.page
        page.goto("/signup/")
        page.get_by_label("Your name").fill(name)
        page.get_by_label("Work e-mail").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_label("Company name").fill(organisation)
        page.get_by_role("button", name="Create organisation").click()
        page.wait_for_url("**/o/*/")

    def sign_up_merchandiser(self) -> str:
        """A new organisation with its owner logged in; returns the organisation's slug."""
        self.sign_up(name="Mira Merch", email=f"{unique('merch')}@example.com", organisation=unique("Buying House"))
        return str(self.page.url.rstrip("/").rsplit("/", 1)[-1])

    def create_partner(self, slug: str, kind: str, legal_name: str) -> None:
        """A customer or (``kind="mill"``) supplier through its form."""
        self.page.goto(f"/o/{slug}/{'customers' if kind == 'customer' else 'suppliers'}/new/")
        if kind != "customer":
            self.page.get_by_label("Kind").select_option(kind)
        self.page.get_by_label("Legal name").fill(legal_name)
        self.page.get_by_role("button", name="Save").click()

    def create_two_line_order(self, slug: str, po_number: str) -> tuple[str, str]:
        """An order for Bayside Apparel (created first) with two priced lines through its form: NAVY 1,000 m x 4.25 =
        4,250.00 and WHITE 500 m x 2.00 = 1,000.00. Returns the order's number and its page's URL."""
        from playwright.sync_api import expect

        page = self.page
        self.goto(f"/o/{slug}/orders/new/")
        page.locator("[name=po_number]").fill(po_number)
        page.locator("[name=customer]").select_option(label="Bayside Apparel · BAYSIDEA")
        page.locator("[name=s0-l0-colour_code]").fill("NAVY")
        page.locator("[name=s0-l0-quantity]").fill("1000")
        page.locator("[name=s0-l0-unit]").select_option(label="m")
        page.locator("[name=s0-l0-selling_price]").fill("4.25")
        page.get_by_role("button", name="Add line").click()
        page.locator("[name=s0-l1-colour_code]").fill("WHITE")
        page.locator("[name=s0-l1-quantity]").fill("500")
        page.locator("[name=s0-l1-selling_price]").fill("2")
        page.get_by_role("button", name="Create order").click()
        heading = page.get_by_role("heading", name=f"PO {po_number}")
        expect(heading).to_be_visible()
        return heading.inner_text().split()[0], page.url.split("?")[0].rstrip("/")

    def log_in(self, email: str, password: str = "e2e-long-password") -> None:
        page = self.page
        page.goto("/login/")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/o/*/")

    def invite(self, slug: str, email: str, role: str) -> str:
        """Invite ``email`` from the invitations page; returns the one-time link shown there."""
        self.page.goto(f"/o/{slug}/invitations/")
        self.page.get_by_label("E-mail address").fill(email)
        self.page.get_by_label("Role").select_option(role)
        self.page.get_by_role("button", name="Send invitation").click()
        return str(self.page.get_by_role("textbox", name="Invitation link").input_value())

    def accept(self, link: str, name: str, *, slug: str) -> None:
        """Accept an invitation by creating an account."""
        self.page.goto(link)
        self.page.get_by_label("Your name").fill(name)
        self.page.get_by_label("Choose a password").fill("e2e-long-password")
        self.page.get_by_role("button", name="Create account and join").click()
        self.page.wait_for_url(f"**/o/{slug}/")

    def screenshot(self, name: str) -> None:
        for width, height in ((1280, 900), (390, 844)):
            self.page.set_viewport_size({"width": width, "height": height})
            self.page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True, animations="disabled")
        self.page.set_viewport_size({"width": 1280, "height": 900})

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def person(browser: Any, live_server_url: str) -> Iterator[Any]:
    """``person()`` opens a fresh browser session (its own cookies); all are closed after the test."""
    sessions: list[Session] = []

    def open_session() -> Session:
        session = Session(browser, live_server_url)
        sessions.append(session)
        return session

    yield open_session
    for session in sessions:
        errors = [e for e in session.console_errors if "403" not in e and "409" not in e]
        session.close()
        assert not errors, f"browser console errors: {errors}"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"
