"""The overview's trend of the province across nights: is rectification working?

Per inspection night (as-of date), over the active sites inspected that night: how many passed,
failed and were unreachable, and their problems — open (still there from before), new and
fixed since each site's previous run. A site inspected twice on one night counts with its
later run. Fixed is counted from stored figures only — a site's problems in its previous run
minus those still open now — so the trend of thousands of sites needs one query for the runs
and one for the findings, not a tracking computation per run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector.judge.counts import NOT_PROBLEMS
from inspector.store.models import FindingRow, RunRow, SiteRow
from reports import charts
from reports.i18n import t

NIGHTS = 14  # nights shown, the newest last
VERDICTS = ("passed", "failed", "unreachable")
PROBLEMS = ("open", "new", "fixed")
_VERDICT_KEY = {"pass": "passed", "fail": "failed", "unreachable": "unreachable"}


def _runs(session: Session, site_ids: list[str]) -> list[Any]:
    # Full inspections only: a recheck looked again at a site's problems, not at the site.
    nights = select(RunRow.as_of).where(RunRow.finished_at.is_not(None), RunRow.kind != "recheck")
    if site_ids:
        nights = nights.where(RunRow.site_id.in_(site_ids))
    dates = session.scalars(
        nights.group_by(RunRow.as_of).order_by(RunRow.as_of.desc()).limit(NIGHTS + 1)
    ).all()
    if len(dates) < 2:
        return []
    query = (
        select(RunRow.id, RunRow.site_id, RunRow.as_of, RunRow.verdict)
        .join(SiteRow, SiteRow.site_id == RunRow.site_id)
        .where(
            RunRow.finished_at.is_not(None),
            RunRow.kind != "recheck",
            RunRow.as_of >= min(dates),
            SiteRow.status == "active",
        )
        .order_by(RunRow.site_id, RunRow.as_of, RunRow.id)
    )
    if site_ids:
        query = query.where(RunRow.site_id.in_(site_ids))
    return list(session.execute(query))


def _counts(session: Session, since: Any, site_ids: list[str]) -> dict[int, dict[str, int]]:
    """run id → {"new": n, "open": n} of its problems (info findings are not problems)."""
    query = (
        select(FindingRow.run_id, FindingRow.tracking, func.count())
        .join(RunRow, RunRow.id == FindingRow.run_id)
        .where(
            RunRow.finished_at.is_not(None),
            RunRow.as_of >= since,
            FindingRow.severity.not_in(sorted(NOT_PROBLEMS)),
        )
        .group_by(FindingRow.run_id, FindingRow.tracking)
    )
    if site_ids:
        query = query.where(RunRow.site_id.in_(site_ids))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for run_id, tracking, n in session.execute(query):
        counts[run_id][tracking if tracking in ("new", "open") else "new"] = n
    return counts


def province_trend(
    session: Session, site_ids: Iterable[str] | None, lang: str
) -> dict[str, Any] | None:
    """Rows (one per night, oldest first) and two charts; None with fewer than two nights."""
    ids = list(site_ids or [])
    runs = _runs(session, ids)
    if not runs:
        return None
    counts = _counts(session, min(r.as_of for r in runs), ids)
    nights: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(VERDICTS + PROBLEMS, 0))
    latest: dict[tuple[str, Any], Any] = {}
    for r in runs:  # ordered by site, night, id: the later run of a night wins
        latest[(r.site_id, r.as_of)] = r
    previous: dict[str, int] = {}
    for (site_id, as_of), r in sorted(latest.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        c = counts.get(r.id, {})
        new, still = c.get("new", 0), c.get("open", 0)
        night = nights[as_of]
        key = _VERDICT_KEY.get(r.verdict or "")
        if key:
            night[key] += 1
        night["new"] += new
        night["open"] += still
        if site_id in previous:
            night["fixed"] += max(previous[site_id] - still, 0)
        previous[site_id] = new + still
    dates = sorted(nights)[-NIGHTS:]
    if len(dates) < 2:
        return None
    rows = [{"date": d.isoformat(), **nights[d]} for d in dates]
    labels = [d.strftime("%m-%d") for d in dates]

    def series(keys: tuple[str, ...]) -> list[dict[str, Any]]:
        return [
            {
                "key": k,
                "name": t(lang, f"trend_{k}" if k in PROBLEMS else k),
                "values": [r[k] for r in rows],
            }
            for k in keys
        ]

    return {
        "rows": rows,
        "sites": charts.lines(labels, series(VERDICTS)),
        "problems": charts.lines(labels, series(PROBLEMS)),
    }
