"""The columns of the people's exports, defined once: the CSV and the xlsx's 问题清单 sheet are
written from PROBLEM_COLUMNS, the xlsx's 网站汇总 and 每日趋势 sheets from SITE_COLUMNS and
NIGHT_COLUMNS. A column is a key, its header in Chinese and English, a width (in Excel's
character units: a Chinese character counts two), a kind (text, url, date, number) and a
function that reads its value from a row. Values are plain Python (str, int, float, date,
None); each writer renders them its own way (the CSV as text, the xlsx as typed cells).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from inspector.judge.counts import is_problem
from inspector.store.places import LinkPlace, finding_sources
from reports import i18n
from reports.i18n import t
from reports.nights import Night
from reports.problems import FindingWords, evidence_text, places_text, problem_view


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    zh: str
    en: str
    width: int
    value: Callable[[Any], Any]
    kind: str = "text"  # text | url | date | number
    wrap: bool = False

    def header(self, lang: str) -> str:
        return self.zh if i18n.lang_of(lang) == "zh" else self.en


def headers(columns: Sequence[Column], lang: str) -> list[str]:
    return [c.header(lang) for c in columns]


SHEET_NAMES = {
    "problems": ("问题清单", "Problems"),
    "sites": ("网站汇总", "Sites"),
    "trend": ("每日趋势", "Daily trend"),
}


def sheet_name(key: str, lang: str) -> str:
    zh, en = SHEET_NAMES[key]
    return zh if i18n.lang_of(lang) == "zh" else en


@dataclass(frozen=True, slots=True)
class ProblemRow:
    """One finding of an export_data() site, with what the people's exports show of it."""

    site: Mapping[str, Any]
    finding: Mapping[str, Any]
    lang: str
    words: FindingWords
    places: Sequence[LinkPlace] = ()
    view: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        site: Mapping[str, Any],
        finding: Mapping[str, Any],
        lang: str,
        words: FindingWords,
        places: Sequence[LinkPlace] = (),
    ) -> ProblemRow:
        view = problem_view(
            finding["check"],
            finding["severity"],
            finding["url"],
            finding["detail"] or {},
            lang,
            site_url=site["url"],
            words=words,
        )
        return cls(site, finding, lang, words, places, view)

    @property
    def detail(self) -> Mapping[str, Any]:
        return self.finding["detail"] or {}

    @property
    def tracking(self) -> Mapping[str, Any]:
        return self.finding.get("tracking") or {}

    @property
    def review(self) -> Mapping[str, Any]:
        """A person's decision (inspector review), or {}."""
        return self.finding.get("review") or {}

    @property
    def dismissed(self) -> bool:
        """A false positive a person dismissed: listed for the record, not counted."""
        return self.review.get("decision") == "dismissed" and not self.review.get("outdated")

    @property
    def scored(self) -> bool:
        """Whether the finding is a problem (veto, major, minor) that counts: only those have
        deadlines."""
        return is_problem(self.finding["severity"]) and not self.dismissed

    def page(self) -> str:
        """The page the problem sits on: where its link is (home page first)."""
        if self.places:
            return self.places[0].page
        sources = finding_sources(self.detail)
        return sources[0] if sources else ""

    def page_count(self) -> int | None:
        sources = finding_sources(self.detail)
        total = self.detail.get("source_count")
        if isinstance(total, int) and total >= len(sources):
            return total or None
        return len(sources) or None

    def link_texts(self) -> str:
        texts = [str(x) for x in (self.detail.get("texts") or []) if str(x)]
        return ("、" if i18n.lang_of(self.lang) == "zh" else " | ").join(texts)

    def advice(self) -> str:
        return self.view.get("advice") or self.words.advice(self.finding["check"], self.lang)

    def yes_no(self, value: Any) -> str:
        return t(self.lang, "yes" if value else "no")


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _evidence(r: ProblemRow) -> str:
    f = r.finding
    return evidence_text(f["check"], f["severity"], f["url"], r.detail, r.lang, words=r.words)


def _deadline(r: ProblemRow) -> date | None:
    return _date(r.tracking.get("deadline")) if r.scored else None


def _overdue(r: ProblemRow) -> str:
    return r.yes_no(r.tracking.get("overdue")) if r.scored else ""


def _page_title(r: ProblemRow) -> str:
    return r.places[0].title if r.places else ""


def _status(r: ProblemRow) -> str:
    status = str(r.tracking.get("status") or "")
    return t(r.lang, status) if status in ("new", "open") else status


def _run_kind(lang: str, site: Mapping[str, Any]) -> str:
    return t(lang, f"run_kind_{site.get('run_kind') or 'full'}")


def _review_decision(r: ProblemRow) -> str:
    decision = r.review.get("decision")
    if decision not in ("confirmed", "dismissed"):
        return ""
    return t(r.lang, "review_outdated" if r.review.get("outdated") else f"review_{decision}")


def _review_note(r: ProblemRow) -> str:
    """The note, then who decided and when: （张三，2026-11-30）."""
    if not r.review:
        return ""
    who = [str(r.review.get(k) or "")[:10] for k in ("reviewer", "decided_at")]
    zh = i18n.lang_of(r.lang) == "zh"
    by = ("，" if zh else ", ").join(x for x in who if x)
    note = str(r.review.get("note") or "")
    if not by:
        return note
    return f"{note}（{by}）" if zh else f"{note} ({by})"


PROBLEM_COLUMNS: tuple[Column, ...] = (
    Column("site_id", "网站编号", "Site ID", 12, lambda r: r.site["site_id"]),
    Column("site_name", "网站名称", "Site", 22, lambda r: r.site["name"], wrap=True),
    # 全面检查 or 复查: a recheck's rows are only what it looked at again (JSON run_kind).
    Column("run_kind", "检查类型", "Run", 10, lambda r: _run_kind(r.lang, r.site)),
    Column(
        "check_name",
        "检查项",
        "Check",
        18,
        lambda r: r.words.title(r.finding["check"], r.lang),
        wrap=True,
    ),
    Column("check", "问题代码", "Code", 14, lambda r: r.finding["check"]),
    Column(
        "severity",
        "严重程度",
        "Severity",
        9,
        lambda r: i18n.severity_text(r.finding["severity"], r.lang),
    ),
    Column("problem", "问题", "Problem", 30, lambda r: r.view.get("headline", ""), wrap=True),
    Column("url", "问题网址", "URL", 42, lambda r: r.finding["url"], kind="url"),
    Column("page", "所在页面", "Found on page", 36, ProblemRow.page, kind="url"),
    Column("page_title", "页面标题", "Page title", 20, _page_title, wrap=True),
    Column("page_count", "涉及页面数", "Pages", 11, ProblemRow.page_count, kind="number"),
    Column("link_text", "链接文字", "Link text", 20, ProblemRow.link_texts, wrap=True),
    Column("position", "位置", "Position", 10, lambda r: places_text(r.places, r.lang)),
    Column("evidence", "证据", "Evidence", 60, _evidence, wrap=True),
    Column("advice", "整改建议", "What to do", 44, ProblemRow.advice, wrap=True),
    Column(
        "first_seen",
        "首次发现",
        "First seen",
        12,
        lambda r: _date(r.tracking.get("first_seen")),
        kind="date",
    ),
    Column(
        "days_open",
        "已持续天数",
        "Days open",
        11,
        lambda r: r.tracking.get("days_open"),
        kind="number",
    ),
    Column("deadline", "整改期限", "Deadline", 12, _deadline, kind="date"),
    Column("overdue", "是否超期", "Overdue", 9, _overdue),
    Column("status", "状态", "Status", 9, _status),
    Column("review", "复核结论", "Review", 14, _review_decision, wrap=True),
    Column("review_note", "复核说明", "Review note", 30, _review_note, wrap=True),
)


@dataclass(frozen=True, slots=True)
class SiteSummary:
    """One site of export_data() for the 网站汇总 sheet."""

    site: Mapping[str, Any]
    lang: str

    def get(self, key: str) -> Any:
        return self.site.get(key)

    def problems(self, key: str) -> Any:
        return (self.site.get("problems") or {}).get(key)


def _registry_status(r: SiteSummary) -> str:
    status = str(r.get("status") or "")
    return (
        t(r.lang, f"site_status_{status}")
        if status in ("active", "closed", "exception")
        else status
    )


SITE_COLUMNS: tuple[Column, ...] = (
    Column("site_id", "网站编号", "Site ID", 12, lambda r: r.get("site_id")),
    Column("name", "网站名称", "Site", 24, lambda r: r.get("name"), wrap=True),
    Column("url", "网站地址", "URL", 32, lambda r: r.get("url"), kind="url"),
    Column("kind", "网站类型", "Kind", 10, lambda r: i18n.kind_text(r.get("kind") or "", r.lang)),
    Column("status", "登记状态", "Registered as", 10, _registry_status),
    Column("organizer", "主办单位", "Organizer", 22, lambda r: r.get("organizer"), wrap=True),
    Column("site_code", "网站标识码", "Site code", 13, lambda r: r.get("site_code")),
    Column("as_of", "检查日期", "Inspected on", 12, lambda r: _date(r.get("as_of")), kind="date"),
    Column(
        "run_kind",
        "检查类型",
        "Run",
        10,
        lambda r: _run_kind(r.lang, r.site),
    ),
    Column(
        "verdict",
        "检查结论",
        "Verdict",
        16,
        lambda r: i18n.verdict_text(r.get("verdict"), r.lang),
        wrap=True,
    ),
    Column("score", "得分", "Score", 8, lambda r: r.get("score"), kind="number"),
    Column("pages", "抓取页面", "Pages", 9, lambda r: r.get("pages_crawled"), kind="number"),
    Column("problems", "问题数", "Problems", 8, lambda r: r.problems("total"), kind="number"),
    Column("new", "新发现", "New", 8, lambda r: r.problems("new"), kind="number"),
    Column("open", "未整改", "Open", 8, lambda r: r.problems("open"), kind="number"),
    Column("overdue", "已超期", "Overdue", 8, lambda r: r.problems("overdue"), kind="number"),
    Column("fixed", "已整改", "Fixed", 8, lambda r: r.problems("fixed"), kind="number"),
    Column("vetoes", "否决项", "Vetoes", 8, lambda r: r.problems("vetoes"), kind="number"),
)

NIGHT_COLUMNS: tuple[Column, ...] = (
    Column("as_of", "检查日期", "Date", 12, lambda n: n.as_of, kind="date"),
    Column("sites", "检查网站数", "Sites", 11, lambda n: n.sites, kind="number"),
    Column("passed", "合格", "Passed", 8, lambda n: n.passed, kind="number"),
    Column("failed", "不合格", "Failed", 8, lambda n: n.failed, kind="number"),
    Column("unreachable", "无法访问", "Unreachable", 10, lambda n: n.unreachable, kind="number"),
    Column("other", "其他", "Other", 8, lambda n: n.other, kind="number"),
    Column("problems", "问题数", "Problems", 8, lambda n: n.problems, kind="number"),
    Column("new", "新发现", "New", 8, lambda n: n.new, kind="number"),
    Column("open", "未整改", "Still open", 10, lambda n: n.open, kind="number"),
    Column("fixed", "已整改", "Fixed", 8, lambda n: n.fixed, kind="number"),
)


def night_values(night: Night) -> list[Any]:
    return [c.value(night) for c in NIGHT_COLUMNS]
