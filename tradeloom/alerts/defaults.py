"""What a rule is when nobody set it: its kind (404 for one no module registers) and the kind's default N."""

from __future__ import annotations

from typing import Any

from tradeloom.core.alert_kinds import ALERT_KINDS, AlertKind
from tradeloom.core.exceptions import ApplicationError


def kind_get(code: str) -> AlertKind:
    """A registered kind, else 404 (a rule is named by its kind in URLs)."""
    kind = ALERT_KINDS.get(code)
    if kind is None:
        raise ApplicationError(f"No such kind of alert: {code}.", code="not_found", status=404)
    return kind


def default_days(kind: AlertKind, organization: Any) -> int:
    """The kind's default N; a gate is stuck after the organisation's stuck setting (``approval_stuck_days``)."""
    if kind.code == "gate_stuck":
        value = (organization.settings or {}).get("approval_stuck_days")
        if isinstance(value, int) and not isinstance(value, bool) and kind.min_days <= value <= kind.max_days:
            return value
    return kind.default_days
