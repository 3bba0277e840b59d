"""The dashboard's panels (``/o/<org>/``), contributed by each app in its ``AppConfig.ready()``.

Tenancy owns the page but knows nothing of orders or approvals: sales registers the pipeline, profit, ETDs, late
lines and top customers, approvals the gates waiting too long, tenancy its own activity and organisation panels, and
a later module (shipments, finance) adds its own the same way::

    DASHBOARD_PANELS.register(
        "sales.pipeline",
        DashboardPanel(
            template="sales/dashboard/pipeline.html",  # rendered with ``panel`` (``panel.data``: the context)
            context=dashboard.pipeline_panel,          # Dashboard → dict, or None to leave the panel out
            capability=ORDERS_VIEW,                    # the member's role must have it; None: every member
            position=20,                               # top to bottom (then registration order)
            size="two-thirds",                         # figure | third | two-thirds | full
        ),
    )

A ``figure`` is a number in the row of figures at the top (``stat`` tiles); the others are cards in a three-column
grid (one column on a phone). Each context function reads what its panel shows in a fixed number of statements —
the page's query budget is the sum, whatever the data — and panels of one app share a read with
``dashboard.once(key, compute)`` (a figure and the card behind it run it once).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tradeloom.core.registry import Registry
from tradeloom.tenancy.roles import Capability, role_has

# size → the card's column span in the page's three-column grid (from lg); a figure goes to the top row
SIZES = {"figure": "", "third": "", "two-thirds": "lg:col-span-2", "full": "lg:col-span-3"}


@dataclass
class Dashboard:
    """What a panel's context function is given: the organisation, who is looking and the organisation's today."""

    organization: Any
    membership: Any
    today: date
    _shared: dict[str, Any] = field(default_factory=dict, repr=False)

    def once(self, key: str, compute: Callable[[Dashboard], Any]) -> Any:
        """``compute(self)``, run once per page for ``key`` however many panels ask for it."""
        if key not in self._shared:
            self._shared[key] = compute(self)
        return self._shared[key]


@dataclass(frozen=True)
class DashboardPanel:
    template: str
    context: Callable[[Dashboard], dict[str, Any] | None]
    capability: Capability | None = None
    position: int = 100
    size: str = "third"

    def __post_init__(self) -> None:
        if self.size not in SIZES:
            raise ValueError(f"{self.size!r} is not a panel size ({', '.join(SIZES)}).")


DASHBOARD_PANELS: Registry[DashboardPanel] = Registry("dashboard panels")


@dataclass(frozen=True)
class ShownPanel:
    key: str
    template: str
    size: str
    span: str  # the grid classes of its size
    data: dict[str, Any]


@dataclass(frozen=True)
class DashboardPage:
    figures: list[ShownPanel]
    cards: list[ShownPanel]

    @property
    def has_charts(self) -> bool:
        """Whether a card draws a chart (``data["chart"]``), so the page loads Chart.js."""
        return any(card.data.get("chart") for card in self.cards)


def dashboard_panels(*, organization: Any, membership: Any, today: date) -> DashboardPage:
    """The panels this member may see, in order, each with its data; a panel whose context is ``None`` has
    nothing to show and is left out."""
    dashboard = Dashboard(organization=organization, membership=membership, today=today)
    figures: list[ShownPanel] = []
    cards: list[ShownPanel] = []
    for key, panel in sorted(DASHBOARD_PANELS.items(), key=lambda item: item[1].position):
        if panel.capability is not None and not role_has(membership.role, panel.capability):
            continue
        data = panel.context(dashboard)
        if data is None:
            continue
        shown = ShownPanel(key, panel.template, panel.size, SIZES[panel.size], data)
        (figures if panel.size == "figure" else cards).append(shown)
    return DashboardPage(figures=figures, cards=cards)


# --- the organisation's own panels (registered by ``TenancyConfig.ready``) -------------------------------------------
def activity_panel(dashboard: Dashboard) -> dict[str, Any]:
    """Changes recorded per day over the last 14 days (owners and admins: ``audit.view``)."""
    import orjson

    from tradeloom.audit.selectors import audit_activity_by_day

    per_day = audit_activity_by_day(organization=dashboard.organization)
    chart = {
        "type": "bar",
        "labels": [day.strftime("%d %b") for day, _ in per_day],
        "datasets": [{"label": "Changes", "data": [n for _, n in per_day]}],
    }
    return {"chart": orjson.dumps(chart).decode()}


def recent_panel(dashboard: Dashboard) -> dict[str, Any]:
    """The latest events, as sentences."""
    from tradeloom.audit.selectors import audit_recent
    from tradeloom.audit.sentences import describe

    return {"recent": describe(audit_recent(organization=dashboard.organization))}
