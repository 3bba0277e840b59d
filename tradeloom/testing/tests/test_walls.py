"""The URL and application walls, proven over every tenant route in the URLconf.

A new endpoint under /api/v1/o/<org>/ is covered automatically: it must declare capabilities, refuse viewers on
writes, and answer 404 to other organisations' members and for other organisations' ids. Those ids come from the
registry each app's tests/factories.py fills (tradeloom.testing.walls); an id nobody declared fails a test here.
"""

from __future__ import annotations

from typing import Any

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.tenancy.api.base import TenantScopedMixin
from tradeloom.tenancy.roles import Role, capabilities_of
from tradeloom.tenancy.tests.factories import MembershipFactory
from tradeloom.testing import walls
from tradeloom.testing.routes import WRITE_METHODS, tenant_routes

pytestmark = pytest.mark.django_db

# Every app's tests/factories.py declares the objects its URL ids name (tradeloom.testing.walls).
FACTORY_MODULES = walls.load_all()
ROUTES = tenant_routes()
ROUTE_METHODS = [(r, m) for r in ROUTES for m in r.methods]


def _model(route: Any) -> Any:
    return getattr(route.view_class, "model", None)


def _other_org_id(route: Any, name: str, org: Any) -> Any:
    """The id of a new object of ``org`` for the URL kwarg ``name`` of ``route``: by kwarg name, or by its model."""
    return walls.other_org_object(name, org, _model(route)).pk


def _call(client: Any, method: str, url: str) -> Any:
    return getattr(client, method)(url, {}, format="json") if method != "get" else client.get(url)


def test_every_app_with_tenant_models_declares_its_factories():
    from django.apps import apps

    from tradeloom.core.models import TenantModel

    for config in apps.get_app_configs():
        if any(issubclass(m, TenantModel) for m in config.get_models()):
            assert f"{config.name}.tests.factories" in FACTORY_MODULES, f"{config.name} has no tests/factories.py"


def test_the_urlconf_has_tenant_routes():
    assert len(ROUTES) >= 6
    assert all(route.methods for route in ROUTES)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.template)
def test_every_tenant_view_is_scoped_and_declares_a_capability_for_each_method(route):
    assert issubclass(route.view_class, TenantScopedMixin), f"{route.template} is not tenant-scoped"
    declared = {m.lower() for m in route.view_class.capabilities}
    assert set(route.methods) <= declared, f"{route.template}: no capability for {set(route.methods) - declared}"


def test_viewer_role_is_read_only():
    # beyond reading, a viewer changes only their own inbox and settings (personal capabilities)
    assert all(cap.is_read_only or cap.personal for cap in capabilities_of(Role.VIEWER))
    assert not any(cap.personal and not cap.startswith("notifications.") for cap in capabilities_of(Role.VIEWER))


def _organisation_write(route: Any, method: str) -> bool:
    return method in WRITE_METHODS and not route.view_class.capabilities[method.upper()].personal


@pytest.mark.parametrize(
    ("route", "method"), [(r, m) for r, m in ROUTE_METHODS if _organisation_write(r, m)], ids=lambda x: str(x)
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
    missing = [
        (route.template, name)
        for route in ROUTES
        for name in route.id_kwargs
        if not walls.has_object_for(name, _model(route))
    ]
    assert missing == [], "register_url_object() / register_factory() in the app's tests/factories.py"


@pytest.mark.parametrize(("route", "method"), [(r, m) for r, m in ROUTE_METHODS if r.id_kwargs], ids=lambda x: str(x))
def test_another_organisations_ids_are_404_on_every_route(route, method, org, other_org, owner, api_as):
    # given objects that belong to B
    ids = {name: _other_org_id(route, name, other_org) for name in route.id_kwargs}
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
