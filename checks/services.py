"""服务不实用 — 办事指南 pages missing key elements (2019 veto item; 国办秘函〔2019〕19号).

The 2019 indicators: a 办事指南 lacking four or more of its key elements (事项名称, 设定依据,
申请条件, 办理材料, 办理地点, 办理机构, 收费标准, 办理时间, 联系电话, 办理流程) is not usable;
five or more such guides fail the site. The crawl samples the site's guide pages
(`[services] sample`, a project default) and records which elements each shows
(`inspector/crawl/guides.py`); a service column that links to the provincial 政务服务网 counts as
present and is not sampled. Configured by the profile's `[services]` table; without it (the 2015
census had no such item) these checks are off.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Self

from checks.base import Check, Evidence, Fact, Finding, NotConfigured, Severity, SiteSnapshot
from inspector.guidefacts import GuideFacts
from inspector.profile import ProfileError, RulesProfile

GUIDES_LISTED = 30


def guides_of(site: SiteSnapshot) -> Sequence[GuideFacts]:
    return getattr(site, "guides", ()) or ()


class _ServiceCheck(Check):
    def __init__(self, profile: RulesProfile) -> None:
        super().__init__(profile)
        table = profile.section("services")
        self.missing_min = _whole(profile, table, "missing_min", 4)
        self.veto_guides = _whole(profile, table, "veto_guides", 5)

    @classmethod
    def from_profile(cls, profile: RulesProfile) -> Self:
        if not profile.section("services"):
            raise NotConfigured("the profile has no [services] table")
        return cls(profile)

    def incomplete(self, site: SiteSnapshot) -> list[GuideFacts]:
        if site.site.status != "active" or site.home is None or site.home_error:
            return []
        return [g for g in guides_of(site) if len(g.missing) >= self.missing_min]


def _whole(profile: RulesProfile, table: Mapping[str, Any], name: str, default: int) -> int:
    value = table.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ProfileError(
            profile.path, f"services.{name}", f"must be a whole number ≥ 1, not {value!r}"
        )
    return value


class ServiceGuideIncomplete(_ServiceCheck):
    """办事指南要素缺失 — a sampled 办事指南 page lacks `missing_min` (4) key elements or more.

    One finding per guide (major), url = the guide; detail: `title`, `missing`, `present`,
    `missing_count`, `column`.
    """

    code = "service_guide_incomplete"
    report_order = 700
    title = {"zh": "办事指南要素缺失", "en": "Service guides missing key elements"}
    advice = {
        "zh": "补全办事指南的设定依据、申请条件、办理材料、办理地点、办理机构、收费标准、办理时间、"
        "联系电话、办理流程等要素，确保准确可用。",
        "en": "Complete the guides: legal basis, conditions, materials, place, office, fees, "
        "hours, telephone and procedure.",
    }

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        for guide in self.incomplete(site):
            yield Finding(
                self.code,
                Severity.MAJOR,
                guide.url,
                {
                    "title": guide.title,
                    "missing": list(guide.missing),
                    "present": list(guide.present),
                    "missing_count": len(guide.missing),
                    "column": guide.column,
                },
                key=guide.url,
            )

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        missing = "、".join(detail.get("missing") or [])
        if lang == "en":
            return (
                f"{detail.get('title')}: {detail.get('missing_count')} elements missing ({missing})"
            )
        return f"{detail.get('title')}：缺少 {detail.get('missing_count')} 项要素（{missing}）"

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        return Evidence(
            facts=[Fact("missing", detail.get("missing")), Fact("present", detail.get("present"))],
            shown=frozenset(("title", "missing", "present", "missing_count", "column")),
        )


class ServiceVeto(_ServiceCheck):
    """服务不实用（单项否决） — `veto_guides` (5) or more sampled 办事指南 lack `missing_min` (4)
    key elements or more. One finding (veto), url = the site; detail: `rule` ("guides"),
    `count`, `threshold`, `guides` (URLs, at most 30), `sampled`.
    """

    code = "service_veto"
    report_order = 45
    title = {"zh": "服务不实用（单项否决）", "en": "Services not usable (veto)"}
    advice = {
        "zh": "全面核查办事指南，逐项补全缺失要素，确保公众可依指南办事。",
        "en": "Review every service guide and complete the missing elements.",
    }

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        incomplete = self.incomplete(site)
        if len(incomplete) < self.veto_guides:
            return
        yield Finding(
            self.code,
            Severity.VETO,
            site.site.url,
            {
                "rule": "guides",
                "count": len(incomplete),
                "threshold": self.veto_guides,
                "guides": [g.url for g in incomplete][:GUIDES_LISTED],
                "sampled": len(guides_of(site)),
            },
            key="guides",
        )

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        if lang == "en":
            return f"{detail.get('count')} of {detail.get('sampled')} guides lack key elements"
        return f"抽查 {detail.get('sampled')} 个办事指南，{detail.get('count')} 个缺少4项以上要素"

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        return Evidence(
            facts=[Fact("guides", detail.get("guides"), links=True)],
            shown=frozenset(("rule", "count", "threshold", "guides", "sampled")),
        )
