"""Load one stored run into a SiteSnapshot, the only thing checks see."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from inspector.facts import ColumnFacts, LinkFacts, PageFacts, SiteInfo, SiteSnapshot, TargetFacts
from inspector.models import ColumnRow, LinkRow, PageRow, ProbeRow, RunRow, SiteRow, TargetRow

PROBE_DAYS = 31


def page_facts_of(row: PageRow) -> PageFacts:
    return PageFacts(
        url=row.url,
        final_url=row.final_url,
        status=row.status,
        content_type=row.content_type,
        size=row.size,
        depth=row.depth,
        title=row.title,
        elapsed_ms=row.elapsed_ms,
        is_home=row.is_home,
        kind=row.kind,
        pub_date=row.pub_date,
        newest_item_date=row.newest_item_date,
        meta_date=row.meta_date,
        encoding_declared=row.encoding_declared,
        encoding_used=row.encoding_used,
        not_found_hint=row.not_found_hint,
        fingerprint=row.fingerprint,
        elements=(row.facts or {}).get("elements", {}),
        anchors=frozenset((row.facts or {}).get("anchors", ())),
        date_evidence=tuple((row.facts or {}).get("dates", ())),
    )


def target_facts_of(row: TargetRow) -> TargetFacts:
    return TargetFacts(
        url=row.url,
        internal=row.internal,
        kind=row.kind,
        method=row.method,
        status=row.status,
        reason=row.reason,
        final_url=row.final_url,
        redirects=tuple(row.redirects or ()),
        content_type=row.content_type,
        size=row.size,
        elapsed_ms=row.elapsed_ms,
        note=row.note,
    )


def site_info_of(row: SiteRow) -> SiteInfo:
    return SiteInfo(row.site_id, row.name, row.url, row.kind, row.status, row.organizer, row.site_code)


def load_snapshot(session: Session, run_id: int) -> SiteSnapshot:
    run = session.get(RunRow, run_id)
    if run is None:
        raise LookupError(f"no run {run_id} in the database")
    site = session.get(SiteRow, run.site_id)
    pages = [page_facts_of(r) for r in session.scalars(select(PageRow).where(PageRow.run_id == run_id))]
    home = next((p for p in pages if p.is_home), None)
    targets = {
        r.url: target_facts_of(r)
        for r in session.scalars(select(TargetRow).where(TargetRow.run_id == run_id))
    }
    # Only the links checks need: the home page's, those pointing at a problem target, and
    # those naming a fragment (few): not every occurrence of a 20,000-page crawl.
    home_urls = [u for u in {site.url, home.url if home else "", home.final_url if home else ""} if u]
    problem = select(TargetRow.url).where(TargetRow.run_id == run_id, TargetRow.reason != "")
    link_rows = session.execute(
        select(
            LinkRow.source_url, LinkRow.target_url, LinkRow.element, LinkRow.attribute,
            LinkRow.text, LinkRow.fragment,
        ).where(
            LinkRow.run_id == run_id,
            or_(
                LinkRow.source_url.in_(home_urls),
                LinkRow.target_url.in_(problem),
                LinkRow.fragment != "",
            ),
        )
    )
    links = [LinkFacts(*row) for row in link_rows]
    columns = [
        ColumnFacts(
            name=c.name, canonical=c.canonical, category=c.category, url=c.url, parent=c.parent,
            source=c.source, newest_date=c.newest_date, item_count=c.item_count,
            empty_marker=c.empty_marker, external=c.external,
        )
        for c in session.scalars(select(ColumnRow).where(ColumnRow.run_id == run_id).order_by(ColumnRow.id))
    ]
    # A month of samples: the availability check takes its own window (7 days by default).
    window_start = run.as_of - timedelta(days=PROBE_DAYS)
    probes = [
        {"at": p.at, "outcome": p.outcome, "status": p.status, "error": p.error,
         "final_url": p.final_url, "elapsed_ms": p.elapsed_ms}  # fmt: skip
        for p in session.scalars(
            select(ProbeRow).where(
                ProbeRow.site_id == run.site_id,
                ProbeRow.at >= window_start,
                ProbeRow.at < run.as_of + timedelta(days=1),
            )
        )
    ]
    return SiteSnapshot(
        site=site_info_of(site),
        run_id=run.id,
        as_of=run.as_of,
        started_at=run.started_at,
        finish_reason=run.finish_reason,
        home=home,
        home_error=run.home_error,
        pages=pages,
        targets=targets,
        links=links,
        columns=columns,
        bounds_tripped=run.bounds_tripped or {},
        stats=run.stats or {},
        probes=probes,
    )
