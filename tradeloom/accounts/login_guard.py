"""Failed-login throttling: N failures per account and client address within a window → refuse for a while.

Counters live in the cache (Redis in production), so the limit holds across processes and servers. The account
is keyed by a hash of the normalised e-mail address, so the cache never holds addresses in clear. A success
clears the counter. Defaults: 5 failures in 15 minutes (``LOGIN_FAILURE_LIMIT``, ``LOGIN_FAILURE_WINDOW``).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class LoginGuard:
    email: str
    ip: str | None

    @property
    def _key(self) -> str:
        digest = hashlib.sha256(f"{self.email.strip().lower()}|{self.ip or '-'}".encode()).hexdigest()
        return f"login-failures:{digest}"

    def retry_after(self) -> int | None:
        """Seconds until another attempt is allowed, or ``None`` when attempts are allowed now."""
        state = cache.get(self._key)
        if not state:
            return None
        count, first = state
        remaining = int(first + settings.LOGIN_FAILURE_WINDOW - time.time())
        if count >= settings.LOGIN_FAILURE_LIMIT and remaining > 0:
            return remaining
        return None

    def record_failure(self) -> None:
        now = time.time()
        state = cache.get(self._key)
        if state and now - state[1] < settings.LOGIN_FAILURE_WINDOW:
            count, first = state[0] + 1, state[1]
        else:
            count, first = 1, now
        cache.set(self._key, (count, first), timeout=settings.LOGIN_FAILURE_WINDOW)

    def clear(self) -> None:
        cache.delete(self._key)
