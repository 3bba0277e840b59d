"""Factories for core's tenant rows: background jobs."""

from __future__ import annotations

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from tradeloom.core.models import JOB_KINDS, Job
from tradeloom.tenancy.tests.factories import OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object


class JobFactory(TenantFactory[Job]):
    """A finished job with a result file, of the first kind an app registered (``kind=`` to choose)."""

    class Meta:
        model = Job

    organization = factory.SubFactory(OrganizationFactory)
    kind = factory.LazyFunction(lambda: next(iter(JOB_KINDS)).code)
    status = Job.Status.SUCCEEDED
    progress = 100
    result = factory.LazyFunction(lambda: ContentFile(b"time,action\n", name="result.csv"))
    finished_at = factory.LazyFunction(timezone.now)


register_factory(Job, JobFactory)
register_url_object("job_id", lambda org: JobFactory(organization=org))
