"""先整改这些: the few problems a webmaster should fix first, at the top of a site report.

Three groups, in this order: the vetoes (one of them fails the site whatever the score), the
problems past their deadline, and the problems of the deduction lines that cost most points.
Within a group the problems are sorted by impact — on the home page first, then by how many
pages carry them — never by URL. Each says where it is (the page's title and URL, the link's
text, and whether the link sits in the page's navigation, content or footer, as the crawl
recorded it) and what to do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from inspector.facts import Finding, Severity
from inspector.judge.scoring import DeductionLine, deduction_lines
from inspector.profile import ProfileError, load_profile
from inspector.store.models import FindingRow, RunRow
from inspector.store.places import POSITIONS, finding_sources, link_places
from reports.format import fmt_number, safe_href, short_url
from reports.i18n import t
from reports.problems import page_key, severity_rank

OVERDUE_SHOWN = 5  # overdue problems listed
POINT_LINES = 3  # deduction lines listed, the costliest first
PER_LINE = 3  # problems listed per deduction line


def impact_key(pv: Mapping[str, Any]) -> tuple[Any, ...]:
    """Home page first, then the problems most pages carry, then the most severe."""
    return (
        0 if pv.get("badge") == "home" else 1,
        -int(pv.get("pages") or 1),
        severity_rank(str(pv.get("severity", ""))),
    )


@cache
def _lines(rules: str) -> tuple[DeductionLine, ...]:
    try:
        return tuple(deduction_lines(load_profile(rules)))
    except (ProfileError, OSError):
        return ()


def _line_of(row: FindingRow, lines: Sequence[DeductionLine]) -> str | None:
    try:
        severity = Severity(row.severity)
    except ValueError:
        return None
    finding = Finding(row.check, severity, row.url, dict(row.detail or {}))
    return next((ln.name for ln in lines if ln.matches(finding)), None)


def first_fix(
    session: Session,
    run: RunRow,
    rows: Sequence[tuple[FindingRow, dict[str, Any]]],
    deductions: Sequence[Mapping[str, Any]],
    site_url: str,
    titles: Mapping[str, str],
    lang: str,
) -> list[dict[str, Any]]:
    """The groups of 先整改这些: [{"kind", "title", "items": [...]}]; `rows` pairs each finding
    with its problem view (as the report shows it)."""
    taken: set[int] = set()
    groups: list[dict[str, Any]] = []

    def pick(candidates: list[tuple[FindingRow, dict[str, Any]]], limit: int | None) -> list:
        chosen = [
            c for c in sorted(candidates, key=lambda c: impact_key(c[1])) if id(c[0]) not in taken
        ]
        chosen = chosen[:limit] if limit is not None else chosen
        taken.update(id(c[0]) for c in chosen)
        return chosen

    vetoes = pick([c for c in rows if c[0].severity == "veto"], None)
    if vetoes:
        groups.append({"kind": "veto", "title": t(lang, "fix_veto"), "parts": [_part(vetoes)]})
    overdue = pick([c for c in rows if (c[1].get("tracking") or {}).get("overdue")], OVERDUE_SHOWN)
    if overdue:
        groups.append(
            {"kind": "overdue", "title": t(lang, "fix_overdue"), "parts": [_part(overdue)]}
        )
    parts = _point_parts(run, rows, deductions, lang, pick)
    if parts:
        groups.append({"kind": "points", "title": t(lang, "fix_points"), "parts": parts})
    chosen = [c for g in groups for p in g["parts"] for c in p["items"]]
    places = _link_places(session, run, chosen)
    for g in groups:
        for p in g["parts"]:
            p["items"] = [_item(row, pv, places, site_url, titles, lang) for row, pv in p["items"]]
    return groups


def _point_parts(
    run: RunRow,
    rows: Sequence[tuple[FindingRow, dict[str, Any]]],
    deductions: Sequence[Mapping[str, Any]],
    lang: str,
    pick: Any,
) -> list[dict[str, Any]]:
    lines = _lines(run.rules)
    by_line: dict[str, list[tuple[FindingRow, dict[str, Any]]]] = {}
    for c in rows:
        if c[0].severity in ("veto", "info"):
            continue
        name = _line_of(c[0], lines) if lines else c[0].check
        if name is not None:
            by_line.setdefault(name, []).append(c)
    costly = sorted(
        (d for d in deductions if isinstance(d, Mapping) and (d.get("deducted") or 0) > 0),
        key=lambda d: -float(d.get("deducted") or 0),
    )
    parts = []
    for d in costly[:POINT_LINES]:
        name = str(d.get("line") or d.get("check") or "")
        items = pick(by_line.get(name, []), PER_LINE)
        if items:
            parts.append(
                {
                    "title": d.get("title_text") or "",
                    "recover": t(lang, "fix_recover", points=fmt_number(d.get("deducted"))),
                    "items": items,
                }
            )
    return parts


def _link_places(
    session: Session, run: RunRow, chosen: Sequence[tuple[FindingRow, dict[str, Any]]]
) -> dict[tuple[str, str], tuple[str, str]]:
    """(page, target) → (link text, position) of each chosen link problem on the first page the
    report names for it, read where reports and exports read places (inspector/store/places.py)."""
    keys: list[tuple[str, str]] = []
    wanted: list[tuple[str, list[str]]] = []
    for row, pv in chosen:
        first = (pv.get("sources") or [None])[0]
        if first:
            page = page_key(first["url"])
            keys.append((page, row.url))
            wanted.append(
                (row.url, [s for s in finding_sources(row.detail) if page_key(s) == page])
            )
    places: dict[tuple[str, str], tuple[str, str]] = {}
    for key, found in zip(keys, link_places(session, run.id, wanted), strict=True):
        place = next((p for p in found if p.text), found[0] if found else None)
        if place is not None:
            places[key] = (place.text, place.position)
    return places


def _item(
    row: FindingRow,
    pv: dict[str, Any],
    places: Mapping[tuple[str, str], tuple[str, str]],
    site_url: str,
    titles: Mapping[str, str],
    lang: str,
) -> dict[str, Any]:
    """One problem to fix first: what, where (page, link text, position), what to do."""
    source = (pv.get("sources") or [None])[0]
    page_url = source["url"] if source else row.url
    title = (source or {}).get("title") or titles.get(page_url) or titles.get(page_key(page_url))
    text, position = places.get((page_key(page_url), row.url), ("", ""))
    if not text and pv.get("texts"):
        text = pv["texts"][0]
    pages = int(pv.get("pages") or 0)
    return {
        "headline": pv["headline"],
        "check_title": pv.get("check_title", ""),
        "severity": pv["severity"],
        "severity_text": pv["severity_text"],
        "home": pv.get("badge") == "home",
        "target": pv["url"] if source else "",
        "target_href": pv["href"] if source else None,
        "page_title": title or "",
        "page_url": short_url(page_url, site_url),
        "page_href": safe_href(page_url),
        "link_text": text,
        "position": t(lang, f"position_{position}") if position in POSITIONS else "",
        "pages": t(lang, "pages_carrying", n=pages) if pages > 1 else "",
        "advice": pv.get("advice") or pv.get("check_advice") or "",
        "step": _step(title or short_url(page_url, site_url), text, position, lang)
        if source
        else "",
        "tracking": pv.get("tracking"),
    }


def _step(page: str, text: str, position: str, lang: str) -> str:
    """The concrete step for a link problem: which page, which part of it, which link."""
    where = t(lang, f"position_{position if position in POSITIONS else 'page'}")
    if text:
        return t(lang, "fix_step_text", page=page, where=where, text=text)
    return t(lang, "fix_step", page=page, where=where)


def _part(items: list[Any], title: str = "", recover: str = "") -> dict[str, Any]:
    return {"title": title, "recover": recover, "items": items}
