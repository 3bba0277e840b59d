"""Mapping, the runner and the services: dry runs on mixed files, all-or-nothing commits, idempotent re-runs."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.models import UnitOfMeasure
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.models import Job
from tradeloom.imports import mapping, runner, services
from tradeloom.imports.models import ImportMapping, ImportRun
from tradeloom.imports.registry import PRESETS, ImportContext, Preset
from tradeloom.imports.tests.worker_entities import TEST_UNITS
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db

MIXED = (
    b"Unit,Name,Dimension,Factor\n"
    b"m,Metre,length,1\n"
    b"kg,,mass,1\n"  # row 3: no name
    b"yd,Yard,length,abc\n"  # row 4: factor not a number
    b"\n"  # row 5: empty, skipped
    b"pcs,Pieces,colour,1\n"  # row 6: no such dimension
    b"cm,Centimetre,length,0.01\n"
)
GOOD = b"Unit,Name,Dimension,Factor\nm,Metre,length,1\ncm,Centimetre,length,0.01\n"


def upload(membership, content: bytes, **options):
    with tenant_context(membership.organization):
        return services.import_upload(
            organization=membership.organization,
            by=membership,
            entity="test_units",
            upload=content,
            filename="u.csv",
            **options,
        )


def checked(membership, content: bytes) -> ImportRun:
    run = upload(membership, content)
    with tenant_context(membership.organization):
        return services.import_check(run=run, by=membership)


def units(org) -> dict[str, str]:
    with tenant_context(org):
        return {u.code: u.name for u in UnitOfMeasure.objects.all()}


def audit_count(org) -> int:
    with tenant_context(org):
        return AuditEvent.objects.count()


def unit_audits(org) -> int:
    with tenant_context(org):
        return AuditEvent.objects.filter(target_type="catalog.unitofmeasure").count()


def test_the_mapping_is_guessed_from_names_labels_and_aliases():
    guess = mapping.guess(TEST_UNITS, ["UoM", "name ", "Dimension", "Notes"])
    assert guess.columns == {"UoM": "code", "name ": "name", "Dimension": "dimension"}
    assert guess.source == mapping.GUESSED
    assert guess.not_imported == ["Notes"]


def test_a_preset_scoring_enough_is_chosen_and_its_ignored_headers_are_not_listed():
    preset = PRESETS.register(
        "test-units-erp",
        Preset(
            "test-units-erp",
            "ERP: units",
            "test_units",
            {"UOM Code": "code", "UOM Name": "name", "Kind": "dimension"},
            ignore=("GUID",),
        ),
    )
    assert preset.score(["UOM Code", "UOM Name", "GUID"]) == pytest.approx(2 / 3)
    guess = mapping.guess(TEST_UNITS, ["UOM Code", "UOM Name", "GUID", "Other"])
    assert (guess.source, guess.preset, guess.columns) == (
        mapping.PRESET,
        preset,
        {"UOM Code": "code", "UOM Name": "name"},
    )
    assert guess.not_imported == ["Other"]
    assert mapping.guess(TEST_UNITS, ["UOM Code", "Name"]).source == mapping.GUESSED  # 1/3 < 0.6
    # a saved mapping comes before the preset
    saved = mapping.guess(TEST_UNITS, ["UOM Code", "UOM Name"], saved={"UOM Name": "code"})
    assert (saved.source, saved.columns) == (mapping.SAVED, {"UOM Name": "code"})


def test_a_mapping_is_validated():
    headers = ["Unit", "Name", "Other"]
    assert mapping.mapping_errors(TEST_UNITS, headers, {"Unit": "code", "Name": "name"}) == {}
    errors = mapping.mapping_errors(
        TEST_UNITS, headers, {"Unit": "code", "Name": "code", "Other": "colour", "Gone": "name"}
    )
    assert "already filled" in errors["Name"][0]
    assert "no field" in errors["Other"][0]
    assert any("no column “Gone”" in m for m in errors["mapping"])
    assert mapping_errors_missing(headers)


def mapping_errors_missing(headers):
    errors = mapping.mapping_errors(TEST_UNITS, headers, {"Unit": "code"})
    return errors["mapping"] == ["Choose a column for the required field: Name."]


def test_a_dry_run_of_mixed_rows_reports_each_bad_row_with_its_number_and_column_and_writes_nothing(manager, org):
    # given a file with good and bad rows
    before = audit_count(org)
    # when it is checked
    run = checked(manager, MIXED)
    # then the report names the file's rows (header = 1) and the source columns; nothing was written
    assert run.counts == {"created": 2, "updated": 0, "unchanged": 0, "errors": 3}
    by_row = {(e["row"], e["column"]) for e in run.errors}
    assert by_row == {(3, "Name"), (4, "Factor"), (6, "Dimension")}
    assert next(e for e in run.errors if e["row"] == 4)["value"] == "abc"
    assert run.status == ImportRun.Status.UPLOADED
    assert units(org) == {}
    assert audit_count(org) == before + 2  # the upload and the check
    assert unit_audits(org) == 0


def test_a_dry_run_sees_earlier_rows_of_the_same_file(manager, org):
    run = checked(manager, b"Unit,Name\nm,Metre\nm,Metre\nm,Meter\n")
    assert run.counts == {"created": 1, "updated": 1, "unchanged": 1, "errors": 0}


def test_a_commit_is_refused_before_a_clean_dry_run_of_the_current_mapping(manager, org):
    run = upload(manager, MIXED)
    with tenant_context(org), pytest.raises(ApplicationError) as not_checked:
        services.import_commit_start(run=run, by=manager)
    assert not_checked.value.code == "import_not_checked"
    with tenant_context(org):
        run = services.import_check(run=run, by=manager)
        with pytest.raises(ApplicationError) as has_errors:
            services.import_commit_start(run=run, by=manager)
    assert has_errors.value.code == "import_has_errors"
    good = checked(manager, GOOD)
    with tenant_context(org):
        services.import_map(run=good, by=manager, columns={"Unit": "code", "Name": "name"})
        with pytest.raises(ApplicationError) as remapped:
            services.import_commit_start(run=ImportRun.objects.get(pk=good.pk), by=manager)
    assert remapped.value.code == "import_not_checked"


def test_the_commit_writes_every_row_through_the_outbox_and_a_rerun_changes_nothing(
    manager, org, django_capture_on_commit_callbacks
):
    # given a clean dry run
    run = checked(manager, GOOD)
    # when the commit starts (the task runs eagerly after the commit)
    with django_capture_on_commit_callbacks(execute=True), tenant_context(org):
        job = services.import_commit_start(run=run, by=manager)
    # then every row is there, the run committed, the job succeeded
    assert units(org) == {"m": "Metre", "cm": "Centimetre"}
    with tenant_context(org):
        run = ImportRun.objects.get(pk=run.pk)
        job = Job.objects.get(pk=job.pk)
        assert AuditEvent.objects.filter(action="import_run.committed").count() == 1
    assert (run.status, run.counts["created"]) == (ImportRun.Status.COMMITTED, 2)
    assert (job.status, job.progress) == (Job.Status.SUCCEEDED, 100)
    assert unit_audits(org) == 2  # each unit's creation
    # when the same file is imported again
    again = checked(manager, GOOD)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "errors": 0}
    with django_capture_on_commit_callbacks(execute=True), tenant_context(org):
        services.import_commit_start(run=again, by=manager)
    # then nothing changed: no unit audited, no version moved
    with tenant_context(org):
        assert ImportRun.objects.get(pk=again.pk).status == ImportRun.Status.COMMITTED
        assert ImportRun.objects.get(pk=again.pk).counts["unchanged"] == 2
        assert set(UnitOfMeasure.objects.values_list("version", flat=True)) == {1}
    assert unit_audits(org) == 2


def test_a_commit_with_a_bad_row_leaves_no_row_and_the_run_failed(manager, org):
    # given a run whose rows went bad after its dry run (its check bypassed: the data changed meanwhile)
    run = checked(manager, GOOD)
    with tenant_context(org):
        job = services.import_commit_start(run=run, by=manager)
        ImportRun.objects.filter(pk=run.pk).update(content=MIXED)
        # when the worker commits it
        services.import_commit_perform(organization_id=org.pk, run_id=run.pk, job_id=job.pk)
        run = ImportRun.objects.get(pk=run.pk)
        job = Job.objects.get(pk=job.pk)
    # then nothing was written: the good rows were rolled back with the bad
    assert units(org) == {}
    assert run.status == ImportRun.Status.FAILED
    assert run.counts["errors"] == 3
    assert len(run.errors) == 3
    assert job.status == Job.Status.FAILED


def test_a_second_delivery_after_the_commit_does_nothing(manager, org):
    run = checked(manager, GOOD)
    with tenant_context(org):
        job = services.import_commit_start(run=run, by=manager)
        services.import_commit_perform(organization_id=org.pk, run_id=run.pk, job_id=job.pk)
        before = AuditEvent.objects.count()
        services.import_commit_perform(organization_id=org.pk, run_id=run.pk, job_id=job.pk)
        assert AuditEvent.objects.count() == before
    assert units(org) == {"m": "Metre", "cm": "Centimetre"}


def test_the_mapping_is_saved_for_the_organisations_next_file_with_these_headers(manager, org, other_org, member):
    run = upload(manager, b"Code,Label\nm,Metre\n")
    assert run.mapping == {"Code": "code"}
    with tenant_context(org):
        services.import_map(
            run=run, by=manager, columns={"Code": "code", "Label": "name"}, expected_version=run.version
        )
        assert ImportMapping.objects.count() == 1
    # the next file with the same headers (in another order) gets it
    assert upload(manager, b"Label,Code\nKilo,kg\n").mapping == {"Code": "code", "Label": "name"}
    # another organisation does not
    rival = member(Role.MANAGER, organization=other_org)
    assert upload(rival, b"Code,Label\nm,Metre\n").mapping == {"Code": "code"}


def test_a_bad_mapping_and_a_stale_version_are_refused(manager, org):
    run = upload(manager, GOOD)
    with tenant_context(org):
        with pytest.raises(ApplicationError) as bad:
            services.import_map(run=run, by=manager, columns={"Unit": "code", "Name": "code"})
        assert bad.value.code == "import_bad_mapping"
        assert "Name" in bad.value.extra["errors"]
        with pytest.raises(ApplicationError) as stale:
            services.import_map(run=run, by=manager, columns={"Unit": "code", "Name": "name"}, expected_version=99)
        assert stale.value.status == 412
        assert ImportRun.objects.get(pk=run.pk).version == run.version


def test_importing_needs_imports_run_and_the_entitys_own_capability(member, org):
    for role in (Role.MERCHANDISER, Role.VIEWER):
        with pytest.raises(PermissionDenied):
            upload(member(role), GOOD)
    with tenant_context(org):
        assert not ImportRun.objects.exists()


def test_an_unknown_entity_is_refused(manager, org):
    with tenant_context(org), pytest.raises(ApplicationError) as caught:
        services.import_upload(organization=org, by=manager, entity="nope", upload=GOOD)
    assert caught.value.extra["errors"]["entity"]


def test_the_runner_turns_each_kind_of_refusal_into_row_errors(manager, org):
    from django.core.exceptions import ValidationError

    from tradeloom.imports.files import read_file
    from tradeloom.imports.registry import RowError

    assert runner.errors_of(RowError("nope")) == {"__row__": ["nope"]}
    assert runner.errors_of(ApplicationError("x", code="c", extra={"errors": {"name": ["bad"]}})) == {"name": ["bad"]}
    assert runner.errors_of(ApplicationError("whole", code="c")) == {"__row__": ["whole"]}
    assert runner.errors_of(ValidationError({"name": ["v"], "__all__": ["w"]})) == {"name": ["v"], "__row__": ["w"]}
    sheet = read_file(b"Unit,Name\nm,Metre,extra\n")
    with tenant_context(org):
        report = runner.dry_run(TEST_UNITS, sheet, {"Unit": "code", "Name": "name"}, ImportContext(org, manager, True))
    assert report.errors == [
        {
            "row": 2,
            "column": "",
            "field": "",
            "value": "",
            "message": "The row has 1 more cell than the header row has columns.",
        }
    ]


def test_a_large_file_is_checked_in_the_background(manager, org, settings, django_capture_on_commit_callbacks):
    # given files above the rows checked at once
    settings.IMPORT_CHECK_ROWS_AT_ONCE = 1
    run = upload(manager, MIXED)
    # when it is checked: a job runs the dry run (eagerly here, after the commit)
    with django_capture_on_commit_callbacks(execute=True), tenant_context(org):
        started = services.import_check(run=run, by=manager)
        assert started.status == ImportRun.Status.CHECKING
        with pytest.raises(ApplicationError) as busy:
            services.import_map(run=started, by=manager, columns={"Unit": "code", "Name": "name"})
        assert busy.value.code == "import_busy"
    # then the run has its report, nothing was written, and the job succeeded
    with tenant_context(org):
        run = ImportRun.objects.get(pk=run.pk)
        job = Job.objects.get(pk=run.job_id)
        assert AuditEvent.objects.filter(action="import_run.checked").count() == 1
    assert (run.status, run.counts["errors"], run.counts["created"]) == (ImportRun.Status.UPLOADED, 3, 2)
    assert (job.kind, job.status) == ("imports.check", Job.Status.SUCCEEDED)
    assert units(org) == {}
