"""Each source's sentence boundaries, stored with the rules that found them, so that agreement,
co-occurrence, autocoding and the models at the sentence unit read them instead of computing
them again. Sources imported before stay NULL: their first reader computes and stores them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("sentences", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column(
                "sentence_rules",
                sa.String(length=32).with_variant(sa.Text(), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("sentence_rules")
        batch.drop_column("sentences")
