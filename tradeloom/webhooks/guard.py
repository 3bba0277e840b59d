"""The SSRF guard: a webhook never reaches the installation's own network.

An endpoint's host is resolved at every attempt, and the attempt is refused when **any** address it resolves to is
loopback, private (RFC 1918, fc00::/7), link-local (169.254/16, fe80::/10), shared or otherwise not public — unless
``WEBHOOKS_ALLOW_PRIVATE_ADDRESSES`` allows those (local receivers in development and tests). Cloud metadata
addresses, unspecified, multicast and reserved addresses are refused always. IPv4 addresses written as IPv6
(``::ffff:10.0.0.1``, NAT64 ``64:ff9b::a00:1``, 6to4) are judged as the IPv4 address they carry.

The sender then connects to the address it checked (``Resolved.sockaddr``), never resolving the name again, so a DNS
answer that changes between the check and the connection (rebinding) cannot move it; the name stays in the Host
header and in TLS (SNI and the certificate check).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# instance metadata services: AWS, GCP and Azure (169.254.169.254), AWS over IPv6, ECS tasks, Alibaba, Azure's
# wire server
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200", "168.63.129.16")
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(Exception):
    """The endpoint's address is one webhooks may not reach (the message says which and why)."""


def allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def refusal(address: IPAddress, *, private_allowed: bool | None = None) -> str | None:
    """Why ``address`` may not be reached ("a private address"), or None when it may."""
    allowed = allow_private() if private_allowed is None else private_allowed
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return refusal(embedded, private_allowed=allowed)
    if address in METADATA:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_loopback:
        kind = "a loopback address"
    elif address.is_link_local:
        kind = "a link-local address"
    elif address.is_reserved:
        return "a reserved address"
    elif address.is_private:
        kind = "a private address"
    elif not address.is_global:
        kind = "not a public address"
    else:
        return None
    return None if allowed else kind


def literal_refusal(host: str) -> str | None:
    """For a host written as an IP address, why it may not be reached (checked when an endpoint is saved; names are
    resolved and checked at every attempt)."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    reason = refusal(address)
    return f"{address} is {reason}" if reason else None


@dataclass(frozen=True)
class Resolved:
    family: int
    sockaddr: Any  # (host, port) or (host, port, flowinfo, scope_id)

    @property
    def address(self) -> str:
        return str(self.sockaddr[0])


def resolve(host: str, port: int) -> list[Resolved]:
    """Every address ``host`` resolves to, each checked; ``AddressRefused`` when one of them may not be reached or
    the name does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(f"{host} does not resolve ({error}).") from error
    resolved: list[Resolved] = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        reason = refusal(address)
        if reason:
            raise AddressRefused(f"{host} resolves to {address}, {reason}.")
        if all(r.sockaddr != sockaddr for r in resolved):
            resolved.append(Resolved(family, sockaddr))
    if not resolved:
        raise AddressRefused(f"{host} has no IPv4 or IPv6 address.")
    return resolved
