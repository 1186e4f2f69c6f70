"""A person's decisions on findings (`inspector review`): read and written by site and identity."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from inspector.store.models import ReviewRow


def site_reviews(session: Session, site_id: str) -> dict[str, ReviewRow]:
    """identity → the decision on it, for one site."""
    rows = session.scalars(select(ReviewRow).where(ReviewRow.site_id == site_id))
    return {row.identity: row for row in rows}


def save_review(
    session: Session,
    *,
    site_id: str,
    identity: str,
    check: str,
    decision: str,
    note: str,
    reviewer: str,
    at: datetime,
    run_id: int | None,
    evidence: Mapping[str, Any],
) -> ReviewRow:
    """Record (or replace) the decision on one finding of a site; the caller commits."""
    row = session.scalars(
        select(ReviewRow).where(ReviewRow.site_id == site_id, ReviewRow.identity == identity)
    ).first()
    if row is None:
        row = ReviewRow(site_id=site_id, identity=identity)
        session.add(row)
    row.check = check
    row.decision = decision
    row.note = note
    row.reviewer = reviewer
    row.decided_at = at
    row.run_id = run_id
    row.evidence = dict(evidence)
    return row


def drop_review(session: Session, site_id: str, identity: str) -> int:
    """Forget the decision on one finding (it is judged again as found); the caller commits."""
    result = session.execute(
        delete(ReviewRow).where(ReviewRow.site_id == site_id, ReviewRow.identity == identity)
    )
    return int(getattr(result, "rowcount", 0) or 0)
