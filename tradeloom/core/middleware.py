"""Safety net: no ``/api/`` path ever answers with an HTML error page.

DRF views render their own problems (``core.problems.exception_handler``) and the error handlers cover
production, but with DEBUG on Django answers a resolver 404 or a crash outside DRF with its technical HTML page,
and a few responses (e.g. a 413 from the request parser) come straight from Django. This middleware turns any
error response on an API path that is not already JSON into a problem document with the matching code.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse

from tradeloom.core.problems import is_api_request, problem_response

_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    429: "rate_limited",
    500: "server_error",
}
_JSON_TYPES = ("application/json", "application/problem+json")


class ApiErrorsAsProblemsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and is_api_request(request)
            and not response.get("Content-Type", "").startswith(_JSON_TYPES)
        ):
            status = response.status_code
            detail = "An unexpected error occurred. It has been logged." if status >= 500 else HTTPStatus(status).phrase
            problem = problem_response(status=status, code=_CODES.get(status, f"http_{status}"), detail=detail)
            if "Allow" in response:
                problem["Allow"] = response["Allow"]
            return problem
        return response
