"""Probe samples remember the as-of date a nightly took them for.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

A nightly for as-of date T that runs (or resumes) after T stamps its closed-site probes with the
wall clock; `probe.as_of` = T makes them count for T. Scheduled probes leave it NULL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("probe") as batch:
        batch.add_column(sa.Column("as_of", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("probe") as batch:
        batch.drop_column("as_of")
