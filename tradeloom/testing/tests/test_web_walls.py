"""The URL and application walls of the web app, proven over every route under /o/<org>/ in the URLconf.

Every page must carry ``@tenant_view``, answer 404 to non-members, send anonymous visitors to log in, refuse viewers
on writes, and answer 404 for another organisation's ids — which come from the registry each app's
tests/factories.py fills (tradeloom.testing.walls); an id nobody declared fails a test here.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.test import Client

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory
from tradeloom.testing import walls
from tradeloom.testing.routes import web_tenant_routes, web_view_model

pytestmark = pytest.mark.django_db

walls.load_all()
WEB_ROUTES = web_tenant_routes()
ID_ROUTES = [(t, cb) for t, cb in WEB_ROUTES if "<uuid:" in t]


def web_url(template: str, slug: str, ids: dict[str, Any] | None = None) -> str:
    ids = ids or {}
    path = template.replace("<slug:org_slug>", slug)
    return "/" + re.sub(r"<uuid:(\w+)>", lambda m: str(ids.get(m[1], uuid.uuid4())), path)


def id_kwargs(template: str) -> list[str]:
    return re.findall(r"<uuid:(\w+)>", template)


def browser(membership: Any) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def test_there_are_web_tenant_routes():
    assert len(WEB_ROUTES) >= 8
    assert len(ID_ROUTES) >= 8


@pytest.mark.parametrize(("template", "callback"), WEB_ROUTES, ids=[t for t, _ in WEB_ROUTES])
def test_every_web_tenant_route_is_guarded(template, callback):
    assert getattr(callback, "tenant_capabilities", None), f"{template} lacks @tenant_view"


@pytest.mark.parametrize(("template", "callback"), WEB_ROUTES, ids=[t for t, _ in WEB_ROUTES])
def test_every_web_tenant_route_is_404_for_a_non_member(template, callback, org, other_org, owner):
    MembershipFactory(organization=other_org, role=Role.OWNER)
    client = browser(owner)
    for method in callback.tenant_capabilities:
        response = getattr(client, method.lower())(web_url(template, other_org.slug))
        assert response.status_code == 404, (template, method)


@pytest.mark.parametrize(("template", "callback"), WEB_ROUTES, ids=[t for t, _ in WEB_ROUTES])
def test_anonymous_visitors_are_sent_to_log_in(template, callback, org):
    response = Client().get(web_url(template, org.slug))
    if "GET" in callback.tenant_capabilities:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize(("template", "callback"), WEB_ROUTES, ids=[t for t, _ in WEB_ROUTES])
def test_a_viewer_is_refused_every_write(template, callback, org, member):
    if "POST" not in callback.tenant_capabilities:
        pytest.skip("read-only page")
    cap = callback.tenant_capabilities["POST"]
    if cap.is_read_only or cap.personal:
        pytest.skip("a read capability (e.g. exporting what one may read), or one's own inbox and settings")
    response = browser(member(Role.VIEWER)).post(web_url(template, org.slug), {"role": "owner", "name": "x"})
    assert response.status_code in (403, 404)
    assert response.status_code == 403 or "<uuid:" in template


def test_every_id_in_web_tenant_urls_has_a_cross_tenant_fixture():
    missing = [
        (template, name)
        for template, callback in ID_ROUTES
        for name in id_kwargs(template)
        if not walls.has_object_for(name, web_view_model(callback))
    ]
    assert missing == [], "register_url_object() / register_factory() in the app's tests/factories.py"


@pytest.mark.parametrize(("template", "callback"), ID_ROUTES, ids=[t for t, _ in ID_ROUTES])
def test_another_organisations_ids_are_404_on_every_web_route(template, callback, org, other_org, owner):
    """A member of A reaches B's orders, lines, offers, gates, samples, records … by id: 404, nothing is written."""
    model = web_view_model(callback)
    ids = {name: walls.other_org_object(name, other_org, model).pk for name in id_kwargs(template)}
    path = web_url(template, org.slug, ids)
    client = browser(owner)

    def events() -> list[int]:
        counts = []
        for organization in (org, other_org):
            with tenant_context(organization):
                counts.append(AuditEvent.objects.count())
        return counts

    before = events()
    for method in callback.tenant_capabilities:
        response = getattr(client, method.lower())(path)
        assert response.status_code == 404, (template, method, response.status_code)
    assert events() == before
