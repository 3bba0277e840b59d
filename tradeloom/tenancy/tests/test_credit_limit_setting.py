"""``settings["credit_limit_check"]``: what confirming an order does past the customer's credit limit — "off", "warn"
(the default) or "block" — validated where the tolerances are (``services.organization_update``), set through the
organisation API and the settings page."""

from __future__ import annotations

import pytest
from django.test import Client

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def events(org, action):
    with tenant_context(org):
        return list(AuditEvent.objects.filter(organization=org, action=action).order_by("created_at"))


def test_the_check_warns_by_default(org):
    assert org.settings.get("credit_limit_check") is None
    assert org.credit_limit_check == "warn"


@pytest.mark.parametrize("mode", ["off", "warn", "block"])
def test_each_mode_is_a_setting(org, member, api_as, mode):
    response = api_as(member(Role.ADMIN)).patch(
        f"/api/v1/o/{org.slug}/organization/", {"settings": {"credit_limit_check": mode}}, format="json"
    )
    assert response.status_code == 200, response.content
    org.refresh_from_db()
    assert org.credit_limit_check == mode
    [event] = events(org, "organization.updated")
    assert event.changes["settings"] == [{}, {"credit_limit_check": mode}]


@pytest.mark.parametrize("value", ["Block", "stop", "", 1, True, ["warn"]])
def test_anything_else_is_refused_on_the_setting(org, member, api_as, value):
    response = api_as(member(Role.ADMIN)).patch(
        f"/api/v1/o/{org.slug}/organization/", {"settings": {"credit_limit_check": value}}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["settings.credit_limit_check"]
    org.refresh_from_db()
    assert org.settings == {}
    assert events(org, "organization.updated") == []


def test_the_settings_page_shows_and_saves_the_check(org, member):
    org.settings = {"merchandisers_see_all_orders": False}
    org.save()
    client = Client()
    client.force_login(member(Role.ADMIN).user)
    page = client.get(f"/o/{org.slug}/settings/").content.decode()
    assert 'name="credit_limit_check"' in page
    assert '<option value="warn" selected>' in page
    fields = {"name": org.name, "base_currency": "USD", "timezone": "UTC", "weekly_off_days": ["6"]}
    # the default chosen and nothing set before: the setting stays absent
    assert client.post(f"/o/{org.slug}/settings/", {**fields, "credit_limit_check": "warn"}).status_code == 302
    org.refresh_from_db()
    assert org.settings == {"merchandisers_see_all_orders": False}
    assert client.post(f"/o/{org.slug}/settings/", {**fields, "credit_limit_check": "block"}).status_code == 302
    org.refresh_from_db()
    assert org.settings == {"merchandisers_see_all_orders": False, "credit_limit_check": "block"}
    assert client.post(f"/o/{org.slug}/settings/", {**fields, "credit_limit_check": "warn"}).status_code == 302
    org.refresh_from_db()
    assert org.credit_limit_check == "warn"
    refused = client.post(f"/o/{org.slug}/settings/", {**fields, "credit_limit_check": "sometimes"})
    assert 'id="id_credit_limit_check_error"' in refused.content.decode()
