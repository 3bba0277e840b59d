"""Every API error is an RFC 9457 problem document with a stable code; never HTML, never a leak."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from tradeloom.accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tradeloom.core.tests.urls")]

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:tradeloom:problem:{code}"
    assert body["title"]
    assert body["detail"]
    assert body["request_id"] == response["X-Request-ID"]
    return body


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_validation_error_lists_each_field(api):
    response = api.post("/api/v1/test/echo/", {"name": "far too long", "quantity": "-1"}, format="json")
    body = assert_problem(response, 400, "validation_error")
    assert set(body["errors"]) == {"name", "quantity"}
    assert all(isinstance(m, str) for messages in body["errors"].values() for m in messages)


def test_missing_field_is_named(api):
    body = assert_problem(api.post("/api/v1/test/echo/", {"name": "ok"}, format="json"), 400, "validation_error")
    assert body["errors"] == {"quantity": ["This field is required."]}


def test_malformed_json_is_a_parse_error(api):
    response = api.generic("POST", "/api/v1/test/echo/", '{"name": "x",', content_type="application/json")
    assert_problem(response, 400, "parse_error")


def test_unsupported_media_type(api):
    response = api.generic("POST", "/api/v1/test/echo/", "name=x", content_type="text/plain")
    assert_problem(response, 415, "unsupported_media_type")


def test_not_authenticated_is_401_with_challenge(api):
    response = api.get("/api/v1/test/private/")
    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_bad_token_is_authentication_failed(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-jwt")
    assert_problem(api.get("/api/v1/test/private/"), 401, "authentication_failed")


def test_method_not_allowed(api):
    assert_problem(api.delete("/api/v1/test/echo/"), 405, "method_not_allowed")


def test_application_error_carries_its_code_and_extra(api):
    body = assert_problem(api.post("/api/v1/test/rule/", {}, format="json"), 400, "invalid_transition")
    assert body["detail"] == "Only draft orders can be confirmed."
    assert body["x"] == 1


def test_unique_violation_is_a_409_conflict_and_writes_nothing(api):
    assert_problem(api.post("/api/v1/test/duplicate/", {}, format="json"), 409, "conflict")
    assert not User.objects.filter(email="twice@example.com").exists()


def test_throttled_request_is_429_with_retry_after(api):
    cache.clear()
    assert api.get("/api/v1/test/throttled/").status_code == 200
    response = api.get("/api/v1/test/throttled/")
    assert_problem(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_api_path_is_a_problem_not_an_html_page(api, settings, debug):
    settings.DEBUG = debug
    assert_problem(api.get("/api/v1/no-such-thing/"), 404, "not_found")


def test_crash_outside_drf_is_a_problem_even_with_debug_on(settings):
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/test/plain-crash/")
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert "Traceback" not in response.content.decode()


def test_unexpected_exception_is_500_without_leaks_and_rolls_back(api, settings):
    # given DEBUG off (production behaviour)
    settings.DEBUG = False
    # when a view crashes after writing a row
    response = api.get("/api/v1/test/crash/")
    # then a generic problem, no internals, and the write is rolled back
    body = assert_problem(response, 500, "server_error")
    text = response.content.decode()
    assert "secret-internal-detail" not in text
    assert "SELECT" not in text
    assert "Traceback" not in text
    assert "detail" in body
    assert not User.objects.filter(email="half-written@example.com").exists()


def test_crash_outside_drf_on_an_api_path_is_still_a_problem(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/test/plain-crash/")
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "server_error"
    assert "crash outside DRF" not in response.content.decode()


def test_csrf_failure_on_an_api_path_is_a_problem(django_user_model):
    # given a logged-in browser session that forgets the CSRF token
    user = django_user_model.objects.create_user("csrf@example.com", "pw-long-enough")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    # when it posts to the API
    response = client.post("/api/v1/test/private/", {}, content_type="application/json")
    # then DRF's session authentication refuses it with a problem document
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "permission_denied"
    assert "CSRF" in response.json()["detail"]


def test_web_pages_keep_html_errors():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"Page not found" in response.content
