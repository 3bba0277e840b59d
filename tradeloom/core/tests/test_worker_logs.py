"""The worker's log lines: JSON like the web's, each line of a task carrying the task's id and name, and the request
id of the request that queued it (sent along in a message header)."""

from __future__ import annotations

import json
import logging
from typing import Any

from celery import shared_task

from tradeloom.core.request_id import RequestIdLogFilter, request_id_bind, request_id_reset
from tradeloom.core.tests.test_worker import (  # noqa: F401 - the real worker's fixtures
    _enqueue,
    _entry,
    _new_job,
    _wait_for,
    broker,
    committed,
    redis_dir,
    worker,
)

_seen: list[logging.LogRecord] = []


@shared_task(name="tests.log_a_line")
def _log_a_line() -> None:
    record = logging.LogRecord("tests", logging.INFO, __file__, 1, "inside the task", None, None)
    RequestIdLogFilter().filter(record)
    _seen.append(record)


def test_a_line_logged_inside_a_task_carries_its_id_and_name():
    # when a task logs (run here as a worker runs it)
    result = _log_a_line.apply()
    # then the line names the task; lines outside any task do not
    record = _seen.pop()
    assert (record.task_id, record.task_name) == (result.id, "tests.log_a_line")
    outside = logging.LogRecord("tests", logging.INFO, __file__, 1, "outside", None, None)
    RequestIdLogFilter().filter(outside)
    assert not hasattr(outside, "task_id")


def _lines(log: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def test_a_workers_lines_about_a_task_carry_the_task_and_the_request_that_queued_it(committed, worker, tmp_path):  # noqa: F811
    # given a running worker
    worker()
    job = _new_job(committed)
    # when a request (its id bound, as RequestIdMiddleware does) writes an effect that commits
    token = request_id_bind("req-logs-0123")
    try:
        entry = _enqueue(committed, job, "logged")
    finally:
        request_id_reset(token)
    _wait_for(lambda: _entry(committed, entry.pk).done_at is not None)
    # then the worker's lines about the task are JSON, name the task, and the one written while it ran (Celery's
    # "succeeded") carries the request id too
    _wait_for(lambda: any("succeeded" in line["message"] for line in _lines(tmp_path / "worker-0.log")))
    about = [line for line in _lines(tmp_path / "worker-0.log") if str(entry.pk) in line["message"]]
    assert len(about) >= 2, about  # received (main process) and succeeded (the pool's process)
    assert {(line["task_id"], line["task_name"]) for line in about} == {(str(entry.pk), "tests.append_to_job")}
    succeeded = next(line for line in about if "succeeded" in line["message"])
    assert succeeded["request_id"] == "req-logs-0123"
    assert {"time", "level", "logger", "message"} <= set(succeeded)
