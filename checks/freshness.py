"""Freshness: zombie and sleeping sites (僵尸网站/睡眠网站) judged from the pages' own dates.

Census 2015 rules, kept in the 2019 spot checks; windows, categories and thresholds come from
the rules profile (`[freshness]`, `[categories]`). An item with no date counts as not updated.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from checks.base import Check, Evidence, Fact, Finding, Link, Severity, SiteSnapshot
from inspector.facts import ColumnFacts
from inspector.profile import ProfileError, RulesProfile, number, strings
from inspector.words import colon, fmt_number, lang_of, year_basis

CATEGORY_NAMES = {
    "zh": {
        "news": "动态要闻类",
        "notice": "通知公告类",
        "policy": "政策文件类",
        "personnel": "人事信息类",
        "planning": "规划计划类",
        "other": "其他",
    },
    "en": {
        "news": "news",
        "notice": "notices",
        "policy": "policies",
        "personnel": "personnel",
        "planning": "planning",
        "other": "other",
    },
}
_WORDS = {
    "zh": {
        "stale_since": "最新信息为{date}，已{days}天未更新",
        "none_dated": "无注明日期的信息",
        "basis_home": "首页信息",
        "basis_columns": "首页仅为导航，按二级栏目判断",
        "now_count": "（当前{n}个）",
        "year_uncertain_note": "最新条目只显示月日，年份无法从页面、链接或条目页确定，按最有利的年份计算",
    },
    "en": {
        "stale_since": "newest item {date}, {days} days without an update",
        "none_dated": "no dated item",
        "basis_home": "the home page's items",
        "basis_columns": "the second-level columns (the home page only navigates)",
        "now_count": " (now {n})",
        "year_uncertain_note": "the newest item shows month and day only and nothing settles its "
        "year; the most favourable year was taken",
    },
}


def _word(key: str, lang: str) -> str:
    return _WORDS[lang_of(lang)][key]


def category_name(category: str, lang: str) -> str:
    return CATEGORY_NAMES[lang_of(lang)].get(category, category)


def _age(as_of: date, newest: date | None) -> int | None:
    return None if newest is None else (as_of - newest).days


def judged_columns(site: SiteSnapshot) -> list[ColumnFacts]:
    """Columns that can be judged: on the site, with their list page fetched, not a hub page
    that lists sub-columns rather than items (its sub-columns are judged instead), and not a
    list drawn by scripts from data the page does not hold (nobody could read its items)."""
    return [
        c
        for c in site.columns
        if not c.external and c.item_count is not None and not is_hub(c) and not drawn_list(c)
    ]


def is_hub(column: ColumnFacts) -> bool:
    return any(isinstance(e, dict) and e.get("hub") for e in column.evidence or ())


def drawn_list(column: ColumnFacts) -> bool:
    return any(isinstance(e, dict) and e.get("script_list") for e in column.evidence or ())


def is_empty(column: ColumnFacts) -> bool:
    """暂无信息/正在建设中 shown, or nothing at all (no item, no dated content) on a column of a
    dated category. A page of category `other` without items (a service platform, an
    introduction), or a column that shows one dated article, is not a list that lost its items."""
    if column.empty_marker:
        return True
    return column.item_count == 0 and column.newest_date is None and column.category != "other"


def column_detail(column: ColumnFacts, **extra: object) -> dict[str, object]:
    """The evidence every column finding carries: the column as shown and how it was classed."""
    return {
        "column": column.name,
        "canonical": column.canonical,
        "category": column.category,
        "parent": column.parent,
        **extra,
    }


FRESH, STALE, UNCERTAIN = "fresh", "stale", "uncertain"


@dataclass(frozen=True, slots=True)
class HomeReading:
    """What the home page's dates say: the newest date whose year is shown or settled, the
    newest reading of a month-day whose year nothing settles, and the verdict they allow."""

    settled: date | None
    uncertain: date | None
    outcome: str  # fresh | stale | uncertain
    newest: date | None  # the most favourable reading (what a stale finding reports)


def read_home_dates(
    newest: date | None,
    evidence: Sequence[Mapping[str, Any]],
    as_of: date,
    window: int,
) -> HomeReading:
    """Judge the home page's newest item without inventing freshness: a month-day whose year
    is uncertain can neither prove the page fresh nor, when it would be fresh, let it be
    vetoed; the crawl then reads that item's own date."""
    settled = _newest(e for e in evidence if e.get("year") != "uncertain")
    uncertain = _newest(e for e in evidence if e.get("year") == "uncertain")
    if not evidence:
        settled = newest  # runs stored before years were recorded
    if uncertain is not None and settled is not None and uncertain <= settled:
        uncertain = None
    best = max((d for d in (settled, uncertain) if d is not None), default=None)
    if settled is not None and (as_of - settled).days <= window:
        return HomeReading(settled, uncertain, FRESH, best)
    if uncertain is not None and (as_of - uncertain).days <= window:
        return HomeReading(settled, uncertain, UNCERTAIN, best)
    return HomeReading(settled, uncertain, STALE, best)


def home_context(home: Any) -> dict[str, Any]:
    """Where the home page's dates were read: the effective home page behind redirect stubs
    (`home_url`, `home_chain`) and the item page read to settle a year (`item_page`)."""
    facts = home.facts or {}
    context: dict[str, Any] = {"home_url": home.final_url or home.url}
    if facts.get("home_chain"):
        context["home_chain"] = list(facts["home_chain"])
    if facts.get("item_page"):
        context["item_page"] = dict(facts["item_page"])
    return context


def _newest(entries: Iterator[Mapping[str, Any]]) -> date | None:
    dates = []
    for entry in entries:
        try:
            dates.append(date.fromisoformat(str(entry.get("date"))))
        except ValueError:
            continue
    return max(dates, default=None)


class HomepageYearUncertain(Check):
    """首页更新情况待核实 — the home page's newest item shows month and day only, nothing settles
    its year (not its link, the page's generation time, full dates on the page, nor the item's
    own page), and only that reading would make the page fresh (yielded by HomepageStale; this
    class words it). Severity info: no veto and no deduction, but the report says the page was
    not shown to be updated. detail: `newest_date` (the most favourable reading),
    `newest_settled`, `threshold_days`, `evidence`, `home_url`, `home_chain`, `item_page`.
    """

    code = "homepage_year_uncertain"
    title = {"zh": "首页更新情况无法确认", "en": "Home page update unconfirmed"}
    advice = {
        "zh": "首页信息只显示月日，无法确认年份：在首页列表中显示完整的发布日期（年-月-日）。",
        "en": "The home page shows month and day only: show the full publication date "
        "(year-month-day) in its lists.",
    }
    report_order = 25

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        return self.title_in(lang) + colon(lang) + _word("year_uncertain_note", lang)

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        return Evidence(
            facts=[
                Fact("newest_item", dated_links(detail.get("evidence"), lang)),
                Fact("newest_date", detail.get("newest_settled") or _word("none_dated", lang)),
                Fact("home_url", detail.get("home_url"), links=True),
            ],
            shown=frozenset(("evidence", "newest_settled", "home_url", "newest_date")),
        )


class HomepageStale(Check):
    """首页不更新 — no item on the home page dated within the window (14 days) before T.

    When the home page is only a navigation page (no dated items at all), the newest date of
    its second-level column pages is used instead (column pages without dated items count as
    not updated; with no column page read at all there is no evidence and no finding). A date shown without a year (`10-11`) gets
    its year from evidence (the item's URL, the page's generation time, full dates on the
    page); when nothing settles it and only that reading would make the page fresh, there is no
    veto (the evidence would be invented either way). Finding `homepage_stale` (veto); detail:
    `newest_date`, `age_days`, `threshold_days`, `basis` ("home" or "columns"), `evidence`
    (the dated items the newest date came from: text as shown, date, rule, and `year` — url,
    generated, page or uncertain — for dates shown without a year), `year_uncertain`.
    """

    code = "homepage_stale"
    also_yields = (HomepageYearUncertain,)
    title = {"zh": "首页长期未更新", "en": "Home page not updated"}
    advice = {
        "zh": "首页应及时发布信息，两周内须有更新；落实信息发布责任，动态、要闻类信息保持常态更新。",
        "en": "Publish on the home page at least every two weeks; assign who publishes news and "
        "updates.",
    }
    report_order = 20

    def __init__(self, profile: RulesProfile) -> None:
        super().__init__(profile)
        days = profile.section("freshness").get("homepage_days", 14)
        self.days = int(number(profile, "freshness.homepage_days", days, minimum=1))

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        home = site.home
        if site.site.status != "active" or home is None or site.home_error:
            return
        newest, basis, evidence = home.newest_item_date, "home", list(home.date_evidence)
        reading = read_home_dates(newest, evidence, site.as_of, self.days)
        if newest is None:
            judged = judged_columns(site)
            if not judged:
                # Nothing dated on the home page and no column page read: the page could not
                # be read (written by script, an unfollowed stub), which is no evidence.
                return
            dated = [
                (c.newest_date, c) for c in judged if c.newest_date is not None and not c.parent
            ]
            if dated:
                best_date, best = max(dated, key=lambda pair: pair[0])
                basis = "columns"
                evidence = [{"text": best.name, "date": best_date.isoformat(), "url": best.url}]
                reading = HomeReading(best_date, None, STALE, best_date)
                if (site.as_of - best_date).days <= self.days:
                    return
        if reading.outcome == UNCERTAIN:
            # Neither proven fresh nor stale: said so, without a veto.
            yield Finding(
                HomepageYearUncertain.code,
                Severity.INFO,
                site.site.url,
                {
                    "newest_date": reading.uncertain.isoformat() if reading.uncertain else None,
                    "newest_settled": reading.settled.isoformat() if reading.settled else None,
                    "threshold_days": self.days,
                    "evidence": evidence[:5],
                    **home_context(home),
                },
                key="home_year",
            )
            return
        if reading.outcome == FRESH:
            return
        age = _age(site.as_of, reading.newest)
        yield Finding(
            self.code,
            Severity.VETO,
            site.site.url,
            {
                "newest_date": reading.newest.isoformat() if reading.newest else None,
                "age_days": age,
                "threshold_days": self.days,
                "basis": basis,
                "evidence": evidence[:5],
                "year_uncertain": reading.uncertain is not None,
                **home_context(home),
            },
            key="home",
        )

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        newest, age = detail.get("newest_date"), detail.get("age_days")
        if newest:
            return (
                self.title_in(lang)
                + colon(lang)
                + _word("stale_since", lang).format(date=newest, days=fmt_number(age))
            )
        return self.title_in(lang) + colon(lang) + _word("none_dated", lang)

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        basis = detail.get("basis")
        facts = [
            Fact("threshold_days", detail.get("threshold_days")),
            Fact("basis", _word(f"basis_{basis}", lang) if basis in ("home", "columns") else basis),
        ]
        facts.append(Fact("newest_item", dated_links(detail.get("evidence"), lang)))
        if detail.get("year_uncertain"):
            facts.append(Fact("year_uncertain", _word("year_uncertain_note", lang)))
        item_page = detail.get("item_page")
        if isinstance(item_page, dict):
            read = item_page.get("date") or item_page.get("error") or _word("none_dated", lang)
            facts.append(Fact("item_page", [Link(str(read), str(item_page.get("url") or ""))]))
        chain = detail.get("home_chain")
        if isinstance(chain, list) and chain:
            hops = [
                Link(
                    f"{hop.get('url')} → {hop.get('to')}（{hop.get('kind')}: {hop.get('evidence')}）",
                    str(hop.get("url") or ""),
                )
                for hop in chain
                if isinstance(hop, dict)
            ]
            facts.append(Fact("home_chain", hops))
        facts.append(Fact("home_url", detail.get("home_url"), links=True))
        return Evidence(
            facts=facts,
            shown=frozenset(
                (
                    "newest_date",
                    "age_days",
                    "threshold_days",
                    "evidence",
                    "basis",
                    "year_uncertain",
                    "item_page",
                    "home_chain",
                    "home_url",
                )
            ),
        )


class ColumnStale(Check):
    """栏目不更新 — a column whose newest item is older than its category's window.

    news 14 days, notice 183, policy 183, personnel 365, planning 365 (profile
    `[freshness.windows]`); columns of category other are never stale. Finding `column_stale`
    (major), url = the column's list page; detail: `column` (as shown), `canonical`, `category`,
    `newest_date`, `age_days`, `threshold_days`.
    """

    code = "column_stale"
    title = {"zh": "栏目未按期更新", "en": "Column not updated"}
    advice = {
        "zh": "按栏目类别及时更新：动态要闻类两周内，通知公告、政策文件类六个月内，人事、规划计划类一年内；"
        "确无信息可发布的栏目应合并或撤销。",
        "en": "Update each column within its window (news 14 days, notices and policies 6 months, "
        "personnel and planning 1 year); merge or remove columns with nothing to publish.",
    }
    report_order = 70

    def __init__(self, profile: RulesProfile) -> None:
        super().__init__(profile)
        self.windows = {
            category: int(number(profile, f"freshness.windows.{category}", days, minimum=1))
            for category, days in profile.section("freshness.windows").items()
        }

    def stale(self, site: SiteSnapshot) -> list[tuple[ColumnFacts, int | None, int]]:
        found = []
        for column in judged_columns(site):
            window = self.windows.get(column.category)
            if window is None or is_empty(column):
                continue
            age = _age(site.as_of, column.newest_date)
            if age is None or age > window:
                found.append((column, age, window))
        return found

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        for column, age, window in self.stale(site):
            yield Finding(
                self.code,
                Severity.MAJOR,
                column.url,
                column_detail(
                    column,
                    newest_date=column.newest_date.isoformat() if column.newest_date else None,
                    age_days=age,
                    threshold_days=window,
                    **({"year_uncertain": True} if column.year_uncertain else {}),
                    **({"evidence": list(column.evidence)[:6]} if column.evidence else {}),
                ),
                key=column.url,
            )

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        return column_headline(self, detail, lang)

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        newest = detail.get("newest_date") or _word("none_dated", lang)
        return column_evidence(
            detail,
            lang,
            Fact("newest_date", newest),
            Fact("age_days", detail.get("age_days")),
            Fact("threshold_days", detail.get("threshold_days")),
            Fact(
                "newest_item",
                dated_links(
                    [
                        e
                        for e in detail.get("evidence") or []
                        if isinstance(e, dict) and "date" in e
                    ][:3],
                    lang,
                )
                or None,
            ),
            Fact(
                "year_uncertain",
                _word("year_uncertain_note", lang) if detail.get("year_uncertain") else None,
            ),
        )


_COLUMN_KEYS = frozenset(
    ("column", "category", "newest_date", "age_days", "threshold_days", "parent", "canonical",
     "item_count", "empty_marker", "year_uncertain", "evidence")
)  # fmt: skip


def dated_links(evidence: Any, lang: str) -> list[Link]:
    """The dated items a verdict rests on, each with where its year came from when it was
    shown without one ("10-11 → 2023-10-11, year from the item's URL")."""
    items = evidence if isinstance(evidence, list) else [evidence]
    links = []
    for item in items:
        if not isinstance(item, dict):
            continue
        text = " ".join(
            str(x) for x in (item.get("date"), item.get("text") or item.get("title")) if x
        )
        basis = year_basis(item.get("year"), lang)
        if basis:
            text += f"（{basis}）"
        links.append(Link(text or str(item.get("url") or ""), str(item.get("url") or "")))
    return links


def column_headline(check: Check, detail: Mapping[str, Any], lang: str) -> str:
    return f"{check.title_in(lang)}{colon(lang)}{detail.get('column') or ''}"


def column_evidence(detail: Mapping[str, Any], lang: str, *facts: Fact) -> Evidence:
    """The evidence of a column finding: its category and parent, then the check's own facts."""
    category = detail.get("category")
    return Evidence(
        facts=[
            Fact("category", category_name(str(category), lang) if category else None),
            Fact("parent", detail.get("parent")),
            *facts,
        ],
        shown=_COLUMN_KEYS,
    )


class ColumnEmpty(Check):
    """空白栏目 — a column list page that says 暂无信息/正在建设中, or a news, notice, policy,
    personnel or planning column with no items at all.

    Finding `column_empty` (major), url = the list page; detail: `column`, `canonical`,
    `category`, `item_count`, `empty_marker`.
    """

    code = "column_empty"
    title = {"zh": "空白栏目", "en": "Empty column"}
    advice = {
        "zh": "为空白栏目补充内容，或撤销、合并该栏目；不得保留“暂无信息”“正在建设中”的空栏目。",
        "en": "Add content to the empty column, or remove or merge it; no placeholder columns "
        "(暂无信息, 正在建设中).",
    }
    report_order = 80

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        return column_headline(self, detail, lang)

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        return column_evidence(
            detail,
            lang,
            Fact("item_count", detail.get("item_count")),
            Fact("empty_marker", True if detail.get("empty_marker") else None),
        )

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        for column in judged_columns(site):
            if is_empty(column):
                yield Finding(
                    self.code,
                    Severity.MAJOR,
                    column.url,
                    column_detail(
                        column, item_count=column.item_count, empty_marker=column.empty_marker
                    ),
                    key=column.url,
                )


class ColumnVeto(Check):
    """栏目单项否决 — too many stale or empty columns fail the site outright.

    Thresholds from the profile's `[freshness.veto]`: `stale_key_columns` (5) stale columns of
    the key categories (news, notice, policy), `stale_or_empty_columns` (10) stale or empty
    columns in all, `empty_columns` (5) empty columns. With `[freshness] first_level_only`
    (the 2019 profile: notice, policy) columns of those categories count in the key group only
    when they are first-level (no parent column). One `column_veto` finding (veto) per
    threshold reached; detail: `rule`, `count`, `threshold`, `columns` (names).
    """

    code = "column_veto"
    title = {"zh": "栏目不更新（单项否决）", "en": "Columns not updated (veto)"}
    advice = {
        "zh": "栏目不更新已达单项否决标准：集中清理长期未更新和空白栏目，建立栏目更新责任制和定期巡检。",
        "en": "The column veto threshold is reached: clean up stale and empty columns and make "
        "someone responsible for each column.",
    }
    report_order = 30
    RULES = {
        "zh": {
            "stale_key_columns": "动态要闻类、通知公告类、政策文件类栏目未更新累计达到{limit}个",
            "stale_or_empty_columns": "应更新但长期未更新的栏目（含空白栏目）达到{limit}个",
            "empty_columns": "空白栏目达到{limit}个",
        },
        "en": {
            "stale_key_columns": "{limit} or more news, notice or policy columns not updated",
            "stale_or_empty_columns": "{limit} or more columns not updated or empty",
            "empty_columns": "{limit} or more empty columns",
        },
    }

    def __init__(self, profile: RulesProfile) -> None:
        super().__init__(profile)
        veto = profile.section("freshness.veto")
        for key, value in veto.items():
            if key == "key_categories":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ProfileError(
                        profile.path, "freshness.veto.key_categories", "must be a list of strings"
                    )
            else:
                number(profile, f"freshness.veto.{key}", value, minimum=1)
        self.key_categories = set(veto.get("key_categories", ["news", "notice", "policy"]))
        # 2019: the notice/policy columns of the key group are the site's first-level ones.
        self.first_level_only = set(
            strings(
                profile, "freshness.first_level_only", profile.get("freshness.first_level_only", [])
            )
            if "first_level_only" in profile.section("freshness")
            else ()
        )
        self.thresholds = {
            "stale_key_columns": int(veto.get("stale_key_columns", 5)),
            "stale_or_empty_columns": int(veto.get("stale_or_empty_columns", 10)),
            "empty_columns": int(veto.get("empty_columns", 5)),
        }
        self.stale_check = ColumnStale(profile)

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        rule = detail.get("rule") or detail.get("which")
        if not isinstance(rule, str):
            return self.title_in(lang)
        threshold = detail.get("threshold")
        limit = threshold if not isinstance(threshold, str) else detail.get("limit")
        text = self.RULES[lang_of(lang)].get(rule)
        headline = rule if text is None else text.format(limit="" if limit is None else limit)
        if detail.get("count") is not None:
            headline += _word("now_count", lang).format(n=detail["count"])
        return headline

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        return Evidence(
            facts=[Fact("column", detail.get("columns"))],
            shown=frozenset(("rule", "which", "threshold", "limit", "count", "columns")),
        )

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        stale = [c for c, _, _ in self.stale_check.stale(site)]
        empty = [c for c in judged_columns(site) if is_empty(c)]
        groups = {
            "stale_key_columns": [
                c
                for c in stale
                if c.category in self.key_categories
                and not (c.parent and c.category in self.first_level_only)
            ],
            "stale_or_empty_columns": stale + empty,
            "empty_columns": empty,
        }
        for rule, columns in groups.items():
            threshold = self.thresholds[rule]
            if len(columns) >= threshold:
                yield Finding(
                    self.code,
                    Severity.VETO,
                    site.site.url,
                    {
                        "rule": rule,
                        "count": len(columns),
                        "threshold": threshold,
                        "columns": [c.name for c in columns][:30],
                    },
                    key=rule,
                )
