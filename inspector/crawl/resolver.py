"""A DNS resolver with a static hosts table in front (INSPECTOR_STATIC_HOSTS), IPv4 and IPv6.

Like `curl --resolve`: an office can inspect a site by its real name at a mirror's address, and
tests can make a name fail to resolve without asking a real DNS server. A host mapped to ""
fails with a DNS lookup error; hosts not in the table resolve as usual.

It is Scrapy's CachingHostnameResolver (an IHostnameResolver), not the IResolverSimple of
Scrapy's default: that one returns one IPv4 address per name (`gethostbyname`), so a site on an
IPv6-only host, or a link to `http://[::1]:8080/`, failed as a `dns` error. Twisted's
HostnameEndpoint connects to IP literals without asking the resolver at all. This resolver
has no timeout of its own (DNS_TIMEOUT does not apply); DOWNLOAD_TIMEOUT bounds every download,
its name lookup included, and inspector.crawl.addresses bounds its own lookups.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from scrapy.resolver import CachingHostnameResolver, HostResolution
from twisted.internet.address import IPv4Address, IPv6Address


class StaticHostsResolver(CachingHostnameResolver):
    static: dict[str, str]

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> StaticHostsResolver:
        resolver = super().from_crawler(crawler, reactor)
        previous = resolver.original_resolver
        if isinstance(previous, StaticHostsResolver):
            # Installed again in the same process (tests run many crawls): keep one layer.
            resolver.original_resolver = previous.original_resolver
        table = crawler.settings.getdict("INSPECTOR_STATIC_HOSTS")
        resolver.static = {str(k).lower(): str(v or "") for k, v in table.items()}
        return resolver

    def resolveHostName(  # noqa: N802 - Twisted API
        self,
        resolutionReceiver: Any,  # noqa: N803 - Twisted API (an IResolutionReceiver)
        hostName: str,  # noqa: N803
        portNumber: int = 0,  # noqa: N803
        addressTypes: Sequence[type[Any]] | None = None,  # noqa: N803
        transportSemantics: str = "TCP",  # noqa: N803
    ) -> Any:
        address = self.static.get(hostName.lower())
        if address is None:
            return super().resolveHostName(
                resolutionReceiver, hostName, portNumber, addressTypes, transportSemantics
            )
        resolutionReceiver.resolutionBegan(HostResolution(hostName))
        if address:  # "" resolves to nothing: the endpoint fails with a DNS lookup error
            kind = IPv6Address if ipaddress.ip_address(address).version == 6 else IPv4Address
            resolutionReceiver.addressResolved(kind("TCP", address, portNumber))
        resolutionReceiver.resolutionComplete()
        return resolutionReceiver  # as Scrapy's own does
