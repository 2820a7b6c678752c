"""The client address of a request, for the login lockout, the login journal and the audit.

Behind the load balancer of a multi-host deployment every request comes from the balancer's
address. X-Forwarded-For is set by the client, so it is believed only when the peer is one
of `settings.TRUSTED_PROXIES`, and then read from the right: each trusted proxy appends the
address it received from, so the rightmost address that is not a trusted proxy is the client
(anything to its left may be forged)."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network (CIDR)."
            ) from None
    return tuple(networks)


def _address(value: str) -> Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest | None) -> str | None:
    """The address of the client: REMOTE_ADDR, or, when REMOTE_ADDR is a trusted proxy, the
    rightmost address of X-Forwarded-For that is not a trusted proxy."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    peer = _address(remote) if remote else None
    if peer is None or not networks or not _is_trusted(peer, networks):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # A malformed entry: nothing to its left can be believed.
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)
