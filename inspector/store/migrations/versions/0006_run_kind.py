"""A run is a full inspection or a recheck of one.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

`run.kind`: `full` (a crawl of the whole site: every run written before) or `recheck` (only
what the open findings of a full run rest on was fetched again, see inspector/judge/recheck.py).
`run.base_run_id`: for a recheck, the full run it rechecks (no foreign key: pruning old runs
must not cascade into the rechecks that cite them).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("run") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=10), nullable=False, server_default="full")
        )
        batch.add_column(sa.Column("base_run_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("run") as batch:
        batch.drop_column("base_run_id")
        batch.drop_column("kind")
