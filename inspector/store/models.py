"""SQLAlchemy 2.0 models: what a crawl saw and what the checks concluded.

Link occurrences reference pages and targets by URL text, not by id: the pipeline writes them
in batches without a round trip to learn ids, and a crash between batches leaves no dangling
foreign keys to repair.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# The head Alembic revision (inspector/store/migrations/versions/): bumped with every migration; the
# crawl refuses a database at another revision and says to run `inspector db upgrade`.
SCHEMA_VERSION = "0008"


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, list: JSON}


class SiteRow(Base):
    __tablename__ = "site"
    site_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    organizer: Mapped[str] = mapped_column(String(300), default="")
    site_code: Mapped[str] = mapped_column(String(20), default="")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)


class RunRow(Base):
    """One crawl of one site."""

    __tablename__ = "run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.site_id"), index=True)
    batch: Mapped[str] = mapped_column(String(64), default="", index=True)
    as_of: Mapped[date] = mapped_column(Date)
    rules: Mapped[str] = mapped_column(String(300), default="census2015")
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    # running | finished | interrupted | unreachable | skipped | closed
    status: Mapped[str] = mapped_column(String(20), default="running")
    finish_reason: Mapped[str] = mapped_column(String(100), default="")
    bounds_tripped: Mapped[dict] = mapped_column(JSON, default=dict)
    pages_crawled: Mapped[int] = mapped_column(Integer, default=0)
    targets_checked: Mapped[int] = mapped_column(Integer, default=0)
    stats: Mapped[dict] = mapped_column(JSON, default=dict)
    home_error: Mapped[str] = mapped_column(Text, default="")
    home_newest_date: Mapped[date | None] = mapped_column(Date)
    home_evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    check_errors: Mapped[dict] = mapped_column(JSON, default=dict)
    score: Mapped[float | None] = mapped_column(Float)
    verdict: Mapped[str | None] = mapped_column(String(30))
    verdict_detail: Mapped[dict] = mapped_column(JSON, default=dict)
    # full | recheck (0006): a recheck fetched again only what the open findings of the full
    # run `base_run_id` rest on (inspector/judge/recheck.py).
    kind: Mapped[str] = mapped_column(String(10), default="full", server_default="full")
    base_run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class PageRow(Base):
    __tablename__ = "page"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text, default="")
    elapsed_ms: Mapped[int | None] = mapped_column(Integer)
    is_home: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(20), default="other")
    pub_date: Mapped[date | None] = mapped_column(Date)
    newest_item_date: Mapped[date | None] = mapped_column(Date)
    meta_date: Mapped[date | None] = mapped_column(Date)
    encoding_declared: Mapped[str] = mapped_column(String(100), default="")
    encoding_used: Mapped[str] = mapped_column(String(50), default="")
    not_found_hint: Mapped[str] = mapped_column(String(100), default="")
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    facts: Mapped[dict] = mapped_column(JSON, default=dict)
    __table_args__ = (UniqueConstraint("run_id", "url", name="uq_page_run_url"),)


class TargetRow(Base):
    """One unique URL checked in a run (pages included: their fetch outcome lives here)."""

    __tablename__ = "target"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(10), default="GET")
    status: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(50), default="")
    final_url: Mapped[str] = mapped_column(Text, default="")
    redirects: Mapped[list] = mapped_column(JSON, default=list)
    content_type: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int | None] = mapped_column(BigInteger)
    elapsed_ms: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")  # the note as text (Note.text)
    # The note as a code (NoteCode; "" for free text) with its parameters.
    note_code: Mapped[str] = mapped_column(String(40), default="", server_default="")
    note_params: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    __table_args__ = (
        UniqueConstraint("run_id", "url", name="uq_target_run_url"),
        Index("ix_target_run_reason", "run_id", "reason"),
    )


class LinkRow(Base):
    """One link occurrence on a crawled page."""

    __tablename__ = "link"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"))
    source_url: Mapped[str] = mapped_column(Text)
    target_url: Mapped[str] = mapped_column(Text)
    element: Mapped[str] = mapped_column(String(20))
    attribute: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    fragment: Mapped[str] = mapped_column(Text, default="")
    # nav | content | footer; "" in <head> and for links stored before 0008
    position: Mapped[str] = mapped_column(String(10), default="", server_default="")
    __table_args__ = (
        Index("ix_link_run_target", "run_id", "target_url"),
        Index("ix_link_run_source", "run_id", "source_url"),
    )


class ColumnRow(Base):
    __tablename__ = "site_column"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    canonical: Mapped[str] = mapped_column(String(100), default="")
    category: Mapped[str] = mapped_column(String(30), default="other")
    url: Mapped[str] = mapped_column(Text)
    parent: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(20), default="nav")
    newest_date: Mapped[date | None] = mapped_column(Date)
    item_count: Mapped[int | None] = mapped_column(Integer)
    empty_marker: Mapped[bool] = mapped_column(Boolean, default=False)
    external: Mapped[bool] = mapped_column(Boolean, default=False)
    year_uncertain: Mapped[bool] = mapped_column(Boolean, default=False)  # 0005
    evidence: Mapped[list | None] = mapped_column(JSON, nullable=True)  # 0005


class BoardRow(Base):
    """One message board (政务咨询类栏目) of a run and what was read of it."""

    __tablename__ = "board"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(Text)
    list_url: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="consult")  # consult | excluded
    excluded_by: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(20), default="")
    list_pages: Mapped[int] = mapped_column(Integer, default=0)
    detail_pages: Mapped[int] = mapped_column(Integer, default=0)
    unreadable: Mapped[str] = mapped_column(String(30), default="")
    empty_marker: Mapped[str] = mapped_column(String(100), default="")
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[list] = mapped_column(JSON, default=list)


class MessageRow(Base):
    """One public message of a board, as read from its list row and its own page."""

    __tablename__ = "message"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"))
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text, default="")
    list_url: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    asker: Mapped[str] = mapped_column(String(100), default="")
    asked: Mapped[date | None] = mapped_column(Date)
    answered: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(40), default="")
    state: Mapped[str] = mapped_column(String(20), default="unknown")
    reply_unit: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(10), default="list")
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    __table_args__ = (Index("ix_message_run_board", "run_id", "board_id"),)


class FindingRow(Base):
    __tablename__ = "finding"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[str] = mapped_column(String(100), index=True)
    check: Mapped[str] = mapped_column(String(50))
    severity: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    identity: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[date | None] = mapped_column(Date)
    tracking: Mapped[str] = mapped_column(String(20), default="new")  # new | open
    __table_args__ = (Index("ix_finding_site_identity", "site_id", "identity"),)


class ReviewRow(Base):
    """A person's decision on a finding (`inspector review`): confirmed or dismissed (a false
    positive), for every run of the site that shows the same finding (its tracking identity)."""

    __tablename__ = "review"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(100))
    identity: Mapped[str] = mapped_column(Text)
    check: Mapped[str] = mapped_column(String(50))
    decision: Mapped[str] = mapped_column(String(20))  # confirmed | dismissed
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(100), default="")
    decided_at: Mapped[datetime] = mapped_column(DateTime)
    run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the run it was made on
    # What the person saw (e.g. the hidden targets): a dismissal does not cover evidence added
    # later (a new gambling link on a page whose old hidden link was a false positive).
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    __table_args__ = (UniqueConstraint("site_id", "identity", name="uq_review_site_identity"),)


class ProbeRow(Base):
    """One availability sample of a site's home page (inspector probe)."""

    __tablename__ = "probe"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(30))  # ok | <reason class>
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text, default="")
    elapsed_ms: Mapped[int | None] = mapped_column(Integer)
    final_url: Mapped[str] = mapped_column(Text, default="")
    # The as-of date a nightly took this sample for (None: a scheduled `inspector probe`). A
    # nightly re-run days later must judge its closed sites on the probes it made for its date.
    as_of: Mapped[date | None] = mapped_column(Date, nullable=True)
    __table_args__ = (Index("ix_probe_site_at", "site_id", "at"),)
