"""The URL and application walls, proven over every tenant route in the URLconf.

A new endpoint under /api/v1/o/<org>/ is covered automatically: it must declare capabilities, refuse viewers on
writes, and answer 404 to other organisations' members and for other organisations' ids.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tradeloom.accounts.services import invitation_create
from tradeloom.core.context import tenant_context
from tradeloom.tenancy.api.base import TenantScopedMixin
from tradeloom.tenancy.roles import Role, capabilities_of
from tradeloom.tenancy.tests.factories import MembershipFactory
from tradeloom.tenancy.tests.routes import WRITE_METHODS, tenant_routes

pytestmark = pytest.mark.django_db

ROUTES = tenant_routes()
ROUTE_METHODS = [(r, m) for r in ROUTES for m in r.methods]


def _other_org_object(route: Any, name: str, org: Any) -> Any:
    """An object of ``org`` for the URL kwarg ``name`` of ``route``: by kwarg name, or by the view's model."""
    if name in OTHER_ORG_OBJECTS:
        return OTHER_ORG_OBJECTS[name](org)
    from tradeloom.partners.tests.factories import FACTORY_BY_MODEL

    model = getattr(route.view_class, "model", None)
    assert model in FACTORY_BY_MODEL, f"add a factory for {model} ({route.template})"
    return FACTORY_BY_MODEL[model](organization=org).pk


def _call(client: Any, method: str, url: str) -> Any:
    return getattr(client, method)(url, {}, format="json") if method != "get" else client.get(url)


# Objects of the *other* organisation, by the URL kwarg that names them. A new kwarg needs an entry here.
def _other_invitation(org: Any) -> Any:
    inviter = MembershipFactory(organization=org, role=Role.OWNER)
    with tenant_context(org):
        return invitation_create(organization=org, by=inviter, email="guest@example.com", role=Role.STAFF)[0].pk


def _sales(kind: str) -> Callable[[Any], Any]:
    def make(org: Any) -> Any:
        from tradeloom.sales.tests import factories

        return getattr(factories, kind)(organization=org).pk

    return make


def _approvals(kind: str) -> Callable[[Any], Any]:
    def make(org: Any) -> Any:
        from tradeloom.approvals.tests import factories

        return getattr(factories, kind)(organization=org).pk

    return make


OTHER_ORG_OBJECTS: dict[str, Callable[[Any], Any]] = {
    "membership_id": lambda org: MembershipFactory(organization=org).pk,
    "invitation_id": _other_invitation,
    "order_id": _sales("OrderFactory"),
    "line_id": _sales("LineFactory"),
    "offer_id": _sales("OfferFactory"),
    "task_id": _sales("TaskFactory"),
    "note_id": _sales("NoteFactory"),
    "request_id": _sales("DeletionRequestFactory"),
    "gate_id": _approvals("GateFactory"),
    "rule_id": _approvals("RuleFactory"),
    "line_gate_id": _approvals("LineGateFactory"),
    "entry_id": _approvals("EntryFactory"),
    "sample_id": _approvals("SampleFactory"),
    "attachment_id": _approvals("AttachmentFactory"),
}


def test_the_urlconf_has_tenant_routes():
    assert len(ROUTES) >= 6
    assert all(route.methods for route in ROUTES)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.template)
def test_every_tenant_view_is_scoped_and_declares_a_capability_for_each_method(route):
    assert issubclass(route.view_class, TenantScopedMixin), f"{route.template} is not tenant-scoped"
    declared = {m.lower() for m in route.view_class.capabilities}
    assert set(route.methods) <= declared, f"{route.template}: no capability for {set(route.methods) - declared}"


def test_viewer_role_is_read_only():
    assert all(cap.is_read_only for cap in capabilities_of(Role.VIEWER))


@pytest.mark.parametrize(
    ("route", "method"), [(r, m) for r, m in ROUTE_METHODS if m in WRITE_METHODS], ids=lambda x: str(x)
)
def test_a_viewer_is_refused_on_every_write_endpoint(route, method, org, member, api_as):
    viewer = member(Role.VIEWER)
    response = _call(api_as(viewer), method, route.url(org.slug))
    assert response.status_code == 403, (route.template, method, response.content)
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(("route", "method"), ROUTE_METHODS, ids=lambda x: str(x))
def test_another_organisations_slug_is_404_on_every_route(route, method, org, other_org, owner, api_as):
    # given an owner of A, and B which exists
    MembershipFactory(organization=other_org, role=Role.OWNER)
    client = api_as(owner)
    # when A's owner uses B's slug, and a slug that does not exist
    foreign = _call(client, method, route.url(other_org.slug))
    missing = _call(client, method, route.url("no-such-org"))
    # then both are the same 404
    assert foreign.status_code == missing.status_code == 404
    strip = lambda body: {k: v for k, v in body.items() if k != "request_id"}  # noqa: E731
    assert strip(foreign.json()) == strip(missing.json())


def test_every_id_in_tenant_urls_has_a_cross_tenant_fixture():
    from tradeloom.partners.tests.factories import FACTORY_BY_MODEL

    for route in ROUTES:
        for name in route.id_kwargs:
            model = getattr(route.view_class, "model", None)
            assert name in OTHER_ORG_OBJECTS or model in FACTORY_BY_MODEL, f"add a fixture for {route.template}"


@pytest.mark.parametrize(("route", "method"), [(r, m) for r, m in ROUTE_METHODS if r.id_kwargs], ids=lambda x: str(x))
def test_another_organisations_ids_are_404_on_every_route(route, method, org, other_org, owner, api_as):
    # given objects that belong to B
    ids = {name: _other_org_object(route, name, other_org) for name in route.id_kwargs}
    # when A's owner asks for them through A's URL
    response = _call(api_as(owner), method, route.url(org.slug, ids))
    # then they do not exist for A
    assert response.status_code == 404, (route.template, method, response.content)
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(("route", "method"), ROUTE_METHODS, ids=lambda x: str(x))
def test_anonymous_is_401_on_every_route_without_revealing_the_organisation(route, method, org):
    from rest_framework.test import APIClient

    response = _call(APIClient(), method, route.url(org.slug))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_an_inactive_membership_is_404(org, member, api_as):
    membership = member(Role.ADMIN)
    client = api_as(membership)
    with tenant_context(org):
        membership.is_active = False
        membership.save(update_fields=["is_active"])
    assert client.get(f"/api/v1/o/{org.slug}/organization/").status_code == 404
