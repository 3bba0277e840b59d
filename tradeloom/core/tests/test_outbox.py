"""The outbox and once-only effect tasks, with Celery eager (the worker tests run them against a real broker)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tradeloom.core import outbox
from tradeloom.core.context import tenant_context
from tradeloom.core.models import Job, OutboxEntry
from tradeloom.core.outbox import outbox_enqueue
from tradeloom.core.periodic import PERIODIC_TASKS, Periodic, beat_schedule
from tradeloom.core.tests.worker_tasks import append_to_job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _broker_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)


@pytest.fixture
def job(org: Any) -> Job:
    with tenant_context(org):
        return Job.objects.create(organization=org, kind="audit_export")


def _message(org: Any, job: Job) -> str:
    with tenant_context(org):
        return str(Job.objects.get(pk=job.pk).message)


def test_an_effect_runs_after_its_transaction_commits_and_is_marked(org, job, django_capture_on_commit_callbacks):
    # when a transaction writes an effect
    with django_capture_on_commit_callbacks(execute=False) as callbacks, tenant_context(org):
        entry = outbox_enqueue("tests.append_to_job", organization_id=org.pk, job_id=str(job.pk), word="a")
        # then nothing has run yet: it waits for the commit
        assert _message(org, job) == ""
    for callback in callbacks:
        callback()
    # and after the commit it ran, once, and its entry is relayed and done
    assert _message(org, job) == "a;"
    with tenant_context(org):
        entry.refresh_from_db()
    assert entry.relayed_at is not None
    assert entry.done_at is not None
    assert entry.kwargs == {"job_id": str(job.pk), "word": "a", "organization_id": str(org.pk)}


def test_the_effects_of_one_transaction_are_relayed_by_one_callback(org, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, tenant_context(org):
        for word in ("a", "b", "c"):
            outbox_enqueue("tests.append_to_job", organization_id=org.pk, job_id=str(job.pk), word=word)
    assert len(callbacks) == 1
    assert _message(org, job) == "a;b;c;"


def _enqueue_then_fail(org: Any, job: Job) -> None:
    with tenant_context(org):
        outbox_enqueue("tests.append_to_job", organization_id=org.pk, job_id=str(job.pk), word="ghost")
        raise ValueError("the change fails")


def test_a_rolled_back_transaction_leaves_no_effect(org, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValueError, match="fails"):
        _enqueue_then_fail(org, job)
    assert callbacks == []
    with tenant_context(org):
        assert not OutboxEntry.objects.exists()
    assert _message(org, job) == ""


def test_a_once_only_task_delivered_twice_does_its_work_once(org, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), tenant_context(org):
        entry = outbox_enqueue("tests.append_to_job", organization_id=org.pk, job_id=str(job.pk), word="once")
    # when the broker delivers it again
    append_to_job.apply(kwargs={**entry.kwargs, "outbox_id": str(entry.pk)})
    # then the second delivery found it done
    assert _message(org, job) == "once;"


def test_a_failed_once_only_task_leaves_its_entry_to_run_again(org, job, monkeypatch):
    # given a task whose work fails half-way (its write and the done mark roll back together)
    with tenant_context(org):
        entry = OutboxEntry.objects.create(organization=org, task="tests.append_to_job", kwargs={})
    kwargs = {"outbox_id": str(entry.pk), "organization_id": str(org.pk), "job_id": str(job.pk), "word": "w"}
    monkeypatch.setattr(Job, "save", lambda self, **kw: (_ for _ in ()).throw(OSError("disk gone")))
    with pytest.raises(OSError, match="disk gone"):
        append_to_job.apply(kwargs=kwargs, throw=True)
    with tenant_context(org):
        assert OutboxEntry.objects.get(pk=entry.pk).done_at is None
    # when it is delivered again, with the fault gone
    monkeypatch.undo()
    append_to_job.apply(kwargs=kwargs)
    # then it ran, once
    assert _message(org, job) == "w;"


def test_an_entry_whose_organisation_is_another_is_not_found_by_the_task(org, other_org, job):
    # a task given another organisation's id for an entry finds nothing (row-level security) and does nothing
    with tenant_context(org):
        entry = OutboxEntry.objects.create(organization=org, task="tests.append_to_job", kwargs={})
    append_to_job.apply(
        kwargs={"outbox_id": str(entry.pk), "organization_id": str(other_org.pk), "job_id": str(job.pk), "word": "x"}
    )
    assert _message(org, job) == ""


def test_a_broker_that_refuses_leaves_the_entries_for_the_sweep_and_fails_no_request(
    org, job, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    sent: list[Any] = []

    def refuse(entry: OutboxEntry) -> None:
        sent.append(entry)
        raise ConnectionError("broker down")

    monkeypatch.setattr(outbox, "_send", refuse)
    # when two changes commit while the broker is down
    for word in ("a", "b"):
        with django_capture_on_commit_callbacks(execute=True), tenant_context(org):
            outbox_enqueue("tests.append_to_job", organization_id=org.pk, job_id=str(job.pk), word=word)
    # then both entries are kept unrelayed, the failure is logged, and the second request did not even try
    with tenant_context(org):
        assert OutboxEntry.objects.filter(relayed_at__isnull=True).count() == 2
    assert "outbox relay failed" in caplog.text
    assert len(sent) == 1


def test_periodic_tasks_are_registered_for_beat():
    schedule = beat_schedule()
    assert {"core.outbox_sweep", "core.heartbeat", "core.idempotency_keys_purge", "core.outbox_purge"} <= set(schedule)
    assert schedule["core.outbox_sweep"]["schedule"] == timedelta(minutes=1)
    assert schedule["core.outbox_sweep"]["options"] == {"expires": 60.0}
    assert "core.outbox_sweep" in PERIODIC_TASKS


def test_a_periodic_task_needs_exactly_one_schedule():
    with pytest.raises(ValueError, match="exactly one"):
        Periodic(task="x.y")
    with pytest.raises(ValueError, match="exactly one"):
        Periodic(task="x.y", every=timedelta(minutes=1), at=object())


def test_effects_after_a_relay_has_run_get_a_relay_of_their_own(org, job, django_capture_on_commit_callbacks):
    # two changes in one test transaction, each captured and run: the second is not appended to the spent relay
    for word in ("first", "second"):
        with django_capture_on_commit_callbacks(execute=True), tenant_context(org):
            outbox_enqueue("tests.append_to_job", organization_id=org.pk, job_id=str(job.pk), word=word)
    assert _message(org, job) == "first;second;"
