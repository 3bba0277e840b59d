"""Under ``/api/v1/o/<org>/imports/``."""

from __future__ import annotations

from django.urls import path

from tradeloom.imports.api import views

ROUTE_PRIORITY = 150
run = "imports/runs/<uuid:import_run_id>/"

urlpatterns = [
    path("imports/entities/", views.ImportEntitiesApi.as_view(), name="import-entities"),
    path("imports/runs/", views.ImportRunsApi.as_view(), name="import-runs"),
    path(run, views.ImportRunApi.as_view(), name="import-run"),
    path(f"{run}mapping/", views.ImportRunMappingApi.as_view(), name="import-run-mapping"),
    path(f"{run}check/", views.ImportRunCheckApi.as_view(), name="import-run-check"),
    path(f"{run}commit/", views.ImportRunCommitApi.as_view(), name="import-run-commit"),
    path(f"{run}errors.csv", views.ImportRunErrorsApi.as_view(), name="import-run-errors"),
]
