"""Mandatory page elements (网站标识码, ICP备案, 公安备案, 党政机关标识, 网站地图, 搜索, 联系方式,
我为政府网站找错), found in the footer area of the home page and a sample of inner pages."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from checks.base import Check, Evidence, Fact, Finding, PageFacts, Severity, SiteSnapshot
from checks.columns import unfollowed_stub
from inspector.profile import ProfileError, RulesProfile, strings
from inspector.words import colon, lang_of, percent

CONTENT_KINDS = ("article", "list")


def undecided(found: Mapping[str, Any]) -> bool:
    """Not found on a page whose header/footer is written by scripts nobody read."""
    return not found.get("found", False) and bool(found.get("written_by"))


def inner_sample(
    pages: Sequence[PageFacts], stats: Mapping[str, Any] | None = None
) -> list[PageFacts]:
    """The inner pages judged: the crawl's stable sample (`stats["element_sample"]`: content
    pages of the site's own template with the lowest URL hashes), else the pages whose elements
    were read, content pages (articles, lists) only when there are any."""
    checked = [p for p in pages if not p.is_home and p.elements]
    chosen = ((stats or {}).get("element_sample") or {}).get("pages")
    if chosen:
        by_url = {p.url: p for p in checked}
        return [by_url[u] for u in chosen if u in by_url]
    content = [p for p in checked if p.kind in CONTENT_KINDS]
    return content or checked


# Per element: its name, and the advice for it.
ELEMENTS = {
    "zh": {
        "site_code": ("网站标识码", "在每个页面底部标注网站标识码，且与登记的标识码一致。"),
        "icp": ("ICP备案编号", "在页面底部标注ICP备案编号，并链接到工业和信息化部备案管理系统。"),
        "police_record": (
            "公安机关备案标识",
            "在页面底部标注公安机关备案编号（××公网安备…号）并链接到备案系统。",
        ),
        "party_gov_logo": ("党政机关网站标识", "在页面底部展示党政机关网站标识（开办单位标识）。"),
        "sitemap": ("网站地图", "提供网站地图页面，并在页面底部或顶部设置入口。"),
        "search": ("站内搜索", "提供站内搜索功能，并在首页显著位置设置搜索框。"),
        "contact": ("联系方式", "在页面底部标注主办单位的地址和联系电话。"),
        "find_error": (
            "“我为政府网站找错”入口",
            "在首页显著位置设置“我为政府网站找错”监督举报入口。",
        ),
    },
    "en": {
        "site_code": (
            "Site code (网站标识码)",
            "Show the site code on every page's footer, matching the registry.",
        ),
        "icp": (
            "ICP registration number",
            "Show the ICP number in the footer, linked to the MIIT registration system.",
        ),
        "police_record": (
            "Public security registration",
            "Show the public security registration number and link.",
        ),
        "party_gov_logo": (
            "Party and government site badge",
            "Show the party and government website badge in the footer.",
        ),
        "sitemap": ("Site map", "Provide a site map page and link it from the header or footer."),
        "search": ("Site search", "Provide site search with a search box on the home page."),
        "contact": (
            "Contact details",
            "Show the organizer's address and telephone number in the footer.",
        ),
        "find_error": (
            "“Report an error” entry",
            "Put the 我为政府网站找错 entry prominently on the home page.",
        ),
    },
}
_WORDS = {
    "zh": {
        "element_mismatch": "{element}与登记的不一致",
        "where_home": "首页",
        "where_inner_pages": "抽查的内页",
    },
    "en": {
        "element_mismatch": "{element} differs from the registered one",
        "where_home": "home page",
        "where_inner_pages": "sampled inner pages",
    },
}
EVERY_PAGE = ["site_code", "icp", "police_record", "party_gov_logo"]
HOME_ONLY = ["sitemap", "search", "contact", "find_error"]


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
    title = {"zh": "缺少页面要素", "en": "Page element missing"}
    advice = {
        "zh": "在网站底部（每个页面）补充该要素，内容与登记信息一致。",
        "en": "Add the element to the footer of every page, matching the registration.",
    }
    report_order = 100

    def __init__(self, profile: RulesProfile) -> None:
        super().__init__(profile)
        rules = profile.section("element_rules")
        self.every_page = self._group(profile, rules, "every_page", EVERY_PAGE)
        self.home_only = self._group(profile, rules, "home_only", HOME_ONLY)
        self.optional_for = {k: set(v) for k, v in rules.get("optional_for", {}).items()}

    @staticmethod
    def _group(
        profile: RulesProfile, rules: Mapping[str, Any], group: str, default: list[str]
    ) -> list[str]:
        """`[element_rules] every_page` or `home_only`: elements the crawl has patterns for."""
        if group not in rules:
            return list(default)
        elements = profile.section("elements")
        for element in strings(profile, f"element_rules.{group}", rules[group]):
            if elements and element not in elements:
                raise ProfileError(
                    profile.path,
                    f"element_rules.{group}",
                    f"no pattern for element {element!r} in [elements]",
                )
        return list(rules[group])

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        home = site.home
        if site.site.status != "active" or home is None or site.home_error or not home.elements:
            return
        if unfollowed_stub(site):
            return
        inner = inner_sample(site.pages, site.stats)
        for element in self.every_page + self.home_only:
            if site.site.kind in self.optional_for.get(element, ()):
                continue
            found = home.elements.get(element, {}).get("found", False)
            if not found and undecided(home.elements.get(element, {})):
                continue
            if not found:
                yield Finding(
                    self.code,
                    Severity.MAJOR,
                    home.final_url or home.url,
                    {"element": element, "where": "home"},
                    key=element,
                )
                continue
            if element == "site_code" and site.site.site_code:
                value = str(home.elements[element].get("value", ""))
                if value.upper() != site.site.site_code.upper():
                    yield Finding(
                        self.code,
                        Severity.MAJOR,
                        home.final_url or home.url,
                        {
                            "element": element,
                            "where": "home",
                            "problem": "mismatch",
                            "expected": site.site.site_code,
                            "found": value,
                        },
                        key="site_code_mismatch",
                    )
            if element in self.every_page and inner:
                judged = [p for p in inner if not undecided(p.elements.get(element, {}))]
                missing = [
                    p.url for p in judged if not p.elements.get(element, {}).get("found", False)
                ]
                if missing:
                    yield Finding(
                        self.code,
                        Severity.MINOR,
                        site.site.url,
                        {
                            "element": element,
                            "where": "inner_pages",
                            "pages_checked": len(judged),
                            "pages_missing": len(missing),
                            "share_missing": round(len(missing) / len(judged), 3),
                            "examples": missing[:5],
                        },
                        key=f"{element}@inner",
                    )

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        name = element_name(str(detail.get("element") or ""), lang)
        if detail.get("problem") == "mismatch":
            return _WORDS[lang_of(lang)]["element_mismatch"].format(element=name)
        return f"{self.title_in(lang)}{colon(lang)}{name}"

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        known = ELEMENTS[lang_of(lang)].get(str(detail.get("element") or ""))
        where = detail.get("where")
        pages = None
        if "pages_missing" in detail and "pages_checked" in detail:
            pages = f"{detail['pages_missing']} / {detail['pages_checked']}"
        return Evidence(
            facts=[
                Fact(
                    "where",
                    _WORDS[lang_of(lang)][f"where_{where}"]
                    if where in ("home", "inner_pages")
                    else where,
                ),
                Fact(
                    "share_missing",
                    percent(detail["share_missing"]) if "share_missing" in detail else None,
                ),
                Fact("pages_missing", pages),
                Fact("expected", detail.get("expected")),
                Fact("found", detail.get("found")),
                Fact("examples", detail.get("examples"), links=True),
            ],
            shown=frozenset(
                (
                    "element",
                    "share_missing",
                    "expected",
                    "found",
                    "where",
                    "problem",
                    "pages_checked",
                    "pages_missing",
                    "examples",
                )
            ),
            advice=known[1] if known else None,
        )


def element_name(element: str, lang: str) -> str:
    found = ELEMENTS[lang_of(lang)].get(element)
    return found[0] if found else element
