"""The webhooks API: endpoints as a record resource (ETag / If-Match, the secret only where asked for), the event
types, the delivery log and its query budget, replays, the test event; every error with its stable code; another
organisation's endpoints, deliveries and logs are not there."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.core.webhook_events import WEBHOOK_EVENT_TYPES
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget
from tradeloom.webhooks.models import Delivery, Endpoint
from tradeloom.webhooks.tests.conftest import reload
from tradeloom.webhooks.tests.factories import AttemptFactory, DeliveryFactory, EndpointFactory

pytestmark = pytest.mark.django_db


def base(org: Any) -> str:
    return f"/api/v1/o/{org.slug}/webhooks/"


@pytest.fixture
def client(owner, api_as):
    return api_as(owner)


def create(client: Any, org: Any, **data: Any) -> Any:
    body = {"url": "https://erp.example.com/hooks", "event_types": ["sales_order.created"], **data}
    return client.post(f"{base(org)}endpoints/", body, format="json")


def test_an_endpoint_is_created_with_its_secret_shown_once(org, client):
    response = create(client, org, description="ERP", event_types=["sales_line.status_changed", "sales_order.created"])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert body["event_types"] == ["sales_order.created", "sales_line.status_changed"]  # the catalogue's order
    assert body["is_active"] is True
    assert body["version"] == 1
    assert response["ETag"] == f'"{body["id"]}-1"'
    # reads never show it; secret/ does, uncached
    detail = client.get(f"{base(org)}endpoints/{body['id']}/")
    assert "secret" not in detail.json()
    assert all("secret" not in row for row in client.get(f"{base(org)}endpoints/").json()["results"])
    secret = client.get(f"{base(org)}endpoints/{body['id']}/secret/")
    assert secret.json()["secret"] == body["secret"]
    assert secret["Cache-Control"] == "no-store"
    # and the audit log has the creation without it
    with tenant_context(org):
        event = AuditEvent.objects.get(action="webhook_endpoint.created", target_id=body["id"])
    assert body["secret"] not in str(event.changes)


def test_an_update_needs_the_current_version(org, client):
    body = create(client, org).json()
    url = f"{base(org)}endpoints/{body['id']}/"
    stale = client.patch(url, {"description": "x"}, format="json", HTTP_IF_MATCH=f'"{body["id"]}-0"')
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    ok = client.patch(url, {"description": "Orders to ERP"}, format="json", HTTP_IF_MATCH=f'"{body["id"]}-1"')
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    assert client.get(url, HTTP_IF_NONE_MATCH=ok["ETag"]).status_code == 304


def test_rotating_the_secret_changes_it_and_is_audited(org, client):
    body = create(client, org).json()
    url = f"{base(org)}endpoints/{body['id']}/"
    rotated = client.post(f"{url}rotate-secret/", HTTP_IF_MATCH=f'"{body["id"]}-1"')
    assert rotated.status_code == 200
    assert rotated.json()["secret"] != body["secret"]
    assert rotated.json()["previous_secret_expires_at"]
    with tenant_context(org):
        event = AuditEvent.objects.get(action="webhook_endpoint.secret_rotated", target_id=body["id"])
    assert event.changes == {"secret": ["[redacted]", "[redacted]"]}


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"event_types": ["sales_order.created", "order.exploded"]}, "unknown_event_type", "event_types"),
        ({"event_types": ["user.logged_in"]}, "unknown_event_type", "event_types"),  # catalogued, not public
        ({"event_types": []}, "validation_error", "event_types"),
        ({"url": "not a url"}, "validation_error", "url"),
        ({"url": "http://erp.example.com/hooks"}, "insecure_url", "url"),
        ({"url": "https://192.168.0.10/hooks"}, "address_not_allowed", "url"),
        ({"url": "https://u:p@erp.example.com/"}, "validation_error", "url"),
    ],
)
def test_a_refused_endpoint_says_why_with_a_stable_code_and_writes_nothing(org, client, data, code, field):
    response = create(client, org, **data)
    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == code
    assert field in problem["errors"]
    with tenant_context(org):
        assert not Endpoint.objects.exists()


def test_the_event_types_are_the_public_catalogue(org, client):
    rows = client.get(f"{base(org)}event-types/").json()
    assert [row["code"] for row in rows] == WEBHOOK_EVENT_TYPES.keys()
    assert {"code": "sales_order.created", "label": "Order created", "area": "Orders", "description": ""} in rows


@pytest.mark.parametrize("role", [Role.MANAGER, Role.MERCHANDISER, Role.VIEWER])
def test_only_owners_and_admins_manage_webhooks(org, member, api_as, role):
    endpoint = EndpointFactory(organization=org)
    client = api_as(member(role))
    assert client.get(f"{base(org)}endpoints/").status_code == 403
    assert client.get(f"{base(org)}endpoints/{endpoint.pk}/secret/").status_code == 403


def test_an_admin_manages_webhooks(org, member, api_as):
    assert create(api_as(member(Role.ADMIN)), org).status_code == 201


# --- the delivery log ---------------------------------------------------------------------------------------------


def test_the_delivery_log_pages_newest_first_with_filters(org, client):
    endpoint = EndpointFactory(organization=org)
    made = [DeliveryFactory(organization=org, endpoint=endpoint) for _ in range(3)]
    failed = DeliveryFactory(organization=org, endpoint=endpoint, status=Delivery.Status.FAILED)
    DeliveryFactory(organization=org)  # another endpoint's
    url = f"{base(org)}endpoints/{endpoint.pk}/deliveries/"
    first = client.get(f"{url}?limit=2").json()
    second = client.get(first["next"]).json()
    assert [r["id"] for r in first["results"] + second["results"]] == [str(d.pk) for d in [failed, *made[::-1]]]
    assert first["results"][0]["webhook_id"] == f"msg_{failed.message_id.hex}"
    assert [r["id"] for r in client.get(f"{url}?status=failed").json()["results"]] == [str(failed.pk)]
    assert client.get(f"{url}?status=lost").status_code == 400


def test_the_delivery_log_costs_the_same_whatever_its_length(org, client, django_assert_max_num_queries):
    endpoint = EndpointFactory(organization=org)
    url = f"{base(org)}endpoints/{endpoint.pk}/deliveries/?limit=50"
    DeliveryFactory(organization=org, endpoint=endpoint)
    client.get(url)  # warm up (the token's first use)
    with django_assert_max_num_queries(budget("api.webhook-deliveries.list")) as few:
        client.get(url)
    for _ in range(20):
        DeliveryFactory(organization=org, endpoint=endpoint)
    with django_assert_max_num_queries(budget("api.webhook-deliveries.list")) as many:
        assert len(client.get(url).json()["results"]) == 21
    assert len(many) == len(few)


def test_a_delivery_shows_its_body_and_every_attempt(org, client, django_assert_max_num_queries):
    delivery = DeliveryFactory(organization=org, status=Delivery.Status.FAILED, attempts=3)
    for number in (1, 2, 3):
        AttemptFactory(organization=org, delivery=delivery, number=number, status_code=500, response_body="no")
    url = f"{base(org)}endpoints/{delivery.endpoint_id}/deliveries/{delivery.pk}/"
    client.get(url)
    with django_assert_max_num_queries(budget("api.webhook-deliveries.detail")):
        body = client.get(url).json()
    assert body["body"] == delivery.message.body
    assert [a["number"] for a in body["attempt_log"]] == [3, 2, 1]
    assert body["attempt_log"][0]["response_body"] == "no"


def test_replaying_a_delivery_and_the_failed_ones_since_a_time(org, client, committed, receiver):
    endpoint = EndpointFactory(organization=org, url=receiver.url)
    done = DeliveryFactory(organization=org, endpoint=endpoint, status=Delivery.Status.SUCCEEDED, attempts=1)
    failed = DeliveryFactory(organization=org, endpoint=endpoint, status=Delivery.Status.FAILED, attempts=8)
    url = f"{base(org)}endpoints/{endpoint.pk}/deliveries/"
    with committed():
        response = client.post(f"{url}{done.pk}/replay/")
    assert response.status_code == 202
    assert reload(org, done).status == Delivery.Status.SUCCEEDED
    assert reload(org, done).attempts == 2
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    replayed = client.post(f"{url}replay-failed/", {"since": since}, format="json")
    assert replayed.status_code == 202
    assert replayed.json() == {"replayed": 1}
    assert reload(org, failed).status == Delivery.Status.PENDING
    assert (
        client.post(f"{url}replay-failed/", {"since": "yesterday"}, format="json").json()["code"] == "validation_error"
    )
    pending = client.post(f"{url}{failed.pk}/replay/")
    assert pending.status_code == 409
    assert pending.json()["code"] == "delivery_pending"


def test_a_paused_endpoints_deliveries_are_not_replayed(org, client):
    endpoint = EndpointFactory(organization=org, is_active=False)
    failed = DeliveryFactory(organization=org, endpoint=endpoint, status=Delivery.Status.FAILED)
    response = client.post(f"{base(org)}endpoints/{endpoint.pk}/deliveries/{failed.pk}/replay/")
    assert response.status_code == 409
    assert response.json()["code"] == "endpoint_inactive"


def test_sending_a_test_event(org, client, committed, receiver):
    endpoint = EndpointFactory(organization=org, url=receiver.url)
    with committed():
        response = client.post(f"{base(org)}endpoints/{endpoint.pk}/test/")
    assert response.status_code == 202
    assert response.json()["event_type"] == "webhook.test"
    assert len(receiver.requests) == 1


# --- other organisations ------------------------------------------------------------------------------------------


def test_another_organisations_endpoints_deliveries_and_logs_are_not_there(org, other_org, client):
    theirs = DeliveryFactory(organization=other_org)
    AttemptFactory(organization=other_org, delivery=theirs)
    ours = EndpointFactory(organization=org)
    their_endpoint = theirs.endpoint_id
    assert [r["id"] for r in client.get(f"{base(org)}endpoints/").json()["results"]] == [str(ours.pk)]
    for path in (
        f"endpoints/{their_endpoint}/",
        f"endpoints/{their_endpoint}/secret/",
        f"endpoints/{their_endpoint}/deliveries/",
        f"endpoints/{their_endpoint}/deliveries/{theirs.pk}/",
        f"endpoints/{ours.pk}/deliveries/{theirs.pk}/",  # their delivery under our endpoint
    ):
        response = client.get(f"{base(org)}{path}")
        assert response.status_code == 404, path
    for path in (f"endpoints/{their_endpoint}/test/", f"endpoints/{ours.pk}/deliveries/{theirs.pk}/replay/"):
        assert client.post(f"{base(org)}{path}").status_code == 404, path
    assert client.delete(f"{base(org)}endpoints/{their_endpoint}/").status_code == 404
    with tenant_context(other_org):
        assert Endpoint.objects.filter(pk=their_endpoint).exists()
        assert reload(other_org, theirs).attempts == 0


def test_the_endpoints_list_costs_the_same_whatever_its_length(org, client, django_assert_max_num_queries):
    EndpointFactory(organization=org)
    url = f"{base(org)}endpoints/?limit=50"
    client.get(url)
    with django_assert_max_num_queries(budget("api.webhook-endpoints.list")) as few:
        client.get(url)
    for _ in range(10):
        EndpointFactory(organization=org)
    with django_assert_max_num_queries(budget("api.webhook-endpoints.list")) as many:
        assert len(client.get(url).json()["results"]) == 11
    assert len(many) == len(few)
