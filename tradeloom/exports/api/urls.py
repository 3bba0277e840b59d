"""Under ``/api/v1/o/<org>/exports/``: one route per list and format (``orders.csv``, ``orders.xlsx``) and one to
start it in the background (``orders/``), each declaring the list's own view capability; the jobs."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path

from tradeloom.exports.api import views
from tradeloom.exports.registry import EXPORTS, main_list

ROUTE_PRIORITY = 150


def _class_name(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("-"))


def _list_routes() -> list[URLPattern]:
    routes = []
    for export in EXPORTS:
        capability = main_list(export).capability
        name = _class_name(export.key)
        for file_format in export.formats:
            view: Any = type(
                f"{name}{file_format.capitalize()}ExportApi",
                (views.ExportFileApi,),
                {
                    "capabilities": {"GET": capability},
                    "export_key": export.key,
                    "file_format": file_format,
                    "__doc__": f"{export.label} as {file_format.upper()}. {views.ExportFileApi.__doc__}",
                },
            )
            routes.append(
                path(f"exports/{export.key}.{file_format}", view.as_view(), name=f"export-{export.key}-{file_format}")
            )
        start: Any = type(
            f"{name}ExportStartApi",
            (views.ExportStartApi,),
            {"export_key": export.key, "__doc__": f"{export.label}: {views.ExportStartApi.__doc__}"},
        )
        routes.append(path(f"exports/{export.key}/", start.as_view(), name=f"export-{export.key}-start"))
    return routes


urlpatterns = [
    path("exports/", views.ExportListApi.as_view(), name="exports"),
    path("exports/jobs/<uuid:job_id>/", views.ExportJobApi.as_view(), name="export-job"),
    path("exports/jobs/<uuid:job_id>/download/", views.ExportJobDownloadApi.as_view(), name="export-job-download"),
    *_list_routes(),
]
