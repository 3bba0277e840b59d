"""Tasks the worker tests give a real worker (``TRADELOOM_CELERY_IMPORTS``): their effect is a line appended to a
job's message, so "exactly once" is "the message says it once"."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tradeloom.core.effects import effect_task
from tradeloom.core.models import Job


@effect_task("tests.append_to_job")
def append_to_job(*, organization_id: str, job_id: str, word: str, stall_once: str = "") -> None:
    """Append ``word;`` to the job's message. With ``stall_once`` (a file path) the first run writes its pid there
    and stalls, its work not yet committed, until the test kills it; a later run finds the file and goes on."""
    job = Job.objects.select_for_update().get(pk=job_id)
    job.message += f"{word};"
    job.save(update_fields=["message"])
    if stall_once and not Path(stall_once).exists():
        Path(stall_once).write_text(str(os.getpid()))
        time.sleep(120)
