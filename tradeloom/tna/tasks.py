"""T&A's background work: the forecasts refreshed as the days move (beat, hourly: each organisation's today turns
at its own midnight; a run that finds nothing changed writes nothing)."""

from __future__ import annotations

from celery import shared_task

from tradeloom.tna.services import plans_refresh

REFRESH_TASK = "tna.refresh"


@shared_task(name=REFRESH_TASK, ignore_result=True)
def refresh() -> int:
    """Re-forecast every plan with a milestone pending (today moves the forecasts past their date); safe to run twice
    or to overlap (the second changes nothing)."""
    return plans_refresh()
