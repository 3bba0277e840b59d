"""A refused log-in writes one log line with the client's address and no e-mail: what fail2ban's filter reads
(deploy/fail2ban/filter.d/tradeloom.conf; `make deploy-check` runs the filter over the live server's log)."""

from __future__ import annotations

import json
import logging

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tradeloom.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"


def login(email: str, password: str, ip: str = "203.0.113.9") -> int:
    return APIClient(REMOTE_ADDR=ip).post(TOKEN, {"email": email, "password": password}, format="json").status_code


def refusals(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "tradeloom.accounts.services" and hasattr(r, "client_ip")]


def test_a_wrong_password_logs_the_client_address_without_the_email(caplog):
    user = UserFactory()
    with caplog.at_level(logging.WARNING, logger="tradeloom.accounts.services"):
        assert login(user.email, "wrong-password") == 401
    (record,) = refusals(caplog)
    assert (record.getMessage(), record.event, record.client_ip) == ("login failed", "login_failed", "203.0.113.9")
    formatted = logging.Formatter("%(message)s").format(record)
    assert user.email not in formatted


def test_an_attempt_beyond_the_limit_logs_a_throttled_line(caplog, settings):
    settings.LOGIN_FAILURE_LIMIT = 1
    user = UserFactory()
    assert login(user.email, "wrong-password") == 401
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="tradeloom.accounts.services"):
        assert login(user.email, PASSWORD) == 429
    (record,) = refusals(caplog)
    assert (record.event, record.client_ip) == ("login_throttled", "203.0.113.9")


def test_a_successful_log_in_logs_no_refusal(caplog):
    user = UserFactory()
    with caplog.at_level(logging.WARNING, logger="tradeloom.accounts.services"):
        assert login(user.email, PASSWORD) == 200
    assert refusals(caplog) == []


def test_the_json_line_carries_the_fields_the_fail2ban_filter_matches(caplog):
    # the production formatter turns the record into the line journald and fail2ban get
    from pythonjsonlogger.json import JsonFormatter

    user = UserFactory()
    with caplog.at_level(logging.WARNING, logger="tradeloom.accounts.services"):
        login(user.email, "wrong-password")
    (record,) = refusals(caplog)
    options = settings.LOGGING["formatters"]["json"]
    line = JsonFormatter(options["format"], rename_fields=options["rename_fields"]).format(record)
    body = json.loads(line)
    assert (body["message"], body["event"], body["client_ip"], body["level"]) == (
        "login failed",
        "login_failed",
        "203.0.113.9",
        "WARNING",
    )
