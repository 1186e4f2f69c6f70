"""Initial schema: every table of inspector/models.py as of the core crawler (issue 2).

Revision ID: 0001
Revises:
Create Date: 2026-11-28

Tables: site (registry), run (one crawl of one site), page, target, link, site_column, finding,
probe (availability samples). Link rows reference pages and targets by URL text (see models.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Row ids of the big tables are 64-bit on PostgreSQL; SQLite needs INTEGER for its rowid alias.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "site",
        sa.Column("site_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("organizer", sa.String(length=300), nullable=False),
        sa.Column("site_code", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("site_id"),
    )
    op.create_table(
        "run",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=100), nullable=False),
        sa.Column("batch", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("rules", sa.String(length=300), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("finish_reason", sa.String(length=100), nullable=False),
        sa.Column("bounds_tripped", sa.JSON(), nullable=False),
        sa.Column("pages_crawled", sa.Integer(), nullable=False),
        sa.Column("targets_checked", sa.Integer(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.Column("home_error", sa.Text(), nullable=False),
        sa.Column("home_newest_date", sa.Date(), nullable=True),
        sa.Column("home_evidence", sa.JSON(), nullable=False),
        sa.Column("check_errors", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("verdict", sa.String(length=30), nullable=True),
        sa.Column("verdict_detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.site_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_run_batch", "run", ["batch"])
    op.create_index("ix_run_site_id", "run", ["site_id"])

    op.create_table(
        "page",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("elapsed_ms", sa.Integer(), nullable=True),
        sa.Column("is_home", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("pub_date", sa.Date(), nullable=True),
        sa.Column("newest_item_date", sa.Date(), nullable=True),
        sa.Column("meta_date", sa.Date(), nullable=True),
        sa.Column("encoding_declared", sa.String(length=100), nullable=False),
        sa.Column("encoding_used", sa.String(length=50), nullable=False),
        sa.Column("not_found_hint", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "url", name="uq_page_run_url"),
    )

    op.create_table(
        "target",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=50), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=False),
        sa.Column("redirects", sa.JSON(), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("elapsed_ms", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "url", name="uq_target_run_url"),
    )
    op.create_index("ix_target_run_reason", "target", ["run_id", "reason"])

    op.create_table(
        "link",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("target_url", sa.Text(), nullable=False),
        sa.Column("element", sa.String(length=20), nullable=False),
        sa.Column("attribute", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("fragment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_link_run_source", "link", ["run_id", "source_url"])
    op.create_index("ix_link_run_target", "link", ["run_id", "target_url"])

    op.create_table(
        "site_column",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("canonical", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("parent", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("newest_date", sa.Date(), nullable=True),
        sa.Column("item_count", sa.Integer(), nullable=True),
        sa.Column("empty_marker", sa.Boolean(), nullable=False),
        sa.Column("external", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_site_column_run_id", "site_column", ["run_id"])

    op.create_table(
        "finding",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=100), nullable=False),
        sa.Column("check", sa.String(length=50), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=True),
        sa.Column("tracking", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_finding_run_id", "finding", ["run_id"])
    op.create_index("ix_finding_site_id", "finding", ["site_id"])
    op.create_index("ix_finding_site_identity", "finding", ["site_id", "identity"])

    op.create_table(
        "probe",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("site_id", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("elapsed_ms", sa.Integer(), nullable=True),
        sa.Column("final_url", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_probe_site_at", "probe", ["site_id", "at"])


def downgrade() -> None:
    for table in ("probe", "finding", "site_column", "link", "target", "page", "run", "site"):
        op.drop_table(table)
