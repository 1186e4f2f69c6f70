"""Where on its page a link sits.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

`link.position`: "nav" (navigation, header, menus, breadcrumbs), "footer" or "content", read from
the link's ancestors during the crawl; "" for links in the page's <head> and for links stored
before this revision (their position is unknown, and reports say nothing about it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("link") as batch:
        batch.add_column(
            sa.Column("position", sa.String(length=10), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("link") as batch:
        batch.drop_column("position")
