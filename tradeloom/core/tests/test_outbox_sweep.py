"""The outbox's sweep and the purges: they read as the owner role across organisations, so their rows really commit
(no test transaction); each test removes what it made."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tradeloom.core import outbox
from tradeloom.core.context import tenant_context
from tradeloom.core.models import IdempotencyKey, Job, OutboxEntry


@pytest.fixture
def committed_org(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The sweep and the purges read as the owner role, across organisations: their rows must really commit."""
    from tradeloom.tenancy.models import Organization

    with django_db_blocker.unblock():
        organization = Organization.objects.create(name="Sweep Co", slug=f"sweep-{timezone.now().timestamp():.0f}")
        yield organization
        for model in (OutboxEntry, IdempotencyKey, Job):
            model.objects.using("owner").filter(organization=organization).delete()
        Organization.objects.using("owner").filter(pk=organization.pk).delete()


def test_the_sweep_relays_what_the_broker_never_got_or_lost_and_nothing_done(committed_org, monkeypatch):
    org = committed_org
    now = timezone.now()
    sent: list[str] = []
    monkeypatch.setattr(outbox, "_send", lambda entry: sent.append(entry.kwargs["name"]))
    with tenant_context(org):
        make = OutboxEntry.objects.create

        def entry(name: str, **fields: Any) -> OutboxEntry:
            return make(organization=org, task="tests.append_to_job", kwargs={"name": name}, **fields)

        entry("fresh")  # committed a moment ago: its own relay may still be on its way
        old = entry("never relayed")
        lost = entry("relayed long ago, never done", relayed_at=now - outbox.RELAY_AGAIN_AFTER - timedelta(seconds=1))
        entry("relayed recently", relayed_at=now - timedelta(seconds=5))
        entry("done", done_at=now)
        OutboxEntry.objects.filter(pk__in=[old.pk, lost.pk]).update(created_at=now - timedelta(minutes=30))
    # when the sweep runs
    relayed = outbox.outbox_sweep(now=now)
    # then only the ones the broker never got or lost went out, oldest first, and are marked
    assert relayed == 2
    assert sorted(sent) == ["never relayed", "relayed long ago, never done"]
    with tenant_context(org):
        old.refresh_from_db()
    assert old.relayed_at is not None
    assert old.relay_attempts == 1


def test_purges_forget_done_entries_after_a_week_and_idempotency_keys_after_a_day(committed_org, settings):
    from django.contrib.auth import get_user_model

    from tradeloom.core.tasks import idempotency_keys_purge, outbox_purge

    org, now = committed_org, timezone.now()
    user = get_user_model().objects.create_user(f"sweep-{now.timestamp()}@example.com", "pw-12345678")
    with tenant_context(org):
        old_done = OutboxEntry.objects.create(organization=org, task="t.x", done_at=now - timedelta(days=8))
        recent_done = OutboxEntry.objects.create(organization=org, task="t.x", done_at=now - timedelta(days=6))
        pending = OutboxEntry.objects.create(organization=org, task="t.x")
        stale = IdempotencyKey.objects.create(organization=org, user=user, key="old", request_hash="h")
        fresh = IdempotencyKey.objects.create(organization=org, user=user, key="new", request_hash="h")
        IdempotencyKey.objects.filter(pk=stale.pk).update(created_at=now - timedelta(hours=25))
    try:
        assert outbox_purge() == 1
        assert idempotency_keys_purge() == 1
        with tenant_context(org):
            assert set(OutboxEntry.objects.values_list("pk", flat=True)) == {recent_done.pk, pending.pk}
            assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [fresh.pk]
    finally:
        IdempotencyKey.objects.using("owner").filter(user=user).delete()
        type(user).objects.using("owner").filter(pk=user.pk).delete()
    assert not OutboxEntry.objects.using("owner").filter(pk=old_done.pk).exists()


def test_an_effect_outside_a_transaction_is_refused(committed_org):
    # in autocommit there is no commit for the effect to follow
    with pytest.raises(RuntimeError, match="outside a transaction"):
        outbox.outbox_enqueue("tests.append_to_job", organization_id=committed_org.pk, word="x")
    assert not OutboxEntry.objects.using("owner").filter(organization=committed_org).exists()
