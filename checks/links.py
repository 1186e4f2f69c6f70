"""Links: broken and error links (打不开或错链), counted per unique target URL."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from urllib.parse import unquote

from checks.base import Check, Finding, Severity, SiteSnapshot
from inspector.crawl.outcomes import is_broken
from inspector.facts import LinkFacts, PageFacts


class BrokenLinks(Check):
    """打不开或错链 — a link target that cannot be opened or leads to the wrong thing.

    One finding `broken_link` per unique target URL of the run, whatever the number of pages
    linking to it. Severity `major` when the home page links to it (the census deducts 1 point),
    `minor` otherwise (0.1 point). detail: `reason` (http_404, timeout, connection_refused, dns,
    tls, redirect_loop, too_many_redirects, soft_404, error_link, ...), `status`, `sources` (pages
    linking to it, the first `links.max_sources` of the profile), `source_count`, `texts` (anchor texts / alt),
    `on_home_page`, `element` (a, img, script, ...), `internal`, `redirects`, `note`.
    """

    code = "broken_link"

    def __init__(self, profile) -> None:  # noqa: ANN001
        super().__init__(profile)
        self.max_sources = int(profile.get("links.max_sources", 20))

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        broken = {url: t for url, t in site.targets.items() if is_broken(t.reason)}
        if not broken:
            return
        home_urls = {site.site.url}
        if site.home is not None:
            home_urls |= {site.home.url, site.home.final_url}
        by_target: dict[str, list[LinkFacts]] = defaultdict(list)
        for link in site.links:
            if link.target_url in broken:
                by_target[link.target_url].append(link)
        for url, target in sorted(broken.items()):
            links = by_target.get(url, [])
            if not links:
                continue  # fetched for another reason (the home page itself, a probe)
            sources = list(dict.fromkeys(link.source_url for link in links))
            on_home = any(s in home_urls for s in sources)
            texts = [t for t in dict.fromkeys(link.text for link in links) if t][:5]
            element = Counter(link.element for link in links).most_common(1)[0][0]
            yield Finding(
                self.code,
                Severity.MAJOR if on_home else Severity.MINOR,
                url,
                {
                    "reason": target.reason,
                    "status": target.status,
                    "sources": sources[: self.max_sources],
                    "source_count": len(sources),
                    "texts": texts,
                    "on_home_page": on_home,
                    "element": element,
                    "internal": target.internal,
                    "redirects": list(target.redirects),
                    "note": target.note,
                },
            )


class MissingAnchors(Check):
    """锚点缺失 — a link to `page.html#section` where the page has no such anchor.

    The page itself opens, so the census does not count it as broken: one `missing_anchor`
    finding (severity `info`) per (page, fragment). detail: `fragment`, `sources`,
    `source_count`. Only crawled (internal HTML) pages can be verified.
    """

    code = "missing_anchor"

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        pages: dict[str, PageFacts] = {}
        for page in site.pages:
            pages[page.url] = page
            pages.setdefault(page.final_url, page)
        sources: dict[tuple[str, str], list[str]] = defaultdict(list)
        for link in site.links:
            if not link.fragment or link.target_url not in pages:
                continue
            target = site.targets.get(link.target_url)
            if target is not None and is_broken(target.reason):
                continue  # reported as a broken link already
            fragment = unquote(link.fragment)
            if fragment in ("", "top") or fragment.startswith(("!", "/", ":~:")):
                continue  # the top of the page, and script routes or text fragments: always fine
            if fragment not in pages[link.target_url].anchors:
                sources[(link.target_url, fragment)].append(link.source_url)
        for (url, fragment), srcs in sorted(sources.items()):
            unique = list(dict.fromkeys(srcs))
            yield Finding(
                self.code,
                Severity.INFO,
                f"{url}#{fragment}",
                {"fragment": fragment, "sources": unique[:20], "source_count": len(unique)},
            )
