"""The audit-log export through the API: a job that reports its progress, then a file."""

from __future__ import annotations

import csv
import io

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.core.models import Job
from tradeloom.core.tests.factories import JobFactory
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db
EXPORTS = "/api/v1/o/acme/audit-events/exports/"


def test_an_export_starts_as_a_job_reports_its_progress_and_gives_its_file(
    org, owner, api_as, django_capture_on_commit_callbacks
):
    client = api_as(owner)
    # when an owner asks for the events of one action
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = client.post(EXPORTS, {"action": "job.*"}, format="json")
    # then a queued job answers at once, with where to poll it
    assert started.status_code == 202
    job = started.json()
    assert job["status"] == "queued"
    assert job["progress"] == 0
    assert job["download"] is None
    assert started["Location"].endswith(f"{EXPORTS}{job['id']}/")
    # and once the worker ran it (after the commit), the job says so and links its file
    for callback in callbacks:
        callback()
    done = client.get(f"{EXPORTS}{job['id']}/").json()
    assert done["status"] == "succeeded"
    assert done["progress"] == 100
    assert done["message"] == "1 events exported"
    assert done["download"].endswith(f"{EXPORTS}{job['id']}/download/")
    response = client.get(done["download"])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["time", "action"]
    assert [row[1] for row in rows[1:]] == ["job.started"]


def test_the_file_of_an_unfinished_export_is_a_conflict(org, owner, api_as):
    job = JobFactory(organization=org, kind="audit_export", status=Job.Status.RUNNING, progress=40, result="")
    response = api_as(owner).get(f"{EXPORTS}{job.pk}/download/")
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "job_not_finished"
    assert api_as(owner).get(f"{EXPORTS}{job.pk}/").json()["progress"] == 40


@pytest.mark.parametrize(
    ("body", "field"),
    [({"since": "yesterday"}, "since"), ({"since": "2026-12-02T00:00:00Z", "until": "2026-12-01T00:00:00Z"}, "until")],
)
def test_bad_filters_are_refused_and_start_nothing(org, owner, api_as, body, field):
    response = api_as(owner).post(EXPORTS, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    with tenant_context(org):
        assert not Job.objects.exists()


def test_members_without_the_audit_log_cannot_export(org, member, api_as):
    response = api_as(member(Role.MERCHANDISER)).post(EXPORTS, {}, format="json")
    assert response.status_code == 403


def test_another_organisations_export_is_not_found(org, other_org, owner, api_as):
    theirs = JobFactory(organization=other_org, kind="audit_export")
    assert api_as(owner).get(f"{EXPORTS}{theirs.pk}/").status_code == 404
    assert api_as(owner).get(f"{EXPORTS}{theirs.pk}/download/").status_code == 404
