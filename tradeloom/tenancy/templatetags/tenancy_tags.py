from typing import Any

from django import template

from tradeloom.tenancy.context_processors import navigation_of

register = template.Library()


@register.simple_tag(takes_context=True)
def navigation_sections(context: Any) -> list[Any]:
    """The sidebar's sections and links for this page (``tenancy.navigation``)."""
    request = context.get("request")
    return navigation_of(request, context.get("nav", "")) if request is not None else []
