"""2019 bonus items (加分指标) the inspector can check from the home page.

The 2019 indicators give portals bonus points for features beyond the deductions, counted only
when the deduction score is over 80 (`[scoring.bonus]`, inspector/judge/indicators.py). An item
of `[scoring.bonus.items]` with `link_text` (regular expressions) is earned when a link of the
home page (its text, title or image alt) matches: 无障碍/适老化浏览, 智能问答, 多语种版本 …
Items without `link_text` are not checked and earn nothing (the report says so).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from checks.base import Check, Finding, NotConfigured, Severity, SiteSnapshot
from inspector.profile import RulesProfile, regexes


class BonusItems(Check):
    """加分项 — a 2019 bonus item found on the home page (info; the score adds its points when
    the site may earn a bonus). One finding per item earned, url = the site; detail: `item`,
    `title`, `text` (the link text that matched), `link` (its URL)."""

    code = "bonus_item"
    title = {"zh": "加分项", "en": "Bonus items"}
    advice = {"zh": "（加分项，无需整改）", "en": "(bonus items: nothing to fix)"}
    report_order = 5000

    def __init__(self, profile: RulesProfile) -> None:
        super().__init__(profile)
        items = profile.section("scoring.bonus").get("items") or {}
        self.items: dict[str, tuple[str, list[re.Pattern[str]]]] = {
            name: (
                str(item.get("title", name)),
                regexes(profile, f"scoring.bonus.items.{name}.link_text", item["link_text"]),
            )
            for name, item in items.items()
            if isinstance(item, dict) and "link_text" in item
        }

    @classmethod
    def from_profile(cls, profile: RulesProfile) -> BonusItems:
        check = cls(profile)
        if not check.items:
            raise NotConfigured("the profile has no checkable [scoring.bonus.items]")
        return check

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        if site.site.status != "active" or site.home is None or site.home_error:
            return
        home = site.home_urls
        texts = [
            (link.text, link.target_url)
            for link in site.links
            if link.source_url in home and link.text
        ]
        for name, (title, patterns) in self.items.items():
            match = next(((t, u) for t, u in texts if any(p.search(t) for p in patterns)), None)
            if match is not None:
                yield Finding(
                    self.code,
                    Severity.INFO,
                    site.site.url,
                    {"item": name, "title": title, "text": match[0][:40], "link": match[1]},
                    key=name,
                )

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        if lang == "en":
            return f"{detail.get('title')}: “{detail.get('text')}”"
        return f"{detail.get('title')}：首页链接“{detail.get('text')}”"
