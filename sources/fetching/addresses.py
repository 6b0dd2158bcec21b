"""Which IP addresses the fetcher may connect to: public internet addresses only.

A URL someone submits must not make this service read its own network (a database port, a cloud
metadata service at 169.254.169.254, an admin page on 10.x): every address is checked before a
connection is opened, including addresses hidden inside IPv6 forms.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from .urls import IPAddress

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

CARRIER_GRADE_NAT = ipaddress.IPv4Network("100.64.0.0/10")
NAT64_WELL_KNOWN_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")

# `is_global` has changed between Python releases and misses some ranges (IPv4-compatible
# IPv6, 6to4 relays, Teredo); these are refused whatever the running Python thinks.
SPECIAL_USE_NETWORKS: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/96",
        "::ffff:0:0/96",
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/32",
        "2001:db8::/32",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address leads to when it is only a wrapper around one."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64_WELL_KNOWN_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def address_refusal_reason(
    address: IPAddress, *, allowed_networks: Iterable[IPNetwork] = ()
) -> str:
    """Why `address` may not be fetched ('' when it may), phrased to follow "<address> is".

    `allowed_networks` are let through whatever they are (local development and tests).
    """
    allowed = tuple(allowed_networks)
    if any(address in network for network in allowed):
        return ""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            if any(inner in network for network in allowed):
                return ""
            reason = _special_use_reason(inner)
            if reason:
                return f"a wrapper around {inner}, which is {reason}"
            if address.ipv4_mapped is not None or address in NAT64_WELL_KNOWN_PREFIX:
                # These reach nothing but the (public) IPv4 address inside them, which is how
                # IPv6-only networks reach the IPv4 internet; 6to4 goes on to a relay, which
                # is judged below.
                return ""
    return _special_use_reason(address)


def _special_use_reason(address: IPAddress) -> str:
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_loopback:
        return "a loopback address (this machine)"
    if address.is_link_local:
        return "a link-local address (where cloud metadata services live)"
    if address.is_multicast:
        return "a multicast address"
    if address in CARRIER_GRADE_NAT:
        return "a carrier-grade NAT address"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "a site-local address"
    if address.is_private:
        return "a private network address"
    if address.is_reserved or any(address in network for network in SPECIAL_USE_NETWORKS):
        return "a reserved or special-use address"
    if not address.is_global:
        return "an address that is not on the public internet"
    return ""
