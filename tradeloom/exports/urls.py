"""Export pages under ``/o/<org>/exports/``: one route per list and format (``orders.csv``), guarded by the list's
own view capability; starting a background export needs ``exports.run`` as well."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path

from tradeloom.exports import views
from tradeloom.exports.capabilities import EXPORTS_RUN
from tradeloom.exports.registry import EXPORTS, main_list
from tradeloom.tenancy.capabilities import ORGANIZATION_VIEW
from tradeloom.tenancy.web import tenant_view

app_name = "exports"


def _list_routes() -> list[URLPattern]:
    routes = []
    for export in EXPORTS:
        capability = main_list(export).capability
        for file_format in export.formats:
            view: Any = tenant_view(GET=capability)(views.download_view)
            routes.append(
                path(
                    f"exports/{export.key}.{file_format}",
                    view,
                    {"list_key": export.key, "file_format": file_format},
                    name=f"{export.key}-{file_format}",
                )
            )
        start: Any = tenant_view(POST=EXPORTS_RUN)(views.start_view)
        routes.append(path(f"exports/{export.key}/jobs/", start, {"list_key": export.key}, name=f"{export.key}-start"))
    return routes


urlpatterns = [
    path("exports/jobs/<uuid:job_id>/", tenant_view(GET=ORGANIZATION_VIEW)(views.job_view), name="job"),
    path(
        "exports/jobs/<uuid:job_id>/download/",
        tenant_view(GET=ORGANIZATION_VIEW)(views.job_download_view),
        name="job-download",
    ),
    *_list_routes(),
]
