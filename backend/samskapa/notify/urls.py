"""Which webhook URLs the server will post to.

A webhook URL is chosen by a facilitator, and the server then makes requests to
it: without a check, that is a way to make the server reach what only it can
reach (its own admin routes, a database on the private network, a cloud
metadata service). So a URL must be http(s), name a host that resolves, and
every address it resolves to must be public, unless the operator allows
private ones (`SAMSKAPA_NOTIFY_ALLOW_PRIVATE`, for a chat server inside the
organisation's network). Even then the server itself is refused: its own
address and port, as configured and as the facilitator reached it.

The check runs when the URL is saved and again before every delivery, and the
delivery connects to the very address that was checked (webhook.py), so a name
that resolves elsewhere a moment later (DNS rebinding) reaches nothing new.
"""

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from ..domain.errors import DomainError, ErrorCode

MAX_URL_LENGTH = 2000

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class Target:
    """A checked URL: where to connect (`address`) and what to ask for there."""

    url: str
    host: str
    port: int
    address: str


def parse(url: str) -> SplitResult:
    """The URL's parts, or `url_invalid` / `value_too_long`."""
    if len(url) > MAX_URL_LENGTH:
        raise DomainError(ErrorCode.VALUE_TOO_LONG, f"A URL may be {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError as err:
        raise DomainError(ErrorCode.URL_INVALID, f"Not a valid URL: {err}.") from err
    if parts.scheme not in ("http", "https"):
        raise DomainError(ErrorCode.URL_INVALID, "The webhook URL must start with https://.")
    if not parts.hostname:
        raise DomainError(ErrorCode.URL_INVALID, "The webhook URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise DomainError(ErrorCode.URL_INVALID, "Put no user name or password in the URL.")
    return parts


def default_port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def host_of(url: str) -> str:
    """What a facilitator is shown of a saved URL: its host, never the secret path."""
    return urlsplit(url).hostname or ""


def _unmapped(address: Address) -> Address:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_public(address: Address) -> bool:
    address = _unmapped(address)
    return address.is_global and not address.is_multicast


def _is_local(address: Address) -> bool:
    address = _unmapped(address)
    return address.is_loopback or address.is_unspecified


async def check(
    url: str, allow_private: bool, own: frozenset[tuple[str, int]], own_ports: frozenset[int]
) -> Target:
    """The URL checked and pinned to one address, or a `DomainError`.

    `own` holds the (host, port) pairs this server answers on as people reach
    it; `own_ports` the ports it listens on, refused on any local address."""
    parts = parse(url)
    host = (parts.hostname or "").lower()
    port = default_port(parts)
    if (host, port) in own:
        raise DomainError(ErrorCode.URL_SELF, "The webhook URL points at this server.")
    loop = asyncio.get_running_loop()
    try:
        found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as err:
        raise DomainError(ErrorCode.URL_UNRESOLVED, f"The host {host} does not resolve.") from err
    addresses: list[Address] = []
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if _is_local(address) and port in own_ports:
            raise DomainError(ErrorCode.URL_SELF, "The webhook URL points at this server.")
        if not allow_private and not is_public(address):
            raise DomainError(
                ErrorCode.URL_PRIVATE,
                "The webhook URL points at a private, local or reserved address.",
            )
        addresses.append(address)
    if not addresses:
        raise DomainError(ErrorCode.URL_UNRESOLVED, f"The host {host} does not resolve.")
    return Target(url=parts.geturl(), host=host, port=port, address=str(addresses[0]))
