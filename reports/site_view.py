"""One site's report, as the template sees it: verdict and score, vetoes, the problems grouped
by check, the score arithmetic, tracking and the trend of recent runs."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector.judge.tracking import RunTracking, load_tracking
from inspector.profile import ProfileError, load_profile
from inspector.store.batch import store_errors
from inspector.store.history import run_findings
from inspector.store.models import FindingRow, LinkRow, PageRow, RunRow, SiteRow
from reports import charts, i18n
from reports.boards import board_view, score_extras
from reports.format import fmt_date, fmt_number, fmt_time, safe_href, site_filename
from reports.i18n import t
from reports.priorities import first_fix
from reports.problems import FindingWords, problem_parts, problem_view, severity_rank
from reports.reviewed import reviewed_view

TREND_RUNS = 10  # runs in the trend chart
FIXED_SHOWN = 100  # fixed problems listed in a site report


def _sort_key(row: FindingRow) -> tuple[Any, ...]:
    """Most severe first, then by impact: the home page, then the problems most pages carry."""
    detail = row.detail or {}
    home = 0 if detail.get("on_home_page") else 1
    pages = detail.get("source_count")
    pages = pages if isinstance(pages, int) and not isinstance(pages, bool) else 0
    return (severity_rank(row.severity), home, -pages, str(detail.get("reason", "")), row.url)


def verdict_class(verdict: str | None) -> str:
    if verdict == "pass":
        return "ok"
    if verdict in ("fail", "unreachable", "closed_online"):
        return "bad"
    return "neutral"


def trend_view(
    points: Sequence[dict[str, Any]], pass_score: Any, lang: str
) -> dict[str, Any] | None:
    """The trend chart of the site's recent runs: problems on their own axis, the score on its
    own (0–100), a veto marked as such rather than drawn as a score."""
    chart = charts.counts_and_score(
        [
            {
                "label": p["label"],
                "count": p["count"],
                "score": p["score"],
                "vetoed": p["verdict"] in ("fail", "unreachable") and not p["scored"],
                "pass_score": pass_score,
            }
            for p in points
        ],
        t(lang, "trend_veto"),
    )
    if chart is None:
        return None
    chart["summary"] = "; ".join(
        f"{p['label']}: {t(lang, 'trend_problems')} {p['count']}, {t(lang, 'trend_score')} "
        + (fmt_number(p["score"]) if p["score"] is not None else "-")
        for p in points
    )
    return chart


def load_trend(session: Session, run: RunRow) -> list[dict[str, Any]]:
    runs = session.execute(
        select(RunRow.id, RunRow.as_of, RunRow.score, RunRow.verdict, RunRow.verdict_detail)
        .where(
            RunRow.site_id == run.site_id,
            RunRow.id <= run.id,
            RunRow.finished_at.is_not(None),
            # Nights of full inspections: a recheck (复查) looked at a few pages only.
            RunRow.kind != "recheck",
        )
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


def deduction_view(
    detail: Mapping[str, Any], lang: str, words: FindingWords
) -> list[dict[str, Any]]:
    rows = []
    for line in detail.get("deductions") or []:
        if not isinstance(line, dict):
            continue
        per_percent = line.get("per") == "percent"
        rows.append(
            {
                "title": line.get("title")
                or i18n.deduction_title(str(line.get("line", "")), lang)
                or words.title(str(line.get("check", "")), lang),
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
    words: FindingWords | None = None,
) -> dict[str, Any]:
    """Everything the site template shows (and the overview row of the site)."""
    words = words or FindingWords.enabled()
    view: dict[str, Any] = {"site": _site_info(site, lang), "file": site_filename(site.site_id)}
    view["run"] = None
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
            first_fix=[],
        )
        return view
    if findings is None:
        findings = run_findings(session, run)
    if tracking is None:
        tracking = load_tracking(session, run, findings)
    detail = run.verdict_detail or {}
    scored = bool(
        detail.get("scored", run.verdict in ("pass", "fail") and not detail.get("vetoes"))
    )
    view["run"] = _run_view(run, lang, recheck_of=_recheck_of(session, run, lang))
    view.update(_problems_and_priorities(session, run, site, findings, tracking, lang, words))
    view.update(
        verdict=run.verdict,
        verdict_text=i18n.verdict_text(run.verdict, lang),
        verdict_class=verdict_class(run.verdict),
        score=run.score,
        score_text=_score_text(run, scored, lang),
        scored=scored,
        deductions=deduction_view(detail, lang, words),
        total_deducted=fmt_number(detail.get("deducted")),
        total=fmt_number(detail.get("total", 100)),
        pass_score=fmt_number(detail.get("pass_score", 60)),
        tracking=_tracking_view(tracking),
        fixed=[
            {
                "title": words.title(f.check, lang),
                "url": f.url,
                "href": safe_href(f.url),
                "first_seen": fmt_date(f.first_seen),
            }
            for f in tracking.fixed[:FIXED_SHOWN]
        ],
        fixed_more=max(0, len(tracking.fixed) - FIXED_SHOWN),
        trend=trend_view(load_trend(session, run), detail.get("pass_score", 60), lang),
        boards=board_view(session, run, findings, lang),
        reviewed=reviewed_view(run, lang, words, site.url),
        **score_extras(detail, lang),
    )
    return view


def _site_info(site: SiteRow, lang: str) -> dict[str, Any]:
    return {
        "site_id": site.site_id,
        "name": site.name,
        "url": site.url,
        "href": safe_href(site.url),
        "organizer": site.organizer,
        "site_code": site.site_code,
        "kind": i18n.kind_text(site.kind, lang),
        "kind_code": site.kind,
        "status": site.status,
    }


def _problems_and_priorities(
    session: Session,
    run: RunRow,
    site: SiteRow,
    findings: Sequence[FindingRow],
    tracking: RunTracking,
    lang: str,
    words: FindingWords,
) -> dict[str, Any]:
    """The problems (vetoes, groups, counts) and 先整改这些, with pages and items named."""
    detail = run.verdict_detail or {}
    titles = page_titles(session, run)
    problems = _problems(findings, tracking, site.url, lang, words, titles)
    paired = problems.pop("paired")
    name_items(session, run, [pv for _, pv in paired], titles)
    named = [
        {**d, "title_text": line["title"]}
        for d, line in zip(
            (d for d in detail.get("deductions") or [] if isinstance(d, dict)),
            deduction_view(detail, lang, words),
            strict=True,
        )
    ]
    problems["first_fix"] = first_fix(session, run, paired, named, site.url, titles, lang)
    return problems


@cache
def rules_title(rules: str) -> str:
    """The profile's own title (全国政府网站普查评分表（2015）) rather than its file name."""
    try:
        title = load_profile(rules).get("profile.title")
    except (ProfileError, OSError):
        return rules
    return str(title) if title else rules


def page_titles(session: Session, run: RunRow) -> dict[str, str]:
    """URL (as requested and as finally answered) → title, of the run's pages with a title."""
    titles: dict[str, str] = {}
    rows = session.execute(
        select(PageRow.url, PageRow.final_url, PageRow.title).where(
            PageRow.run_id == run.id, PageRow.title != ""
        )
    )
    for url, final_url, title in rows:
        title = " ".join(str(title).split())[:120]
        titles.setdefault(url, title)
        if final_url:
            titles.setdefault(final_url, title)
    return titles


def name_items(
    session: Session, run: RunRow, views: Sequence[dict[str, Any]], titles: Mapping[str, str]
) -> None:
    """Give the newest items of staleness findings their titles: the text of the link to the
    item on the list page (or the home page), else the item page's own title."""
    wanted = [it for pv in views for it in pv.get("items") or () if not it["title"] and it["url"]]
    if not wanted:
        return
    texts: dict[str, str] = {}
    rows = session.execute(
        select(LinkRow.target_url, LinkRow.text).where(
            LinkRow.run_id == run.id,
            LinkRow.target_url.in_(sorted({it["url"] for it in wanted})),
            LinkRow.text != "",
        )
    )
    for url, text in rows:
        if len(text) > len(texts.get(url, "")):
            texts[url] = text
    for it in wanted:
        it["title"] = texts.get(it["url"]) or titles.get(it["url"], "")


def _recheck_of(session: Session, run: RunRow, lang: str) -> str:
    """For a recheck (复查): which full inspection it rechecks, in words ("" otherwise)."""
    if run.kind != "recheck":
        return ""
    base = session.get(RunRow, run.base_run_id) if run.base_run_id else None
    return i18n.t(lang, "recheck_of", date=fmt_date(base.as_of) if base is not None else "–")


def _run_view(run: RunRow, lang: str, recheck_of: str = "") -> dict[str, Any]:
    return {
        "id": run.id,
        "as_of": fmt_date(run.as_of),
        "started_at": fmt_time(run.started_at),
        "finished_at": fmt_time(run.finished_at),
        "rules": rules_title(run.rules) if i18n.lang_of(lang) == "zh" else run.rules,
        "pages_crawled": run.pages_crawled,
        "targets_checked": run.targets_checked,
        "status": run.status,
        "bounds_tripped": run.bounds_tripped or {},
        "check_errors": run.check_errors or {},
        "store_errors": store_errors(run),
        "home_newest_date": fmt_date(run.home_newest_date),
        "kind": run.kind or "full",
        "recheck_of": recheck_of,
    }


def _tracking_view(tracking: RunTracking) -> dict[str, Any]:
    return {
        "new": tracking.new,
        "open": tracking.open,
        "overdue": tracking.overdue,
        "fixed": len(tracking.fixed),
        "complete": tracking.complete,
        "unverified": tracking.unverified,
        "retired": tracking.retired,
        "deadline_days": tracking.deadline_days,
    }


def _problems(
    findings: Sequence[FindingRow],
    tracking: RunTracking,
    site_url: str,
    lang: str,
    words: FindingWords,
    titles: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The vetoes, the other problems grouped by check, and the counts per severity."""
    tracked_by_id = {id(row): tr for row, tr in zip(findings, tracking.findings, strict=True)}
    vetoes, groups_by_check = [], defaultdict(list)
    paired: list[tuple[FindingRow, dict[str, Any]]] = []
    counts: Counter[str] = Counter()
    for row in sorted(findings, key=_sort_key):
        counts[row.severity] += 1
        pv = problem_view(
            row.check,
            row.severity,
            row.url,
            row.detail or {},
            lang,
            site_url=site_url,
            tracked=tracked_by_id.get(id(row)),
            words=words,
            titles=titles,
        )
        pv["check_advice"] = words.advice(row.check, lang)
        paired.append((row, pv))
        if row.severity == "veto":
            pv["advice"] = pv["advice"] or words.advice(row.check, lang)
            vetoes.append(pv)
        else:
            groups_by_check[row.check].append(pv)
    groups = []
    for check in sorted(groups_by_check, key=lambda c: (words.order(c), c)):
        problems = groups_by_check[check]
        groups.append(
            {
                "check": check,
                "title": words.title(check, lang),
                "advice": words.advice(check, lang),
                "count": len(problems),
                "parts": problem_parts(check, problems, lang, words),
                "severity": min((p["severity"] for p in problems), key=severity_rank),
            }
        )
    return {"vetoes": vetoes, "groups": groups, "counts": counts, "paired": paired}


def _score_text(run: RunRow, scored: bool, lang: str) -> str:
    if run.verdict in ("pass", "fail") and scored:
        return fmt_number(run.score)
    if run.verdict in ("fail", "unreachable"):
        return t(lang, "veto")
    return t(lang, "no_score")


def row_of(view: dict[str, Any], lang: str) -> dict[str, Any]:
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
