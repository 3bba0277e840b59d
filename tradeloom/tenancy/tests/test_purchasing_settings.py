"""The purchasing and stock settings of an organisation — ``po_approval_limit``, ``over_receipt_tolerance_percent`` and
``allow_negative_stock`` — with their defaults, validated where the tolerances are (``services.organization_update``),
set through the organisation API and the settings page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.tenancy.roles import Role


def events(org, action):
    with tenant_context(org):
        return list(AuditEvent.objects.filter(organization=org, action=action).order_by("created_at"))


def patch(api_as, member, org, settings):
    return api_as(member(Role.ADMIN)).patch(
        f"/api/v1/o/{org.slug}/organization/", {"settings": settings}, format="json"
    )


@pytest.mark.django_db
def test_the_defaults(org):
    assert org.settings == {}
    assert org.po_approval_limit == Decimal(10000)
    assert org.over_receipt_tolerance_percent == Decimal(5)
    assert org.allow_negative_stock is False


@pytest.mark.django_db
def test_each_setting_is_set_through_the_api_and_audited(org, member, api_as):
    settings = {"po_approval_limit": 2500.5, "over_receipt_tolerance_percent": 0, "allow_negative_stock": True}
    response = patch(api_as, member, org, settings)
    assert response.status_code == 200, response.content
    org.refresh_from_db()
    assert org.po_approval_limit == Decimal("2500.5")
    assert org.over_receipt_tolerance_percent == Decimal(0)
    assert org.allow_negative_stock is True
    [event] = events(org, "organization.updated")
    assert event.changes["settings"] == [{}, settings]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("po_approval_limit", -1),
        ("po_approval_limit", 10.001),
        ("po_approval_limit", "1000"),
        ("po_approval_limit", True),
        ("over_receipt_tolerance_percent", 101),
        ("over_receipt_tolerance_percent", -0.5),
        ("over_receipt_tolerance_percent", "5"),
        ("allow_negative_stock", "yes"),
        ("allow_negative_stock", 1),
    ],
)
def test_anything_else_is_refused_and_changes_nothing(org, member, api_as, key, value):
    response = patch(api_as, member, org, {key: value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [f"settings.{key}"]
    org.refresh_from_db()
    assert org.settings == {}
    assert events(org, "organization.updated") == []


@pytest.mark.django_db
def test_the_settings_page_shows_and_saves_them(org, member):
    org.settings = {"merchandisers_see_all_orders": False}
    org.save()
    client = Client()
    client.force_login(member(Role.ADMIN).user)
    page = client.get(f"/o/{org.slug}/settings/").content.decode()
    for name in ("po_approval_limit", "over_receipt_tolerance_percent", "allow_negative_stock"):
        assert f'name="{name}"' in page
    fields = {
        "name": org.name,
        "base_currency": "USD",
        "timezone": "UTC",
        "credit_limit_check": "warn",
        "weekly_off_days": ["6"],
    }
    saved = {
        **fields,
        "po_approval_limit": "5000",
        "over_receipt_tolerance_percent": "2.5",
        "allow_negative_stock": "on",
    }
    assert client.post(f"/o/{org.slug}/settings/", saved).status_code == 302
    org.refresh_from_db()
    assert org.settings == {
        "merchandisers_see_all_orders": False,
        "po_approval_limit": 5000,
        "over_receipt_tolerance_percent": 2.5,
        "allow_negative_stock": True,
    }
    refused = client.post(f"/o/{org.slug}/settings/", {**fields, "po_approval_limit": "-5"})
    assert 'id="id_po_approval_limit_error"' in refused.content.decode()
    org.refresh_from_db()
    assert org.po_approval_limit == Decimal(5000)
    # blanks return to the defaults; unticking keeps an explicit "false"
    assert client.post(f"/o/{org.slug}/settings/", fields).status_code == 302
    org.refresh_from_db()
    assert org.settings == {"merchandisers_see_all_orders": False, "allow_negative_stock": False}
    assert org.po_approval_limit == Decimal(10000)


@pytest.mark.django_db
def test_the_weekly_days_off_default_to_sunday_and_are_saved_from_the_settings_page(org, member):
    assert org.weekly_off_days == (6,)
    assert org.work_week.is_working(datetime.date(2026, 12, 5))  # a Saturday
    assert not org.work_week.is_working(datetime.date(2026, 12, 6))
    client = Client()
    client.force_login(member(Role.ADMIN).user)
    page = client.get(f"/o/{org.slug}/settings/").content.decode()
    assert 'value="6"' in page
    assert "checked" in page.split('value="6"')[1].split(">")[0]
    fields = {"name": org.name, "base_currency": "USD", "timezone": "UTC", "credit_limit_check": "warn"}
    # Friday off (the six-day week of many mills)
    assert client.post(f"/o/{org.slug}/settings/", {**fields, "weekly_off_days": ["4"]}).status_code == 302
    org.refresh_from_db()
    assert org.settings["weekly_off_days"] == [4]
    assert org.weekly_off_days == (4,)
    # all seven days off: refused next to the field, nothing saved
    refused = client.post(f"/o/{org.slug}/settings/", {**fields, "weekly_off_days": [str(d) for d in range(7)]})
    assert 'id="id_weekly_off_days_error"' in refused.content.decode()
    org.refresh_from_db()
    assert org.weekly_off_days == (4,)
    # nothing ticked: every day is a working day
    assert client.post(f"/o/{org.slug}/settings/", fields).status_code == 302
    org.refresh_from_db()
    assert org.weekly_off_days == ()


@pytest.mark.django_db
@pytest.mark.parametrize("days", [[7], [1, 1], list(range(7)), "6", [True]])
def test_the_api_refuses_days_off_that_are_not_distinct_weekdays(org, member, api_as, days):
    response = patch(api_as, member, org, {"weekly_off_days": days})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["settings.weekly_off_days"]
    org.refresh_from_db()
    assert org.settings == {}
