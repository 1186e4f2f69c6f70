"""How a report shows one finding: a headline, the evidence, the advice, the tracking status.

Every finding is worded by the check that yields it (`title`, `advice`, `describe`,
`evidence`: checks/base.py), looked up by its code among the enabled checks, so a check
written outside the project renders like a built-in one and this module knows no check by
name. A finding whose check is not loaded shows its code and every key of its detail.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checks.base import Check, Evidence, Link
from inspector.judge.checkrun import CheckConfig, CheckLoadError, load_check_class
from inspector.judge.tracking import TrackedFinding
from inspector.options import build_settings
from inspector.store.places import POSITIONS, LinkPlace
from inspector.words import fmt_number, year_basis
from reports import i18n
from reports.format import safe_href, short_url
from reports.i18n import t

SOURCES_SHOWN = 5  # source pages listed per problem; the rest is "and N more"
LIST_SHOWN = 5  # items of any other list in a detail
SEVERITY_RANK = {"veto": 0, "major": 1, "minor": 2, "info": 3}
# What a network library or Python said (`DownloadTimeoutError: Getting … took longer than
# 5.0 seconds.`): the headline already says it in words, a webmaster cannot act on the rest
# (the exports keep it in the raw detail).
_TECHNICAL = re.compile(
    r"\b[A-Z]\w*(?:Error|Exception|Failure)\b|Traceback|\btook longer than\b|errno", re.I
)
_DATE_ONLY = re.compile(r"[\s\[\]()（）]*[\d./\-年月日:\s]+[\s\[\]()（）]*")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Detail keys whose value is the crawl's or a library's own text (English, technical).
_MACHINE_TEXT = frozenset(("note", "error", "crawl_error"))
# The same page under two URLs (`/` and `/index.html`): shown once.
_INDEX_FILE = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|php|aspx?)$", re.I)


@dataclass(frozen=True, slots=True)
class FindingWords:
    """finding code → the check that words it; a code no loaded check yields gets defaults."""

    by_code: Mapping[str, Check]

    @classmethod
    def enabled(cls, settings: Any = None) -> FindingWords:
        """The words of the checks the settings enable (the project's settings by default)."""
        config = CheckConfig.from_settings(settings if settings is not None else build_settings())
        return cls(config.words())

    def with_recorded(self, checks: Mapping[str, str]) -> FindingWords:
        """These words, and those of the checks a run recorded (`run.stats["checks"]`: code →
        dotted path) that are not enabled now, when they can still be imported."""
        by_code = dict(self.by_code)
        for code, path in checks.items():
            if code in by_code or not isinstance(path, str):
                continue
            try:
                cls = load_check_class(path)
            except CheckLoadError:
                continue
            for describer in (cls, *cls.also_yields):
                by_code.setdefault(describer.code, describer.__new__(describer))
        return FindingWords(by_code)

    def title(self, code: str, lang: str) -> str:
        check = self.by_code.get(code)
        return check.title_in(lang) if check is not None else code

    def advice(self, code: str, lang: str) -> str:
        check = self.by_code.get(code)
        words = check.advice_in(lang) if check is not None else ""
        return words or i18n.DEFAULT_ADVICE[i18n.lang_of(lang)]

    def order(self, code: str) -> int:
        check = self.by_code.get(code)
        return check.report_order if check is not None else Check.report_order

    def split_by_headline(self, code: str) -> bool:
        check = self.by_code.get(code)
        return check is not None and check.report_parts

    def describe(self, code: str, detail: Mapping[str, Any], lang: str) -> tuple[str, Evidence]:
        check = self.by_code.get(code)
        if check is None:
            return code, Evidence()
        return check.describe(detail, lang), check.evidence(detail, lang)


def words_for_runs(runs: Iterable[Any], words: FindingWords | None = None) -> FindingWords:
    """The words to render these runs with: `words` (default: the enabled checks') and those of
    the checks the runs recorded."""
    recorded: dict[str, str] = {}
    for run in runs:
        recorded.update((run.stats or {}).get("checks") or {})
    return (words or FindingWords.enabled()).with_recorded(recorded)


def _link(text: Any, url: Any = None) -> dict[str, Any]:
    return {
        "text": "" if text is None else str(text),
        "href": safe_href(url if url is not None else text),
    }


def _item(value: Any, url: bool) -> dict[str, Any]:
    if isinstance(value, Link):
        return _link(value.text, value.url)
    return _link(value if not isinstance(value, dict) else _compact(value), value if url else "")


def _fact(label: str, value: Any, lang: str, *, url: bool = False) -> dict[str, Any] | None:
    """One labelled line of evidence; lists are cut to LIST_SHOWN with a count of the rest."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return {"label": label, "items": [_link(t(lang, "yes" if value else "no"), "")], "more": 0}
    if isinstance(value, list | tuple):
        shown = [_item(v, url) for v in value[:LIST_SHOWN]]
        return {"label": label, "items": shown, "more": max(0, len(value) - LIST_SHOWN)}
    if isinstance(value, dict):
        return {"label": label, "items": [_link(_compact(value), "")], "more": 0}
    text = fmt_number(value) if isinstance(value, int | float) else str(value)
    return {
        "label": label,
        "items": [_link(text, value if (url or _looks_like_url(value)) else "")],
        "more": 0,
    }


def _plain(fact: dict[str, Any] | None, key: str, lang: str) -> dict[str, Any] | None:
    """The fact without what only a programmer reads (exception text; in Chinese, a library's
    English message); None when nothing is left."""
    if fact is None:
        return None
    zh = i18n.lang_of(lang) == "zh"
    items = [
        it
        for it in fact["items"]
        if not _TECHNICAL.search(it["text"])
        and not (zh and key in _MACHINE_TEXT and not _CJK.search(it["text"]))
    ]
    if not items:
        return None
    return {**fact, "items": items}


def page_key(url: str) -> str:
    """`/` and `/index.html` (and `default.htm`, …) are one page for a reader."""
    head, sep, query = url.partition("?")
    return _INDEX_FILE.sub("/", head) + sep + query


def _sources(urls: Iterable[str], site_url: str, titles: Mapping[str, str]) -> list[dict[str, Any]]:
    shown: dict[str, dict[str, Any]] = {}
    for s in urls:
        key = page_key(s)
        title = titles.get(s) or titles.get(key) or ""
        if key in shown:
            shown[key]["title"] = shown[key]["title"] or title
            continue
        shown[key] = {
            "text": short_url(s, site_url),
            "href": safe_href(s),
            "title": title,
            "url": s,
        }
    return list(shown.values())


def dated_items(evidence: Any, lang: str) -> list[dict[str, Any]]:
    """The newest items a staleness finding rests on (`evidence`: items with `date`, `url`,
    `text` or `title`), newest first, for a table; `title` is filled in by the site view from
    the link texts of the crawl when the finding recorded none."""
    raw = evidence if isinstance(evidence, list) else [evidence]
    items: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, Mapping) or not (item.get("date") or item.get("url")):
            continue
        date_text = str(item.get("date") or "")
        text = str(item.get("title") or item.get("text") or "")
        url = str(item.get("url") or "")
        items.append(
            {
                "title": "" if text == date_text or _DATE_ONLY.fullmatch(text) else text,
                "date": date_text,
                "year": year_basis(item.get("year"), lang),
                "url": url,
                "href": safe_href(url),
            }
        )
    items.sort(key=lambda it: str(it["date"]), reverse=True)
    return items[:LIST_SHOWN]


def _looks_like_url(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def _compact(value: Mapping[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)[:300]


def _label(key: str, lang: str) -> str:
    known = i18n.MESSAGES[i18n.lang_of(lang)]
    return known.get(key, key)


def _tracking_view(
    tracked: TrackedFinding | None, lang: str, severity: str = ""
) -> dict[str, Any] | None:
    if tracked is None:
        return None
    if tracked.status == "open" and tracked.days_open > 0:
        text = t(lang, "open_since", date=tracked.first_seen.isoformat(), days=tracked.days_open)
    elif tracked.status == "open":
        text = t(lang, "open_today", date=tracked.first_seen.isoformat())
    else:
        text = t(lang, "new")
    # A problem that costs no points (info) is shown for the record: it has no deadline.
    scored = severity != "info"
    return {
        "status": tracked.status,
        "text": text,
        "deadline": tracked.deadline.isoformat() if scored else "",
        "overdue": tracked.overdue and scored,
        "first_seen": tracked.first_seen.isoformat(),
        "days_open": tracked.days_open,
    }


def problem_view(
    check: str,
    severity: str,
    url: str,
    detail: Mapping[str, Any],
    lang: str,
    *,
    site_url: str = "",
    tracked: TrackedFinding | None = None,
    words: FindingWords | None = None,
    titles: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What a report shows of one finding: a headline, the evidence, the tracking status.
    `titles`: page URL → title, to name the pages a problem is on."""
    detail = detail or {}
    headline, evidence = (words or FindingWords.enabled()).describe(check, detail, lang)
    facts = [
        _plain(_fact(t(lang, f.label), f.value, lang, url=f.links), f.label, lang)
        for f in evidence.facts
    ]
    # Whatever else the check recorded is shown too: a new key must never be hidden.
    facts += [
        _plain(_fact(_label(k, lang), v, lang), k, lang)
        for k, v in detail.items()
        if k not in evidence.shown
    ]
    items = dated_items(detail.get("evidence"), lang)
    if items:  # shown as a small table of titles, dates and links instead of a run of dates
        drop = t(lang, "newest_item")
        facts = [f for f in facts if f is None or f["label"] != drop]
    listed = evidence.sources[:SOURCES_SHOWN]
    sources = _sources(listed, site_url, titles or {})
    total = evidence.source_count if evidence.source_count is not None else len(evidence.sources)
    return {
        "check": check,
        "severity": severity,
        "severity_text": i18n.severity_text(severity, lang),
        "headline": headline,
        "url": url,
        "href": safe_href(url),
        "facts": [f for f in facts if f],
        "sources": sources,
        "more_sources": max(0, total - len(listed)),
        "pages": total - (len(listed) - len(sources)),  # `/` and `/index.html` are one page
        "items": items,
        "texts": [str(x) for x in evidence.texts][:LIST_SHOWN],
        "advice": evidence.advice,
        "badge": "home" if evidence.on_home_page else None,
        "tracking": _tracking_view(tracked, lang, severity),
    }


def evidence_text(
    check: str,
    severity: str,
    url: str,
    detail: Mapping[str, Any],
    lang: str = "zh",
    *,
    words: FindingWords | None = None,
) -> str:
    """The evidence of a finding as one line of text, for the CSV and xlsx exports.

    Unlike the HTML report it lists every source page the finding recorded.
    """
    pv = problem_view(check, severity, url, detail or {}, lang, words=words)
    sep, colon, list_sep = ("；", "：", "、") if i18n.lang_of(lang) == "zh" else ("; ", ": ", ", ")
    parts = [pv["headline"]]
    if pv["badge"] == "home":
        parts.append(t(lang, "on_home_page"))
    if pv["texts"]:
        parts.append(t(lang, "anchor_texts") + colon + list_sep.join(f"“{x}”" for x in pv["texts"]))
    sources = [s for s in ((detail or {}).get("sources") or []) if isinstance(s, str)]
    if sources:
        total = (detail or {}).get("source_count")
        total = total if isinstance(total, int) and total > len(sources) else len(sources)
        text = " ".join(sources)
        if total > len(sources):
            text += " " + t(lang, "and_more", n=total - len(sources))
        parts.append(t(lang, "sources") + f" ({total})" + colon + text)
    for fact in pv["facts"]:
        values = list_sep.join(item["text"] for item in fact["items"])
        if fact["more"]:
            values += f" (+{fact['more']})"
        parts.append(fact["label"] + colon + values)
    return sep.join(p for p in parts if p)


def position_text(position: str, lang: str) -> str:
    """Where on its page a link sits, in words (导航栏, 正文, 页脚); "" when not known."""
    return t(lang, f"position_{position}") if position in POSITIONS else ""


def places_text(places: Sequence[LinkPlace], lang: str) -> str:
    """The positions a finding's link sits in, in the order of its pages (home page first):
    "导航栏、正文"; "" when the crawl did not record them."""
    positions = dict.fromkeys(position_text(p.position, lang) for p in places)
    sep = "、" if i18n.lang_of(lang) == "zh" else ", "
    return sep.join(r for r in positions if r)


def severity_rank(severity: str) -> int:
    return SEVERITY_RANK.get(severity, 9)


def problem_parts(
    check: str, problems: list[dict[str, Any]], lang: str, words: FindingWords
) -> list[dict[str, Any]]:
    """A check whose findings are many and share a few causes (broken links: one external host
    down, one deleted folder) is split: the home page's first, then one part per headline,
    largest first, so that the operator can fix them in batches."""
    if not words.split_by_headline(check) or len(problems) < 2:
        return [{"title": None, "problems": problems}]
    home = [p for p in problems if p["badge"] == "home"]
    by_headline: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in problems:
        if p["badge"] != "home":
            by_headline[p["headline"]].append(p)
    parts = []
    if home:
        parts.append({"title": f"{t(lang, 'on_home_page')} ({len(home)})", "problems": home})
    for headline, items in sorted(by_headline.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        parts.append({"title": f"{headline} ({len(items)})", "problems": items})
    return parts
