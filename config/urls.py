"""The URLconf, assembled from the apps: nothing here names an app.

Each Tradeloom app may have
* ``<app>/urls.py``: ``urlpatterns`` (with ``app_name``) — its pages under ``/o/<org_slug>/``, every one behind
  ``tenancy.web.tenant_view``; and ``public_urlpatterns`` — pages outside any organisation (log-in, sign-up …);
* ``<app>/api/urls.py``: ``urlpatterns`` — its endpoints under ``/api/v1/o/<org_slug>/`` (namespace ``tenant-api``,
  every view tenant-scoped); ``public_urlpatterns`` — endpoints under ``/api/v1/`` (namespace ``api``); and
  ``ROUTE_PRIORITY`` (default 100): lower comes first, so the busiest endpoints are matched after fewer patterns.

Tests walk the result (``tradeloom.testing.routes``) to hold every tenant route to the walls.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tradeloom.core import health, metrics

Patterns = list[URLPattern | URLResolver]


def _app_modules(name: str) -> list[ModuleType]:
    """``<app>.<name>`` of every installed Tradeloom app that has one, in ``INSTALLED_APPS`` order."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tradeloom."):
            continue
        try:
            found.append(import_module(f"{config.name}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name not in (f"{config.name}.{name}", f"{config.name}.{name.split('.')[0]}"):
                raise
    return found


web_modules = _app_modules("urls")
api_modules = sorted(_app_modules("api.urls"), key=lambda module: getattr(module, "ROUTE_PRIORITY", 100))

tenant_api: Patterns = [pattern for module in api_modules for pattern in getattr(module, "urlpatterns", [])]
api_v1: Patterns = [
    *(pattern for module in api_modules for pattern in getattr(module, "public_urlpatterns", [])),
    path("o/<slug:org_slug>/", include((tenant_api, "tenant-api"))),
]

urlpatterns: Patterns = [
    # The API first: its requests are the most frequent, and every pattern before it is tried on each of them.
    path("api/v1/", include((api_v1, "api"))),
    *(pattern for module in web_modules for pattern in getattr(module, "public_urlpatterns", [])),
    *(path("o/<slug:org_slug>/", include(module)) for module in web_modules if getattr(module, "urlpatterns", None)),
    path("health/", health.liveness_view, name="health"),
    path("health/ready/", health.readiness_view, name="health-ready"),
    path("metrics", metrics.metrics_view, name="metrics"),  # Prometheus; allowed addresses or a token only
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("admin/", admin.site.urls),
]

handler400 = "tradeloom.core.error_views.bad_request"
handler403 = "tradeloom.core.error_views.permission_denied"
handler404 = "tradeloom.core.error_views.page_not_found"
handler500 = "tradeloom.core.error_views.server_error"
