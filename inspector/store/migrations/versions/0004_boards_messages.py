"""Message boards and their messages (互动回应, issue 14).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

`board`: one row per message board of a run (领导信箱, 咨询投诉 …; excluded ones such as
在线访谈 are listed with `kind = "excluded"`), with what its page budget allowed to read.
`message`: one row per public message read, with its asked and answered dates and the state the
reader concluded (answered | unanswered | invalid | unknown). Both go with their run (CASCADE).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "board",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "run_id", sa.Integer(), sa.ForeignKey("run.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("list_url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("excluded_by", sa.String(100), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("list_pages", sa.Integer(), nullable=False),
        sa.Column("detail_pages", sa.Integer(), nullable=False),
        sa.Column("unreadable", sa.String(30), nullable=False),
        sa.Column("empty_marker", sa.String(100), nullable=False),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
    )
    op.create_index("ix_board_run_id", "board", ["run_id"])
    op.create_table(
        "message",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column(
            "run_id", sa.Integer(), sa.ForeignKey("run.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "board_id", sa.Integer(), sa.ForeignKey("board.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("list_url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("asker", sa.String(100), nullable=False),
        sa.Column("asked", sa.Date(), nullable=True),
        sa.Column("answered", sa.Date(), nullable=True),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("reply_unit", sa.String(100), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
    )
    op.create_index("ix_message_run_board", "message", ["run_id", "board_id"])


def downgrade() -> None:
    op.drop_index("ix_message_run_board", table_name="message")
    op.drop_table("message")
    op.drop_index("ix_board_run_id", table_name="board")
    op.drop_table("board")
