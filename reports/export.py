"""Exports of the latest run of every site: JSON (stable schema), CSV and xlsx (one row per finding).

JSON keys are a contract (DESIGN.md §5): never renamed, only added. Each finding carries its
rectification `tracking` (new/open, first seen, days open, deadline, overdue) and each site a
`tracking` summary (new, open, overdue counts and the list of problems fixed since the previous
run). CSV and xlsx are for people, in Chinese (or English with `lang="en"`): both are written
from one list of columns (reports/columns.py) — the run kind (全面检查/复查) and a person's review
(已确认/已排除 and the note) included, a dismissed finding as a row of its own that counts for
nothing — the CSV in UTF-8 with BOM for Excel, and text that a crawled site controls can never
turn into a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector import clock
from inspector.judge.counts import tracked_counts
from inspector.judge.reviews import dismissed_records, reviews_by_identity
from inspector.judge.tracking import load_tracking
from inspector.store.batch import store_errors
from inspector.store.boards import load_boards
from inspector.store.history import run_findings
from inspector.store.models import ColumnRow, RunRow, SiteRow
from inspector.store.places import finding_places
from reports.boards import interaction_summary
from reports.columns import (
    NIGHT_COLUMNS,
    PROBLEM_COLUMNS,
    SITE_COLUMNS,
    ProblemRow,
    SiteSummary,
    headers,
    night_values,
    sheet_name,
)
from reports.nights import province_trend
from reports.problems import FindingWords, words_for_runs

SEVERITY_ORDER = {"veto": 0, "major": 1, "minor": 2, "info": 3}


def latest_runs(
    session: Session, site_ids: list[str] | None = None
) -> list[tuple[SiteRow, RunRow]]:
    """The latest run of every site that has one (finished or not), in site_id order."""
    latest = select(RunRow.site_id, func.max(RunRow.id).label("run_id")).group_by(RunRow.site_id)
    if site_ids:
        latest = latest.where(RunRow.site_id.in_(site_ids))
    sub = latest.subquery()
    rows = session.execute(
        select(SiteRow, RunRow)
        .join(sub, sub.c.site_id == SiteRow.site_id)
        .join(RunRow, RunRow.id == sub.c.run_id)
        .order_by(SiteRow.site_id)
    )
    return [(site, run) for site, run in rows]


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def site_record(session: Session, site: SiteRow, run: RunRow) -> dict[str, Any]:
    rows = run_findings(session, run)
    tracking = load_tracking(session, run, rows)
    tracked = [(f, tr.as_dict()) for f, tr in zip(rows, tracking.findings, strict=True)]
    tracked.sort(
        key=lambda pair: (SEVERITY_ORDER.get(pair[0].severity, 9), pair[0].check, pair[0].url)
    )
    columns = session.scalars(
        select(ColumnRow).where(ColumnRow.run_id == run.id).order_by(ColumnRow.id)
    )
    reviews = reviews_by_identity(run.stats)
    return {
        "site_id": site.site_id,
        "name": site.name,
        "url": site.url,
        "kind": site.kind,
        "status": site.status,
        "organizer": site.organizer,
        "site_code": site.site_code,
        "run_id": run.id,
        "run_status": run.status,
        # full | recheck (复查: only what the full run `recheck_of` found was looked at again)
        "run_kind": run.kind or "full",
        "recheck_of": run.base_run_id if run.kind == "recheck" else None,
        "as_of": _iso(run.as_of),
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "rules": run.rules,
        "pages_crawled": run.pages_crawled,
        "targets_checked": run.targets_checked,
        "bounds_tripped": run.bounds_tripped or {},
        "check_errors": run.check_errors or {},
        "store_errors": store_errors(run),
        "score": run.score,
        "verdict": run.verdict,
        "verdict_detail": run.verdict_detail or {},
        "home_newest_date": _iso(run.home_newest_date),
        "columns": [
            {
                "name": c.name,
                "canonical": c.canonical,
                "category": c.category,
                "url": c.url,
                "parent": c.parent,
                "newest_date": _iso(c.newest_date),
                "item_count": c.item_count,
            }
            for c in columns
        ],
        "tracking": tracking.summary(),
        # The one count of problems (inspector/judge/counts.py): total = new + open, fixed.
        "problems": tracked_counts(tracking).as_dict(),
        "interaction": interaction_summary(load_boards(session, run.id), rows),
        "findings": [
            {
                "check": f.check,
                "severity": f.severity,
                "url": f.url,
                "detail": f.detail,
                "tracking": state,
                # A person's decision (inspector review): null, or confirmed (counted).
                "review": reviews.get(f.identity),
            }
            for f, state in tracked
        ],
        # Findings a person dismissed as false positives: not counted, kept as evidence.
        "reviewed": [
            {k: r[k] for k in ("id", "check", "severity", "url", "detail", "review")}
            for r in dismissed_records(run.stats)
        ],
    }


def export_data(session: Session, site_ids: list[str] | None = None) -> dict[str, Any]:
    pairs = latest_runs(session, site_ids)
    as_of = max((run.as_of for _, run in pairs), default=None)
    return {
        "generated_at": clock.now().replace(tzinfo=UTC).isoformat(timespec="seconds"),
        "as_of": _iso(as_of),
        "sites": [site_record(session, site, run) for site, run in pairs],
    }


def export_json(session: Session, site_ids: list[str] | None = None) -> str:
    return json.dumps(export_data(session, site_ids), ensure_ascii=False, indent=2)


def problem_rows(
    session: Session, data: dict[str, Any], lang: str = "zh", words: FindingWords | None = None
) -> Iterator[ProblemRow]:
    """One row per finding of an export_data() dict, with where it sits (所在页面, 位置): the
    counted findings, then the ones a person dismissed (复核结论 已排除, not counted)."""
    words = words or FindingWords.enabled()
    for site in data["sites"]:
        findings = site["findings"] + site["reviewed"]
        places = finding_places(
            session, site["run_id"], site["url"], [(f["url"], f["detail"]) for f in findings]
        )
        for finding, where in zip(findings, places, strict=True):
            yield ProblemRow.build(site, finding, lang, words, where)


# Excel runs a cell that starts with one of these as a formula ("CSV injection"); text that a
# crawled site controls (anchor texts, titles) gets a leading apostrophe, as OWASP advises.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text


def export_csv(session: Session, site_ids: list[str] | None = None, lang: str = "zh") -> str:
    """One row per problem with the columns of the xlsx's first sheet (reports/columns.py);
    UTF-8 with BOM, so that Excel opens the Chinese text right."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(headers(PROBLEM_COLUMNS, lang))
    words = words_for_runs(run for _, run in latest_runs(session, site_ids))
    for row in problem_rows(session, export_data(session, site_ids), lang, words):
        writer.writerow([_csv_value(c.value(row)) for c in PROBLEM_COLUMNS])
    return out.getvalue()


def export_xlsx(
    session: Session, path: str | Path, site_ids: list[str] | None = None, lang: str = "zh"
) -> Path:
    """Workbook: 问题清单 (one row per problem, the CSV's columns), 网站汇总 (one row per site)
    and, when there are runs of two or more nights, 每日趋势 (one row per night)."""
    from reports.xlsx import write_workbook

    data = export_data(session, site_ids)
    words = words_for_runs(run for _, run in latest_runs(session, site_ids))
    problems = (
        [c.value(row) for c in PROBLEM_COLUMNS] for row in problem_rows(session, data, lang, words)
    )
    sites = ([c.value(SiteSummary(s, lang)) for c in SITE_COLUMNS] for s in data["sites"])
    sheets: list[tuple[str, Any, Any]] = [
        (sheet_name("problems", lang), PROBLEM_COLUMNS, problems),
        (sheet_name("sites", lang), SITE_COLUMNS, sites),
    ]
    nights = province_trend(session, site_ids)
    if len(nights) >= 2:
        sheets.append((sheet_name("trend", lang), NIGHT_COLUMNS, map(night_values, nights)))
    return write_workbook(Path(path), sheets, lang)
