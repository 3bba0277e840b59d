"""The OpenAPI schema tells the truth: every operation documents its errors, and the shapes it documents are the
ones the API returns (``core.api.schema``; the fuzz run in ``test_api_fuzz.py`` checks the same at scale)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator

from tradeloom.approvals.services.attachments import ATTACHMENT_MEDIA_TYPES
from tradeloom.approvals.tests.factories import LineGateFactory
from tradeloom.core.api.schema import PROBLEM_STATUSES
from tradeloom.core.problems import _DRF_CODES, PROBLEM_CONTENT_TYPE, problem_body
from tradeloom.partners.tests.factories import CarrierFactory, ContactFactory, CustomerFactory, SupplierFactory
from tradeloom.tenancy.roles import Role

TENANT = "/api/v1/o/{org_slug}"
RECORD_RESOURCES = (
    "customers",
    "suppliers",
    "contacts",
    "addresses",
    "plants",
    "supplier-plant-mappings",
    "carriers",
    "units",
    "exchange-rates",
    "payment-terms",
    "items",
)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(generated, default=str))


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, ops in schema["paths"].items() for method, op in ops.items()]


def statuses(schema: dict[str, Any], method: str, path: str) -> set[int]:
    return {int(code) for code in schema["paths"][path][method.lower()]["responses"]}


def headers(schema: dict[str, Any], method: str, path: str) -> set[str]:
    op = schema["paths"][path][method.lower()]
    return {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}


def validator(schema: dict[str, Any], component: str) -> Any:
    document = {"$ref": f"#/components/schemas/{component}", "components": schema["components"]}
    return jsonschema_rs.validator_for(document, validate_formats=True)


def test_every_operation_documents_its_errors_as_problem_documents(schema):
    ops = operations(schema)
    assert len(ops) > 150
    for method, path, op in ops:
        errors = {code: response for code, response in op["responses"].items() if code >= "400"}
        assert errors, f"{method} {path} documents no error"
        for code, response in errors.items():
            assert response["content"] == {
                PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
            }, f"{method} {path} {code}"
        assert "500" not in op["responses"]


def test_the_problem_component_is_what_the_handler_writes(schema):
    component = schema["components"]["schemas"]["Problem"]
    body = problem_body(status=400, code="validation_error", detail="…", errors={"a": ["b"]})
    assert set(component["required"]) == {"type", "title", "status", "detail", "code"}
    assert set(body) <= set(component["properties"]) | {"request_id"}
    assert {"errors", "request_id"} <= set(component["properties"])


def test_statuses_follow_from_what_each_view_is(schema):
    # an organisation's list: filters and pages (400), credentials, role, organisation, throttle
    assert statuses(schema, "GET", f"{TENANT}/customers/") == {200, 400, 401, 403, 404, 429}
    # a detail with an ETag: 304 for If-None-Match, and no 400 (it takes nothing to validate)
    assert statuses(schema, "GET", f"{TENANT}/customers/{{id}}/") == {200, 304, 401, 403, 404, 429}
    assert "If-None-Match" in headers(schema, "GET", f"{TENANT}/customers/{{id}}/")
    # a conditional write: 412 for If-Match, 409 for a conflict, body errors
    assert {400, 409, 412, 413, 415} <= statuses(schema, "PATCH", f"{TENANT}/customers/{{id}}/")
    assert "If-Match" in headers(schema, "PATCH", f"{TENANT}/customers/{{id}}/")
    assert {412} <= statuses(schema, "POST", f"{TENANT}/customers/{{id}}/archive/")
    assert {412} <= statuses(schema, "DELETE", f"{TENANT}/customers/{{id}}/")
    # an idempotent create: 422 for a key used for another request
    assert {201, 409, 422} <= statuses(schema, "POST", f"{TENANT}/customers/")
    assert "Idempotency-Key" in headers(schema, "POST", f"{TENANT}/customers/")
    # the order: the same facts, declared on its views
    assert 304 in statuses(schema, "GET", f"{TENANT}/orders/{{order_id}}/")
    assert 412 in statuses(schema, "PATCH", f"{TENANT}/orders/{{order_id}}/")
    assert 422 in statuses(schema, "POST", f"{TENANT}/orders/")
    assert 412 not in statuses(schema, "POST", f"{TENANT}/orders/{{order_id}}/stage/")
    # outside an organisation: log-in says 401 for a wrong password and 429 when throttled, never 403 or 404
    assert statuses(schema, "POST", "/api/v1/auth/token/") == {200, 400, 401, 413, 415, 429}
    assert {404, 409, 410} <= statuses(schema, "POST", "/api/v1/invitations/accept/")
    assert statuses(schema, "GET", "/api/v1/me/") == {200, 401, 429}


def test_record_writes_document_the_output_shape_they_return(schema):
    refs: dict[tuple[str, str], str] = {}
    for resource in RECORD_RESOURCES:
        detail = schema["paths"][f"{TENANT}/{resource}/{{id}}/"]
        read = detail["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert read.endswith("Output"), read
        writes = {
            "POST": schema["paths"][f"{TENANT}/{resource}/"]["post"]["responses"]["201"],
            "PUT": detail["put"]["responses"]["200"],
            "PATCH": detail["patch"]["responses"]["200"],
        }
        for method, response in writes.items():
            refs[(method, resource)] = response["content"]["application/json"]["schema"]["$ref"]
            assert refs[(method, resource)] == read, (method, resource)
    assert len(refs) == 33


def test_record_lists_document_their_ordering_and_include_archived(schema):
    parameters = {p["name"]: p for p in schema["paths"][f"{TENANT}/customers/"]["get"]["parameters"]}
    assert {"include_archived", "ordering", "limit", "cursor", "search"} <= set(parameters)
    assert set(parameters["ordering"]["schema"]["enum"]) >= {"code", "-code", "created_at", "-created_at"}


@pytest.mark.django_db
def test_the_board_summary_is_documented_as_the_plain_array_it_returns(schema, org, member, api_as):
    op = schema["paths"][f"{TENANT}/approvals/board/summary/"]["get"]
    documented = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert documented == {"type": "array", "items": {"$ref": "#/components/schemas/MatrixOutput"}}
    assert not {"limit", "cursor"} & {p["name"] for p in op["parameters"]}
    LineGateFactory(organization=org)
    body = api_as(member(Role.VIEWER)).get(f"/api/v1/o/{org.slug}/approvals/board/summary/").json()
    assert isinstance(body, list)
    assert body  # the organisation's gates, with their counts
    jsonschema_rs.validator_for({**documented, "components": schema["components"]}, validate_formats=True).validate(
        body
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("resource", "factory", "component", "blank"),
    [
        ("customers", CustomerFactory, "CustomerOutput", {"email": "", "website": ""}),
        ("suppliers", SupplierFactory, "SupplierOutput", {"email": "", "website": ""}),
        ("carriers", CarrierFactory, "CarrierOutput", {"email": "", "website": ""}),
        ("contacts", ContactFactory, "ContactOutput", {"email": ""}),
    ],
)
def test_a_partner_without_email_or_website_is_what_its_output_schema_says(
    schema, org, member, api_as, resource, factory, component, blank
):
    # given a record with no e-mail address or web address
    record = factory(organization=org, **blank)
    # when it is read, it shows them as "" (unchanged JSON) …
    body = api_as(member(Role.VIEWER)).get(f"/api/v1/o/{org.slug}/{resource}/{record.pk}/").json()
    assert {key: body[key] for key in blank} == blank
    # … and the documented shape allows exactly that (it said format: email / uri, which "" is not)
    validator(schema, component).validate(body)


@pytest.mark.django_db
def test_the_problem_schema_holds_for_real_errors(schema, org, member, api_as, client):
    problem = validator(schema, "Problem")
    api = api_as(member(Role.MANAGER))
    customer = CustomerFactory(organization=org)
    detail = f"/api/v1/o/{org.slug}/customers/{customer.pk}/"
    answers = [
        api.post(f"/api/v1/o/{org.slug}/customers/", {"legal_name": ""}, format="json"),  # 400 with errors
        client.get(detail),  # 401
        api_as(member(Role.VIEWER)).delete(detail),  # 403
        api.get(f"/api/v1/o/{org.slug}/customers/00000000-0000-0000-0000-000000000000/"),  # 404
        api.patch(detail, {"legal_name": "X"}, format="json", HTTP_IF_MATCH='"stale"'),  # 412
    ]
    assert [a.status_code for a in answers] == [400, 401, 403, 404, 412]
    for answer in answers:
        assert answer["Content-Type"] == PROBLEM_CONTENT_TYPE
        problem.validate(answer.json())


def test_an_attachment_download_is_documented_with_the_types_it_is_served_as(schema):
    op = schema["paths"][f"{TENANT}/approvals/attachments/{{attachment_id}}/"]["get"]
    assert set(op["responses"]["200"]["content"]) == set(ATTACHMENT_MEDIA_TYPES)


def test_bodies_are_documented_as_json_unless_the_view_takes_files(schema):
    for method, path, op in operations(schema):
        media = set(op.get("requestBody", {}).get("content", {}))
        if media - {"application/json"}:
            assert path.endswith(("/me/", "/entries/", "/attachments/", "/files/", "/imports/runs/")), (
                method,
                path,
                media,
            )


def test_every_stable_code_is_in_the_api_docs():
    docs = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text()
    codes = {code for _status, (_text, codes) in PROBLEM_STATUSES.items() for code in codes if "(" not in code}
    codes |= {code for _cls, code in _DRF_CODES}
    missing = sorted(code for code in codes if f"`{code}`" not in docs)
    assert not missing, f"docs/api.md does not list {missing}"
