"""docs/events.md lists exactly the catalogued domain events and audit actions (the code is the source; the page
must not fall behind it, nor name what no longer exists)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from tradeloom.audit.actions import catalogue as actions
from tradeloom.core.events import Phase, subscribers
from tradeloom.core.events import catalogue as events

DOC = (Path(settings.BASE_DIR) / "docs" / "events.md").read_text()
CURRENT = DOC.split("### Renamed")[0]  # the renamed table names old actions on purpose
NAME = re.compile(r"`([a-z_]+\.(?:[a-z_]+|\*))`")


def test_every_audit_action_is_on_the_page():
    named = set(NAME.findall(CURRENT))
    missing = [
        action
        for action, source in actions().items()
        if action not in named and not (source.startswith("records:") and f"{action.split('.')[0]}.*" in named)
    ]
    assert missing == []


def test_the_page_names_no_action_or_event_that_does_not_exist():
    known = set(actions()) | set(events()) | {f"{a.split('.')[0]}.*" for a in actions()}
    rows = [line for line in CURRENT.split("## Audit actions")[1].splitlines() if line.startswith("| `")]
    assert sorted({name for row in rows for name in NAME.findall(row.split("|")[1])} - known) == []


def test_every_event_is_on_the_page_with_its_subscribers():
    for name, event in events().items():
        row = next((line for line in CURRENT.splitlines() if line.startswith(f"| `{name}`")), None)
        assert row is not None, f"{name} is not in docs/events.md"
        for handler in subscribers(event, Phase.IN_TRANSACTION) + subscribers(event, Phase.AFTER_COMMIT):
            assert f"`{handler.__name__}`" in row, f"{name}: {handler.__qualname__} is not listed"
