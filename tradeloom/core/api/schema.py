"""The OpenAPI description of every operation, errors included, derived from what each view is.

``ApiSchema`` is DRF's ``DEFAULT_SCHEMA_CLASS``. On top of drf-spectacular's success responses it documents, for
every operation, the problem documents (RFC 9457, ``core.problems``) the operation can answer with, read from facts
about the view rather than written per view:

==========  =========================================================================================================
status      documented when
==========  =========================================================================================================
304         the handler honours ``If-None-Match`` (``api_contract(if_none_match=True)``)
400         the operation takes a body or query parameters, or is a write on an organisation's route (business rules
            refuse with 400 unless they say otherwise)
401         the view authenticates (any authentication class), or the handler says so (credentials in the body)
403         an organisation's route (capabilities, membership), or a write a browser session may make (CSRF)
404         the path names something (the organisation, an id)
409         a write on an organisation's route (a unique value taken, a concurrent change, a state conflict)
412         the handler honours ``If-Match``
413, 415    the operation takes a body (too large, a media type it does not parse)
422         the handler honours ``Idempotency-Key`` (the key was used for another request)
429         the view is throttled (DRF's throttles; log-in counters)
==========  =========================================================================================================

A handler states what only it can know with ``@api_contract(...)``: the conditional headers it honours, and the
statuses its business rules add (an expired invitation is a 410). Nothing reads the declaration at run time; the
schema-driven fuzz run (``testing/tests/test_api_fuzz.py``) and ``testing/tests/test_api_contract.py`` hold the
schema to what the views answer.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.settings import api_settings

from tradeloom.core.api.fields import CountryField, CurrencyCodeField
from tradeloom.core.problems import PROBLEM_CONTENT_TYPE

F = TypeVar("F", bound=Callable[..., Any])

PROBLEM = "Problem"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# status → (description, the stable codes a client may branch on). ``docs/api.md`` lists the same codes.
PROBLEM_STATUSES: dict[int, tuple[str, tuple[str, ...]]] = {
    400: (
        "The request was refused: invalid fields (`errors` names each), a malformed body, a bad page cursor or a "
        "business rule.",
        ("validation_error", "parse_error", "invalid_cursor", "invalid_data", "bad_request", "(business codes)"),
    ),
    401: (
        "No credentials, or bad, expired or revoked ones.",
        ("not_authenticated", "authentication_failed", "token_revoked", "token_reused", "token_invalid"),
    ),
    403: (
        "Authenticated but not allowed: the role lacks the capability, a rule needs an owner or admin, or a browser "
        "session's write came without its CSRF token.",
        ("permission_denied", "owner_required", "invitation_email_mismatch"),
    ),
    404: ("No such resource, or not yours (the same answer).", ("not_found", "invitation_invalid")),
    409: (
        "The write conflicts with the data: a unique value taken, a change made at the same time, or a state that "
        "does not allow it.",
        ("conflict", "(business codes)"),
    ),
    410: ("The invitation is no longer open.", ("invitation_expired", "invitation_revoked", "invitation_accepted")),
    412: ("`If-Match` does not name the current version: reload and retry.", ("precondition_failed",)),
    413: ("The request body is too large.", ("payload_too_large",)),
    415: ("The body's media type is not one the operation reads.", ("unsupported_media_type",)),
    422: ("This `Idempotency-Key` was used for a different request.", ("idempotency_key_reused",)),
    429: ("Too many requests; `Retry-After` says when to retry.", ("rate_limited",)),
}

_PROBLEM_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "The scheme to authenticate with."}},
    429: {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}},
}
_ETAG_HEADER = {"ETag": {"schema": {"type": "string"}, "description": "The representation's version."}}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem document: every API error has this shape.",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "description": "A URI naming the problem type (`urn:tradeloom:problem:<code>`)."},
        "title": {"type": "string", "description": "The HTTP status phrase."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "A sentence for a person."},
        "code": {"type": "string", "description": "Stable and machine-readable: clients branch on it."},
        "errors": {
            "type": "object",
            "description": "Invalid input: each field (nested as `lines.0.quantity`) with its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "request_id": {"type": "string", "description": "The request's id, as in the logs."},
    },
    # a business rule may add what the client needs to act on (e.g. the gates that block a move)
    "additionalProperties": True,
}


@dataclass(frozen=True)
class Contract:
    """What a handler honours beyond its view's facts (see the module's docstring)."""

    if_match: bool = False
    if_none_match: bool = False
    idempotency_key: bool = False
    errors: frozenset[int] = frozenset()


NO_CONTRACT = Contract()


def api_contract(
    *,
    if_match: bool = False,
    if_none_match: bool = False,
    idempotency_key: bool = False,
    errors: Iterable[int] = (),
) -> Callable[[F], F]:
    """Declare on a handler the conditional headers it honours and the statuses its business rules add."""
    unknown = set(errors) - set(PROBLEM_STATUSES)
    if unknown:
        raise ValueError(f"No problem status {sorted(unknown)}: add it to PROBLEM_STATUSES with its codes.")

    def mark(func: F) -> F:
        func.api_contract = Contract(  # type: ignore[attr-defined]
            if_match=if_match,
            if_none_match=if_none_match,
            idempotency_key=idempotency_key,
            errors=frozenset(errors),
        )
        return func

    return mark


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    description="The `ETag` of the version you edited: a stale one is a 412 and nothing changes.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    location=OpenApiParameter.HEADER,
    description="The `ETag` you hold: when it is still current, the answer is a 304 without a body.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "maxLength": 255},
    location=OpenApiParameter.HEADER,
    description="Send the same key to retry safely: the same request gets the first response again (once); "
    "the same key with another request is a 422.",
)


def problem_response(status: int) -> dict[str, Any]:
    description, codes = PROBLEM_STATUSES[status]
    response: dict[str, Any] = {
        "description": f"{description} Codes: {', '.join(f'`{c}`' if '(' not in c else c for c in codes)}.",
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": f"#/components/schemas/{PROBLEM}"}}},
    }
    if status in _PROBLEM_HEADERS:
        response["headers"] = copy.deepcopy(_PROBLEM_HEADERS[status])
    return response


def decimal_pattern(*, max_digits: int, places: int, signed: bool) -> str:
    """The strings a ``DecimalField`` takes: at least one digit (drf-spectacular's own pattern also admits ``""``,
    ``"."`` and ``"-"``, which the field refuses), at most its whole and decimal digits."""
    whole = max_digits - places
    sign = "-?" if signed else ""
    whole_digits = f"\\d{{1,{whole}}}"
    if not places:
        return f"^{sign}{whole_digits}$"
    fraction = f"\\.\\d{{1,{places}}}"
    if whole == 0:
        return f"^{sign}0?{fraction}$"
    return f"^{sign}(?:{whole_digits}(?:\\.\\d{{0,{places}}})?|{fraction})$"


class ApiSchema(AutoSchema):
    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            isinstance(field, serializers.DecimalField)
            and "pattern" in schema
            and field.max_digits is not None
            and field.decimal_places is not None
        ):
            # a request may not be negative where the field says so; a response shows what is stored
            minimum = field.min_value
            signed = direction != "request" or minimum is None or minimum < 0
            schema["pattern"] = decimal_pattern(max_digits=field.max_digits, places=field.decimal_places, signed=signed)
        elif isinstance(field, CurrencyCodeField | CountryField):
            # ISO 4217 / ISO 3166 letters (``currencies/`` lists the currencies); an enum of every code would be
            # exact, but makes a fuzzer try each one in each field
            letters = "{3}" if isinstance(field, CurrencyCodeField) else "{2}"
            schema["pattern"] = f"^[A-Za-z]{letters}$"  # with allow_blank, drf-spectacular adds the "" it takes
        return schema

    def map_parsers(self) -> list[Any]:
        """Request bodies are JSON. A view that takes files names its parsers (``parser_classes``) and gets them
        documented; the form parsers every view has by default are not the API's format (a nested body cannot
        even be said in a form) and are left out."""
        media_types = super().map_parsers()
        if list(getattr(self.view, "parser_classes", ())) == list(api_settings.DEFAULT_PARSER_CLASSES):
            return [m for m in media_types if m == "application/json"] or media_types
        return media_types

    def contract(self) -> Contract:
        action = getattr(self.view, "action", None)
        handler = getattr(self.view, action or self.method.lower(), None)
        return getattr(handler, "api_contract", NO_CONTRACT)

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        contract = self.contract()
        if contract.if_match:
            parameters.append(IF_MATCH)
        if contract.if_none_match:
            parameters.append(IF_NONE_MATCH)
        if contract.idempotency_key:
            parameters.append(IDEMPOTENCY_KEY)
        return parameters

    def problem_statuses(self, operation: dict[str, Any]) -> set[int]:
        """The error statuses this operation can answer with (the table in the module's docstring)."""
        view, method = self.view, self.method
        contract = self.contract()
        tenant = getattr(view, "capabilities", None) is not None
        write = method in UNSAFE_METHODS
        parameters = operation.get("parameters", [])
        body = "requestBody" in operation
        authenticators = list(getattr(view, "authentication_classes", ()))
        statuses = set(contract.errors)
        if body or any(p["in"] == "query" for p in parameters) or (tenant and write):
            statuses.add(400)
        if authenticators:
            statuses.add(401)
        if tenant or (write and any(issubclass(a, SessionAuthentication) for a in authenticators)):
            statuses.add(403)
        if any(p["in"] == "path" for p in parameters):
            statuses.add(404)
        if tenant and write:
            statuses.add(409)
        if contract.if_match:
            statuses.add(412)
        if body:
            statuses |= {413, 415}
        if contract.idempotency_key:
            statuses |= {400, 422}  # a key longer than 255 characters is a validation error
        if getattr(view, "throttle_classes", None):
            statuses.add(429)
        return statuses

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        self.registry.register_on_missing(
            ResolvedComponent(name=PROBLEM, type=ResolvedComponent.SCHEMA, object=PROBLEM, schema=PROBLEM_SCHEMA)
        )
        responses: dict[str, Any] = operation["responses"]
        if self.contract().if_none_match:
            if "200" in responses:
                responses["200"].setdefault("headers", {}).update(copy.deepcopy(_ETAG_HEADER))
            responses["304"] = {
                "description": "Not modified: the `If-None-Match` tag is current (no body).",
                "headers": copy.deepcopy(_ETAG_HEADER),
            }
        for status in sorted(self.problem_statuses(operation)):
            responses.setdefault(str(status), problem_response(status))
        operation["responses"] = dict(sorted(responses.items()))
        return operation
