"""An import's background jobs: the commit (the whole file in the once-only task's one transaction) and a large
file's dry run."""

from __future__ import annotations

from tradeloom.core.effects import effect_task
from tradeloom.imports.services import import_check_perform, import_commit_perform


@effect_task("imports.commit")
def import_commit(*, organization_id: str, run_id: str, job_id: str) -> None:
    """Once-only (``core.effects``): the rows are written in the transaction that marks the outbox entry done, so a
    worker killed mid-file leaves no row and its redelivery commits the file whole; a second delivery after the
    commit finds the entry done and does nothing."""
    import_commit_perform(organization_id=organization_id, run_id=run_id, job_id=job_id)


@effect_task("imports.check")
def import_check(*, organization_id: str, run_id: str, job_id: str) -> None:
    """A large file's dry run: once-only as the commit (its report is stored in the entry's transaction)."""
    import_check_perform(organization_id=organization_id, run_id=run_id, job_id=job_id)
