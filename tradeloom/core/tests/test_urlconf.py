"""``config.urls`` assembles the URLconf from the apps: each app's pages under ``/o/<org_slug>/``, its tenant API under
``/api/v1/o/<org_slug>/`` (namespace ``api:tenant-api``), ordered by ``ROUTE_PRIORITY``."""

from __future__ import annotations

import uuid
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from config import urls as config_urls

TENANT_PREFIX = "o/<slug:org_slug>/"
# A sample value for each path converter (by its class: UUIDConverter → "uuid" …).
SAMPLE = {"uuid": uuid.UUID("01234567-89ab-7def-8123-456789abcdef"), "slug": "x", "string": "x", "int": 1, "path": "x"}


def app_modules(relative: str) -> list[ModuleType]:
    """The module at ``<app>/<relative>`` (``urls.py``, ``api/urls.py``) of every installed Tradeloom app that has
    the file, in ``INSTALLED_APPS`` order (found on disk, independently of config.urls)."""
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("tradeloom.") and (Path(config.path) / relative).is_file():
            found.append(import_module(f"{config.name}.{relative.removesuffix('.py').replace('/', '.')}"))
    return found


def kwargs_for(pattern: URLPattern, org_slug: str = "acme") -> dict[str, Any]:
    converters = pattern.pattern.converters
    kwargs: dict[str, Any] = {"org_slug": org_slug}
    for name, converter in converters.items():
        kwargs[name] = SAMPLE[type(converter).__name__.removesuffix("Converter").lower()]
    return kwargs


def named(patterns: list[Any]) -> list[URLPattern]:
    return [p for p in patterns if isinstance(p, URLPattern) and p.name]


WEB_MODULES = [m for m in app_modules("urls.py") if getattr(m, "urlpatterns", None)]
API_MODULES = [m for m in app_modules("api/urls.py") if getattr(m, "urlpatterns", None)]


def test_the_apps_with_pages_and_apis_are_found():
    # given / when
    web = {m.__name__ for m in WEB_MODULES}
    api = {m.__name__ for m in API_MODULES}

    # then
    assert {
        f"tradeloom.{app}.urls" for app in ("tenancy", "accounts", "catalog", "partners", "sales", "approvals")
    } <= web
    assert {
        f"tradeloom.{app}.api.urls" for app in ("tenancy", "accounts", "catalog", "partners", "sales", "approvals")
    } <= api


def test_config_urls_uses_exactly_the_apps_modules_in_installed_apps_order():
    # given
    order = [config.name for config in apps.get_app_configs()]

    # when
    used = [m.__name__ for m in config_urls.web_modules]

    # then
    assert set(used) == {m.__name__ for m in app_modules("urls.py")}
    assert used == sorted(used, key=lambda name: order.index(name.removesuffix(".urls")))


@pytest.mark.parametrize("module", WEB_MODULES, ids=lambda m: m.__name__)
def test_every_apps_pages_are_mounted_under_the_organisation(module):
    # given
    mounted = [
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and str(p.pattern) == TENANT_PREFIX and p.urlconf_module is module
    ]

    # when / then: one mount, in the app's namespace
    assert len(mounted) == 1
    assert mounted[0].namespace == module.app_name
    for pattern in named(module.urlpatterns):
        url = reverse(f"{module.app_name}:{pattern.name}", kwargs=kwargs_for(pattern))
        assert url.startswith("/o/acme/"), url
        assert resolve(url).func is pattern.callback


@pytest.mark.parametrize("module", API_MODULES, ids=lambda m: m.__name__)
def test_every_apps_api_is_mounted_under_the_organisations_api(module):
    # given
    patterns = named(module.urlpatterns)
    assert patterns

    # when / then
    for pattern in patterns:
        assert pattern in config_urls.tenant_api
        url = reverse(f"api:tenant-api:{pattern.name}", kwargs=kwargs_for(pattern))
        assert url.startswith("/api/v1/o/acme/"), url
        assert resolve(url).func is pattern.callback


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("tenancy:dashboard", "/o/acme/"),
        ("tenancy:audit", "/o/acme/audit/"),
        ("tenancy:members", "/o/acme/members/"),
        ("sales:orders", "/o/acme/orders/"),
        ("approvals:board", "/o/acme/approvals/"),
        ("accounts:invitations", "/o/acme/invitations/"),
        ("catalog:units-list", "/o/acme/units/"),
        ("partners:suppliers-list", "/o/acme/suppliers/"),
        ("api:tenant-api:orders", "/api/v1/o/acme/orders/"),
        ("api:tenant-api:members", "/api/v1/o/acme/members/"),
        ("api:tenant-api:invitations", "/api/v1/o/acme/invitations/"),
        ("api:tenant-api:approval-board", "/api/v1/o/acme/approvals/board/"),
    ],
)
def test_known_pages_and_endpoints_reverse_under_the_organisation(name, url):
    # given / when
    reversed_url = reverse(name, kwargs={"org_slug": "acme"})

    # then
    assert reversed_url == url


def test_public_pages_and_endpoints_are_outside_any_organisation():
    # given / when / then
    assert reverse("home") == "/"
    assert reverse("organization-create") == "/organizations/new/"
    assert reverse("login") == "/login/"
    assert reverse("api:me") == "/api/v1/me/"
    assert reverse("api:token") == "/api/v1/auth/token/"


def test_the_tenant_api_is_the_api_modules_patterns_by_route_priority():
    # given
    ordered = sorted(API_MODULES, key=lambda m: getattr(m, "ROUTE_PRIORITY", 100))

    # when
    tenant_api = config_urls.tenant_api

    # then
    assert tenant_api == [pattern for module in ordered for pattern in module.urlpatterns]


def test_route_priority_puts_sales_api_before_tenancys():
    # given
    sales = import_module("tradeloom.sales.api.urls")
    tenancy = import_module("tradeloom.tenancy.api.urls")
    position = {id(pattern): i for i, pattern in enumerate(config_urls.tenant_api)}

    # when
    last_sales = max(position[id(p)] for p in sales.urlpatterns)
    first_tenancy = min(position[id(p)] for p in tenancy.urlpatterns)

    # then: though tenancy comes first in INSTALLED_APPS
    assert getattr(tenancy, "ROUTE_PRIORITY", 100) > sales.ROUTE_PRIORITY
    assert last_sales < first_tenancy
    assert config_urls.api_modules[0].__name__ == "tradeloom.sales.api.urls"


def test_the_api_comes_before_the_pages():
    # given / when
    top = [str(p.pattern) for p in get_resolver().url_patterns]

    # then
    assert top[0] == "api/v1/"
    assert top.index("api/v1/") < top.index(TENANT_PREFIX)
