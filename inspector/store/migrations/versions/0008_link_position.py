"""Where on its page a link sits: navigation, content or footer.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

`link.position`: `nav` (inside nav/header/menu/breadcrumb markup), `footer` (footer/copyright
markup) or `content` (anywhere else), so that a report can tell a webmaster where on the page
to look for a broken link. Rows written before: "" (unknown).
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
        batch.add_column(sa.Column("position", sa.String(10), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("link") as batch:
        batch.drop_column("position")
