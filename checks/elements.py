"""Mandatory page elements (网站标识码, ICP备案, 公安备案, 党政机关标识, 网站地图, 搜索, 联系方式,
我为政府网站找错), found in the footer area of the home page and a sample of inner pages."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from checks.base import Check, Finding, PageFacts, Severity, SiteSnapshot

CONTENT_KINDS = ("article", "list")


def undecided(found: Mapping[str, Any]) -> bool:
    """Not found on a page whose header/footer is written by scripts nobody read."""
    return not found.get("found", False) and bool(found.get("written_by"))


def inner_sample(pages: Sequence[PageFacts]) -> list[PageFacts]:
    """Inner pages whose elements were read, content pages (articles, lists) only when the
    sample holds any: utility pages are not pages of the site's template."""
    checked = [p for p in pages if not p.is_home and p.elements]
    content = [p for p in checked if p.kind in CONTENT_KINDS]
    return content or checked


class MissingElements(Check):
    """页面要素缺失 — a required page element is missing.

    The crawl looks for the elements (patterns in the profile's `[elements]`) on the home page
    and on a sample of inner pages (INSPECTOR_ELEMENT_SAMPLE). Elements of
    `[element_rules] every_page` must be on every page, the others on the home page. Finding
    `missing_element`; detail: `element`, `where` ("home" or "inner_pages"), `pages_checked`,
    `pages_missing`, `share_missing`, `examples` (inner pages without it). Missing on the home
    page is major; present there but missing on some inner pages is minor. A 网站标识码 that
    differs from the registry's is a major `missing_element` with `problem: "mismatch"`,
    `expected`, `found`.

    No finding where the page cannot tell: when its header or footer is written by its own
    scripts that were not read (the element carries `written_by`), the element is neither
    found nor missing. Inner pages are content pages (articles and lists) only: a 备案 badge
    page or another utility page without the site's footer is not "a page missing it".
    """

    code = "missing_element"

    def __init__(self, profile) -> None:  # noqa: ANN001
        super().__init__(profile)
        rules = profile.section("element_rules")
        self.every_page = list(
            rules.get("every_page", ["site_code", "icp", "police_record", "party_gov_logo"])
        )
        self.home_only = list(
            rules.get("home_only", ["sitemap", "search", "contact", "find_error"])
        )
        self.optional_for = {k: set(v) for k, v in rules.get("optional_for", {}).items()}

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        home = site.home
        if site.site.status != "active" or home is None or site.home_error or not home.elements:
            return
        inner = inner_sample(site.pages)
        for element in self.every_page + self.home_only:
            if site.site.kind in self.optional_for.get(element, ()):
                continue
            found = home.elements.get(element, {}).get("found", False)
            if not found and undecided(home.elements.get(element, {})):
                continue
            if not found:
                yield Finding(
                    self.code, Severity.MAJOR, home.final_url or home.url,
                    {"element": element, "where": "home"}, key=element,
                )  # fmt: skip
                continue
            if element == "site_code" and site.site.site_code:
                value = str(home.elements[element].get("value", ""))
                if value.upper() != site.site.site_code.upper():
                    yield Finding(
                        self.code, Severity.MAJOR, home.final_url or home.url,
                        {"element": element, "where": "home", "problem": "mismatch",
                         "expected": site.site.site_code, "found": value},
                        key="site_code_mismatch",
                    )  # fmt: skip
            if element in self.every_page and inner:
                judged = [p for p in inner if not undecided(p.elements.get(element, {}))]
                missing = [
                    p.url for p in judged if not p.elements.get(element, {}).get("found", False)
                ]
                if missing:
                    yield Finding(
                        self.code, Severity.MINOR, site.site.url,
                        {"element": element, "where": "inner_pages", "pages_checked": len(judged),
                         "pages_missing": len(missing), "share_missing": round(len(missing) / len(judged), 3),
                         "examples": missing[:5]},
                        key=f"{element}@inner",
                    )  # fmt: skip
