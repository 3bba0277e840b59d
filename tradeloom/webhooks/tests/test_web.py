"""The webhooks pages in the organisation's settings: endpoints, the form with its errors next to the fields, the
secret shown on creation and on demand, the delivery log in a fixed number of queries, replays and the test event."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tradeloom.core.context import tenant_context
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget
from tradeloom.webhooks.models import Delivery, Endpoint
from tradeloom.webhooks.tests.conftest import reload
from tradeloom.webhooks.tests.factories import AttemptFactory, DeliveryFactory, EndpointFactory

pytestmark = pytest.mark.django_db


def browser(membership: Any) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def pages(org: Any) -> str:
    return f"/o/{org.slug}/settings/webhooks/"


def test_the_endpoints_page_lists_them_and_the_sidebar_links_it_for_admins_only(org, owner, member):
    EndpointFactory(organization=org, description="ERP orders")
    html = browser(owner).get(pages(org)).content.decode()
    assert "ERP orders" in html
    assert f'href="{pages(org)}"' in html  # the sidebar's link
    manager = browser(member(Role.MANAGER))
    assert manager.get(pages(org)).status_code == 403
    assert f'href="{pages(org)}"' not in manager.get(f"/o/{org.slug}/").content.decode()


def test_adding_an_endpoint_shows_its_secret(org, owner):
    response = browser(owner).post(
        f"{pages(org)}new/",
        {
            "url": "https://erp.example.com/in",
            "description": "ERP",
            "event_types": ["sales_order.created"],
            "is_active": "on",
        },
        follow=True,
    )
    with tenant_context(org):
        endpoint = Endpoint.objects.get()
    assert endpoint.event_types == ["sales_order.created"]
    assert endpoint.is_active
    assert endpoint.secret in response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"{endpoint.pk}/secret/")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"url": "http://erp.example.com/in"}, "url", "Use an https:// address"),
        ({"url": "https://10.0.0.2/in"}, "url", "10.0.0.2 is a private address"),
        ({"url": "nonsense"}, "url", "Enter a valid URL"),
        ({"event_types": []}, "event_types", "Choose at least one event type"),
        ({"event_types": ["order.exploded"]}, "event_types", "Select a valid choice"),
    ],
)
def test_form_errors_show_next_to_their_fields(org, owner, data, field, message):
    posted = {"url": "https://erp.example.com/in", "event_types": ["sales_order.created"], **data}
    response = browser(owner).post(f"{pages(org)}new/", posted)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    error = html.split(f'id="id_{field}_error">')[1].split("</p>")[0]
    assert message in error
    with tenant_context(org):
        assert not Endpoint.objects.exists()


def test_editing_an_endpoint_keeps_its_version_check(org, owner):
    endpoint = EndpointFactory(organization=org)
    client = browser(owner)
    form = client.get(f"{pages(org)}{endpoint.pk}/edit/").content.decode()
    assert 'value="sales_order.created" checked' in form
    data = {"url": endpoint.url, "event_types": ["item.created"], "is_active": "on", "version": "1"}
    assert client.post(f"{pages(org)}{endpoint.pk}/edit/", data).status_code == 302
    assert reload(org, endpoint).event_types == ["item.created"]
    stale = client.post(f"{pages(org)}{endpoint.pk}/edit/", {**data, "description": "late"})
    assert "changed by someone else" in stale.content.decode()


def test_the_endpoint_page_shows_its_log_in_a_fixed_number_of_queries(org, owner, django_assert_max_num_queries):
    endpoint = EndpointFactory(organization=org)
    client = browser(owner)
    DeliveryFactory(organization=org, endpoint=endpoint, status=Delivery.Status.FAILED, last_error="Timed out.")
    client.get(f"{pages(org)}{endpoint.pk}/")
    with django_assert_max_num_queries(budget("web.webhooks.endpoint")) as few:
        html = client.get(f"{pages(org)}{endpoint.pk}/").content.decode()
    assert "Timed out." in html
    assert "Send test event" in html
    assert "Replay all failed since" in html
    for _ in range(15):
        DeliveryFactory(organization=org, endpoint=endpoint)
    with django_assert_max_num_queries(budget("web.webhooks.endpoint")) as many:
        client.get(f"{pages(org)}{endpoint.pk}/")
    assert len(many) == len(few)


def test_the_delivery_page_shows_the_body_and_each_attempt(org, owner, django_assert_max_num_queries):
    delivery = DeliveryFactory(organization=org, status=Delivery.Status.FAILED, attempts=2)
    for number in (1, 2):
        AttemptFactory(organization=org, delivery=delivery, number=number, status_code=502, response_body="bad gateway")
    url = f"{pages(org)}{delivery.endpoint_id}/deliveries/{delivery.pk}/"
    client = browser(owner)
    client.get(url)
    with django_assert_max_num_queries(budget("web.webhooks.delivery")):
        html = client.get(url).content.decode()
    assert "bad gateway" in html
    assert "#2" in html
    assert "#1" in html
    assert "Replay" in html
    assert delivery.message.webhook_id in html


def test_the_buttons_send_a_test_replay_and_replay_failed(org, owner, receiver, committed):
    endpoint = EndpointFactory(organization=org, url=receiver.url)
    failed = DeliveryFactory(organization=org, endpoint=endpoint, status=Delivery.Status.FAILED, attempts=8)
    client = browser(owner)
    with committed():
        response = client.post(f"{pages(org)}{endpoint.pk}/test/", follow=True)
    assert "Test event queued" in response.content.decode()
    with committed():
        client.post(f"{pages(org)}{endpoint.pk}/deliveries/{failed.pk}/replay/")
    assert reload(org, failed).status == Delivery.Status.SUCCEEDED
    assert len(receiver.requests) == 2
    response = client.post(f"{pages(org)}{endpoint.pk}/replay-failed/", {"since": "2026-01-01T00:00"}, follow=True)
    assert "0 failed deliveries will be sent again" in response.content.decode()


def test_the_secret_page_rotates_it(org, owner):
    endpoint = EndpointFactory(organization=org)
    client = browser(owner)
    response = client.get(f"{pages(org)}{endpoint.pk}/secret/")
    assert endpoint.secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    client.post(f"{pages(org)}{endpoint.pk}/secret/", {"version": "1"})
    assert reload(org, endpoint).secret != endpoint.secret


@pytest.mark.django_db(databases=["default", "owner"])
@pytest.mark.parametrize("path", ["/admin/webhooks/endpoint/", "/admin/webhooks/delivery/"])
def test_operators_read_endpoints_and_deliveries_in_the_admin(path):
    from tradeloom.accounts.tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(path).status_code == 200
    assert client.get(f"{path}add/").status_code == 403


def test_the_admin_never_shows_a_secret():
    from tradeloom.webhooks.admin import EndpointAdmin

    assert {"secret", "previous_secret"} <= set(EndpointAdmin.exclude or ())


def test_every_field_error_shows_at_once(org, owner):
    response = browser(owner).post(f"{pages(org)}new/", {"url": "http://erp.example.com/in"})
    html = response.content.decode()
    assert 'id="id_url_error">Use an https:// address' in html
    assert 'id="id_event_types_error">Choose at least one event type.' in html
