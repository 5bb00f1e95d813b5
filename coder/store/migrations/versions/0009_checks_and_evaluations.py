"""Machine assistance on the record: a person's verdict on a machine coding drawn for a random
check (``coder suggest --check``), from which the model's precision is estimated; and each
evaluation of the model as a second coder (``coder suggest --evaluate``), so exports can cite the
latest figures.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _str(length: int) -> sa.types.TypeEngine:
    return sa.String(length=length).with_variant(sa.Text(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coding_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("model", _str(64), nullable=False, server_default=""),
        sa.Column("machine", _str(200), nullable=False),
        sa.Column("verdict", _str(12), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["coder_id"], ["coders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("coding_id", "coder_id", name="uq_check"),
        sa.CheckConstraint("verdict IN ('confirmed', 'refuted')", name="ck_check_verdict"),
    )
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model", _str(64), nullable=False),
        sa.Column("unit", _str(16), nullable=False),
        sa.Column("trained_on", sa.Text(), nullable=False, server_default=""),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["coder_id"], ["coders.id"]),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("evaluations")
    op.drop_table("checks")
