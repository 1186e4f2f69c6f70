"""Target notes are stored as a code with parameters, besides their text.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

`target.note_code` (a NoteCode, "" for free text such as an error message) and
`target.note_params` (JSON) let the reports word a note in the reader's language without
reading the English text back. Rows written before keep an empty code: their text is read as
before (inspector.vocabulary.legacy_note).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("target") as batch:
        batch.add_column(sa.Column("note_code", sa.String(40), nullable=False, server_default=""))
        batch.add_column(sa.Column("note_params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("target") as batch:
        batch.drop_column("note_params")
        batch.drop_column("note_code")
