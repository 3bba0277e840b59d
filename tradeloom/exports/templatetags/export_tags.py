"""``{% export_links key %}``: the Export menu's links of a list page, carrying the page's current query string."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from tradeloom.exports.registry import EXPORTS

register = template.Library()
PAGE_ONLY = ("cursor", "with_count")  # the list page's own paging: an export has every page


@register.simple_tag(takes_context=True)
def export_links(context: Any, key: str) -> list[tuple[str, str]]:
    """(label, address) of each file the list's menu offers: the list as CSV and XLSX, then its related exports."""
    request = context["request"]
    export = EXPORTS.get(key)
    if export is None:
        return []
    params = request.GET.copy()
    for name in PAGE_ONLY:
        params.pop(name, None)
    query = params.urlencode()
    links = []
    for item in (export, *(EXPORTS[k] for k in getattr(export, "related", ()) if k in EXPORTS)):
        for file_format in item.formats:
            url = reverse(f"exports:{item.key}-{file_format}", kwargs={"org_slug": request.organization.slug})
            label = file_format.upper() if item is export else f"{item.label} ({file_format.upper()})"
            links.append((label, f"{url}?{query}" if query else url))
    return links
