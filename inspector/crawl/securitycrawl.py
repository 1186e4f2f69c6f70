"""Security facts during the crawl, for SiteSpider: the facts of every parsed page (hidden links,
injected code, wording; `inspector.crawl.extract.security`) and the cloaking fetches.

Cloaking (黑帽SEO 寄生) shows gambling pages only to search engines, or only to visitors who come
from a search. The home page and the first INSPECTOR_CLOAKING_SAMPLE inner pages are fetched a
second time as Baiduspider and a third time with a Baidu search Referer; each version's facts
(title, spam words, untrusted hosts, final URL) are kept per site and stored with the run
(`run.stats["cloaking"]`, page URL → mode → version) for `checks.security.Cloaking` to compare.
Those are the only requests the security checks add.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from scrapy import Request

from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import title_of
from inspector.crawl.extract.security import (
    SecurityRules,
    security_rules,
    version_facts,
)
from inspector.crawl.items import SiteStat
from inspector.crawl.readpage import PageRead
from inspector.crawl.responses import header_charset
from inspector.crawl.state import SiteCrawl
from inspector.lexicons import host_key, load_lexicons
from inspector.profile import RulesProfile

if TYPE_CHECKING:
    from scrapy.http import Response

logger = logging.getLogger(__name__)

BAIDUSPIDER_UA = (
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
)
BROWSER_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36"
)
CLOAKING_STAT = "cloaking"


def baidu_referer(query: str) -> str:
    return "https://www.baidu.com/s?wd=" + quote(query or "网站")


class SecurityMixin:
    """Security facts and cloaking fetches for SiteSpider. It uses the spider's `as_of` and
    `_request` (the fetches count in the site's pending requests, so the site waits for them)."""

    as_of: date
    security: SecurityRules | None
    cloaking_sample: int
    cloaking: dict[str, dict[str, dict[str, Any]]]  # site id → page URL → mode → version

    if TYPE_CHECKING:  # what the spider provides

        def _request(
            self, sc: SiteCrawl, url: str, kind: str, depth: int, *, priority: int | None = None
        ) -> Request: ...

    def security_setup(self, profile: RulesProfile, cloaking_sample: int) -> None:
        """Compile the profile's lexicons once per crawl (None when `[security] enabled` is off)."""
        enabled = profile.section("security").get("enabled", True)
        self.security = security_rules(load_lexicons(profile)) if enabled is not False else None
        self.cloaking_sample = max(0, cloaking_sample)
        self.cloaking = {}

    def site_hosts(self, sc: SiteCrawl) -> frozenset[str]:
        # The scope keys are host[:port] without www., like host_key (the home page's final
        # host joins the scope when the registered URL redirects there).
        return frozenset(sc.scope)

    def security_see(
        self,
        sc: SiteCrawl,
        page: PageRead,
        url: str,
        title: str,
        status: int,
        is_home: bool,
    ) -> Iterator[Request]:
        """Every parsed HTML page goes by here once (its facts went to `facts["security"]`, read
        with the page: `inspector.crawl.readpage`); the home page and a sample of pages are
        fetched again (`page.doc` is read only for those)."""
        if self.security is None or not 200 <= status < 300:
            return
        versions = self.cloaking.setdefault(sc.site.site_id, {})
        if not is_home and len(versions) > self.cloaking_sample:
            return
        if url in versions or (not is_home and not versions):
            return  # the home page comes first; a page read twice is compared once
        versions[url] = {
            "browser": version_facts(
                page.doc,
                url,
                self.security,
                site_hosts=self.site_hosts(sc),
                title=title,
                status=status,
                final_url=url,
            )
        }
        for mode, headers in (
            ("baiduspider", {"User-Agent": BAIDUSPIDER_UA}),
            ("baidu_referer", {"User-Agent": BROWSER_UA, "Referer": baidu_referer(title)}),
        ):
            request = self._request(sc, url, "cloak", 1, priority=4)
            request.headers.update(headers)
            request.meta["cloak"] = (url, mode)
            yield request

    def on_cloak(self, sc: SiteCrawl, response: Response) -> None:
        url, mode = response.meta["cloak"]
        versions = self.cloaking.get(sc.site.site_id, {}).get(url)
        if versions is None or self.security is None:
            return
        doc = None
        if response.body and b"<" in response.body[:4096]:
            doc = parse_html(decode_html(response.body, header_charset(response))[0])
        version = (
            version_facts(
                doc,
                url,
                self.security,
                site_hosts=self.site_hosts(sc),
                title=title_of(doc),
                status=response.status,
                final_url=response.url,
            )
            if doc is not None
            else {"status": response.status, "final_url": response.url, "title": ""}
        )
        if "final_host" not in version:
            version["final_host"] = host_key(response.url)
        sent = response.request.headers if response.request is not None else {}
        version["user_agent"] = (sent.get("User-Agent") or b"").decode("latin-1")
        version["referer"] = (sent.get("Referer") or b"").decode("latin-1")
        versions[mode] = version

    def cloak_failed(self, sc: SiteCrawl, request: Request, reason: str) -> None:
        url, mode = request.meta["cloak"]
        versions = self.cloaking.get(sc.site.site_id, {}).get(url)
        if versions is None or self.security is None:
            return
        # request.url is where the fetch ended: the page itself, or a redirect's target that
        # failed (a cloaked redirect to a gambling host that is down is still a redirect).
        key = host_key(request.url)
        versions[mode] = {
            "status": None,
            "error": reason,
            "final_url": request.url,
            "final_host": key,
            "final_trust": self.security.hosts.trust(key, self.site_hosts(sc)) if key else "site",
        }

    def security_done(self, sc: SiteCrawl) -> Iterator[SiteStat]:
        versions = self.cloaking.pop(sc.site.site_id, None)
        if versions:
            yield SiteStat(sc.site.site_id, CLOAKING_STAT, versions)
