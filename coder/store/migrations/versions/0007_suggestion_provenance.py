"""Machine assistance: where a coding came from (by hand, an accepted suggestion, or a model's
confirmation run), with the model's version and score; and rejected suggestions, kept as
negative evidence ("not this code here") that training reads.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _str(length: int) -> sa.types.TypeEngine:
    return sa.String(length=length).with_variant(sa.Text(), "postgresql")


def upgrade() -> None:
    # Added columns with defaults: every coding made before is by hand (origin '').
    with op.batch_alter_table("codings") as batch:
        batch.add_column(sa.Column("origin", _str(16), nullable=False, server_default=""))
        batch.add_column(sa.Column("model", _str(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("score", sa.Float(), nullable=True))
    op.create_table(
        "rejections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("model", _str(64), nullable=False, server_default=""),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("created", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["coder_id"], ["coders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "source_id", "code_id", "coder_id", "start", "end", name="uq_rejection"
        ),
        sa.CheckConstraint('0 <= start AND start < "end"', name="ck_rejection_span"),
    )


def downgrade() -> None:
    op.drop_table("rejections")
    with op.batch_alter_table("codings") as batch:
        batch.drop_column("score")
        batch.drop_column("model")
        batch.drop_column("origin")
