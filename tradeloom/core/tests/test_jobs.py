"""Background jobs (``core.jobs``): only a kind an app registered in ``JOB_KINDS`` may be created."""

from __future__ import annotations

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.core.jobs import JOB_KINDS, job_create
from tradeloom.core.models import Job, job_kind_choices
from tradeloom.tenancy.models import AUDIT_EXPORT

pytestmark = pytest.mark.django_db


def test_the_audit_export_kind_is_registered():
    # given / when / then: by TenancyConfig.ready
    assert "audit_export" in JOB_KINDS
    assert JOB_KINDS["audit_export"] is AUDIT_EXPORT
    assert ("audit_export", "Audit log export (CSV)") in job_kind_choices()


def test_the_kind_fields_choices_are_the_registered_kinds():
    # given / when
    choices = Job._meta.get_field("kind").choices

    # then
    assert list(choices) == [(kind.code, kind.label) for kind in JOB_KINDS]


def test_an_unregistered_kind_is_refused_and_nothing_is_created(org, owner):
    # given
    with tenant_context(org):
        before = Job.objects.count()

        # when
        with pytest.raises(ValueError, match="'invoice_run' is not a registered job kind") as refused:
            job_create(organization=org, by=owner, kind="invoice_run", parameters={})

        # then: the message lists the kinds there are
        assert "audit_export" in str(refused.value)
        assert Job.objects.count() == before


def test_an_empty_kind_is_refused(org, owner):
    # given / when / then
    with tenant_context(org), pytest.raises(ValueError, match="not a registered job kind"):
        job_create(organization=org, by=owner, kind="", parameters={})


def test_a_registered_kind_creates_a_queued_job(org, owner):
    # given
    parameters = {"action": "membership.*", "since": "2026-11-01"}

    # when
    with tenant_context(org):
        job = job_create(organization=org, by=owner, kind=AUDIT_EXPORT.code, parameters=parameters)

        # then
        stored = Job.objects.get(pk=job.pk)
    assert stored.kind == "audit_export"
    assert stored.get_kind_display() == "Audit log export (CSV)"
    assert stored.status == Job.Status.QUEUED
    assert stored.progress == 0
    assert stored.parameters == parameters
    assert stored.organization_id == org.pk
    assert stored.created_by_id == owner.user_id
    assert not stored.is_finished


def test_a_job_belongs_to_its_organisation_only(org, other_org, owner):
    # given
    with tenant_context(org):
        job = job_create(organization=org, by=owner, kind=AUDIT_EXPORT.code, parameters={})

    # when
    with tenant_context(other_org):
        seen_by_other = Job.objects.filter(pk=job.pk).exists()

    # then
    assert seen_by_other is False
