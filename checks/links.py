"""Links: broken and error links (打不开或错链), counted per unique target URL."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from checks.base import Check, Evidence, Fact, Finding, Severity, SiteSnapshot
from inspector.facts import LinkFacts, PageFacts
from inspector.profile import RulesProfile, number
from inspector.vocabulary import Note, Reason, is_broken
from inspector.words import note_text, reason_text


class BrokenLinks(Check):
    """打不开或错链 — a link target that cannot be opened or leads to the wrong thing.

    One finding `broken_link` per unique target URL of the run, whatever the number of pages
    linking to it. Severity `major` when the home page links to it (the census deducts 1 point),
    `minor` otherwise (0.1 point). detail: `reason` (http_404, timeout, connection_refused, dns,
    tls, redirect_loop, too_many_redirects, soft_404, error_link, ...), `status`, `sources` (pages
    linking to it, the first `links.max_sources` of the profile), `source_count`, `texts` (anchor
    texts / alt), `on_home_page`, `element` (a, img, script, ...), `internal`, `redirects`,
    `note`; and, when the crawl's note has a code, `note_code` and `note_params`.
    """

    code = "broken_link"
    title = {"zh": "打不开或错链", "en": "Broken or wrong links"}
    advice = {
        "zh": "逐一处理失效链接：站内页面恢复原地址或更正链接，外部链接核实后更新或删除；"
        "首页上的链接优先处理，整改后重新检查。",
        "en": "Fix each broken link: restore internal pages or correct the link; check external "
        "links and update or remove them. Fix the home page's links first, then ask for a new "
        "inspection.",
    }
    report_order = 60
    report_parts = True

    def __init__(self, profile: RulesProfile) -> None:
        super().__init__(profile)
        links = profile.section("links")
        self.max_sources = int(
            number(profile, "links.max_sources", links.get("max_sources", 20), minimum=1)
        )

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        broken = {url: t for url, t in site.targets.items() if is_broken(t.reason)}
        if not broken:
            return
        home_urls = site.home_urls
        by_target: dict[str, list[LinkFacts]] = defaultdict(list)
        for link in site.links:
            if link.target_url in broken:
                by_target[link.target_url].append(link)
        for url, target in sorted(broken.items()):
            # In a stable order (home page first, then by URL): the same site crawled twice in
            # another order gets the same finding.
            links = sorted(
                by_target.get(url, []),
                key=lambda k: (k.source_url not in home_urls, k.source_url, k.text, k.element),
            )
            if not links:
                continue  # fetched for another reason (the home page itself, a probe)
            sources = list(dict.fromkeys(link.source_url for link in links))
            on_home = any(s in home_urls for s in sources)
            texts = [t for t in dict.fromkeys(link.text for link in links) if t][:5]
            element = Counter(link.element for link in links).most_common(1)[0][0]
            detail: dict[str, Any] = {
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
            }
            if target.note_code:
                detail["note_code"] = target.note_code
                detail["note_params"] = dict(target.note_params)
            yield Finding(self.code, Severity.MAJOR if on_home else Severity.MINOR, url, detail)

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        return reason_text(
            detail.get("reason"), lang, status=detail.get("status"), note=_note(detail)
        )

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        facts = []
        status = detail.get("status")
        if status is not None and not str(detail.get("reason", "")).startswith("http_"):
            facts.append(Fact("status", status))
        if detail.get("reason") != Reason.ERROR_LINK:
            facts.append(Fact("note", note_text(_note(detail), lang)))
        facts.append(Fact("redirects", detail.get("redirects"), links=True))
        sources = [s for s in (detail.get("sources") or []) if isinstance(s, str)]
        total = detail.get("source_count")
        return Evidence(
            facts=facts,
            shown=frozenset(
                (
                    "reason",
                    "status",
                    "sources",
                    "source_count",
                    "texts",
                    "on_home_page",
                    "note",
                    "note_code",
                    "note_params",
                    "redirects",
                    "element",
                    "internal",
                )
            ),
            sources=sources,
            source_count=total
            if isinstance(total, int) and total >= len(sources)
            else len(sources),
            texts=[str(x) for x in (detail.get("texts") or [])],
            on_home_page=bool(detail.get("on_home_page")),
        )


def _note(detail: Mapping[str, Any]) -> Note:
    """The finding's note: by its code, or by its text (findings stored before notes had codes)."""
    params = detail.get("note_params")
    return Note.read(
        str(detail.get("note_code") or ""),
        params if isinstance(params, Mapping) else None,
        str(detail.get("note") or ""),
    )


class MissingAnchors(Check):
    """锚点缺失 — a link to `page.html#section` where the page has no such anchor.

    The page itself opens, so the census does not count it as broken: one `missing_anchor`
    finding (severity `info`) per (page, fragment). detail: `fragment`, `sources`,
    `source_count`. Only crawled (internal HTML) pages can be verified.
    """

    code = "missing_anchor"
    title = {"zh": "页内锚点缺失（不扣分）", "en": "Missing in-page anchor (not scored)"}
    advice = {
        "zh": "链接指向页面中的某一位置（#锚点），但该页面没有这个锚点：更正链接或在页面中补上锚点。",
        "en": "The link points at a place in the page (#anchor) the page does not have: correct "
        "the link or add the anchor.",
    }

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
