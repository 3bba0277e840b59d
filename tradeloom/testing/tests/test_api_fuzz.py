"""The API answers as its OpenAPI schema says: a schema-driven fuzz run (Schemathesis) over every operation.

In process and on the real PostgreSQL of the test run: Schemathesis loads ``/api/schema/`` from the WSGI app and
calls the app directly (no socket, no network). It is authenticated as the owner of the seeded demo organisation
(``manage.py demo_setup``; a real JWT from ``token_pair_issue``), and the ids in paths and bodies name that
organisation's records, so requests reach the handlers, their validation and their business rules instead of
stopping at a 404. Each request runs in a savepoint that is rolled back, with the cache (throttle and log-in
counters) emptied first: every case starts from the same seeded data, whatever a case before it deleted, revoked
or spent.

The checks, and only these: ``not_a_server_error``, ``status_code_conformance`` (every status the app answers with
is documented for that operation), ``content_type_conformance`` and ``response_schema_conformance``. A failure is
fixed in the product or in its schema, never by loosening a check.

Bounded for CI (``make test``): a fixed seed, Schemathesis' coverage cases (boundary and invalid values of every
parameter and body field) and ``FUZZ_EXAMPLES`` (default 5) generated cases per operation — about 8,500 requests,
two to three minutes on the 2-core machine. ``pytest -m fuzz`` runs it alone; ``FUZZ_EXAMPLES=100`` runs a deeper
one; ``FUZZ_PATHS=<regex>`` only the operations whose path matches; ``FUZZ_STATS=<file>`` writes each case's
method, path and status there (what the run reached).

A new route is fuzzed as soon as it is in the schema. An id in its path is filled from the seed below when the
seed knows it, else from the walls registry (``register_url_object`` in the app's ``tests/factories.py``), else it
is random (a 404, which the schema documents).
"""

from __future__ import annotations

import os
import re
import uuid
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tradeloom.accounts.models import User
from tradeloom.accounts.tests.factories import InvitationFactory
from tradeloom.accounts.tokens import token_pair_issue
from tradeloom.approvals.models import Gate, GateEntry, LineGate, Sample
from tradeloom.approvals.tests.factories import AttachmentFactory, RuleFactory
from tradeloom.catalog.models import ExchangeRate, Item, PaymentTerms, UnitOfMeasure
from tradeloom.catalog.tests.factories import ExchangeRateFactory, ItemFactory
from tradeloom.core.context import tenant_context
from tradeloom.inventory.models import Warehouse
from tradeloom.partners.models import Address, Carrier, Contact, Customer, Plant, Supplier, SupplierPlantMapping
from tradeloom.partners.tests.factories import AddressFactory
from tradeloom.sales.models import Line
from tradeloom.sales.tests.factories import DeletionRequestFactory, NoteFactory, OfferFactory, TaskFactory
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.tests.factories import MembershipFactory
from tradeloom.testing import walls
from tradeloom.testing.routes import tenant_routes

# demo_setup (the seed) evaluates the alerts as the owner role
pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(databases=["default", "owner"])]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
SEED = 20261118

# The record behind each ``/<resource>/{id}/``.
RECORD_RESOURCES = {
    "customers": Customer,
    "suppliers": Supplier,
    "contacts": Contact,
    "addresses": Address,
    "plants": Plant,
    "supplier-plant-mappings": SupplierPlantMapping,
    "carriers": Carrier,
    "units": UnitOfMeasure,
    "exchange-rates": ExchangeRate,
    "payment-terms": PaymentTerms,
    "items": Item,
    "warehouses": Warehouse,
}
# Body fields that name another record (``TenantPrimaryKeyRelatedField``, a gate's code) → the records they name.
REFERENCES: dict[str, Any] = {
    "customer": Customer,
    "supplier": Supplier,
    "plant": Plant,
    "payment_terms": PaymentTerms,
    "unit": UnitOfMeasure,
    "item": Item,
    "warehouse": Warehouse,
    "from_warehouse": Warehouse,
    "to_warehouse": Warehouse,
    "merchandiser": Membership,
    "assignee": Membership,
    "line": Line,
    "lines": Line,
    "gate": Gate,
}
# Code fields: a pattern in the schema (three letters), a real code most of the time here.
CODES = {
    **{
        field: ["USD", "EUR", "BDT", "INR"]
        for field in ("currency", "default_currency", "from_currency", "to_currency")
    },
    "country": ["BD", "IN", "SE", "US"],
}


def _seed() -> dict[str, Any]:
    """The demo organisation (master data, orders in every stage, gate histories, a sent sample) and one of each
    thing a path can name that the demo lacks, under one order's line so nested paths hold together."""
    call_command("demo_setup", verbosity=0)
    organization = Organization.objects.get(slug="demo")
    owner = Membership.objects.get(organization=organization, user=User.objects.get(email="demo@example.com"))
    with tenant_context(organization):
        if not Address.objects.filter(organization=organization).exists():
            AddressFactory(organization=organization, customer=Customer.objects.filter(organization=organization)[0])
        if not Item.objects.filter(organization=organization).exists():
            ItemFactory(organization=organization, unit=UnitOfMeasure.objects.filter(organization=organization)[0])
        if not ExchangeRate.objects.filter(organization=organization).exists():
            ExchangeRateFactory(organization=organization)
        sample = Sample.objects.filter(organization=organization).select_related("line__order")[0]
        line = sample.line
        order = line.order
        line_gate = LineGate.objects.filter(line=line).select_related("gate")[0]
        ids: dict[str, Any] = {
            "order_id": order.pk,
            "line_id": line.pk,
            "offer_id": OfferFactory(organization=organization, line=line).pk,
            "task_id": TaskFactory(organization=organization, order=order).pk,
            "note_id": NoteFactory(organization=organization, order=order).pk,
            "request_id": DeletionRequestFactory(organization=organization, order=order, requested_by=owner).pk,
            "gate_id": line_gate.gate_id,
            "rule_id": RuleFactory(organization=organization, gate=line_gate.gate).pk,
            "line_gate_id": line_gate.pk,
            "entry_id": GateEntry.objects.filter(organization=organization).values_list("pk", flat=True)[0],
            "sample_id": sample.pk,
            "attachment_id": AttachmentFactory(organization=organization, sample=sample).pk,
            "invitation_id": InvitationFactory(organization=organization, invited_by=owner).pk,
            "membership_id": MembershipFactory(organization=organization, role="merchandiser").pk,
        }
        walls.load_all()
        for route in tenant_routes():
            for kwarg in route.id_kwargs:
                if kwarg not in ids and walls.has_object_for(kwarg):
                    ids[kwarg] = walls.other_org_object(kwarg, organization).pk
        records = {
            resource: model.objects.filter(organization=organization).values_list("pk", flat=True)[0]
            for resource, model in RECORD_RESOURCES.items()
        }
        references = {
            field: [
                str(value)
                for value in model.objects.filter(organization=organization).values_list(
                    "code" if model is Gate else "pk", flat=True
                )
            ]
            for field, model in REFERENCES.items()
        } | CODES
    return {
        "slug": organization.slug,
        "ids": {name: str(pk) for name, pk in ids.items()},
        "records": {resource: str(pk) for resource, pk in records.items()},
        "references": references,
        "access": token_pair_issue(user=owner.user)["access"],
    }


def _real(value: Any, choices: list[str]) -> Any:
    """A generated reference → one of the organisation's, picked by its value (the same case, the same pick).
    One in eight, and anything that is not a string, is left as generated: a 404 or a 400, as documented."""
    if not isinstance(value, str) or not choices:
        return value
    digest = zlib.crc32(value.encode())
    return value if digest % 8 == 0 else choices[digest % len(choices)]


def _with_real_references(body: Any, references: dict[str, list[str]]) -> Any:
    if isinstance(body, list):
        return [_with_real_references(item, references) for item in body]
    if not isinstance(body, dict):
        return body
    out = {}
    for key, value in body.items():
        if key in references and isinstance(value, str):
            out[key] = _real(value, references[key])
        elif key in references and isinstance(value, list):  # ids (``lines`` of a bulk move) or nested objects
            out[key] = [
                _real(item, references[key]) if isinstance(item, str) else _with_real_references(item, references)
                for item in value
            ]
        else:
            out[key] = _with_real_references(value, references)
    return out


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    return _seed()


@pytest.fixture
def in_process() -> Iterator[None]:
    """Call the WSGI app inside the test's transaction. At the end of every request Django closes a connection
    whose transaction is still open — this test's — so, as its own test client does, stop that for the run."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(request: pytest.FixtureRequest, world: dict[str, Any], in_process: None) -> Any:
    # Schemathesis 4.32 renames the test node per operation through ``_nodeid``, an attribute pytest 9.2 no longer
    # has (nodes keep a structured ``_id``): give it the string it reads and rewrites, for its reports only.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,  # the same cases on every run: CI cannot flake on a new draw
            "headers": {"Authorization": f"Bearer {world['access']}"},
            "parameters": {"org_slug": world["slug"], **{f"path.{name}": pk for name, pk in world["ids"].items()}},
            "generation": {
                "max-examples": EXAMPLES,
                "database": "none",  # no example database under the work tree; the seed alone decides the cases
            },
            "phases": {
                # Cases with a method the path does not have are judged by the ``unsupported_method`` check only,
                # which is not one of this run's; ``tenancy/tests/test_api_methods.py`` holds those 405s.
                "coverage": {"unexpected-methods": []},
                # The stateful phase follows OpenAPI links; the schema declares none.
                "stateful": {"enabled": False},
            },
            "checks": {"enabled": False, **{check.__name__: {"enabled": True} for check in CHECKS}},
        }
    )
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=config)


schema = schemathesis.pytest.from_fixture("api_schema")
if os.environ.get("FUZZ_PATHS"):
    schema = schema.include(path_regex=os.environ["FUZZ_PATHS"])

_RECORD_PATH = re.compile(r"/o/\{org_slug\}/(?P<resource>[a-z-]+)/\{id\}/")


@schema.parametrize()
def test_every_operation_answers_as_documented(case: Any, world: dict[str, Any]) -> None:
    record = _RECORD_PATH.search(case.operation.path)
    if record and case.path_parameters is not None:
        case.path_parameters["id"] = world["records"][record["resource"]]
    if isinstance(case.body, dict | list):
        case.body = _with_real_references(case.body, world["references"])
    cache.clear()
    with transaction.atomic():
        response = case.call()
        transaction.set_rollback(True)
    stats = os.environ.get("FUZZ_STATS")  # a file to append "method path status" to, to see what the run reached
    if stats:
        with open(stats, "a") as log:
            log.write(f"{case.method}\t{case.operation.path}\t{response.status_code}\n")
    case.validate_response(response, checks=CHECKS)


def test_references_are_replaced_by_the_organisations_and_some_left_as_generated():
    references = {"unit": ["u1", "u2"], "lines": ["l1"]}
    generated = [str(uuid.UUID(int=n)) for n in range(64)]
    replaced = [_real(value, references["unit"]) for value in generated]
    assert {"u1", "u2"} <= set(replaced)
    assert 0 < sum(r == g for r, g in zip(replaced, generated, strict=True)) < 64 // 4
    body = {"styles": [{"lines": [{"unit": generated[1]}]}], "lines": [7, generated[2]], "unit": 3}
    real = _with_real_references(body, references)
    assert real["styles"][0]["lines"][0]["unit"] == _real(generated[1], references["unit"])
    assert real["lines"] == [7, _real(generated[2], references["lines"])]
    assert real["unit"] == 3
