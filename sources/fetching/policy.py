"""What a fetch is allowed to do: where it may connect, how long it may take, what it may read."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .addresses import IPNetwork

Resolver = Callable[[str, int], Sequence[str]]
"""Takes a host name and port, returns the IP addresses (as text) to connect to, best first."""

DEFAULT_CONTENT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "application/pdf",
        "application/json",
        "text/csv",
        "application/xml",
        "text/xml",
    }
)


def resolve_host(host: str, port: int) -> list[str]:
    """The system resolver's addresses for `host`, in its order of preference, without repeats."""
    addresses: list[str] = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one fetch. Build it with `policy_from_settings()`; tests replace fields with
    `dataclasses.replace`. Networks, ports and content types may be given as any iterable of
    strings or numbers and are stored as immutable sets."""

    allowed_networks: tuple[IPNetwork, ...] = ()
    """Let through although not public (local development and tests only)."""
    allowed_ports: frozenset[int] = frozenset({80, 443})
    max_redirects: int = 5
    connect_timeout_seconds: float = 5.0
    deadline_seconds: float = 20.0
    """For the whole fetch: resolving, connecting, every redirect and the whole body."""
    max_body_bytes: int = 10 * 1024 * 1024
    """Counted on the decoded body, so a small compressed bomb is caught while it inflates."""
    content_types: frozenset[str] = DEFAULT_CONTENT_TYPES
    user_agent: str = "factcheck-source-fetcher/1.0"
    resolver: Resolver = resolve_host
    ca_bundle_path: str | None = None
    """CA certificates for HTTPS; None means the certifi bundle requests uses."""

    def __post_init__(self) -> None:
        # Frozen, so normalising the given values goes through object.__setattr__.
        networks = tuple(_as_network(network) for network in self.allowed_networks)
        object.__setattr__(self, "allowed_networks", networks)
        object.__setattr__(self, "allowed_ports", frozenset(int(p) for p in self.allowed_ports))
        object.__setattr__(
            self,
            "content_types",
            frozenset(media_type.strip().lower() for media_type in self.content_types),
        )
        if self.max_redirects < 0:
            raise ValueError("max_redirects cannot be negative.")
        if self.deadline_seconds <= 0 or self.connect_timeout_seconds <= 0:
            raise ValueError("Timeouts must be positive.")
        if self.max_body_bytes <= 0:
            raise ValueError("max_body_bytes must be positive.")


def policy_from_settings() -> FetchPolicy:
    """The policy the FETCH_* settings describe. Raises ImproperlyConfigured naming the setting
    when a network is not valid CIDR."""
    try:
        networks = _as_networks(settings.FETCH_ALLOWED_NETWORKS)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"FETCH_ALLOWED_NETWORKS must list networks in CIDR form such as 127.0.0.0/8: {exc}"
        ) from exc
    return FetchPolicy(
        allowed_networks=networks,
        allowed_ports=frozenset(int(port) for port in settings.FETCH_ALLOWED_PORTS),
        max_redirects=settings.FETCH_MAX_REDIRECTS,
        connect_timeout_seconds=settings.FETCH_CONNECT_TIMEOUT_SECONDS,
        deadline_seconds=settings.FETCH_DEADLINE_SECONDS,
        max_body_bytes=settings.FETCH_MAX_BODY_BYTES,
        content_types=frozenset(settings.FETCH_CONTENT_TYPES),
        user_agent=settings.FETCH_USER_AGENT,
    )


def _as_networks(networks: Iterable[str | IPNetwork]) -> tuple[IPNetwork, ...]:
    return tuple(_as_network(network) for network in networks)


def _as_network(network: str | IPNetwork) -> IPNetwork:
    if isinstance(network, ipaddress.IPv4Network | ipaddress.IPv6Network):
        return network
    return ipaddress.ip_network(str(network).strip(), strict=False)
