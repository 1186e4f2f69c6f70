"""The address policy: which addresses a link found in a page may make the crawler connect to.

A page is written by whoever controls the site, so its links can point the crawler at the
machine's own network: cloud metadata services, the office intranet, the crawler's host.

- Never fetched: INSPECTOR_BLOCKED_NETWORKS (link-local 169.254.0.0/16 and fe80::/10, the
  metadata addresses fd00:ec2::254 and 100.100.100.200).
- Private, loopback and other non-global addresses (10/8, 172.16/12, 192.168/16, 127/8, ::1,
  fc00::/7, 100.64/10, 0.0.0.0 …): fetched only for a site that is itself on such an address (its
  registered host is one, or its home page answered from one: an intranet site, unless
  INSPECTOR_INTRANET_SITES is off), or with INSPECTOR_ALLOW_PRIVATE_ADDRESSES.

A site's own hosts (its scope) are never refused: the registry is the operator's word. A
refused link is recorded with reason `blocked_address` (not counted as broken) and no
connection is made: host names are resolved here first (the resolver caches the answer for the
download that follows).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import defer
from twisted.internet.interfaces import IResolutionReceiver
from zope.interface import implementer  # type: ignore[import-untyped]

from inspector.crawl.scope import scope_key

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
HOSTS_REMEMBERED = 10_000  # host → addresses, for the other links to the same host


class BlockedAddress(IgnoreRequest):
    """A link to an address the policy does not let the crawler fetch."""


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(str(v).strip(), strict=False) for v in values)


def ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def refusal(addresses: Iterable[IPAddress], blocked: tuple[Network, ...], private_ok: bool) -> str:
    """Why these addresses must not be fetched ("" when they may): `blocked` or `private`."""
    for ip in addresses:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # ::ffff:169.254.169.254 is 169.254.169.254
        if any(ip in net for net in blocked if net.version == ip.version):
            return "blocked"
        if not ip.is_global and not private_ok:
            return "private"
    return ""


def site_on_private_address(url: str) -> bool:
    """Is the registered URL's host a private, loopback or other non-global IP literal?"""
    ip = ip_literal(urlsplit(url).hostname or "")
    return ip is not None and not ip.is_global


@implementer(IResolutionReceiver)
class _Collect:
    def __init__(self) -> None:
        self.addresses: list[IPAddress] = []
        self.done: defer.Deferred[list[IPAddress]] = defer.Deferred()

    def resolutionBegan(self, resolution: Any) -> None:  # noqa: N802 - Twisted API
        pass

    def addressResolved(self, address: Any) -> None:  # noqa: N802
        ip = ip_literal(str(getattr(address, "host", "")))
        if ip is not None:
            self.addresses.append(ip)

    def resolutionComplete(self) -> None:  # noqa: N802
        if not self.done.called:
            self.done.callback(self.addresses)


class AddressPolicy:
    """Downloader middleware: refuse requests of the site spider to addresses it must not fetch."""

    def __init__(self, blocked: tuple[Network, ...], allow_private: bool, timeout: float) -> None:
        self.blocked = blocked
        self.allow_private = allow_private
        self.timeout = timeout
        self.known: dict[str, list[IPAddress]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> AddressPolicy:
        s = crawler.settings
        return cls(
            parse_networks(s.getlist("INSPECTOR_BLOCKED_NETWORKS")),
            s.getbool("INSPECTOR_ALLOW_PRIVATE_ADDRESSES"),
            s.getfloat("DNS_TIMEOUT"),
        )

    async def process_request(self, request: Request) -> None:
        sc = request.meta.get("sc")
        if sc is None or scope_key(request.url) in sc.scope:
            return None
        host = urlparse_cached(request).hostname or ""
        literal = ip_literal(host)
        addresses = [literal] if literal is not None else await self._resolve(host)
        why = refusal(addresses, self.blocked, self.allow_private or sc.private_ok)
        if why:
            shown = ", ".join(sorted({str(a) for a in addresses}))
            raise BlockedAddress(f"{host} is at {shown} ({why} address): not fetched")
        return None

    async def _resolve(self, host: str) -> list[IPAddress]:
        """The host's addresses; [] when it does not resolve (the download then says `dns`)."""
        known = self.known.get(host)
        if known is not None:
            return known
        from twisted.internet import reactor

        receiver = _Collect()
        reactor.nameResolver.resolveHostName(receiver, host)
        receiver.done.addTimeout(self.timeout, reactor)
        try:
            addresses = await maybe_deferred_to_future(receiver.done)
        except defer.TimeoutError:
            return []  # the download tries again, under DOWNLOAD_TIMEOUT
        if len(self.known) >= HOSTS_REMEMBERED:
            self.known.clear()
        self.known[host] = addresses
        return addresses
