"""Attributes carry a type (text, number, date), so a sheet's dates and numbers order and compare
as such (``coder sources --where``, matrices, saturation); existing attributes are text.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _type() -> sa.types.TypeEngine:
    return sa.String(length=8).with_variant(sa.Text(), "postgresql")


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table in ("source_attributes", "case_attributes"):
        if any(c["name"] == "type" for c in inspector.get_columns(table)):
            continue  # a file whose version stamp was set back (tests do) keeps its column
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("type", _type(), nullable=False, server_default="text"))


def downgrade() -> None:
    for table in ("source_attributes", "case_attributes"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("type")
