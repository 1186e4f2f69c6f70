"""A person's decisions on findings (`inspector review`, issue 15).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

`review`: one row per site and finding identity (the tracking identity, `check|site|key`):
`decision` confirmed | dismissed (a false positive), the reviewer's `note`, who and when, the
run it was made on, and the `evidence` the person saw (e.g. the hidden targets), so that a
dismissal does not cover evidence added later. Decisions outlive runs: no foreign key to a run.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site_id", sa.String(100), nullable=False),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("check", sa.String(50), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(100), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.UniqueConstraint("site_id", "identity", name="uq_review_site_identity"),
    )


def downgrade() -> None:
    op.drop_table("review")
