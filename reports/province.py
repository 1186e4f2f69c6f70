"""The overview's trend of the province across inspection nights: is rectification working?

The nights and their counts are reports/nights.py's (the export's 每日趋势 sheet shows the same
numbers); this module makes the overview's two charts of them: the sites that passed, failed and
were unreachable, and the problems open, new and fixed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from reports import charts
from reports.i18n import t
from reports.nights import province_trend as nights_trend

NIGHTS = 14  # nights shown, the newest last
VERDICTS = ("passed", "failed", "unreachable")
PROBLEMS = ("open", "new", "fixed")


def province_trend(
    session: Session, site_ids: Iterable[str] | None, lang: str
) -> dict[str, Any] | None:
    """Rows (one per night, oldest first) and two charts; None with fewer than two nights."""
    nights = nights_trend(session, list(site_ids or []), NIGHTS)
    if len(nights) < 2:
        return None
    rows = [{**asdict(n), "date": n.as_of.isoformat()} for n in nights]
    labels = [n.as_of.strftime("%m-%d") for n in nights]

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
