"""Availability: the census veto 站点无法访问 (site cannot be reached)."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import Check, Finding, Severity, SiteSnapshot


class SiteUnreachable(Check):
    """站点无法访问 — the home page could not be fetched during the crawl, after retries.

    Finding `site_unreachable` (veto), url = the registered URL; detail: `reason` (timeout,
    connection_refused, http_503, ...), `error` (what the server or network said), `status`.
    """

    code = "site_unreachable"

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        if site.site.status != "active" or not site.home_error:
            return
        home = site.targets.get(site.site.url)
        yield Finding(
            self.code,
            Severity.VETO,
            site.site.url,
            {
                "reason": home.reason if home else "",
                "status": home.status if home else None,
                "error": site.home_error,
            },
            key="home",
        )
