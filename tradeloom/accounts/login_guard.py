"""Failed-login throttling, shared by the API token login, the web login, the operators' admin and password changes.

Two counters per attempt, both in the cache (Redis in production) so they hold across processes and servers:

* per account *and* client network: ``LOGIN_FAILURE_LIMIT`` (5) attempts in ``LOGIN_FAILURE_WINDOW`` (15 min);
* per account from anywhere: ``LOGIN_ACCOUNT_FAILURE_LIMIT`` (50) in the same window, against address rotation.

An attempt *reserves* its slot atomically (``cache.add`` + ``cache.incr``) before the password is checked, so a
burst of parallel guesses cannot all slip through the limit; a success releases the counters. IPv6 clients are
counted per /64 network, which is what one subscriber gets. Accounts are keyed by a hash of the address.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


def _network(ip: str | None) -> str:
    if not ip:
        return "-"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "-"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


@dataclass(frozen=True)
class LoginGuard:
    email: str
    ip: str | None

    def _keys(self) -> list[tuple[str, int]]:
        account = hashlib.sha256(self.email.strip().lower().encode()).hexdigest()
        client = hashlib.sha256(f"{account}|{_network(self.ip)}".encode()).hexdigest()
        return [
            (f"login-attempts:{client}", settings.LOGIN_FAILURE_LIMIT),
            (f"login-attempts-account:{account}", settings.LOGIN_ACCOUNT_FAILURE_LIMIT),
        ]

    def reserve(self) -> int | None:
        """Count this attempt. Returns ``None`` when it may go ahead, else the seconds to wait."""
        window = settings.LOGIN_FAILURE_WINDOW
        now = time.time()
        wait: int | None = None
        for key, limit in self._keys():
            cache.add(f"{key}:start", now, timeout=window)
            cache.add(key, 0, timeout=window)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=window)
                count = 1
            if count > limit:
                started = cache.get(f"{key}:start") or now
                remaining = max(1, int(started + window - now))
                wait = max(wait or 0, remaining)
        return wait

    def release(self) -> None:
        """A successful login: forget this client's failures and take this attempt off the account's count."""
        (client_key, _), (account_key, _) = self._keys()
        cache.delete_many([client_key, f"{client_key}:start"])
        with contextlib.suppress(ValueError):
            cache.decr(account_key)
