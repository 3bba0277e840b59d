"""Import pages under ``/o/<org>/imports/``: every one needs ``imports.run`` (and the entity's own manage right)."""

from __future__ import annotations

from django.urls import path

from tradeloom.imports import views
from tradeloom.imports.capabilities import IMPORTS_RUN
from tradeloom.tenancy.web import tenant_view

app_name = "imports"

R = IMPORTS_RUN
run = "imports/<uuid:import_run_id>/"

urlpatterns = [
    path("imports/", tenant_view(GET=R)(views.runs_view), name="runs"),
    path("imports/new/", tenant_view(GET=R, POST=R)(views.new_view), name="new"),
    path("imports/template.csv", tenant_view(GET=R)(views.template_view), name="template"),
    path(run, tenant_view(GET=R)(views.run_view), name="run"),
    path(f"{run}mapping/", tenant_view(GET=R, POST=R)(views.mapping_view), name="mapping"),
    path(f"{run}check/", tenant_view(POST=R)(views.check_view), name="check"),
    path(f"{run}commit/", tenant_view(POST=R)(views.commit_view), name="commit"),
    path(f"{run}progress/", tenant_view(GET=R)(views.progress_view), name="progress"),
    path(f"{run}errors.csv", tenant_view(GET=R)(views.errors_csv_view), name="errors-csv"),
    path(f"{run}errors-in-file.csv", tenant_view(GET=R)(views.errors_file_view), name="errors-file"),
]
