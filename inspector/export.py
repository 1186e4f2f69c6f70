"""Exports of the latest run of every site: JSON (stable schema) and CSV (one row per problem)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector.models import ColumnRow, FindingRow, RunRow, SiteRow

SEVERITY_ORDER = {"veto": 0, "major": 1, "minor": 2, "info": 3}


def latest_runs(session: Session, site_ids: list[str] | None = None) -> list[tuple[SiteRow, RunRow]]:
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
    findings = session.scalars(
        select(FindingRow).where(FindingRow.run_id == run.id).order_by(FindingRow.id)
    ).all()
    findings = sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.check, f.url))
    columns = session.scalars(select(ColumnRow).where(ColumnRow.run_id == run.id).order_by(ColumnRow.id))
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
        "as_of": _iso(run.as_of),
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "rules": run.rules,
        "pages_crawled": run.pages_crawled,
        "targets_checked": run.targets_checked,
        "bounds_tripped": run.bounds_tripped or {},
        "check_errors": run.check_errors or {},
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
        "findings": [
            {
                "check": f.check,
                "severity": f.severity,
                "url": f.url,
                "detail": f.detail,
                "tracking": {"status": f.tracking, "first_seen": _iso(f.first_seen)},
            }
            for f in findings
        ],
    }


def export_data(session: Session, site_ids: list[str] | None = None) -> dict[str, Any]:
    pairs = latest_runs(session, site_ids)
    as_of = max((run.as_of for _, run in pairs), default=None)
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "as_of": _iso(as_of),
        "sites": [site_record(session, site, run) for site, run in pairs],
    }


def export_json(session: Session, site_ids: list[str] | None = None) -> str:
    return json.dumps(export_data(session, site_ids), ensure_ascii=False, indent=2)


CSV_COLUMNS = [
    "site_id", "site_name", "site_url", "run_id", "verdict", "score",
    "check", "severity", "url", "reason", "evidence", "tracking", "first_seen",
]


def finding_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for site in data["sites"]:
        for f in site["findings"]:
            detail = f["detail"]
            rows.append(
                {
                    "site_id": site["site_id"],
                    "site_name": site["name"],
                    "site_url": site["url"],
                    "run_id": site["run_id"],
                    "verdict": site["verdict"] or "",
                    "score": "" if site["score"] is None else site["score"],
                    "check": f["check"],
                    "severity": f["severity"],
                    "url": f["url"],
                    "reason": detail.get("reason", ""),
                    "evidence": json.dumps(detail, ensure_ascii=False),
                    "tracking": f["tracking"]["status"],
                    "first_seen": f["tracking"]["first_seen"] or "",
                }
            )
    return rows


def export_csv(session: Session, site_ids: list[str] | None = None) -> str:
    """UTF-8 with BOM, so that Excel opens the Chinese text right."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(finding_rows(export_data(session, site_ids)))
    return out.getvalue()
