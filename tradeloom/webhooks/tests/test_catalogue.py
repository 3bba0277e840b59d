"""The event catalogue: every public type is a catalogued audit action whose record has a representation; the audit
log's listener hook hands every batch to webhooks in the change's transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from tradeloom.audit.actions import catalogue, prefix_of
from tradeloom.audit.services import _listeners, audit_listen, audit_record, audit_record_many
from tradeloom.core.context import tenant_context
from tradeloom.core.models import OutboxEntry
from tradeloom.core.webhook_events import WEBHOOK_EVENT_TYPES, WEBHOOK_REPRESENTATIONS, WebhookEventType
from tradeloom.sales.tests.factories import LineFactory
from tradeloom.webhooks import subscriptions
from tradeloom.webhooks.tests.factories import EndpointFactory


def test_every_event_type_is_a_catalogued_audit_action():
    assert set(WEBHOOK_EVENT_TYPES.keys()) <= set(catalogue())


def test_every_event_types_record_has_a_representation():
    models_by_prefix = {prefix_of(model): model for model in apps.get_models() if hasattr(model, "audit_prefix")}
    for event_type in WEBHOOK_EVENT_TYPES:
        model = models_by_prefix[event_type.code.split(".")[0]]
        assert model._meta.label_lower in WEBHOOK_REPRESENTATIONS, event_type.code


def test_an_event_type_is_an_action_name():
    with pytest.raises(ValueError, match="audit action"):
        WebhookEventType("order-created", "Order created")


def test_the_webhooks_listener_is_registered_once():
    audit_listen(subscriptions.on_audit_recorded)
    assert _listeners.count(subscriptions.on_audit_recorded) == 1


@pytest.mark.django_db
def test_a_listener_gets_each_batch_in_the_changes_transaction(org, owner, monkeypatch):
    seen: list[tuple[list[str], bool]] = []

    def listener(events: Any) -> None:
        seen.append(([e.action for e in events], connection.in_atomic_block))

    monkeypatch.setattr("tradeloom.audit.services._listeners", [listener])
    lines = [LineFactory(organization=org) for _ in range(3)]
    with tenant_context(org):
        audit_record(actor=owner, action="membership.role_changed", target=owner, changes={"role": ["a", "b"]})
        audit_record_many(
            action="sales_line.status_changed",
            actor=owner,
            changes_by_target=[(line, {"status": ["upcoming", "in_development"]}) for line in lines],
        )
    assert seen == [(["membership.role_changed"], True), (["sales_line.status_changed"] * 3, True)]


@pytest.mark.django_db
def test_many_lines_moved_at_once_make_one_outbox_entry(org, owner):
    EndpointFactory(organization=org, event_types=["sales_line.status_changed"])
    lines = [LineFactory(organization=org) for _ in range(5)]
    with tenant_context(org):
        audit_record_many(
            action="sales_line.status_changed",
            actor=owner,
            changes_by_target=[(line, {"status": ["upcoming", "in_development"]}) for line in lines],
        )
        [entry] = OutboxEntry.objects.filter(task=subscriptions.DISPATCH_TASK)
    assert len(entry.kwargs["event_ids"]) == 5
