"""Where a finding sits: the pages that carry the link it is about, with the link's text and its
position on the page (navigation, content, footer), read from the stored link occurrences. A
link finding sits on the pages it names; a column's finding where the home page links to the
column.

Reports and exports both show this (所在页面, 链接文字, 位置); they read it here so that they say
the same thing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.store.models import LinkRow, PageRow

POSITIONS = ("nav", "content", "footer")  # link.position values; "" when unknown or in <head>
_BATCH = 500  # URLs per IN (...) list


@dataclass(frozen=True, slots=True)
class LinkPlace:
    """One occurrence of a link: on `page` (titled `title`), reading `text`, in `position`."""

    page: str
    title: str
    text: str
    position: str


def finding_sources(detail: Mapping[str, Any] | None) -> list[str]:
    """The pages a finding records it was found on (`sources` of link findings), in its order."""
    sources = (detail or {}).get("sources")
    if not isinstance(sources, list):
        return []
    return [s for s in sources if isinstance(s, str)]


def finding_places(
    session: Session,
    run_id: int,
    site_url: str,
    findings: Sequence[tuple[str, Mapping[str, Any] | None]],
) -> list[list[LinkPlace]]:
    """For each (url, detail) of a run's findings, where it sits: a link finding on the pages
    its detail names (`sources`); a column's finding (its detail names the `column`) where the
    home page links to the column, when it does; any other finding nowhere ([])."""
    home = home_urls(session, run_id, site_url)
    wanted = []
    for url, detail in findings:
        sources = finding_sources(detail)
        if not sources and isinstance((detail or {}).get("column"), str):
            sources = home
        wanted.append((url, sources))
    return link_places(session, run_id, wanted)


def home_urls(session: Session, run_id: int, site_url: str) -> list[str]:
    """The home page of a run as registered and as finally fetched (after redirects)."""
    row = session.execute(
        select(PageRow.url, PageRow.final_url).where(
            PageRow.run_id == run_id, PageRow.is_home.is_(True)
        )
    ).first()
    return list(dict.fromkeys(u for u in (site_url, *(row or ())) if u))


def link_places(
    session: Session, run_id: int, findings: Iterable[tuple[str, Sequence[str]]]
) -> list[list[LinkPlace]]:
    """For each (url, sources) of a finding about a link target: the occurrences of links to
    that URL (without its #fragment) on those source pages, in the order of the sources (the
    checks put the home page first), one per page and position. Findings without sources get []."""
    wanted = [(url.partition("#")[0], list(sources)) for url, sources in findings]
    targets = sorted({url for url, sources in wanted if sources})
    found: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for i in range(0, len(targets), _BATCH):
        rows = session.execute(
            select(LinkRow.target_url, LinkRow.source_url, LinkRow.text, LinkRow.position)
            .where(LinkRow.run_id == run_id, LinkRow.target_url.in_(targets[i : i + _BATCH]))
            .order_by(LinkRow.id)
        )
        for target, source, text, position in rows:
            found[target][source].append((text or "", position or ""))
    titles = _titles(session, run_id, {s for _, sources in wanted for s in sources})
    result = []
    for url, sources in wanted:
        places = []
        for source in sources:
            seen: set[str] = set()
            for text, position in found.get(url, {}).get(source, []):
                if position in seen:
                    continue
                seen.add(position)
                places.append(LinkPlace(source, titles.get(source, ""), text, position))
        result.append(places)
    return result


def _titles(session: Session, run_id: int, urls: set[str]) -> dict[str, str]:
    ordered = sorted(urls)
    titles: dict[str, str] = {}
    for i in range(0, len(ordered), _BATCH):
        chunk = ordered[i : i + _BATCH]
        for url, final_url, title in session.execute(
            select(PageRow.url, PageRow.final_url, PageRow.title).where(
                PageRow.run_id == run_id, PageRow.url.in_(chunk)
            )
        ):
            titles[url] = title or ""
            titles.setdefault(final_url, title or "")
    return titles
