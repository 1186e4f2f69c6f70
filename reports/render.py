"""Render the stored runs as HTML: one rectification report per site and an overview.

Every file is self-contained: the CSS (and the overview's few lines of JavaScript) are read
from `reports/assets/` at render time and inlined, nothing is fetched when the file is opened,
and a Content-Security-Policy meta tag forbids loading anything else. The reports never
touch the network; they render what the database holds.

Safety: titles, anchor texts and URLs come from the crawled sites, so Jinja's autoescape is on
for every template, and a URL becomes a clickable `href` only when its scheme is http or https
(`safe_href`). The overview's script is allowed by its SHA-256 hash, so an injected inline
script could not run even if escaping failed somewhere.

Size: a report lists every problem, but each problem's source pages are cut to the first
`SOURCES_SHOWN` with "and N more" (the exports keep the full lists).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector import clock
from inspector.judge.tracking import RunTracking, TrackedFinding, load_tracking
from inspector.store.models import FindingRow, RunRow, SiteRow
from reports import i18n
from reports.i18n import t

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
ASSETS = HERE / "assets"

SOURCES_SHOWN = 5  # source pages listed per problem; the rest is "and N more"
LIST_SHOWN = 5  # items of any other list in a detail
TREND_RUNS = 10  # runs in the trend chart
FIXED_SHOWN = 100  # fixed problems listed in a site report
SEVERITY_RANK = {"veto": 0, "major": 1, "minor": 2, "info": 3}
# Order of the deduction groups in a report: what costs most first.
CHECK_ORDER = [
    "site_unreachable",
    "homepage_stale",
    "column_veto",
    "closed_site_online",
    "availability",
    "broken_link",
    "column_stale",
    "column_empty",
    "missing_column",
    "missing_element",
]
# Times are stored in UTC; readers are in China (no daylight saving time there).
BEIJING = timedelta(hours=8)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


# ---------------------------------------------------------------- small helpers (also filters)


def safe_href(url: Any) -> str | None:
    """`url` when it may be a link target (http or https only), else None.

    Browsers ignore leading/trailing control characters and spaces and drop tabs and newlines
    inside a scheme ("java\\tscript:"), so those are removed before looking at the scheme.
    """
    if not isinstance(url, str) or not url:
        return None
    cleaned = _CONTROL.sub("", url).lower()
    if not (cleaned.startswith("http://") or cleaned.startswith("https://")):
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return None  # do not link what the browser would read differently from what we show
    return url


def site_filename(site_id: str) -> str:
    """A safe file name for a site's report: the site_id when it is plain, else a hashed form."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", site_id).strip("._-")[:80]
    if safe != site_id or not safe:
        digest = hashlib.sha1(site_id.encode("utf-8")).hexdigest()[:8]
        safe = f"{safe or 'site'}-{digest}"
    return f"{safe}.html"


def fmt_number(value: Any) -> str:
    """87.5 → "87.5", 100.0 → "100", 0.30000000000000004 → "0.3"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return str(value)


def fmt_time(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return (value + BEIJING).strftime("%Y-%m-%d %H:%M")


def fmt_date(value: date | str | None) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _percent(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{fmt_number(value * 100 if value <= 1 else value)}%"


def short_url(url: str, site_url: str = "") -> str:
    """The path of a same-host URL (shorter, and enough on the site's own report)."""
    try:
        parts, site = urlsplit(url), urlsplit(site_url)
    except ValueError:
        return url
    if (
        site_url
        and parts.netloc
        and parts.netloc == site.netloc
        and parts.scheme in ("http", "https")
    ):
        rest = parts.path or "/"
        if parts.query:
            rest += "?" + parts.query
        return rest
    return url


# ---------------------------------------------------------------- view models


@dataclass(slots=True)
class Assets:
    css: str
    script: str
    script_hash: str

    @classmethod
    def load(cls) -> Assets:
        css = (ASSETS / "report.css").read_text(encoding="utf-8")
        script = (ASSETS / "overview.js").read_text(encoding="utf-8")
        for name, text, closing in (
            ("report.css", css, "</style"),
            ("overview.js", script, "</script"),
        ):
            if closing in text.lower():
                raise ValueError(f"reports/assets/{name} must not contain {closing}: it is inlined")
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        return cls(css=css, script=script, script_hash=f"sha256-{digest}")


def _link(text: Any, url: Any = None) -> dict[str, Any]:
    return {
        "text": "" if text is None else str(text),
        "href": safe_href(url if url is not None else text),
    }


def _fact(label: str, value: Any, lang: str, *, url: bool = False) -> dict[str, Any] | None:
    """One labelled line of evidence; lists are cut to LIST_SHOWN with a count of the rest."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return {"label": label, "items": [_link(t(lang, "yes" if value else "no"), "")], "more": 0}
    if isinstance(value, list | tuple):
        shown = [
            _link(v if not isinstance(v, dict) else _compact(v), v if url else "")
            for v in value[:LIST_SHOWN]
        ]
        return {"label": label, "items": shown, "more": max(0, len(value) - LIST_SHOWN)}
    if isinstance(value, dict):
        return {"label": label, "items": [_link(_compact(value), "")], "more": 0}
    text = fmt_number(value) if isinstance(value, int | float) else str(value)
    return {
        "label": label,
        "items": [_link(text, value if (url or _looks_like_url(value)) else "")],
        "more": 0,
    }


def _looks_like_url(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def _window_text(window: Any, lang: str) -> str | None:
    """{"from": "2025-11-08", "to": "2025-11-14", "days": 7} → 2025-11-08 – 2025-11-14 (7天)."""
    if not isinstance(window, dict):
        return None if window in (None, "") else str(window)
    span = " – ".join(str(window[k]) for k in ("from", "to") if window.get(k))
    if window.get("days"):
        span += f" ({t(lang, 'days', n=window['days'])})"
    return span or None


def _reasons_text(reasons: Any, lang: str) -> str | None:
    if not isinstance(reasons, dict) or not reasons:
        return None
    sep = t(lang, "list_sep")
    return sep.join(f"{i18n.reason_text(str(k), lang)} × {v}" for k, v in reasons.items())


def _last_failure_text(last: Any, lang: str) -> str | None:
    if not isinstance(last, dict):
        return None
    at = str(last.get("at") or "").replace("T", " ")
    outcome = i18n.reason_text(str(last.get("outcome") or ""), lang) if last.get("outcome") else ""
    return " ".join(x for x in (at, outcome, str(last.get("error") or "")) if x) or None


def _compact(value: Mapping[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)[:300]


def _label(key: str, lang: str) -> str:
    known = i18n.MESSAGES[i18n.lang_of(lang)]
    return known.get(key, key)


def _tracking_view(tracked: TrackedFinding | None, lang: str) -> dict[str, Any] | None:
    if tracked is None:
        return None
    if tracked.status == "open":
        text = t(lang, "open_since", date=tracked.first_seen.isoformat(), days=tracked.days_open)
    else:
        text = t(lang, "new")
    return {
        "status": tracked.status,
        "text": text,
        "deadline": tracked.deadline.isoformat(),
        "overdue": tracked.overdue,
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
) -> dict[str, Any]:
    """What a report shows of one finding: a headline, the evidence, the tracking status."""
    detail = detail or {}
    facts: list[dict[str, Any] | None] = []
    used: set[str] = set()
    headline = i18n.check_title(check, lang)
    sources: list[dict[str, Any]] = []
    more_sources = 0
    texts: list[str] = []
    advice = None
    badge = None

    def take(*keys: str) -> None:
        used.update(keys)

    if check == "broken_link":
        headline = i18n.reason_text(
            detail.get("reason"),
            lang,
            status=detail.get("status"),
            note=str(detail.get("note") or ""),
        )
        raw_sources = [s for s in (detail.get("sources") or []) if isinstance(s, str)]
        total = detail.get("source_count")
        total = total if isinstance(total, int) and total >= len(raw_sources) else len(raw_sources)
        sources = [
            {"text": short_url(s, site_url), "href": safe_href(s), "title": s}
            for s in raw_sources[:SOURCES_SHOWN]
        ]
        more_sources = total - len(sources)
        texts = [str(x) for x in (detail.get("texts") or [])][:LIST_SHOWN]
        if detail.get("on_home_page"):
            badge = "home"
        status = detail.get("status")
        if status is not None and not str(detail.get("reason", "")).startswith("http_"):
            facts.append(_fact(t(lang, "status"), status, lang))
        if detail.get("reason") != "error_link":
            facts.append(
                _fact(t(lang, "note"), i18n.note_text(str(detail.get("note") or ""), lang), lang)
            )
        facts.append(_fact(t(lang, "redirects"), detail.get("redirects"), lang, url=True))
        take(
            "reason",
            "status",
            "sources",
            "source_count",
            "texts",
            "on_home_page",
            "note",
            "redirects",
            "element",
            "internal",
        )
    elif check in ("site_unreachable", "availability"):
        reason = detail.get("reason")
        if check == "site_unreachable" and (reason or detail.get("status")):
            headline = f"{headline}{t(lang, 'colon')}{i18n.reason_text(reason, lang, status=detail.get('status'))}"
        if "share" in detail:
            headline = f"{headline}{t(lang, 'colon')}{t(lang, 'share')} {_percent(detail['share'])}"
            if detail.get("failures") is not None and detail.get("probes"):
                headline += f" ({detail['failures']}/{detail['probes']})"
        if detail.get("incomplete"):
            facts.append(
                _fact(
                    t(lang, "note"),
                    t(
                        lang,
                        "monitoring_incomplete",
                        n=fmt_number(detail.get("required_per_day", 20)),
                    ),
                    lang,
                )
            )
        facts += [
            _fact(t(lang, "status"), detail.get("status"), lang),
            _fact(t(lang, "error"), detail.get("error"), lang),
            _fact(t(lang, "window"), _window_text(detail.get("window"), lang), lang),
            _fact(t(lang, "probes_per_day"), detail.get("probes_per_day"), lang),
            _fact(t(lang, "failure_reasons"), _reasons_text(detail.get("reasons"), lang), lang),
            _fact(
                t(lang, "last_failure"), _last_failure_text(detail.get("last_failure"), lang), lang
            ),
            _fact(t(lang, "crawl_error"), detail.get("crawl_error"), lang),
        ]
        take(
            "reason",
            "status",
            "error",
            "share",
            "probes",
            "failures",
            "window",
            "incomplete",
            "probes_per_day",
            "required_per_day",
            "reasons",
            "last_failure",
            "crawl_error",
            "threshold",
        )
    elif check == "closed_site_online":
        facts += [
            _fact(t(lang, "status"), detail.get("status"), lang),
            _fact(t(lang, "final_url"), detail.get("final_url"), lang, url=True),
            _fact(t(lang, "title"), detail.get("title"), lang),
            _fact(t(lang, "probed_at"), detail.get("probed_at"), lang),
        ]
        take("status", "final_url", "title", "probed_at", "elapsed_ms")
    elif check == "homepage_stale":
        newest, age = detail.get("newest_date"), detail.get("age_days")
        if newest:
            headline = f"{headline}{t(lang, 'colon')}{t(lang, 'stale_since', date=newest, days=fmt_number(age))}"
        else:
            headline = f"{headline}{t(lang, 'colon')}{t(lang, 'none_dated')}"
        facts += [
            _fact(t(lang, "threshold_days"), detail.get("threshold_days"), lang),
            _fact(
                t(lang, "basis"),
                t(lang, f"basis_{detail['basis']}")
                if detail.get("basis") in ("home", "columns")
                else detail.get("basis"),
                lang,
            ),
        ]
        evidence = detail.get("evidence")
        items = (
            evidence
            if isinstance(evidence, list)
            else [evidence]
            if isinstance(evidence, dict)
            else []
        )
        shown = []
        for item in items[:LIST_SHOWN]:
            if isinstance(item, dict):
                label = " ".join(
                    str(x) for x in (item.get("date"), item.get("text") or item.get("title")) if x
                )
                shown.append(_link(label or item.get("url"), item.get("url") or ""))
        if shown:
            facts.append(
                {
                    "label": t(lang, "newest_item"),
                    "items": shown,
                    "more": max(0, len(items) - LIST_SHOWN),
                }
            )
        take("newest_date", "age_days", "threshold_days", "evidence", "basis")
    elif check in ("column_stale", "column_empty"):
        headline = f"{headline}{t(lang, 'colon')}{detail.get('column') or url}"
        facts += [
            _fact(
                t(lang, "category"),
                i18n.category_name(str(detail["category"]), lang)
                if detail.get("category")
                else None,
                lang,
            ),
            _fact(t(lang, "parent"), detail.get("parent"), lang),
        ]
        if check == "column_stale":
            facts += [
                _fact(
                    t(lang, "newest_date"), detail.get("newest_date") or t(lang, "none_dated"), lang
                ),
                _fact(t(lang, "age_days"), detail.get("age_days"), lang),
                _fact(t(lang, "threshold_days"), detail.get("threshold_days"), lang),
            ]
        else:
            facts += [
                _fact(t(lang, "item_count"), detail.get("item_count"), lang),
                _fact(t(lang, "empty_marker"), True if detail.get("empty_marker") else None, lang),
            ]
        take(
            "column",
            "category",
            "newest_date",
            "age_days",
            "threshold_days",
            "parent",
            "canonical",
            "item_count",
            "empty_marker",
        )
    elif check == "column_veto":
        rule = detail.get("rule") or detail.get("which")
        limit = (
            detail.get("threshold")
            if not isinstance(detail.get("threshold"), str)
            else detail.get("limit")
        )
        if isinstance(rule, str):
            headline = i18n.column_veto_text(rule, limit, lang)
            if detail.get("count") is not None:
                headline += t(lang, "now_count", n=detail["count"])
        facts.append(_fact(t(lang, "column"), detail.get("columns"), lang))
        take("rule", "which", "threshold", "limit", "count", "columns")
    elif check == "missing_column":
        headline = f"{headline}{t(lang, 'colon')}{detail.get('column') or ''}"
        facts += [
            _fact(t(lang, "parent"), detail.get("parent"), lang),
            _fact(t(lang, "synonyms"), detail.get("synonyms"), lang),
        ]
        take("column", "parent", "synonyms")
    elif check == "missing_element":
        element = str(detail.get("element") or "")
        name = i18n.element_name(element, lang)
        if detail.get("problem") == "mismatch":
            headline = t(lang, "element_mismatch", element=name)
        else:
            headline = f"{headline}{t(lang, 'colon')}{name}"
        advice = (
            i18n.advice(check, lang, detail)
            if element in i18n.ELEMENT[i18n.lang_of(lang)]
            else None
        )
        where = detail.get("where")
        facts += [
            _fact(
                t(lang, "where"),
                t(lang, f"where_{where}") if where in ("home", "inner_pages") else where,
                lang,
            ),
            _fact(
                t(lang, "share_missing"),
                _percent(detail["share_missing"]) if "share_missing" in detail else None,
                lang,
            ),
            _fact(
                t(lang, "pages_missing"),
                f"{detail['pages_missing']} / {detail['pages_checked']}"
                if "pages_missing" in detail and "pages_checked" in detail
                else None,
                lang,
            ),
            _fact(t(lang, "expected"), detail.get("expected"), lang),
            _fact(t(lang, "found"), detail.get("found"), lang),
            _fact(t(lang, "examples"), detail.get("examples"), lang, url=True),
        ]
        take(
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
    # Whatever else the check recorded is shown too: a new key must never be hidden.
    for key, value in detail.items():
        if key not in used:
            facts.append(_fact(_label(key, lang), value, lang))
    return {
        "check": check,
        "severity": severity,
        "severity_text": i18n.severity_text(severity, lang),
        "headline": headline,
        "url": url,
        "href": safe_href(url),
        "facts": [f for f in facts if f],
        "sources": sources,
        "more_sources": max(0, more_sources),
        "texts": texts,
        "advice": advice,
        "badge": badge,
        "tracking": _tracking_view(tracked, lang),
    }


def evidence_text(
    check: str, severity: str, url: str, detail: Mapping[str, Any], lang: str = "zh"
) -> str:
    """The evidence of a finding as one line of text, for the CSV and xlsx exports.

    Unlike the HTML report it lists every source page the finding recorded.
    """
    pv = problem_view(check, severity, url, detail or {}, lang)
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


def _sort_key(row: FindingRow) -> tuple[Any, ...]:
    detail = row.detail or {}
    home = 0 if detail.get("on_home_page") else 1
    return (_severity_rank(row.severity), home, str(detail.get("reason", "")), row.url)


def _severity_rank(severity: str) -> int:
    return SEVERITY_RANK.get(severity, 9)


def _parts(check: str, problems: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Broken links are split: the home page's first, then one part per reason, largest first.

    Thousands of dead links usually share a few causes (one external host down, one deleted
    folder); a part per reason lets the operator see and fix them in batches.
    """
    if check != "broken_link" or len(problems) < 2:
        return [{"title": None, "problems": problems}]
    home = [p for p in problems if p["badge"] == "home"]
    by_reason: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in problems:
        if p["badge"] != "home":
            by_reason[p["headline"]].append(p)
    parts = []
    if home:
        parts.append({"title": f"{t(lang, 'on_home_page')} ({len(home)})", "problems": home})
    for headline, items in sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        parts.append({"title": f"{headline} ({len(items)})", "problems": items})
    return parts


def _check_rank(check: str) -> int:
    return CHECK_ORDER.index(check) if check in CHECK_ORDER else len(CHECK_ORDER)


def verdict_class(verdict: str | None) -> str:
    if verdict == "pass":
        return "ok"
    if verdict in ("fail", "unreachable", "closed_online"):
        return "bad"
    return "neutral"


def trend_view(points: Sequence[dict[str, Any]], lang: str) -> dict[str, Any] | None:
    """Coordinates of the inline SVG chart: bars = problems, line = score (0–100)."""
    if not points:
        return None
    width, height = 640, 200
    left, right, top, bottom = 36, 36, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(points)
    step = plot_w / n
    max_count = max(p["count"] for p in points) or 1
    bars, dots, line = [], [], []
    for i, p in enumerate(points):
        cx = left + step * i + step / 2
        bar_h = plot_h * p["count"] / max_count
        bars.append(
            {
                "x": round(cx - step * 0.3, 1),
                "y": round(top + plot_h - bar_h, 1),
                "w": round(step * 0.6, 1),
                "h": round(bar_h, 1),
                "count": p["count"],
                "label_y": round(top + plot_h - bar_h - 3, 1),
                "cx": round(cx, 1),
            }
        )
        score = p["score"]
        vetoed = p["verdict"] in ("fail", "unreachable") and not p["scored"]
        if score is not None and not vetoed:
            cy = round(top + plot_h * (1 - min(max(score, 0), 100) / 100), 1)
            line.append(f"{round(cx, 1)},{cy}")
            dots.append({"cx": round(cx, 1), "cy": cy, "score": fmt_number(score), "veto": False})
        elif vetoed:
            dots.append(
                {
                    "cx": round(cx, 1),
                    "cy": top + plot_h,
                    "score": t(lang, "trend_veto"),
                    "veto": True,
                }
            )
    labels = [{"x": b["cx"], "text": p["label"]} for b, p in zip(bars, points, strict=True)]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "base": top + plot_h,
        "bars": bars,
        "line": " ".join(line),
        "dots": dots,
        "labels": labels,
        "max_count": max_count,
        "label_y": height - 14,
        "summary": "; ".join(
            f"{p['label']}: {p['count']} / {fmt_number(p['score']) if p['score'] is not None else '-'}"
            for p in points
        ),
    }


def load_trend(session: Session, run: RunRow) -> list[dict[str, Any]]:
    runs = session.execute(
        select(RunRow.id, RunRow.as_of, RunRow.score, RunRow.verdict, RunRow.verdict_detail)
        .where(RunRow.site_id == run.site_id, RunRow.id <= run.id, RunRow.finished_at.is_not(None))
        .order_by(RunRow.id.desc())
        .limit(TREND_RUNS)
    ).all()
    if not runs:
        return []
    counts = dict(
        session.execute(
            select(FindingRow.run_id, func.count())
            .where(FindingRow.run_id.in_([r.id for r in runs]), FindingRow.severity != "info")
            .group_by(FindingRow.run_id)
        ).all()
    )
    return [
        {
            "run_id": r.id,
            "label": r.as_of.strftime("%m-%d") if r.as_of else str(r.id),
            "count": counts.get(r.id, 0),
            "score": r.score,
            "verdict": r.verdict,
            "scored": bool((r.verdict_detail or {}).get("scored", r.verdict in ("pass", "fail"))),
        }
        for r in reversed(runs)
    ]


def deduction_view(detail: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    rows = []
    for line in detail.get("deductions") or []:
        if not isinstance(line, dict):
            continue
        per_percent = line.get("per") == "percent"
        rows.append(
            {
                "title": line.get("title")
                or i18n.deduction_title(
                    str(line.get("line", "")), str(line.get("check", "")), lang
                ),
                "count": fmt_number(line.get("units") if per_percent else line.get("count")),
                "unit": "%" if per_percent else "",
                "points": fmt_number(line.get("points")),
                "points_label": t(lang, "per_percent") if per_percent else t(lang, "points"),
                "cap": fmt_number(line.get("cap"))
                if line.get("cap") is not None
                else t(lang, "no_cap"),
                "raw": fmt_number(line.get("raw")),
                "deducted": fmt_number(line.get("deducted")),
                "capped": bool(line.get("capped")),
            }
        )
    return rows


def site_view(
    session: Session,
    site: SiteRow,
    run: RunRow | None,
    lang: str,
    *,
    findings: Sequence[FindingRow] | None = None,
    tracking: RunTracking | None = None,
) -> dict[str, Any]:
    """Everything the site template shows (and the overview row of the site)."""
    view: dict[str, Any] = {
        "site": {
            "site_id": site.site_id,
            "name": site.name,
            "url": site.url,
            "href": safe_href(site.url),
            "organizer": site.organizer,
            "site_code": site.site_code,
            "kind": i18n.kind_text(site.kind, lang),
            "kind_code": site.kind,
            "status": site.status,
        },
        "file": site_filename(site.site_id),
        "run": None,
    }
    if run is None:
        view.update(
            verdict=None,
            verdict_text=t(lang, "not_run"),
            verdict_class="neutral",
            score_text="",
            vetoes=[],
            groups=[],
            counts=Counter(),
            tracking=None,
            trend=None,
            deductions=[],
            fixed=[],
        )
        return view
    if findings is None:
        findings = session.scalars(
            select(FindingRow).where(FindingRow.run_id == run.id).order_by(FindingRow.id)
        ).all()
    if tracking is None:
        tracking = load_tracking(session, run, findings)
    tracked_by_id = {id(row): tr for row, tr in zip(findings, tracking.findings, strict=True)}
    detail = run.verdict_detail or {}
    scored = bool(
        detail.get("scored", run.verdict in ("pass", "fail") and not detail.get("vetoes"))
    )
    view["run"] = {
        "id": run.id,
        "as_of": fmt_date(run.as_of),
        "started_at": fmt_time(run.started_at),
        "finished_at": fmt_time(run.finished_at),
        "rules": run.rules,
        "pages_crawled": run.pages_crawled,
        "targets_checked": run.targets_checked,
        "status": run.status,
        "bounds_tripped": run.bounds_tripped or {},
        "check_errors": run.check_errors or {},
        "home_newest_date": fmt_date(run.home_newest_date),
    }
    vetoes, groups_by_check = [], defaultdict(list)
    counts: Counter[str] = Counter()
    for row in sorted(findings, key=_sort_key):
        counts[row.severity] += 1
        pv = problem_view(
            row.check,
            row.severity,
            row.url,
            row.detail or {},
            lang,
            site_url=site.url,
            tracked=tracked_by_id.get(id(row)),
        )
        if row.severity == "veto":
            pv["advice"] = pv["advice"] or i18n.advice(row.check, lang, row.detail)
            vetoes.append(pv)
        else:
            groups_by_check[row.check].append(pv)
    groups = []
    for check in sorted(groups_by_check, key=lambda c: (_check_rank(c), c)):
        problems = groups_by_check[check]
        groups.append(
            {
                "check": check,
                "title": i18n.check_title(check, lang),
                "advice": i18n.advice(check, lang),
                "count": len(problems),
                "parts": _parts(check, problems, lang),
                "severity": min((p["severity"] for p in problems), key=_severity_rank),
            }
        )
    if run.verdict in ("pass", "fail") and scored:
        score_text = fmt_number(run.score)
    elif run.verdict in ("fail", "unreachable"):
        score_text = t(lang, "veto")
    else:
        score_text = t(lang, "no_score")
    view.update(
        verdict=run.verdict,
        verdict_text=i18n.verdict_text(run.verdict, lang),
        verdict_class=verdict_class(run.verdict),
        score=run.score,
        score_text=score_text,
        scored=scored,
        vetoes=vetoes,
        groups=groups,
        counts=counts,
        deductions=deduction_view(detail, lang),
        total_deducted=fmt_number(detail.get("deducted")),
        total=fmt_number(detail.get("total", 100)),
        pass_score=fmt_number(detail.get("pass_score", 60)),
        tracking={
            "new": tracking.new,
            "open": tracking.open,
            "overdue": tracking.overdue,
            "fixed": len(tracking.fixed),
            "complete": tracking.complete,
            "unverified": tracking.unverified,
            "deadline_days": tracking.deadline_days,
        },
        fixed=[
            {
                "title": i18n.check_title(f.check, lang),
                "url": f.url,
                "href": safe_href(f.url),
                "first_seen": fmt_date(f.first_seen),
            }
            for f in tracking.fixed[:FIXED_SHOWN]
        ],
        fixed_more=max(0, len(tracking.fixed) - FIXED_SHOWN),
        trend=trend_view(load_trend(session, run), lang),
    )
    return view


# ---------------------------------------------------------------- environment and rendering


def make_environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every template, whatever its extension: crawled text is hostile
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["t"] = lambda key, **kw: t(lang, key, **kw)
    env.globals["lang"] = i18n.lang_of(lang)
    env.globals["check_title"] = lambda check: i18n.check_title(check, lang)
    env.filters["num"] = fmt_number
    env.filters["safe_href"] = safe_href
    return env


def latest_finished_runs(
    session: Session, site_ids: Iterable[str] | None = None
) -> dict[str, RunRow]:
    """The newest finished run of each site (a run still crawling is not reported half-done)."""
    latest = select(RunRow.site_id, func.max(RunRow.id).label("run_id")).where(
        RunRow.finished_at.is_not(None)
    )
    ids = list(site_ids or [])
    if ids:
        latest = latest.where(RunRow.site_id.in_(ids))
    sub = latest.group_by(RunRow.site_id).subquery()
    return {
        run.site_id: run
        for run in session.scalars(select(RunRow).join(sub, sub.c.run_id == RunRow.id))
    }


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _overview_counts(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    counts = Counter()
    for r in rows:
        status, verdict = r["site"]["status"], r["verdict"]
        counts["registered"] += 1
        counts[status if status in ("active", "closed", "exception") else "active"] += 1
        if status == "closed":
            counts["closed_online"] += verdict == "closed_online"
            counts["closed_ok"] += verdict == "closed_ok"
        elif status != "exception":
            if verdict in ("pass", "fail", "unreachable"):
                counts["inspected"] += 1
                counts[
                    {"pass": "passed", "fail": "failed", "unreachable": "unreachable"}[verdict]
                ] += 1
            else:
                counts["not_run"] += 1
    keys = (
        "registered",
        "active",
        "closed",
        "exception",
        "inspected",
        "passed",
        "failed",
        "unreachable",
        "closed_online",
        "closed_ok",
        "not_run",
    )
    return {k: counts.get(k, 0) for k in keys}


def overview_view(
    rows: Sequence[dict[str, Any]],
    problems: Mapping[str, Counter],
    reasons: Counter,
    lang: str,
    as_of: str,
) -> dict[str, Any]:
    counts = _overview_counts(rows)
    kinds = []
    for kind in sorted(
        {r["site"]["kind_code"] for r in rows},
        key=lambda k: ({"portal": 0, "department": 1}.get(k, 2), k),
    ):
        sub = _overview_counts([r for r in rows if r["site"]["kind_code"] == kind])
        rate = sub["passed"] / sub["inspected"] * 100 if sub["inspected"] else None
        kinds.append(
            {
                "kind": i18n.kind_text(kind, lang),
                **sub,
                "pass_rate": f"{fmt_number(rate)}%" if rate is not None else "–",
            }
        )
    common = [
        {
            "check": check,
            "title": i18n.check_title(check, lang),
            "sites": c["sites"],
            "findings": c["findings"],
        }
        for check, c in sorted(
            problems.items(), key=lambda kv: (-kv[1]["sites"], -kv[1]["findings"], kv[0])
        )
    ]
    return {
        "counts": counts,
        "summary": t(lang, "summary_sentence", **counts),
        "kinds": kinds,
        "common": common[:15],
        "reasons": [
            {"text": i18n.reason_text(r, lang), "count": n} for r, n in reasons.most_common(10)
        ],
        "as_of": as_of,
        "verdicts": [
            (v, i18n.verdict_text(v, lang))
            for v in ("pass", "fail", "unreachable", "closed_ok", "closed_online", "skipped")
        ]
        + [(None, t(lang, "not_run"))],
    }


def render_reports(
    session: Session,
    out_dir: str | Path,
    lang: str = "zh",
    *,
    site_ids: Iterable[str] | None = None,
) -> Path:
    """Render `sites/<site>.html` for every site with a finished run and `index.html`; returns the index path."""
    lang = i18n.lang_of(lang)
    out = Path(out_dir)
    env = make_environment(lang)
    assets = Assets.load()
    site_tpl, index_tpl = env.get_template("site.html.j2"), env.get_template("index.html.j2")
    generated = fmt_time(clock.now().replace(tzinfo=UTC))
    ids = list(site_ids or [])
    query = select(SiteRow).order_by(SiteRow.site_id)
    if ids:
        query = query.where(SiteRow.site_id.in_(ids))
    sites = session.scalars(query).all()
    runs = latest_finished_runs(session, ids)
    rows: list[dict[str, Any]] = []
    problems: dict[str, Counter] = defaultdict(Counter)
    reasons: Counter[str] = Counter()
    for site in sites:
        run = runs.get(site.site_id)
        findings = None
        if run is not None:
            findings = session.scalars(
                select(FindingRow).where(FindingRow.run_id == run.id).order_by(FindingRow.id)
            ).all()
            for check in {f.check for f in findings}:
                problems[check]["sites"] += 1
            for f in findings:
                problems[f.check]["findings"] += 1
                if f.check == "broken_link":
                    reasons[str((f.detail or {}).get("reason", ""))] += 1
        view = site_view(session, site, run, lang, findings=findings)
        if run is not None:
            html = site_tpl.render(v=view, css=assets.css, generated=generated)
            _write(out / "sites" / view["file"], html)
        rows.append(_row_of(view, lang))
        for row in findings or ():
            session.expunge(row)  # keep memory flat over thousands of sites
    as_of = max((r["as_of"] for r in rows if r["as_of"]), default="")
    overview = overview_view(rows, problems, reasons, lang, as_of)
    index = out / "index.html"
    _write(
        index,
        index_tpl.render(
            o=overview,
            rows=rows,
            css=assets.css,
            script=assets.script,
            script_hash=assets.script_hash,
            generated=generated,
        ),
    )
    logger.info(
        "reports: %d site pages, overview %s", sum(1 for r in rows if r["has_report"]), index
    )
    return index


def _row_of(view: dict[str, Any], lang: str) -> dict[str, Any]:
    counts = view.get("counts") or Counter()
    tracking = view.get("tracking") or {}
    run = view.get("run") or {}
    return {
        "site": view["site"],
        "file": view["file"],
        "has_report": view["run"] is not None,
        "verdict": view["verdict"],
        "verdict_text": view["verdict_text"],
        "verdict_class": view["verdict_class"],
        "score": view.get("score") if view.get("scored") else None,
        "score_text": view["score_text"],
        "vetoes": "、".join(dict.fromkeys(p["headline"] for p in view["vetoes"]))
        if lang == "zh"
        else ", ".join(dict.fromkeys(p["headline"] for p in view["vetoes"])),
        "veto": counts.get("veto", 0),
        "major": counts.get("major", 0),
        "minor": counts.get("minor", 0),
        "problems": sum(v for k, v in counts.items() if k != "info"),
        "new": tracking.get("new", 0),
        "overdue": tracking.get("overdue", 0),
        "as_of": run.get("as_of", ""),
    }
