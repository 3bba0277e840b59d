"""Django-level error views: problem+json on API paths, templates elsewhere.

Wired as ``handler400/403/404/500`` in ``config.urls`` and as ``CSRF_FAILURE_VIEW``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tradeloom.core.problems import is_api_request, problem_response


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "error.html", {"status": status, "title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return problem_response(status=400, code="bad_request", detail="The request could not be understood.")
    return _page(request, 400, "Bad request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return problem_response(
            status=403, code="permission_denied", detail="You do not have permission to perform this action."
        )
    return _page(request, 403, "Not allowed", "You do not have permission to see this page.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return problem_response(status=404, code="not_found", detail="Not found.")
    return _page(request, 404, "Page not found", "There is nothing at this address.")


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return problem_response(
            status=500, code="server_error", detail="An unexpected error occurred. It has been logged."
        )
    return _page(request, 500, "Something went wrong", "An unexpected error occurred. It has been logged.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if is_api_request(request):
        return problem_response(
            status=403, code="csrf_failed", detail="CSRF verification failed. Send the X-CSRFToken header."
        )
    return _page(request, 403, "Form expired", "The form could not be verified. Reload the page and try again.")
