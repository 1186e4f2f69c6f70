"""A DNS resolver with a static hosts table in front (INSPECTOR_STATIC_HOSTS).

Like `curl --resolve`: an office can inspect a site by its real name at a mirror's address, and
tests can make a name fail to resolve without asking a real DNS server. A host mapped to ""
fails with a DNS lookup error; hosts not in the table resolve as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError


class StaticHostsResolver(CachingThreadedResolver):
    static: dict[str, str]

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> StaticHostsResolver:
        resolver = super().from_crawler(crawler, reactor)
        table = crawler.settings.getdict("INSPECTOR_STATIC_HOSTS")
        resolver.static = {str(k).lower(): str(v or "") for k, v in table.items()}
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:  # noqa: N802 - Twisted API
        address = self.static.get(name.lower())
        if address is None:
            return super().getHostByName(name, timeout)
        if not address:
            return defer.fail(DNSLookupError(f"{name}: no such host (INSPECTOR_STATIC_HOSTS)"))
        return defer.succeed(address)
