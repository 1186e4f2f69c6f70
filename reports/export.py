"""Exports of the latest run of every site: JSON (stable schema), CSV and xlsx (one row per problem).

JSON keys are a contract (DESIGN.md §5): never renamed, only added. Each finding carries its
rectification `tracking` (new/open, first seen, days open, deadline, overdue) and each site a
`tracking` summary (new, open, overdue counts and the list of problems fixed since the previous
run). CSV and xlsx are for people: readable evidence in Chinese, UTF-8 with BOM for Excel, and
text that a crawled site controls can never turn into a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import json
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
from reports.boards import interaction_summary
from reports.i18n import verdict_text
from reports.problems import FindingWords, evidence_text, words_for_runs

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


CSV_COLUMNS = [
    "site_id",
    "site_name",
    "site_url",
    "run_id",
    "verdict",
    "score",
    "check",
    "check_name",
    "severity",
    "url",
    "reason",
    "evidence",
    "tracking",
    "first_seen",
    "days_open",
    "deadline",
    "overdue",
    "detail",
]


def finding_rows(
    data: dict[str, Any], lang: str = "zh", words: FindingWords | None = None
) -> list[dict[str, Any]]:
    """One row per problem of an export_data() dict; `evidence` is readable, `detail` the JSON."""
    words = words or FindingWords.enabled()
    rows = []
    for site in data["sites"]:
        for f in site["findings"]:
            detail = f["detail"] or {}
            tracking = f.get("tracking") or {}
            rows.append(
                {
                    "site_id": site["site_id"],
                    "site_name": site["name"],
                    "site_url": site["url"],
                    "run_id": site["run_id"],
                    "verdict": site["verdict"] or "",
                    "score": "" if site["score"] is None else site["score"],
                    "check": f["check"],
                    "check_name": words.title(f["check"], lang),
                    "severity": f["severity"],
                    "url": f["url"],
                    "reason": detail.get("reason", ""),
                    "evidence": evidence_text(
                        f["check"], f["severity"], f["url"], detail, lang, words=words
                    ),
                    "tracking": tracking.get("status", ""),
                    "first_seen": tracking.get("first_seen") or "",
                    "days_open": tracking.get("days_open", ""),
                    "deadline": tracking.get("deadline") or "",
                    "overdue": "yes" if tracking.get("overdue") else "no",
                    "detail": json.dumps(detail, ensure_ascii=False),
                }
            )
    return rows


# Excel runs a cell that starts with one of these as a formula ("CSV injection"); text that a
# crawled site controls (anchor texts, titles) gets a leading apostrophe, as OWASP advises.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_csv(session: Session, site_ids: list[str] | None = None) -> str:
    """UTF-8 with BOM, so that Excel opens the Chinese text right."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, CSV_COLUMNS)
    writer.writeheader()
    words = words_for_runs(run for _, run in latest_runs(session, site_ids))
    for row in finding_rows(export_data(session, site_ids), words=words):
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})
    return out.getvalue()


XLSX_FINDING_COLUMNS = [
    ("site_id", "网站编号", 14),
    ("site_name", "网站名称", 24),
    ("site_url", "网站地址", 28),
    ("verdict", "检查结论", 10),
    ("score", "得分", 7),
    ("check_name", "检查项", 16),
    ("check", "问题代码", 14),
    ("severity", "严重程度", 9),
    ("url", "问题网址", 48),
    ("evidence", "证据", 70),
    ("tracking", "整改状态", 10),
    ("first_seen", "首次发现", 11),
    ("days_open", "已持续天数", 8),
    ("deadline", "整改期限", 11),
    ("overdue", "是否超期", 8),
]
XLSX_SITE_COLUMNS = [
    ("site_id", "网站编号", 14),
    ("name", "网站名称", 24),
    ("url", "网站地址", 30),
    ("kind", "网站类型", 10),
    ("status", "登记状态", 9),
    ("organizer", "主办单位", 20),
    ("site_code", "网站标识码", 12),
    ("as_of", "数据截止日期", 12),
    ("verdict", "检查结论", 14),
    ("score", "得分", 7),
    ("problems", "问题数", 8),
    ("new", "新发现", 8),
    ("open", "未整改", 8),
    ("overdue", "超期", 8),
    ("fixed", "已整改", 8),
]


def export_xlsx(session: Session, path: str | Path, site_ids: list[str] | None = None) -> Path:
    """Workbook with one row per problem (问题清单) and one row per site (网站汇总)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    data = export_data(session, site_ids)
    wb = Workbook(write_only=True)  # streams rows: thousands of sites × thousands of problems
    bold = Font(bold=True)

    def sheet(
        title: str, columns: list[tuple[str, str, int]], records: list[dict[str, Any]]
    ) -> None:
        ws = wb.create_sheet(title)
        for index, (_, _, width) in enumerate(columns):
            ws.column_dimensions[_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        header = []
        for _, label, _ in columns:
            cell = WriteOnlyCell(ws, value=label)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for record in records:
            ws.append([_xlsx_cell(WriteOnlyCell, ws, record.get(key)) for key, _, _ in columns])

    findings = finding_rows(
        data, words=words_for_runs(run for _, run in latest_runs(session, site_ids))
    )
    for row in findings:
        row["verdict"] = verdict_text(row["verdict"] or None, "zh")
        row["tracking"] = {"new": "新发现", "open": "未整改"}.get(row["tracking"], row["tracking"])
        row["overdue"] = "是" if row["overdue"] == "yes" else "否"
        row["severity"] = {"veto": "否决", "major": "重要", "minor": "一般", "info": "提示"}.get(
            row["severity"], row["severity"]
        )
    sheet("问题清单", XLSX_FINDING_COLUMNS, findings)
    sites = []
    for site in data["sites"]:
        tracking = site.get("tracking") or {}
        sites.append(
            {
                **site,
                "verdict": verdict_text(site["verdict"], "zh"),
                "problems": len(site["findings"]),
                "new": tracking.get("new", 0),
                "open": tracking.get("open", 0),
                "overdue": tracking.get("overdue", 0),
                "fixed": len(tracking.get("fixed") or []),
            }
        )
    sheet("网站汇总", XLSX_SITE_COLUMNS, sites)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _xlsx_cell(cell_type: Any, ws: Any, value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, int | float):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:32000]  # Excel's cell limit is 32,767
    cell = cell_type(ws, value=text)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell
