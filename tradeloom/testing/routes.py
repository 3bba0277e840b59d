"""Every tenant API and web route, read from the URLconf, so new endpoints are covered by the generic tests."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

WRITE_METHODS = ("post", "put", "patch", "delete")
TENANT_PREFIX = "api/v1/o/<slug:org_slug>/"


@dataclass(frozen=True)
class Route:
    template: str  # e.g. "api/v1/o/<slug:org_slug>/members/<uuid:membership_id>/"
    view_class: Any
    methods: tuple[str, ...]

    @property
    def id_kwargs(self) -> list[str]:
        return re.findall(r"<uuid:(\w+)>", self.template)

    def url(self, slug: str, ids: dict[str, Any] | None = None) -> str:
        ids = ids or {}
        path = self.template.replace("<slug:org_slug>", slug)
        path = re.sub(r"<uuid:(\w+)>", lambda m: str(ids.get(m.group(1), uuid.uuid4())), path)
        return "/" + path


def _walk(patterns: list[Any], prefix: str) -> list[tuple[str, Any]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append((prefix + str(pattern.pattern), pattern.callback))
    return found


def tenant_routes() -> list[Route]:
    routes = []
    for template, callback in _walk(get_resolver().url_patterns, ""):
        if not template.startswith(TENANT_PREFIX):
            continue
        view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        actions = getattr(callback, "actions", None)  # ViewSet routes map methods to actions
        if actions:
            methods = tuple(m for m in ("get", *WRITE_METHODS) if m in actions)
        else:
            methods = tuple(m for m in ("get", *WRITE_METHODS) if view_class and hasattr(view_class, m))
        routes.append(Route(template=template, view_class=view_class, methods=methods))
    return routes


def web_routes_under(prefix: str) -> list[tuple[str, Any]]:
    return [(t, cb) for t, cb in _walk(get_resolver().url_patterns, "") if t.startswith(prefix)]


def web_tenant_routes() -> list[tuple[str, Any]]:
    """Every web route under ``/o/<org_slug>/``: (template, callback)."""
    return web_routes_under("o/<slug:org_slug>/")


def web_view_model(callback: Any) -> Any:
    """The model a web view is about, where its declaration names one (``records.pages.RecordPages``), else None."""
    view = getattr(callback, "__wrapped__", None)  # tenant_view keeps the view it guards
    return getattr(getattr(view, "__self__", None), "model", None)
