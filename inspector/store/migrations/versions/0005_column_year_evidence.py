"""A column's newest date says whether its year is settled, with the items it was read from.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

`site_column.year_uncertain`: the newest item of the column's list page shows month and day
only and nothing (its URL, the page's generation time, full dates on the page, the item's own
page) settles its year; `newest_date` is then the most favourable reading and proves nothing
about freshness. `site_column.evidence` (JSON): the newest dated items as read (text, date,
rule, year, url) and the item page read to settle a year. Rows written before: settled, no
evidence.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site_column") as batch:
        batch.add_column(
            sa.Column("year_uncertain", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("evidence", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("site_column") as batch:
        batch.drop_column("evidence")
        batch.drop_column("year_uncertain")
