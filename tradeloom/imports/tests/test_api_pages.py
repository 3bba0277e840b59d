"""The API and the pages: upload → mapping → check → commit → done; cross-tenant 404s; capability 403s; budgets."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tradeloom.catalog.models import UnitOfMeasure
from tradeloom.core.context import tenant_context
from tradeloom.imports.models import ImportRun
from tradeloom.imports.tests.conftest import browser
from tradeloom.imports.tests.factories import ImportRunFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget

pytestmark = pytest.mark.django_db

MIXED = b"Unit,Name,Factor\nm,Metre,1\nkg,,1\nyd,Yard,abc\n"
GOOD = b"Unit,Name,Factor\nm,Metre,1\ncm,Centimetre,0.01\n"


def api(org, path=""):
    return f"/api/v1/o/{org.slug}/imports/{path}"


def web(org, path=""):
    return f"/o/{org.slug}/imports/{path}"


def post_file(client, org, content, name="units.csv", **extra):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(api(org, "runs/"), {"entity": "test_units", "file": upload, **extra}, format="multipart")


def test_the_api_walks_upload_mapping_check_and_commit(manager, org, api_as, django_capture_on_commit_callbacks):
    client = api_as(manager)
    entities = client.get(api(org, "entities/"))
    assert entities.status_code == 200
    units = next(e for e in entities.json() if e["code"] == "test_units")
    assert units["key"] == ["code"]
    assert units["fields"][0]["required"] is True
    # upload: mapped by the guess
    created = post_file(client, org, GOOD)
    assert created.status_code == 201, created.json()
    run = created.json()
    assert run["mapping"] == {"Unit": "code", "Name": "name", "Factor": "factor"}
    assert run["status"] == "uploaded"
    assert run["row_count"] == 2
    # commit before a check: refused
    url = api(org, f"runs/{run['id']}/")
    refused = client.post(f"{url}commit/")
    assert (refused.status_code, refused.json()["code"]) == (409, "import_not_checked")
    # the mapping with If-Match
    etag = client.get(url)["ETag"]
    stale = client.put(
        f"{url}mapping/",
        {"columns": {"Unit": "code", "Name": "name"}},
        format="json",
        HTTP_IF_MATCH=f'"{run["id"]}-99"',
    )
    assert stale.status_code == 412
    mapped = client.put(
        f"{url}mapping/",
        {"columns": {"Unit": "code", "Name": "name", "Factor": "factor"}},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert mapped.status_code == 200, mapped.json()
    bad = client.put(f"{url}mapping/", {"columns": {"Unit": "name", "Name": "name"}}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "import_bad_mapping")
    # the check, then the commit: 202 with the job
    checked = client.post(f"{url}check/")
    assert checked.status_code == 200
    assert checked.json()["checked"] is True
    assert checked.json()["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "errors": 0}
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"{url}commit/")
    assert started.status_code == 202, started.json()
    assert started.json()["kind"] == "imports.commit"
    assert client.get(url).json()["status"] == "committed"
    with tenant_context(org):
        assert set(UnitOfMeasure.objects.values_list("code", flat=True)) == {"m", "cm"}


def test_the_api_reports_row_errors_and_serves_them_as_csv(manager, org, api_as):
    client = api_as(manager)
    run = post_file(client, org, MIXED).json()
    checked = client.post(api(org, f"runs/{run['id']}/check/")).json()
    assert checked["counts"]["errors"] == 2
    assert [(e["row"], e["column"]) for e in checked["errors"]] == [(3, "Name"), (4, "Factor")]
    committed = client.post(api(org, f"runs/{run['id']}/commit/"))
    assert committed.json()["code"] == "import_has_errors"
    report = client.get(api(org, f"runs/{run['id']}/errors.csv"))
    assert report.status_code == 200
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Row,Column,Field,Value,Message"
    assert lines[2].startswith("4,Factor,Factor,abc,")


@pytest.mark.parametrize(
    ("content", "code", "status"),
    [
        (b"", "import_empty", 400),
        (b"\x00\x01\x02binary\x00\x00", "import_unreadable", 400),
        ("Unit,Name\nm,Mètre\n".encode("cp1252"), "import_encoding", 400),
        (b"Unit,Unit\n1,2\n", "import_bad_headers", 400),
    ],
)
def test_refused_uploads_are_problems_with_their_code_and_store_nothing(manager, org, api_as, content, code, status):
    response = post_file(api_as(manager), org, content)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response["Content-Type"].startswith("application/problem+json")
    with tenant_context(org):
        assert not ImportRun.objects.exists()


def test_an_oversized_upload_is_413(manager, org, api_as, settings):
    settings.IMPORT_MAX_BYTES = 50
    response = post_file(api_as(manager), org, b"Unit,Name\n" + b"m,Metre\n" * 20)
    assert (response.status_code, response.json()["code"]) == (413, "import_too_large")


def test_roles_without_the_capabilities_are_refused(member, org, api_as):
    # a merchandiser manages units but may not import; an accounts member neither
    for role in (Role.MERCHANDISER, Role.ACCOUNTS, Role.VIEWER):
        client = api_as(member(role))
        assert client.get(api(org, "runs/")).status_code == 403
        assert post_file(client, org, GOOD).status_code == 403
    assert browser(member(Role.MERCHANDISER)).get(web(org)).status_code == 403


def test_another_organisations_run_is_404_everywhere_and_its_report_too(owner, org, other_org, api_as):
    foreign = ImportRunFactory(
        organization=other_org,
        errors=[{"row": 2, "column": "Code", "field": "Code", "value": "x", "message": "secret"}],
    )
    client = api_as(owner)
    base = api(org, f"runs/{foreign.pk}/")
    assert client.get(base).status_code == 404
    assert client.get(f"{base}errors.csv").status_code == 404
    assert client.put(f"{base}mapping/", {"columns": {}}, format="json").status_code == 404
    assert client.post(f"{base}check/").status_code == 404
    assert client.post(f"{base}commit/").status_code == 404
    page = browser(owner)
    for path in ("", "mapping/", "progress/", "errors.csv", "errors-in-file.csv"):
        assert page.get(web(org, f"{foreign.pk}/{path}")).status_code == 404, path
    for path in ("check/", "commit/", "mapping/"):
        assert page.post(web(org, f"{foreign.pk}/{path}")).status_code == 404, path


def test_the_pages_walk_upload_mapping_check_commit_and_done(manager, org, django_capture_on_commit_callbacks):
    client = browser(manager)
    # the entity cards with a template link, the upload form
    cards = client.get(web(org, "new/"))
    assert cards.status_code == 200
    assert b"Test units" in cards.content
    template = client.get(web(org, "template.csv") + "?entity=test_units")
    assert template.content.decode("utf-8-sig").strip() == "Code,Name,Dimension,Factor"
    assert client.get(web(org, "new/") + "?entity=test_units").status_code == 200
    # a refused file: the error next to the field, nothing stored
    bad = client.post(
        web(org, "new/"), {"entity": "test_units", "file": SimpleUploadedFile("u.csv", b"Unit,Unit\n1,2\n")}
    )
    assert bad.status_code == 200
    assert "appear more than once" in bad.content.decode()
    # upload → the mapping page with the samples
    uploaded = client.post(web(org, "new/"), {"entity": "test_units", "file": SimpleUploadedFile("u.csv", MIXED)})
    assert uploaded.status_code == 302
    run = ImportRun.objects.get()
    mapping_page = client.get(uploaded["Location"])
    assert mapping_page.status_code == 200
    assert b"Metre" in mapping_page.content
    # a mapping leaving the required name out: the error next to the columns, nothing saved
    refused = client.post(
        uploaded["Location"], {"version": run.version, "col_0": "code", "col_1": "", "col_2": "factor"}
    )
    assert refused.status_code == 200
    assert "required field: Name" in refused.content.decode()
    saved = client.post(
        uploaded["Location"], {"version": run.version, "col_0": "code", "col_1": "name", "col_2": "factor"}
    )
    assert saved.status_code == 302
    # the dry run: errors shown, downloads offered, commit disabled
    client.post(web(org, f"{run.pk}/check/"))
    page = client.get(web(org, f"{run.pk}/"))
    body = page.content.decode()
    assert "Rows with errors" in body
    assert "disabled" in body
    assert "errors-in-file.csv" in body
    annotated = client.get(web(org, f"{run.pk}/errors-in-file.csv")).content.decode("utf-8-sig").splitlines()
    assert annotated[0] == "Unit,Name,Factor,Errors"
    assert annotated[3].endswith("Factor: Not a number.")
    # a clean file goes through to the done page
    client.post(web(org, "new/"), {"entity": "test_units", "file": SimpleUploadedFile("g.csv", GOOD)})
    good = ImportRun.objects.exclude(pk=run.pk).get()
    client.post(web(org, f"{good.pk}/check/"))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(web(org, f"{good.pk}/commit/")).status_code == 302
    done = client.get(web(org, f"{good.pk}/")).content.decode()
    assert "Imported" in done
    assert "2 created" in done
    progress = client.get(web(org, f"{good.pk}/progress/"), HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"


def test_query_budgets(manager, org, api_as, django_assert_max_num_queries):
    for n in range(3):
        ImportRunFactory(
            organization=org, errors=[{"row": 2, "column": "Code", "field": "Code", "value": "", "message": "x"}] * n
        )
    with tenant_context(org):
        run = ImportRun.objects.first()
    page = browser(manager)
    client = api_as(manager)
    with django_assert_max_num_queries(budget("web.imports.runs")):
        assert page.get(web(org)).status_code == 200
    with django_assert_max_num_queries(budget("web.imports.mapping")):
        assert page.get(web(org, f"{run.pk}/mapping/")).status_code == 200
    with django_assert_max_num_queries(budget("web.imports.run")):
        assert page.get(web(org, f"{run.pk}/")).status_code == 200
    with django_assert_max_num_queries(budget("api.imports.runs")):
        assert client.get(api(org, "runs/")).status_code == 200
    with django_assert_max_num_queries(budget("api.imports.run")):
        assert client.get(api(org, f"runs/{run.pk}/")).status_code == 200
    with django_assert_max_num_queries(budget("api.imports.entities")):
        assert client.get(api(org, "entities/")).status_code == 200


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (ImportRun.Status.FAILED, "nothing was written"),
        (ImportRun.Status.CHECKING, "Checking"),
        (ImportRun.Status.CHECKED, "Import 1 row"),
    ],
)
def test_the_run_page_in_each_state(manager, org, status, shown):
    run = ImportRunFactory(organization=org, status=status, checked_mapping={"Code": "code", "Name": "name"})
    page = browser(manager).get(web(org, f"{run.pk}/"))
    assert page.status_code == 200
    assert shown in page.content.decode()
    listing = browser(manager).get(web(org))
    assert run.filename in listing.content.decode()
