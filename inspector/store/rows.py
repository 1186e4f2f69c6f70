"""Records (inspector.facts) as rows of the tables they are stored in (inspector.store.models).

The reverse, rows read back as records for the checks, is inspector/store/snapshot.py.
"""

from __future__ import annotations

from typing import Any

from inspector.facts import ColumnFacts, PageFacts, TargetFacts
from inspector.registry import Site


def page_row(run_id: int, page: PageFacts) -> dict[str, Any]:
    """A `page` row: the page's columns and its other facts as JSON."""
    return {
        "run_id": run_id,
        "url": page.url,
        "final_url": page.final_url,
        "status": page.status,
        "content_type": page.content_type,
        "size": page.size,
        "depth": page.depth,
        "title": page.title,
        "elapsed_ms": page.elapsed_ms,
        "is_home": page.is_home,
        "kind": str(page.kind),
        "pub_date": page.pub_date,
        "newest_item_date": page.newest_item_date,
        "meta_date": page.meta_date,
        "encoding_declared": page.encoding_declared,
        "encoding_used": page.encoding_used,
        "not_found_hint": page.not_found_hint,
        "fingerprint": page.fingerprint,
        "facts": page.facts,
    }


def target_row(run_id: int, target: TargetFacts) -> dict[str, Any]:
    """A `target` row: the outcome of one URL."""
    return {
        "run_id": run_id,
        "url": target.url,
        "internal": target.internal,
        "kind": str(target.kind),
        "method": target.method,
        "status": target.status,
        "reason": str(target.reason),
        "final_url": target.final_url,
        "redirects": list(target.redirects),
        "content_type": target.content_type,
        "size": target.size,
        "elapsed_ms": target.elapsed_ms,
        "note": target.note,
        "note_code": str(target.note_code),
        "note_params": dict(target.note_params) if target.note_params else None,
    }


def column_row(run_id: int, column: ColumnFacts) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "name": column.name,
        "canonical": column.canonical,
        "category": column.category,
        "url": column.url,
        "parent": column.parent or "",
        "source": column.source,
        "newest_date": column.newest_date,
        "item_count": column.item_count,
        "empty_marker": bool(column.empty_marker),
        "external": column.external,
        "year_uncertain": bool(column.year_uncertain),
        "evidence": list(column.evidence) or None,
    }


def site_row(site: Site, now: Any) -> dict[str, Any]:
    return {
        "site_id": site.site_id,
        "name": site.name,
        "url": site.url,
        "kind": site.kind,
        "status": site.status,
        "organizer": site.organizer,
        "site_code": site.site_code,
        "updated_at": now,
    }
