"""From a change to a signed request at a real receiver: the outbox in the change's transaction, the payload as the
API shows the record, the retry schedule kept in the database, giving up, disabling an endpoint that keeps failing
(its admins told), replays with the same webhook-id, the test event, and the sweep."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from typing import Any

import orjson
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.core.models import OutboxEntry
from tradeloom.notifications.models import Notification
from tradeloom.partners.models import Customer
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.records.services import record_create
from tradeloom.sales import services as sales
from tradeloom.tenancy.roles import Role
from tradeloom.webhooks import schedule, services, subscriptions
from tradeloom.webhooks.models import Delivery, DeliveryAttempt, Endpoint, Message
from tradeloom.webhooks.tests.conftest import reload
from tradeloom.webhooks.tests.factories import EndpointFactory

pytestmark = pytest.mark.django_db


def make_order(org: Any, by: Any, po: str = "PO-1") -> Any:
    unit = UnitFactory(organization=org, code=f"m-{po}", dimension="length", factor=D("1"))
    customer = CustomerFactory(organization=org, legal_name=f"Nordic {po}")
    with tenant_context(org, user=by.user):
        return sales.order_create(
            organization=org,
            by=by,
            data={"po_number": po, "customer": customer, "currency": "USD", "order_date": date(2026, 11, 1)},
            styles=[{"lines": [{"colour_code": "NAVY", "cad_code": "", "quantity": D("1000"), "unit": unit}]}],
            merge=False,
        ).order


def deliveries(org: Any, **filters: Any) -> list[Delivery]:
    with tenant_context(org):
        return list(Delivery.objects.filter(**filters).select_related("message").order_by("created_at", "id"))


def attempt_now(org: Any, delivery: Delivery, committed: Any) -> DeliveryAttempt | None:
    with committed():
        return services.delivery_attempt(organization_id=org.pk, delivery_id=delivery.pk)


def test_a_committed_change_reaches_the_receiver_signed_with_the_record_as_the_api_shows_it(
    org, owner, endpoint, receiver, committed, api_as
):
    # when an order is created (its transaction commits)
    with committed():
        order = make_order(org, owner)
    # then the receiver got one request, verified by an independent implementation of Standard Webhooks
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request.path == "/hooks?src=tradeloom"
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["type"] == "sales_order.created"
    assert payload["changes"]["lines"] == [None, 1]
    # and its data is the order exactly as GET orders/{id}/ returns it
    api = api_as(owner).get(f"/api/v1/o/{org.slug}/orders/{order.pk}/").json()
    assert payload["data"] == api
    [delivery] = deliveries(org)
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert request.headers["webhook-id"] == delivery.message.webhook_id
    assert request.headers["content-type"] == "application/json"
    assert endpoint.secret not in str(request.headers)


def test_nothing_is_sent_for_a_change_that_rolled_back(org, owner, endpoint, receiver, committed):
    def change_that_fails_after_it_was_audited() -> None:
        with transaction.atomic():
            make_order(org, owner)
            raise RuntimeError("the change fails after it was audited")

    with committed(), pytest.raises(RuntimeError):
        change_that_fails_after_it_was_audited()
    assert receiver.requests == []
    with tenant_context(org):
        assert not OutboxEntry.objects.filter(task=subscriptions.DISPATCH_TASK).exists()
        assert not Message.objects.exists()


def test_the_outbox_entry_is_written_in_the_changes_transaction(org, owner, endpoint):
    # without running the after-commit relay: the entry is there with the change (the broker may be down)
    order = make_order(org, owner)
    with tenant_context(org):
        entry = OutboxEntry.objects.get(task=subscriptions.DISPATCH_TASK)
        event = AuditEvent.objects.get(action="sales_order.created", target_id=str(order.pk))
    assert entry.kwargs["event_ids"] == [str(event.pk)]


def test_an_audited_change_nobody_subscribes_to_costs_no_query(org, owner, settings):
    # given the organisation's subscriptions were read once (the cache)
    EndpointFactory(organization=org, event_types=["customer.created"])
    with tenant_context(org):
        subscriptions.subscribed_types(org.pk)
        # when changes are audited whose types nobody takes, or are no event type at all
        with CaptureQueriesContext(connection) as queries:
            record_create(model=Customer, organization=org, by=owner, data={"code": "X", "legal_name": "Y"})
        mentioned = [q["sql"] for q in queries if "webhooks_" in q["sql"] or "core_outboxentry" in q["sql"]]
    # then the subscribed customer.created was queued, and nothing else read the endpoints
    assert len(mentioned) == 1
    assert "core_outboxentry" in mentioned[0]
    with tenant_context(org), CaptureQueriesContext(connection) as queries:
        from tradeloom.audit.services import audit_record

        audit_record(actor=owner, action="membership.role_changed", target=owner, changes={"role": ["a", "b"]})
    assert [q["sql"] for q in queries if "webhooks_" in q["sql"] or "outbox" in q["sql"]] == []


def test_the_subscriptions_cache_is_forgotten_when_an_endpoint_changes(org, owner, receiver):
    with tenant_context(org):
        assert subscriptions.subscribed_types(org.pk) == frozenset()
    endpoint = services_create(org, owner, receiver.url, ["customer.created"])
    with tenant_context(org):
        assert subscriptions.subscribed_types(org.pk) == {"customer.created"}
        services.endpoint_update(endpoint=endpoint, by=owner, data={"is_active": False})
        assert subscriptions.subscribed_types(org.pk) == frozenset()


def services_create(org: Any, by: Any, url: str, types: list[str]) -> Endpoint:
    with tenant_context(org):
        return services.endpoint_create(organization=org, by=by, data={"url": url, "event_types": types})


def test_only_endpoints_subscribed_to_the_type_get_it_and_every_one_of_them_does(org, owner, receiver, committed):
    first = EndpointFactory(organization=org, url=receiver.url, event_types=["sales_order.created"])
    second = EndpointFactory(organization=org, url=receiver.url, event_types=["sales_order.created", "item.created"])
    EndpointFactory(organization=org, url=receiver.url, event_types=["item.created"])
    EndpointFactory(organization=org, url=receiver.url, event_types=["sales_order.created"], is_active=False)
    with committed():
        make_order(org, owner)
    sent = deliveries(org)
    assert {d.endpoint_id for d in sent} == {first.pk, second.pk}
    assert len({d.message_id for d in sent}) == 1  # one message, one webhook-id, to both
    assert len(receiver.requests) == 2


# --- retries, giving up, disabling -----------------------------------------------------------------------------------


def test_a_failed_attempt_is_retried_on_the_schedule_then_given_up(org, owner, endpoint, receiver, committed):
    receiver.default = (503, b"down for maintenance")
    with committed():
        make_order(org, owner)
    [delivery] = deliveries(org)
    delays = []
    for number in range(2, schedule.ATTEMPTS + 1):
        delivery = reload(org, delivery)
        assert delivery.status == Delivery.Status.PENDING
        delays.append(delivery.next_attempt_at - delivery.last_attempt_at)
        # when the retry is due, the sweep hands it out
        with committed():
            queued = services.deliveries_queue_due(organization=org, now=delivery.next_attempt_at)
        assert queued == 1
        assert reload(org, delivery).attempts == number
    # then the delays were the schedule, and after the eighth attempt the delivery failed
    assert delays == list(schedule.RETRY_DELAYS)
    delivery = reload(org, delivery)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.next_attempt_at is None
    assert delivery.last_status_code == 503
    assert len(receiver.requests) == schedule.ATTEMPTS
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1  # the same id on every attempt
    with tenant_context(org):
        attempts = list(DeliveryAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [a.trigger for a in attempts] == ["first"] + ["retry"] * (schedule.ATTEMPTS - 1)
    assert attempts[0].response_body == "down for maintenance"
    assert attempts[0].status_code == 503
    assert attempts[0].duration_ms is not None
    assert reload(org, endpoint).consecutive_failures == 1


def test_a_retry_that_is_not_due_is_left_alone_and_one_that_is_goes_once(org, owner, endpoint, receiver, committed):
    receiver.answer((500, b"no"))
    with committed():
        make_order(org, owner)
    [delivery] = deliveries(org)
    assert services.deliveries_queue_due(organization=org, now=delivery.next_attempt_at - timedelta(seconds=1)) == 0
    with committed():
        assert services.deliveries_queue_due(organization=org, now=delivery.next_attempt_at) == 1
    assert reload(org, delivery).status == Delivery.Status.SUCCEEDED
    # handed out already: a second sweep finds nothing
    assert services.deliveries_queue_due(organization=org, now=timezone.now() + timedelta(days=2)) == 0


def test_a_success_clears_the_endpoints_failures(org, owner, endpoint, receiver, committed):
    receiver.answer((500, b""))
    with committed():
        make_order(org, owner)
    assert reload(org, endpoint).failing_since is not None
    [delivery] = deliveries(org)
    with committed():
        services.deliveries_queue_due(organization=org, now=delivery.next_attempt_at)
    endpoint = reload(org, endpoint)
    assert endpoint.failing_since is None
    assert endpoint.consecutive_failures == 0


def _exhaust(org: Any, delivery: Delivery, committed: Any) -> None:
    while (delivery := reload(org, delivery)).status == Delivery.Status.PENDING and delivery.next_attempt_at:
        with committed():
            services.deliveries_queue_due(organization=org, now=delivery.next_attempt_at)


def test_an_endpoint_whose_messages_keep_failing_is_disabled_and_its_admins_told(
    org, owner, member, endpoint, receiver, committed, monkeypatch
):
    admin, merch = member(Role.ADMIN), member(Role.MERCHANDISER)
    monkeypatch.setattr(schedule, "DISABLE_AFTER_FAILED_MESSAGES", 2)
    receiver.default = (500, b"")
    for po in ("PO-1", "PO-2"):
        with committed():
            make_order(org, owner, po=po)
    for delivery in deliveries(org):
        _exhaust(org, delivery, committed)
    endpoint = reload(org, endpoint)
    assert endpoint.is_active is False
    assert endpoint.disabled_at is not None
    assert "2 messages in a row" in endpoint.disabled_reason
    with tenant_context(org):
        told = Notification.objects.filter(kind="webhooks.endpoint_disabled")
        assert {n.recipient_id for n in told} == {owner.pk, admin.pk}
        assert merch.pk not in {n.recipient_id for n in told}
        assert AuditEvent.objects.filter(action="webhook_endpoint.disabled", target_id=str(endpoint.pk)).exists()
    # and nothing more is sent to it
    sent = len(receiver.requests)
    with committed():
        make_order(org, owner, po="PO-3")
    assert len(receiver.requests) == sent


def test_an_endpoint_failing_for_days_is_disabled(org, owner, endpoint, receiver, committed):
    receiver.default = (500, b"")
    with tenant_context(org):
        Endpoint.objects.filter(pk=endpoint.pk).update(
            failing_since=timezone.now() - schedule.DISABLE_AFTER_FAILING_FOR - timedelta(minutes=1)
        )
    with committed():
        make_order(org, owner)
    endpoint = reload(org, endpoint)
    assert endpoint.is_active is False
    assert "No attempt has succeeded since" in endpoint.disabled_reason


def test_a_paused_endpoints_pending_delivery_waits_and_goes_when_it_is_active_again(
    org, owner, endpoint, receiver, committed
):
    receiver.answer((500, b""))
    with committed():
        make_order(org, owner)
    [delivery] = deliveries(org)
    with tenant_context(org):
        services.endpoint_update(endpoint=endpoint, by=owner, data={"is_active": False})
    assert services.deliveries_queue_due(organization=org, now=delivery.next_attempt_at) == 0
    with tenant_context(org):
        services.endpoint_update(endpoint=reload(org, endpoint), by=owner, data={"is_active": True})
    with committed():
        assert services.deliveries_queue_due(organization=org, now=delivery.next_attempt_at) == 1
    assert reload(org, delivery).status == Delivery.Status.SUCCEEDED


def test_a_second_copy_of_an_attempt_in_flight_does_nothing(org, owner, endpoint, receiver, committed):
    receiver.answer((500, b""))
    with committed():
        make_order(org, owner)
    [delivery] = deliveries(org)
    with tenant_context(org):
        Delivery.objects.filter(pk=delivery.pk).update(claimed_at=timezone.now())
    assert attempt_now(org, delivery, committed) is None
    assert len(receiver.requests) == 1
    # a claim older than its lifetime was lost with its worker: the attempt goes
    with tenant_context(org):
        Delivery.objects.filter(pk=delivery.pk).update(claimed_at=timezone.now() - schedule.CLAIM_LIFETIME * 2)
    assert attempt_now(org, delivery, committed).succeeded


# --- replays and the test event ------------------------------------------------------------------------------------


def test_replaying_a_delivery_sends_the_same_message_again(org, owner, endpoint, receiver, committed):
    with committed():
        make_order(org, owner)
    [delivery] = deliveries(org)
    with committed(), tenant_context(org):
        services.delivery_replay(delivery=delivery, by=owner)
    first, again = receiver.requests
    assert first.body == again.body
    assert first.headers["webhook-id"] == again.headers["webhook-id"]
    Webhook(endpoint.secret).verify(again.body, again.headers)
    with tenant_context(org):
        triggers = list(
            DeliveryAttempt.objects.filter(delivery=delivery).order_by("number").values_list("trigger", flat=True)
        )
        assert AuditEvent.objects.filter(action="webhook_endpoint.replayed", target_id=str(endpoint.pk)).exists()
    assert triggers == ["first", "replay"]
    assert reload(org, delivery).attempts == 2


def test_a_pending_delivery_cannot_be_replayed(org, owner, endpoint, receiver, committed):
    from tradeloom.core.exceptions import ApplicationError

    receiver.answer((500, b""))
    with committed():
        make_order(org, owner)
    [delivery] = deliveries(org)
    with pytest.raises(ApplicationError) as refused, tenant_context(org):
        services.delivery_replay(delivery=delivery, by=owner)
    assert refused.value.code == "delivery_pending"
    assert refused.value.status == 409


def test_replaying_every_failure_since_a_time(org, owner, endpoint, receiver, committed):
    receiver.default = (500, b"")
    for po in ("PO-1", "PO-2", "PO-3"):
        with committed():
            make_order(org, owner, po=po)
    old, *recent = deliveries(org)
    for delivery in deliveries(org):
        _exhaust(org, delivery, committed)
    with tenant_context(org):
        Delivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    receiver.default = (204, b"")
    since = timezone.now() - timedelta(days=1)
    with tenant_context(org):
        assert services.deliveries_replay_failed(endpoint=endpoint, since=since, by=owner) == 2
    with committed():
        assert services.deliveries_queue_due(organization=org, now=timezone.now()) == 2
    statuses = {d.pk: d.status for d in deliveries(org)}
    assert statuses[old.pk] == Delivery.Status.FAILED
    assert [statuses[d.pk] for d in recent] == [Delivery.Status.SUCCEEDED] * 2


def test_the_test_event_goes_once_to_that_endpoint_even_paused(org, owner, endpoint, receiver, committed):
    with tenant_context(org):
        Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    receiver.answer((500, b"not yet"))
    with committed(), tenant_context(org):
        delivery = services.endpoint_send_test(endpoint=reload(org, endpoint), by=owner)
    payload = Webhook(endpoint.secret).verify(receiver.requests[0].body, receiver.requests[0].headers)
    assert payload["type"] == "webhook.test"
    delivery = reload(org, delivery)
    # one attempt, no retry, and not counted against the endpoint
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 1
    assert reload(org, endpoint).failing_since is None


def test_the_sweep_hands_out_due_deliveries_of_every_organisation(
    org, owner, endpoint, receiver, committed, monkeypatch
):
    receiver.answer((500, b""))
    with committed():
        make_order(org, owner)
    [delivery] = deliveries(org)
    later = delivery.next_attempt_at + timedelta(seconds=1)
    # the organisations are read as the owner role (other connections do not see this test's rows: given here)
    monkeypatch.setattr(services, "organizations_with_due_deliveries", lambda now: [org.pk])
    with committed():
        assert services.deliveries_sweep(now=later) == 1
    assert reload(org, delivery).status == Delivery.Status.SUCCEEDED


@pytest.mark.django_db(databases=["default", "owner"])
def test_the_organisations_with_due_deliveries_are_read_across_organisations():
    assert services.organizations_with_due_deliveries(now=timezone.now()) == []


def test_a_line_event_carries_the_line_as_its_order_shows_it(org, owner, receiver, committed):
    EndpointFactory(organization=org, url=receiver.url, event_types=["sales_line.status_changed"])
    order = make_order(org, owner)
    with tenant_context(org):
        line = order.lines.get()
    with committed(), tenant_context(org, user=owner.user):
        sales.line_transition(line=line, status="in_development", by=owner)
    [request] = receiver.requests
    payload = orjson.loads(request.body)
    assert payload["type"] == "sales_line.status_changed"
    assert payload["data"]["id"] == str(line.pk)
    assert payload["data"]["order_id"] == str(order.pk)
    assert payload["data"]["status"] == "in_development"
    assert payload["changes"]["status"][1] == "in_development"


def test_old_finished_messages_are_purged_with_their_deliveries_and_attempts(org):
    from tradeloom.webhooks.tests.factories import AttemptFactory, DeliveryFactory

    old_done = DeliveryFactory(organization=org, status=Delivery.Status.SUCCEEDED)
    AttemptFactory(organization=org, delivery=old_done)
    old_pending = DeliveryFactory(organization=org)
    recent = DeliveryFactory(organization=org, status=Delivery.Status.FAILED)
    long_ago = timezone.now() - schedule.KEEP_FOR - timedelta(days=1)
    with tenant_context(org):
        Message.objects.filter(pk__in=[old_done.message_id, old_pending.message_id]).update(created_at=long_ago)
        # the owner role does this across organisations; this test's rows are seen by its own connection only
        assert services.messages_purge(using="default") == 1
        assert set(Message.objects.values_list("pk", flat=True)) == {old_pending.message_id, recent.message_id}
        assert not DeliveryAttempt.objects.exists()
        assert set(Delivery.objects.values_list("pk", flat=True)) == {old_pending.pk, recent.pk}


@pytest.mark.django_db(databases=["default", "owner"])
def test_the_purge_runs_across_organisations_as_the_owner_role():
    from tradeloom.webhooks.tasks import purge

    assert purge() == 0
