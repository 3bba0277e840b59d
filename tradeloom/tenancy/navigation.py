"""The organisation pages' navigation and its counters, contributed by each app in ``AppConfig.ready()``.

``NAVIGATION.register("orders", NavLink(...))`` adds a link to the sidebar (shown when the member's role has its
capability); ``NAV_COUNTERS.register("invitations", expression)`` adds a number the links and the dashboard show,
computed with every other counter in one query (each is a correlated subquery on the organisation's row).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from tradeloom.core.registry import Registry
from tradeloom.tenancy.roles import Capability, role_has

# Sidebar sections, top to bottom; a link names one of these.
SECTIONS = ("Workspace", "Production", "Purchasing", "Inventory", "Finance", "Partners", "Catalog", "Organisation")


@dataclass(frozen=True)
class NavLink:
    section: str
    label: str
    url_name: str  # reversed with the organisation's slug: "sales:orders"
    icon: str  # a template under icons/: "icons/shopping-bag.svg"
    capability: Capability | None = None  # None: every member
    active: tuple[str, ...] = ()  # the pages' ``nav`` keys that mark this link current (default: the key)
    counter: str = ""  # a NAV_COUNTERS key shown next to the label
    counter_title: str = ""
    counter_always: bool = False  # show the counter when it is zero too
    order: int = 100  # place within the section (then registration order)

    def __post_init__(self) -> None:
        if self.section not in SECTIONS:
            raise ValueError(f"{self.section!r} is not a navigation section ({', '.join(SECTIONS)}).")


NAVIGATION: Registry[NavLink] = Registry("navigation")
# Counter name → a function returning a queryset of one integer column ``n`` correlated to ``OuterRef("pk")``
# of the organisation (see ``count_of``).
NAV_COUNTERS: Registry[Callable[[], Any]] = Registry("navigation counters")


def count_of(queryset: Any, organization_field: str = "organization") -> Coalesce:
    """A correlated count for ``NAV_COUNTERS``: the rows of ``queryset`` of the organisation in the outer query."""
    counted = (
        queryset.filter(**{organization_field: OuterRef("pk")})
        .order_by()
        .values(organization_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


@dataclass(frozen=True)
class NavEntry:
    label: str
    url: str
    icon: str
    current: bool
    count: int | None
    count_title: str


@dataclass
class NavSection:
    title: str
    links: list[NavEntry] = field(default_factory=list)


def navigation_for(*, organization: Any, role: str, nav: str, counters: dict[str, int]) -> list[NavSection]:
    """The sidebar of one page: the links the role may follow, by section, with their counters."""
    sections = {title: NavSection(title) for title in SECTIONS}
    for key, link in sorted(NAVIGATION.items(), key=lambda item: item[1].order):
        if link.capability is not None and not role_has(role, link.capability):
            continue
        count = counters.get(link.counter) if link.counter else None
        sections[link.section].links.append(
            NavEntry(
                label=link.label,
                url=reverse(link.url_name, kwargs={"org_slug": organization.slug}),
                icon=link.icon,
                current=nav in (link.active or (key,)),
                count=count if count or link.counter_always else None,
                count_title=link.counter_title,
            )
        )
    return [section for section in sections.values() if section.links]
