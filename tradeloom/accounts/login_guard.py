"""Failed-login throttling, shared by the API token login, the web login, the operators' admin and password changes.

Three counters per attempt, in PostgreSQL (``accounts.LoginThrottle``) so every worker and every server counts the
same attempts — a process's memory would let each gunicorn worker allow its own five:

* per account *and* client network: ``LOGIN_FAILURE_LIMIT`` (5) attempts in ``LOGIN_FAILURE_WINDOW`` (15 min);
* per account from anywhere: ``LOGIN_ACCOUNT_FAILURE_LIMIT`` (50) in the same window, against address rotation;
* per client network across accounts: ``LOGIN_NETWORK_FAILURE_LIMIT`` (30), against password spraying.

An attempt *reserves* its slot before the password is checked — one ``INSERT … ON CONFLICT DO UPDATE`` for the
three counters, which PostgreSQL serialises per counter — so a burst of parallel guesses cannot all slip through;
a success releases them. The reservation must outlive a refused request: callers run outside the request's
transaction (the token and password-change views are ``non_atomic_requests``; the log-in pages answer a failure
with a form, which commits). IPv6 clients are counted per /64 network, which is what one subscriber gets. Keys are
hashes; expired counters are pruned by the same statement.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

# The counters of one attempt, counted in one statement; expired counters of others pruned on the way.
_RESERVE = """
WITH pruned AS (
    DELETE FROM accounts_loginthrottle
    WHERE window_start < now() - %(window)s * interval '1 second' AND NOT (key = ANY(%(keys)s::varchar[]))
)
INSERT INTO accounts_loginthrottle AS t (key, attempts, window_start)
SELECT k, 1, now() FROM unnest(%(keys)s::varchar[]) AS k
ON CONFLICT (key) DO UPDATE SET
    attempts = CASE WHEN t.window_start < now() - %(window)s * interval '1 second' THEN 1 ELSE t.attempts + 1 END,
    window_start = CASE WHEN t.window_start < now() - %(window)s * interval '1 second'
                        THEN now() ELSE t.window_start END
RETURNING t.key, t.attempts, EXTRACT(EPOCH FROM t.window_start + %(window)s * interval '1 second' - now())
"""
_RELEASE = """
WITH cleared AS (DELETE FROM accounts_loginthrottle WHERE key = %(client)s)
UPDATE accounts_loginthrottle SET attempts = GREATEST(attempts - 1, 0) WHERE key = ANY(%(others)s::varchar[])
"""


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


def _hash(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class LoginGuard:
    email: str
    ip: str | None

    def _keys(self) -> tuple[str, str, str]:
        """The counters' keys: this account from this network, this account, this network."""
        account = _hash("account", self.email.strip().lower())
        network = _network(self.ip)
        return _hash("client", account, network), account, _hash("network", network)

    def reserve(self) -> int | None:
        """Count this attempt. Returns ``None`` when it may go ahead, else the seconds to wait."""
        client, account, network = self._keys()
        limits = {
            client: settings.LOGIN_FAILURE_LIMIT,
            account: settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
            network: settings.LOGIN_NETWORK_FAILURE_LIMIT,
        }
        with connection.cursor() as cursor:
            cursor.execute(_RESERVE, {"keys": sorted(limits), "window": settings.LOGIN_FAILURE_WINDOW})
            rows = cursor.fetchall()
        waits = [max(1, math.ceil(float(left))) for key, attempts, left in rows if attempts > limits[key]]
        return max(waits) if waits else None

    def release(self) -> None:
        """A successful log-in: forget this client's failures and take this attempt off the other two counts."""
        client, account, network = self._keys()
        with connection.cursor() as cursor:
            cursor.execute(_RELEASE, {"client": client, "others": [account, network]})
