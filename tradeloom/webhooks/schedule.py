"""When a failed delivery is tried again, when it is given up, and when an endpoint that keeps failing is disabled.

The schedule is Standard Webhooks' reference one (Svix's): after the first attempt fails, retries follow after
5 seconds, 5 minutes, 30 minutes, 2 hours, 5 hours, 10 hours and 10 hours — eight attempts over about 27 hours and
a half — then the delivery is failed. Retries are kept in the database (``Delivery.next_attempt_at``) and handed to
workers by a sweep every minute, so a retry is due at its time and goes out within the following minute.
"""

from __future__ import annotations

from datetime import timedelta

RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
ATTEMPTS = 1 + len(RETRY_DELAYS)

# An endpoint is disabled (and its organisation's owners and admins told) when this many messages in a row failed
# every attempt, or when none of its attempts has succeeded for this long.
DISABLE_AFTER_FAILED_MESSAGES = 20
DISABLE_AFTER_FAILING_FOR = timedelta(days=5)

# The previous secret keeps signing beside the new one this long after a rotation.
PREVIOUS_SECRET_LIFETIME = timedelta(hours=24)
# An attempt claimed longer ago than this was lost with its worker: another copy may make it.
CLAIM_LIFETIME = timedelta(minutes=2)
# How many due deliveries of one organisation the sweep hands out per run.
SWEEP_BATCH = 500
# Messages (with their deliveries and attempts) are kept this long once every delivery of them is finished.
KEEP_FOR = timedelta(days=30)
PURGE_BATCH = 2000


def retry_delay(round_attempts: int) -> timedelta | None:
    """How long after the ``round_attempts``-th failed attempt the next one is due; None: give up."""
    if round_attempts < 1 or round_attempts > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[round_attempts - 1]
