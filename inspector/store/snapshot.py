"""Load one stored run into a SiteSnapshot, the only thing checks see."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select, union
from sqlalchemy.orm import Session

from inspector.facts import ColumnFacts, LinkFacts, PageFacts, SiteSnapshot, TargetFacts
from inspector.registry import Site
from inspector.store.boards import guides_of_run, load_boards
from inspector.store.models import ColumnRow, LinkRow, PageRow, ProbeRow, RunRow, SiteRow, TargetRow

PROBE_DAYS = 31


def site_of(row: SiteRow) -> Site:
    return Site(row.site_id, row.name, row.url, row.kind, row.status, row.organizer, row.site_code)


# The columns read into PageFacts and TargetFacts, by field name (the same in both).
_PAGE_FIELDS = (
    "url", "final_url", "status", "content_type", "size", "depth", "title", "elapsed_ms",
    "is_home", "kind", "pub_date", "newest_item_date", "meta_date", "encoding_declared",
    "encoding_used", "not_found_hint", "fingerprint",
)  # fmt: skip  # field names read best packed
_TARGET_FIELDS = (
    "url", "internal", "kind", "method", "status", "reason", "final_url", "redirects",
    "content_type", "size", "elapsed_ms", "note", "note_code", "note_params",
)  # fmt: skip  # field names read best packed
_PAGE_COLUMNS = tuple(getattr(PageRow, name) for name in _PAGE_FIELDS)
_TARGET_COLUMNS = tuple(getattr(TargetRow, name) for name in _TARGET_FIELDS)


def _page_facts(row: Any, cloaking: dict[str, Any]) -> PageFacts:
    """PageFacts from a row of _PAGE_COLUMNS + facts["elements"] + facts["security"] + facts
    (home page only); `cloaking` is the run's cloaking fetches by page URL."""
    *columns, elements, security, facts = row
    facts = facts or {}
    fields = dict(zip(_PAGE_FIELDS, columns, strict=True))
    security = security or {}
    versions = cloaking.get(fields["final_url"]) or cloaking.get(fields["url"])
    if versions:
        security = {**security, "cloaking": versions}
    return PageFacts(
        **fields,
        elements=elements or {},
        anchors=frozenset(facts.get("anchors", ())),
        date_evidence=tuple(facts.get("dates", ())),
        facts=facts,
        security=security,
    )


def _target_facts(row: Any) -> TargetFacts:
    fields = dict(zip(_TARGET_FIELDS, row, strict=True))
    fields["redirects"] = tuple(fields["redirects"] or ())
    fields["note_params"] = fields["note_params"] or {}
    return TargetFacts(**fields)


def load_snapshot(session: Session, run_id: int) -> SiteSnapshot:
    """One stored run as the checks see it; SiteSnapshot says which parts are partial."""
    run = session.get(RunRow, run_id)
    if run is None:
        raise LookupError(f"no run {run_id} in the database")
    site = session.get_one(SiteRow, run.site_id)
    links = _links(session, run_id, site.url)
    fragments = sorted({ln.target_url for ln in links if ln.fragment})
    pages = _pages(session, run_id, fragments, (run.stats or {}).get("cloaking") or {})
    targets = {
        row[0]: _target_facts(row)
        for row in session.execute(select(*_TARGET_COLUMNS).where(TargetRow.run_id == run_id))
    }
    return SiteSnapshot(
        site=site_of(site),
        run_id=run.id,
        as_of=run.as_of,
        started_at=run.started_at,
        finish_reason=run.finish_reason,
        home=next((p for p in pages if p.is_home), None),
        home_error=run.home_error,
        pages=pages,
        targets=targets,
        links=links,
        columns=load_columns(session, run_id),
        bounds_tripped=run.bounds_tripped or {},
        stats=run.stats or {},
        probes=_probes(session, run),
        boards=load_boards(session, run_id),
        guides=guides_of_run(run),
    )


def _links(session: Session, run_id: int, site_url: str) -> list[LinkFacts]:
    """Only the links checks need: the home page's, those pointing at a problem target, and
    those naming a fragment (few): not every occurrence of a 20,000-page crawl.

    Three selects of row ids, each cheap: the first two through the link indexes; the
    fragments, which no index finds, by reading the run's id range in id order (a run's rows
    were written together, a few other runs' rows between them) — through the (run, target)
    index instead, one OR-ed select read every link row of the run in random order (0.5 s of
    CPU at 10,000 pages, 0.1 s this way). In (target, id) order, as that index gave them."""
    home_row = session.execute(
        select(PageRow.url, PageRow.final_url).where(
            PageRow.run_id == run_id, PageRow.is_home.is_(True)
        )
    ).first()
    home_urls = [u for u in {site_url, *(home_row or ())} if u]
    span: Any = session.execute(
        select(func.min(LinkRow.id), func.max(LinkRow.id)).where(LinkRow.run_id == run_id)
    ).one()
    first, last = span  # None, None for a run without links
    if first is None:
        return []
    problem = select(TargetRow.url).where(TargetRow.run_id == run_id, TargetRow.reason != "")
    wanted = union(
        select(LinkRow.id).where(LinkRow.run_id == run_id, LinkRow.source_url.in_(home_urls)),
        select(LinkRow.id).where(LinkRow.run_id == run_id, LinkRow.target_url.in_(problem)),
        select(LinkRow.id).where(
            LinkRow.id.between(first, last),
            LinkRow.run_id + 0 == run_id,  # `+ 0`: not through the index, in id order
            LinkRow.fragment != "",
        ),
    )
    rows = session.execute(
        select(
            LinkRow.source_url,
            LinkRow.target_url,
            LinkRow.element,
            LinkRow.attribute,
            LinkRow.text,
            LinkRow.fragment,
        )
        .where(LinkRow.id.in_(select(wanted.subquery().c.id)))
        .order_by(LinkRow.target_url, LinkRow.id)
    )
    return [LinkFacts(*row) for row in rows]


def _pages(
    session: Session, run_id: int, fragment_targets: list[str], cloaking: dict[str, Any]
) -> list[PageFacts]:
    """Pages as columns, not ORM objects, and of `facts` only what checks read: the whole JSON
    (anchors: up to 500 ids a page; date evidence) parsed for 20,000 pages was most of the
    checks' memory. Anchors matter only on pages a link names a fragment of."""
    rows = session.execute(
        select(
            *_PAGE_COLUMNS,
            PageRow.facts["elements"],
            PageRow.facts["security"],
            case((PageRow.is_home, PageRow.facts), else_=None),
        ).where(PageRow.run_id == run_id)
    )
    pages = [_page_facts(row, cloaking) for row in rows]
    if not fragment_targets:
        return pages
    facts: dict[str, Any] = {}
    for i in range(0, len(fragment_targets), 500):
        chunk = fragment_targets[i : i + 500]
        facts.update(
            session.execute(
                select(PageRow.url, PageRow.facts).where(
                    PageRow.run_id == run_id, PageRow.url.in_(chunk)
                )
            ).all()
        )
    return [
        replace(p, anchors=frozenset((facts[p.url] or {}).get("anchors", ())))
        if p.url in facts and not p.is_home
        else p
        for p in pages
    ]


def load_columns(session: Session, run_id: int) -> list[ColumnFacts]:
    return [
        ColumnFacts(
            name=c.name,
            canonical=c.canonical,
            category=c.category,
            url=c.url,
            parent=c.parent,
            source=c.source,
            newest_date=c.newest_date,
            item_count=c.item_count,
            empty_marker=c.empty_marker,
            external=c.external,
            year_uncertain=bool(c.year_uncertain),
            evidence=tuple(c.evidence or ()),
        )
        for c in session.scalars(
            select(ColumnRow).where(ColumnRow.run_id == run_id).order_by(ColumnRow.id)
        )
    ]


def _probes(session: Session, run: RunRow) -> list[dict[str, Any]]:
    """A month of samples: the availability check takes its own window (7 days by default)."""
    window_start = run.as_of - timedelta(days=PROBE_DAYS)
    return [
        {
            "at": p.at,
            "outcome": p.outcome,
            "status": p.status,
            "error": p.error,
            "final_url": p.final_url,
            "elapsed_ms": p.elapsed_ms,
            "as_of": p.as_of,
        }
        for p in session.scalars(
            select(ProbeRow).where(
                ProbeRow.site_id == run.site_id,
                or_(
                    and_(ProbeRow.at >= window_start, ProbeRow.at < run.as_of + timedelta(days=1)),
                    ProbeRow.as_of == run.as_of,  # a nightly's probes for this date, made later
                ),
            )
        )
    ]
